"""Estimates at the edges: proportions at 0 and 1, variables without values, and totals
with intervals that stay above zero (results/edges.py)."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest

from mel.analysis import Design, DesignError, DesignWarning
from mel.analysis.proportions import AUTO_MIN_NEFF, auto_method

from .helpers import assert_estimate, assert_matches, assert_table, data, design
from .results import edges as R

KG = ("estimate", "se", "ci_low", "ci_high", "df")


def _with_flags(name: str) -> Design:
    d = design(name)
    df = d.data.assign(
        isE=(d.data["stype"] == "E").astype(float), yes=(d.data["sch_wide"] == "Yes").astype(float)
    )
    spec = {
        "strat": dict(weights="pw", strata="stype", fpc="fpc"),
        "clus1": dict(weights="pw", psu="dnum", fpc="fpc"),
        "clus2": dict(psu="dnum", ssu="snum", fpc=("fpc1", "fpc2")),
    }[name]
    return Design(df, **spec)


@pytest.mark.parametrize("name", ["strat", "clus1"])
@pytest.mark.parametrize("method", ["beta", "auto"])
def test_korn_graubard_at_zero_and_one(name: str, method: str) -> None:
    """R's beta interval is NaN at p = 0 or 1 (0/0); Korn & Graubard's rule (n_eff = n,
    computed in R) gives a one-sided interval."""
    d = _with_flags(name)
    ref = getattr(R, f"{name}_beta_isE_by_stype")
    assert all(math.isnan(r["r_ci_low"]) for r in ref.values())  # R itself
    table = d.proportion("isE", by="stype", method=method)
    assert assert_table(table, ref, fields=KG) == 3
    assert {e.method for e in table.values()} == {"beta"}
    assert table["E"].ci_high == 1 and table["H"].ci_low == 0
    alone = d.subset(d.data["stype"] != "E").proportion("isE", method=method)
    assert_estimate(alone, getattr(R, f"{name}_beta_isE_not_E"), fields=KG)
    again = alone.conf_int(0.05)
    assert again == (alone.ci_low, alone.ci_high) and alone.conf_int(0.1)[1] < alone.ci_high


@pytest.mark.parametrize("name", ["strat", "clus1"])
def test_intervals_that_need_p_between_0_and_1_are_nan_not_errors(name: str) -> None:
    d = _with_flags(name)
    e = d.subset(d.data["stype"] == "E")
    for method in ("xlogit", "asin"):  # ZeroDivisionError before
        est = e.proportion("isE", method=method)
        ref = getattr(R, f"{name}_{method}_isE_E")
        assert est.estimate == 1 and math.isnan(est.ci_low) and math.isnan(ref["ci_low"])
        assert math.isnan(est.ci_high) and math.isnan(ref["ci_high"])
    for method in ("logit", "likelihood", "wilson", "mean"):
        est = e.proportion("isE", method=method)
        assert est.estimate == 1 and est.se == 0
    assert e.proportion("isE", method="mean").conf_int() == (1.0, 1.0)
    low, high = e.proportion("isE", method="wilson").conf_int()
    assert 0.9 < low < 1 and high == pytest.approx(1.0)


def test_a_binary_column_without_ones_is_p_zero() -> None:
    df = data("apistrat").assign(never=0, never_bool=False)
    d = Design(df, weights="pw", strata="stype", fpc="fpc")
    for column, level in (
        ("never", None),
        ("never", 1),
        ("never", 1.0),
        ("never_bool", None),
        ("never_bool", True),
    ):
        est = d.proportion(column, level, method="beta")
        assert est.estimate == 0 and est.ci_low == 0 and 0 < est.ci_high < 0.05
    assert d.proportion("never", 0).estimate == 1
    with pytest.raises(DesignError, match="does not occur"):
        d.proportion("awards", "Maybe")  # a category: probably misspelt


def test_auto_chooses_beta_at_the_edges_and_for_small_effective_samples() -> None:
    assert AUTO_MIN_NEFF == 30
    assert auto_method(0.0, 0.0) == "beta" and auto_method(1.0, 0.0) == "beta"
    assert auto_method(0.5, 0.25 / 29) == "beta"
    assert auto_method(0.5, 0.25 / 31) == "logit"
    assert auto_method(0.5, 0.25 / 100, min_neff=200) == "beta"
    assert auto_method(math.nan, math.nan) == "beta"
    d = design("clus1")
    table = d.proportion("sch_wide", "Yes", by="stype", method="auto")
    for key, est in table.items():
        n_eff = est.estimate * (1 - est.estimate) / est.se**2
        assert est.method == ("beta" if n_eff < 30 else "logit"), key
        same = d.proportion("sch_wide", "Yes", by="stype", method=est.method)[key]
        assert (est.ci_low, est.ci_high) == (same.ci_low, same.ci_high)


@pytest.mark.parametrize(
    "ask",
    [
        lambda d: d.mean("nothing"),
        lambda d: d.total("nothing"),
        lambda d: d.ratio("nothing", "enroll"),
        lambda d: d.proportion("nothing"),
        lambda d: d.proportion("nothing", "Yes"),
        lambda d: d.quantile("nothing", 0.5),
        lambda d: d.count("nothing", "Yes"),
    ],
    ids=["mean", "total", "ratio", "proportion", "proportion_level", "quantile", "count"],
)
@pytest.mark.parametrize("name", ["strat", "clus1"])
def test_a_variable_without_values_gives_nan_and_a_warning(name: str, ask: Any) -> None:
    d = Design(design(name).data.assign(nothing=np.nan), **_spec(name))
    with pytest.warns(DesignWarning, match="no observed values"):
        est = ask(d)
    assert math.isnan(est.estimate) and math.isnan(est.se) and est.n == 0
    assert math.isnan(est.ci_low) and math.isnan(est.ci_high)


def _spec(name: str) -> dict:
    return {
        "strat": dict(weights="pw", strata="stype", fpc="fpc"),
        "clus1": dict(weights="pw", psu="dnum", fpc="fpc"),
    }[name]


def test_a_domain_without_values_is_nan_not_zero() -> None:
    df = data("apistrat")
    df["some"] = np.where(df["stype"] == "H", np.nan, df["enroll"])
    d = Design(df, weights="pw", strata="stype", fpc="fpc")
    for table in (
        d.total("some", by="stype"),
        d.mean("some", by="stype"),
        d.proportion("awards", "Yes", by=["stype"]),
    ):
        assert all(math.isfinite(e.estimate) for k, e in table.items() if k != "H")
    total = d.total("some", by="stype")
    assert math.isnan(total["H"].estimate) and math.isnan(total["H"].se)
    assert np.isnan(total.cov[1]).all() and np.isfinite(total.cov[0, 0])
    with warnings.catch_warnings():  # no warning: the variable has values elsewhere
        warnings.simplefilter("error", DesignWarning)
        d.total("some", by="stype")


LOG_DESIGNS = ["strat", "clus1", "clus2"]


@pytest.mark.parametrize("name", LOG_DESIGNS)
def test_log_intervals_for_totals_and_counts_match_r(name: str) -> None:
    d = _with_flags(name)
    est = d.total("enroll", interval="log")
    assert est.method == "log"
    assert_matches(est, getattr(R, f"{name}_total_enroll_log"), "total")
    assert_matches(
        d.total("enroll", by="stype", interval="log"),
        getattr(R, f"{name}_total_enroll_log_by_stype"),
        "_by_",
    )
    assert_matches(d.count("sch_wide", "Yes"), getattr(R, f"{name}_count_sch_wide_log"), "count")
    assert_matches(
        d.count("sch_wide", "Yes", by="stype"),
        getattr(R, f"{name}_count_sch_wide_log_by_stype"),
        "_by_",
    )
    # a 90% interval from the same rule
    low, high = est.conf_int(0.10)
    assert est.ci_low < low < est.estimate < high < est.ci_high


def test_log_intervals_on_pps_designs_match_r() -> None:
    d = Design(data("apipps"), strata="stype", probs="pi", pps="brewer")
    assert_matches(d.total("enroll", interval="log"), R.spps_brewer_total_enroll_log, "t")
    e = Design(data("election_pps"), probs="p", pps="hartley-rao")
    assert_matches(e.total("Bush", interval="log"), R.pps_hr_total_Bush_log, "t")


def test_log_intervals_stay_above_zero() -> None:
    d = design("clus1")
    small = d.count("yr_rnd", "Yes", interval="t")  # 305 schools, SE 234
    logged = d.count("yr_rnd", "Yes")
    assert small.ci_low < 0 < logged.ci_low < logged.estimate < logged.ci_high
    assert logged.estimate == small.estimate and logged.se == small.se
    zero = Design(data("apistrat").assign(z=0.0), weights="pw", strata="stype", fpc="fpc").total(
        "z", interval="log"
    )
    assert zero.estimate == 0 and math.isnan(zero.ci_low)  # log 0: undefined, as R
    with pytest.raises(DesignError, match="negative values"):
        Design(data("apistrat").assign(neg=-1.0), weights="pw", strata="stype", fpc="fpc").total(
            "neg", interval="log"
        )
    with pytest.raises(DesignError, match="interval must be one of"):
        d.total("enroll", interval="wald")
