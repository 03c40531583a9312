"""Calibration to population totals (GREG and raking, bounds) against R's ``calibrate``
(results/calibrate.py)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from mel.analysis import Design, DesignError, DesignWarning

from .helpers import POP_SCHWIDE, POP_TYPES, assert_estimate, assert_matches, data, design
from .results import calibrate as R

ENROLL = 3811472.0
SE = {"stype": POP_TYPES, "enroll": ENROLL}
SA = {"stype": POP_TYPES, "api_stu": R.api_stu_total["total"]}


def _spps() -> Design:
    return Design(data("apipps"), strata="stype", probs="pi", pps="brewer")


CALIBRATED: dict[str, Callable[[], Design]] = {
    "clus1_lin": lambda: design("clus1").calibrate(SE),
    "clus1_rake": lambda: design("clus1").calibrate(SE, calfun="raking"),
    "clus1_lin_b": lambda: design("clus1").calibrate(SE, bounds=(0.8, 1.6)),
    "clus1_rake_b": lambda: design("clus1").calibrate(SE, calfun="raking", bounds=(0.8, 1.6)),
    "clus1_noint": lambda: design("clus1").calibrate({"enroll": ENROLL}),
    "clus1_two": lambda: design("clus1").calibrate(
        {"stype": POP_TYPES, "sch_wide": POP_SCHWIDE}, calfun="raking"
    ),
    "strat_lin": lambda: design("strat").calibrate(SE),
    "strat_rake": lambda: design("strat").calibrate(SE, calfun="raking"),
    "strat_lin_b": lambda: design("strat").calibrate(SE, bounds=(0.85, 1.2)),
    "strat_rake_b": lambda: design("strat").calibrate(SE, calfun="raking", bounds=(0.85, 1.2)),
    "clus2_lin": lambda: design("clus2").calibrate(SA),
    "spps_lin": lambda: _spps().calibrate(SA),
    "rclus1_lin": lambda: design("clus1").replicate("jk1").calibrate(SE),
    "rclus1_rake": lambda: design("clus1").replicate("jk1").calibrate(SE, calfun="raking"),
}
Ask = Callable[[Design], Any]


def _cases() -> list[tuple[str, str, Ask]]:
    cases: list[tuple[str, str, Ask]] = []
    for dn in CALIBRATED:
        cases += [
            (dn, f"{dn}_mean_api00", lambda d: d.mean("api00")),
            (dn, f"{dn}_mean_api00_by_stype", lambda d: d.mean("api00", by="stype")),
            (dn, f"{dn}_mean_api00_by_awards", lambda d: d.mean("api00", by="awards")),
            (dn, f"{dn}_total_enroll", lambda d: d.total("enroll")),
            (dn, f"{dn}_total_enroll_by_awards", lambda d: d.total("enroll", by="awards")),
            (dn, f"{dn}_ratio_api_stu_enroll", lambda d: d.ratio("api_stu", "enroll")),
            (dn, f"{dn}_quantile_api00_q050", lambda d: d.quantile("api00", 0.5)),
        ]
        for m in ("logit", "likelihood", "beta"):
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


@pytest.fixture(scope="module")
def designs() -> dict[str, Design]:
    return {name: make() for name, make in CALIBRATED.items()}


@pytest.mark.parametrize(("design_name", "ref_name", "ask"), CASES, ids=[c[1] for c in CASES])
def test_matches_r(designs: dict[str, Design], design_name: str, ref_name: str, ask: Ask) -> None:
    ref, result = getattr(R, ref_name), ask(designs[design_name])
    if ref.get("se", 1) < 1e-15 * ENROLL:
        # the total of a calibration variable: the population total, with an SE that is
        # rounding error (1e-10 in R and mel alike)
        assert result.estimate == pytest.approx(ref["estimate"], rel=1e-9)
        assert result.se < 1e-15 * ENROLL and ref["se"] < 1e-15 * ENROLL
        return
    assert_matches(result, ref, ref_name)


@pytest.mark.parametrize("name", list(CALIBRATED))
def test_calibrated_weights_match_r(designs: dict[str, Design], name: str) -> None:
    d = designs[name]
    np.testing.assert_allclose(d.weights, getattr(R, f"{name}_weights")["weights"], rtol=1e-9)


def test_calibration_meets_the_totals_and_bounds(designs: dict[str, Design]) -> None:
    for name in ("clus1_lin", "clus1_rake", "clus1_lin_b", "strat_rake_b"):
        d = designs[name]
        w, df = d.weights, d.data
        assert w.sum() == pytest.approx(6194, rel=1e-7)
        assert (w * df["enroll"]).sum() == pytest.approx(ENROLL, rel=1e-7)
        for level, count in POP_TYPES.items():
            assert w[df["stype"] == level].sum() == pytest.approx(count, rel=1e-7)
        # a calibrated total of a calibration variable has (almost) no variance
        assert d.total("enroll").se < 1e-6 * ENROLL
    g = designs["clus1_lin_b"].weights / design("clus1").weights
    assert g.min() >= 0.8 - 1e-12 and g.max() <= 1.6 + 1e-12
    assert np.isclose(g, 1.6).any()  # the bound binds


def test_raking_two_margins_equals_rake() -> None:
    """Raking calibration to two categorical margins is iterative raking (to convergence)."""
    cal = design("clus1").calibrate({"stype": POP_TYPES, "sch_wide": POP_SCHWIDE}, calfun="raking")
    raked = design("clus1").rake(
        {"stype": POP_TYPES, "sch_wide": POP_SCHWIDE}, maxit=100, epsilon=1e-12
    )
    np.testing.assert_allclose(cal.weights, raked.weights, rtol=1e-6)


def test_calibration_by_joint_cells_equals_poststratification() -> None:
    pop = {
        ("stype", "sch_wide"): {
            ("E", "No"): 700,
            ("E", "Yes"): 3721,
            ("H", "No"): 200,
            ("H", "Yes"): 555,
            ("M", "No"): 172,
            ("M", "Yes"): 846,
        }
    }
    cal = design("strat").calibrate(pop)
    ps = design("strat").poststratify(["stype", "sch_wide"], pop[("stype", "sch_wide")])
    np.testing.assert_allclose(cal.weights, ps.weights, rtol=1e-12)
    a, b = cal.mean("api00"), ps.mean("api00")
    assert a.se == pytest.approx(b.se, rel=1e-10)


def test_calibration_errors_name_the_problem() -> None:
    d = design("clus1")
    with pytest.raises(DesignError, match="calfun must be one of"):
        d.calibrate(SE, calfun="logit")
    with pytest.raises(DesignError, match="bounds must contain 1"):
        d.calibrate(SE, bounds=(1.1, 2))
    with pytest.raises(DesignError, match="lacks sampled level"):
        d.calibrate({"stype": {"E": 4421, "H": 755}})
    with pytest.raises(DesignError, match="no sampled rows"):
        d.calibrate({"stype": {**POP_TYPES, "X": 5}})
    with pytest.raises(DesignError, match="sums to"):
        d.calibrate({"stype": POP_TYPES, "sch_wide": {"No": 1, "Yes": 2}})
    with pytest.raises(DesignError, match="not numeric"):
        d.calibrate({"sname": 5.0})
    with pytest.raises(DesignError, match="missing values"):
        design("strat").calibrate({"acs_46": 1e5})
    with pytest.raises(DesignError, match="did not converge"):
        d.calibrate(SE, bounds=(0.85, 1.5))
    with pytest.warns(DesignWarning, match="did not converge"):
        forced = d.calibrate(SE, bounds=(0.85, 1.5), force=True)
    assert forced.is_calibrated and math.isfinite(forced.mean("api00").se)


def test_size_adds_an_intercept() -> None:
    d = design("clus1")
    with_size = d.calibrate({"enroll": ENROLL}, size=6194)
    assert with_size.weights.sum() == pytest.approx(6194)
    same = d.calibrate({"stype": POP_TYPES, "enroll": ENROLL}, size=6194)
    np.testing.assert_allclose(same.weights, R.clus1_lin_weights["weights"], rtol=1e-9)
    assert_estimate(same.mean("api00"), R.clus1_lin_mean_api00)
