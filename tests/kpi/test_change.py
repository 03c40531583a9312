"""Change between waves: the overlap where units repeat, independent where none does, and
Holm's adjustment over all change tests of a wave."""

from __future__ import annotations

import pandas as pd
import pytest

from mel.analysis.change import holm
from mel.analysis.results import difference
from mel.kpi.change import stack_waves, wave_change
from mel.kpi.frames import design_for, estimate_kpi
from mel.surveys.programme_schema import Kpi

from .test_evaluate import evaluated  # noqa: F401  (the fixture)

KPI = Kpi.model_validate(
    {
        "code": "y",
        "label": {"nl": "y"},
        "definition": {"nl": "y"},
        "node": "p.n",
        "estimator": "mean",
        "instrument": "i",
        "question": "y",
    }
)


def _frame(units: list[str], values: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit": units,
            "stratum": ["a", "a", "b", "b"],
            "fpc_units": 10.0,
            "weight": 5.0,
            "y": values,
        }
    )


def test_waves_without_a_common_unit_are_independent() -> None:
    now, before = (
        _frame(["u1", "u2", "u3", "u4"], [1, 2, 3, 5]),
        _frame(["v1", "v2", "v3", "v4"], [2, 2, 4, 1]),
    )
    est = [estimate_kpi(design_for(d), KPI) for d in (now, before)]
    change = wave_change(KPI, ("2025", "2023"), (now, before), (est[0], est[1]))
    assert not change.paired and change.common_units == 0
    assert change.difference.se == pytest.approx(difference(est[0], est[1]).se)


def test_repeated_units_make_the_change_paired() -> None:
    now, before = (
        _frame(["u1", "u2", "u3", "u4"], [1, 2, 3, 5]),
        _frame(["u1", "u2", "u3", "u4"], [1.5, 2.5, 3, 5.5]),
    )
    est = [estimate_kpi(design_for(d), KPI) for d in (now, before)]
    change = wave_change(KPI, ("2025", "2023"), (now, before), (est[0], est[1]))
    assert change.paired and change.common_units == 4
    # strongly correlated units: far more precise than two independent samples
    assert change.difference.se < difference(est[0], est[1]).se / 3


def test_changes_are_holm_adjusted(evaluated) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    _, results = evaluated
    changed = {code: r.change for code, r in results.items() if r.change is not None}
    assert len(changed) >= 3
    adjusted = holm({code: c.p for code, c in changed.items()})
    for code, c in changed.items():
        assert c.p_holm == pytest.approx(adjusted[code])


def test_a_total_changes_by_the_wave_by_stratum_means() -> None:
    total = KPI.model_copy(update={"code": "t", "estimator": "total"})
    now = _frame(["u1", "u2", "u3", "u4"], [10, 20, 30, 50])
    before = _frame(["u1", "u2", "u3", "u4"], [12, 18, 33, 44])
    est = [estimate_kpi(design_for(d), total) for d in (now, before)]
    change = wave_change(total, ("2025", "2023"), (now, before), (est[0], est[1]))
    assert change.paired
    assert change.difference.estimate == pytest.approx(est[0].estimate - est[1].estimate)
    # the units' totals hardly move: far tighter than two independent samples
    assert change.difference.se < difference(est[0], est[1]).se / 2


# R (survey 4.1), tests/kpi/data/change.R on change.csv (two waves sharing 9 units, two
# item-missing answers in the current wave):
#   design <- svydesign(ids = ~unit, strata = ~stratum, weights = ~weight, data = stacked)
#   answered <- subset(design, !is.na(y))
#   svycontrast(svyby(~y, ~wave, answered, svymean, covmat = TRUE), c(-1, 1))
#   svycontrast(svyby(~y, ~wave + stratum, answered, svymean, covmat = TRUE), c_h)
R_MEAN_CHANGE = (4.8145112782, 8.9659448131)
R_TOTAL_CHANGE = (509.7300000000, 553.4850216397)
R_STACKED_DF = 13


def _waves() -> tuple[pd.DataFrame, pd.DataFrame]:
    from pathlib import Path

    stacked = pd.read_csv(Path(__file__).parent / "data" / "change.csv", dtype={"wave": str})
    stacked["fpc_units"] = 1e6  # no fpc in the stacked design
    now, before = (
        stacked[stacked["wave"] == w].drop(columns="wave").reset_index(drop=True)
        for w in ("2025", "2023")
    )
    return now, before


@pytest.mark.parametrize(
    ("estimator", "expected"), [("mean", R_MEAN_CHANGE), ("total", R_TOTAL_CHANGE)]
)
def test_the_paired_change_matches_r(estimator: str, expected: tuple[float, float]) -> None:
    from mel.kpi.variables import add_kpi_variable

    kpi = KPI.model_copy(update={"estimator": estimator})
    now, before = (add_kpi_variable(d, kpi, None) for d in _waves())  # type: ignore[arg-type]
    est = [estimate_kpi(design_for(d), kpi) for d in (now, before)]
    change = wave_change(kpi, ("2025", "2023"), (now, before), (est[0], est[1]))
    assert change.paired and change.common_units == 9
    diff = change.difference
    assert (diff.estimate, diff.se) == pytest.approx(expected, rel=1e-9)
    assert diff.df == R_STACKED_DF
    # the change is the difference of the published figures, item-missing answers scaled
    assert diff.estimate == pytest.approx(est[0].estimate - est[1].estimate, rel=1e-12)


@pytest.mark.parametrize("estimator", ["mean", "total"])
def test_an_imputed_change_is_the_difference_of_the_published_figures(estimator: str) -> None:
    from mel.kpi.variables import add_kpi_variable

    kpi = KPI.model_copy(update={"estimator": estimator, "missing": "impute"})
    now, before = (add_kpi_variable(d, kpi, None) for d in _waves())  # type: ignore[arg-type]
    est = [estimate_kpi(design_for(d), kpi) for d in (now, before)]
    change = wave_change(kpi, ("2025", "2023"), (now, before), (est[0], est[1]))
    assert change.paired
    assert change.difference.estimate == pytest.approx(est[0].estimate - est[1].estimate)
    assert change.difference.se < difference(est[0], est[1]).se


def test_one_stacked_design_serves_every_kpi_of_the_instrument() -> None:
    now = _frame(["u1", "u2", "u3", "u4"], [1, 2, 3, 5]).assign(z=[4.0, 1.0, 2.0, 2.0])
    before = _frame(["u1", "u2", "u3", "v4"], [1.5, 2.5, 3, 5.5])  # no z in this wave
    waves, data = ("2025", "2023"), (now, before)
    shared = stack_waves(waves, data)
    ratio = KPI.model_copy(update={"code": "r", "estimator": "ratio", "denominator": "z"})
    total = KPI.model_copy(update={"code": "t", "estimator": "total"})
    for kpi in (KPI, total, ratio):
        est = [estimate_kpi(design_for(d), kpi) for d in data if "z" in d or kpi is not ratio]
        if len(est) < 2:
            est = [est[0], est[0]]
        alone = wave_change(kpi, waves, data, (est[0], est[1]))
        reused = wave_change(kpi, waves, data, (est[0], est[1]), shared)
        assert (reused.paired, reused.common_units) == (alone.paired, alone.common_units)
        for name in ("estimate", "se", "df"):
            assert getattr(reused.difference, name) == pytest.approx(
                getattr(alone.difference, name), rel=1e-12, nan_ok=True
            ), (kpi.code, name)
    assert shared.common_units == 3 and shared.design is not None
