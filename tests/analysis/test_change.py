"""Change between overlapping waves in a stacked design, and Holm's adjustment, against R
(results/change.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mel.analysis import Design, DesignError, difference, holm, p_value, stack_waves

from .helpers import assert_estimate, data
from .results import change as R

STACKED = {
    "waves": lambda: Design(data("waves"), weights="w", strata="stype", psu="snum", fpc="fpc"),
    "waves_clus": lambda: Design(data("waves_clus"), weights="pw", psu="dnum", fpc="fpc"),
}
STATISTICS = {
    "mean": ("y", "mean", None),
    "total": ("y", "total", None),
    "prop": ("high", "proportion", 1),
}


@pytest.mark.parametrize("stat", list(STATISTICS))
@pytest.mark.parametrize("name", list(STACKED))
def test_change_with_the_panel_covariance_matches_r(name: str, stat: str) -> None:
    d = STACKED[name]()
    variable, statistic, level = STATISTICS[stat]
    ref = getattr(R, f"{name}_{stat}_change")
    change = d.difference_by(variable, "wave", 2000, 1999, statistic=statistic, level=level)
    assert_estimate(change, ref, fields=("estimate", "se", "ci_low", "ci_high", "df"))
    assert p_value(change) == pytest.approx(ref["p_value"], rel=1e-6)
    same = d.contrast(variable, "wave", {1999: -1, 2000: 1}, statistic=statistic, level=level)
    assert (same.estimate, same.se) == pytest.approx((change.estimate, change.se), rel=1e-12)
    table = (
        d.mean(variable, by="wave")
        if statistic == "mean"
        else d.total(variable, by="wave")
        if statistic == "total"
        else d.proportion(variable, level, by="wave")
    )
    np.testing.assert_allclose(table.cov.ravel(), ref["vcov"], rtol=1e-6)
    np.testing.assert_allclose([e.estimate for e in table.values()], ref["waves"], rtol=1e-9)
    # independent samples would add the variances: far less precise for a panel
    apart = difference(table[2000], table[1999])
    assert apart.estimate == pytest.approx(change.estimate)
    if statistic != "total":  # the waves' totals are barely correlated in this fixture
        assert apart.se > 1.4 * change.se


def test_counts_change_like_totals_of_the_indicator() -> None:
    d = STACKED["waves"]()
    count = d.difference_by("high", "wave", 2000, 1999, statistic="count", level=1)
    total = d.difference_by("high", "wave", 2000, 1999, statistic="total")
    assert (count.estimate, count.se) == pytest.approx((total.estimate, total.se), rel=1e-12)


def test_stack_waves_builds_the_stacked_frame() -> None:
    waves = data("waves")
    parts = {w: part.drop(columns="wave") for w, part in waves.groupby("wave")}
    stacked = stack_waves(parts)
    assert list(stacked["wave"].unique()) == [1999, 2000] and len(stacked) == len(waves)
    d = Design(stacked, weights="w", strata="stype", psu="snum", fpc="fpc")
    assert_estimate(
        d.difference_by("y", "wave", 2000, 1999),
        R.waves_mean_change,
        fields=("estimate", "se", "ci_low", "ci_high", "df"),
    )
    with pytest.raises(DesignError, match="already has a column"):
        stack_waves({1: waves})
    with pytest.raises(DesignError, match="at least one wave"):
        stack_waves({})
    with pytest.raises(DesignError, match="statistic must be one of"):
        d.difference_by("y", "wave", 2000, 1999, statistic="median")
    with pytest.raises(DesignError, match="not in the table"):
        d.difference_by("y", "wave", 2001, 1999)


def test_holm_matches_p_adjust() -> None:
    np.testing.assert_allclose(holm(R.holm_small["p"]), R.holm_small["adjusted"], rtol=1e-12)
    np.testing.assert_allclose(
        holm(np.array(R.holm_changes["p"])), R.holm_changes["adjusted"], rtol=1e-12
    )
    named = holm({"a": 0.01, "b": 0.04, "c": math.nan})
    assert named["a"] == pytest.approx(0.02) and named["b"] == 0.04 and math.isnan(named["c"])
    assert holm([]).shape == (0,)
    with pytest.raises(DesignError, match=r"in \[0, 1\]"):
        holm([0.5, 1.5])


def test_holm_of_the_changes_matches_r() -> None:
    pvalues = []
    for name in STACKED:
        d = STACKED[name]()
        for stat in STATISTICS:
            variable, statistic, level = STATISTICS[stat]
            pvalues.append(
                p_value(
                    d.difference_by(variable, "wave", 2000, 1999, statistic=statistic, level=level)
                )
            )
    np.testing.assert_allclose(holm(pvalues), R.holm_changes["adjusted"], rtol=1e-6)
