"""Post-stratified, raked and nonresponse-adjusted designs against R (results/calibrated.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from mel.analysis import Design, DesignError, DesignWarning

from .helpers import (
    POP_SCHWIDE,
    POP_TYPES,
    assert_estimate,
    assert_matches,
    calibrated,
    data,
    design,
)
from .results import calibrated as R

CALIBRATED = ["clus1_ps", "clus2_ps", "strat_ps", "clus1_rake", "strat_rake", "clus1_rake_tight"]
Ask = Callable[[Design], Any]


def _cases() -> list[tuple[str, str, Ask]]:
    cases: list[tuple[str, str, Ask]] = []
    for dn in CALIBRATED:
        cases += [
            (dn, f"{dn}_mean_api00", lambda d: d.mean("api00")),
            (dn, f"{dn}_mean_api00_by_stype", lambda d: d.mean("api00", by="stype")),
            (dn, f"{dn}_mean_api00_by_awards", lambda d: d.mean("api00", by="awards")),
            (dn, f"{dn}_total_enroll", lambda d: d.total("enroll")),
            (dn, f"{dn}_total_enroll_by_stype", lambda d: d.total("enroll", by="stype")),
            (dn, f"{dn}_ratio_api_stu_enroll", lambda d: d.ratio("api_stu", "enroll")),
            (dn, f"{dn}_quantile_api00_q050", lambda d: d.quantile("api00", 0.5)),
            (
                dn,
                f"{dn}_quantile_api00_q050_by_stype",
                lambda d: d.quantile("api00", 0.5, by="stype"),
            ),
            (dn, f"{dn}_mean_acs_46", lambda d: d.mean("acs_46")),
            (dn, f"{dn}_mean_acs_46_by_stype", lambda d: d.mean("acs_46", by="stype")),
        ]
        for m in ("logit", "likelihood", "beta", "xlogit"):
            cases += [
                (
                    dn,
                    f"{dn}_prop_comp_imp_{m}",
                    lambda d, m=m: d.proportion("comp_imp", "Yes", method=m),
                ),
                (
                    dn,
                    f"{dn}_prop_comp_imp_{m}_by_stype",
                    lambda d, m=m: d.proportion("comp_imp", "Yes", method=m, by="stype"),
                ),
            ]
    return cases


CASES = _cases()


@pytest.mark.parametrize(("design_name", "ref_name", "ask"), CASES, ids=[c[1] for c in CASES])
def test_matches_r(design_name: str, ref_name: str, ask: Ask) -> None:
    ref = getattr(R, ref_name)
    result = ask(calibrated(design_name))
    assert_matches(result, ref, ref_name)


@pytest.mark.parametrize("name", CALIBRATED)
def test_calibrated_weights_match_r(name: str) -> None:
    d = calibrated(name)
    np.testing.assert_allclose(d.weights, getattr(R, f"{name}_weights")["weights"], rtol=1e-9)
    assert d.is_calibrated


def test_poststratified_totals_hit_the_population() -> None:
    d = calibrated("clus1_ps")
    w = d.weights
    stype = d.data["stype"].to_numpy()
    for level, count in POP_TYPES.items():
        assert w[stype == level].sum() == pytest.approx(count)


def test_nonresponse_adjustment_matches_r_linearisation() -> None:
    d = design("strat").adjust_nonresponse("responded", "stype")
    np.testing.assert_allclose(d.weights, R.strat_nonresponse_weights["weights"], rtol=1e-12)
    est = d.mean("api00")
    ref = R.strat_nonresponse_mean_api00
    assert_estimate(est, ref, fields=("estimate", "se", "df"))
    # nonrespondents keep zero weight but stay in the design
    assert d.n == 200 and est.n == ref["n"]


def test_nonresponse_needs_respondents_in_every_class() -> None:
    df = data("apistrat")
    df["responded"] = np.where(df["stype"] == "H", 0, 1)
    d = Design(df, weights="pw", strata="stype", fpc="fpc")
    with pytest.raises(DesignError, match="no respondents"):
        d.adjust_nonresponse("responded")


def test_calibration_errors_name_the_problem() -> None:
    d = design("clus1")
    with pytest.raises(DesignError, match="lacks sampled cell"):
        d.poststratify("stype", {"E": 4421, "H": 755})
    with pytest.raises(DesignError, match="no sampled rows"):
        d.poststratify("stype", {**POP_TYPES, "X": 3})
    assert d.poststratify("stype", {**POP_TYPES, "X": 3}, partial=True).is_calibrated
    with pytest.raises(DesignError, match="not in the data"):
        d.poststratify("nope", POP_TYPES)
    with pytest.warns(DesignWarning, match="did not converge"):
        d.rake({"stype": POP_TYPES, "sch_wide": POP_SCHWIDE}, maxit=1, epsilon=1e-12)


def test_calibration_returns_new_designs() -> None:
    d = design("clus1")
    before = d.weights
    d.poststratify("stype", POP_TYPES)
    np.testing.assert_array_equal(d.weights, before)
    assert not d.is_calibrated
    with pytest.raises(AttributeError):
        d.lonely_psu = "adjust"  # type: ignore[misc]
    with pytest.raises(ValueError):
        d.weights_view[0] = 1.0
