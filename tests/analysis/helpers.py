"""Fixture designs mirroring the R designs of results/make_reference.R, and comparisons."""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mel.analysis import Design, Estimate, EstimateTable

DATA = Path(__file__).parent / "data"
RTOL = 1e-6
FIELDS = ("estimate", "se", "ci_low", "ci_high", "df", "deff")


@cache
def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / f"{name}.csv")


def data(name: str) -> pd.DataFrame:
    """A fixture data set (a fresh shallow copy, so tests may add columns)."""
    return _read(name).copy()


def design(name: str, lonely_psu: str = "fail") -> Design:
    """The Python twin of R design ``d<name>`` (see results/make_reference.R)."""
    strat, clus1, clus2, srs = data("apistrat"), data("apiclus1"), data("apiclus2"), data("apisrs")
    make = {
        "strat": lambda: Design(strat, weights="pw", strata="stype", fpc="fpc"),
        "strat_wr": lambda: Design(strat, weights="pw", strata="stype"),
        "clus1": lambda: Design(clus1, weights="pw", psu="dnum", fpc="fpc"),
        "clus1_wr": lambda: Design(clus1, weights="pw", psu="dnum"),
        "clus2": lambda: Design(clus2, psu="dnum", ssu="snum", fpc=("fpc1", "fpc2")),
        "clus2_wr": lambda: Design(clus2, weights="pw", psu="dnum", ssu="snum"),
        "srs": lambda: Design(srs, fpc="fpc"),
        "srs_wr": lambda: Design(srs, weights="pw"),
        "stratclus": lambda: Design(
            clus1, weights="pw", strata="region", psu="dnum", fpc="fpc_region"
        ),
        "stratclus_wr": lambda: Design(clus1, weights="pw", strata="region", psu="dnum"),
        "lonely": lambda: Design(
            clus1,
            weights="pw",
            strata="lonely",
            psu="dnum",
            fpc="fpc_lonely",
            lonely_psu=lonely_psu,
        ),
        "lonely_wr": lambda: Design(
            clus1, weights="pw", strata="lonely", psu="dnum", lonely_psu=lonely_psu
        ),
    }
    return make[name]()


POP_TYPES = {"E": 4421, "H": 755, "M": 1018}
POP_SCHWIDE = {"No": 1072, "Yes": 5122}
POP_AWARDS = {"No": 2300, "Yes": 3894}


def calibrated(name: str) -> Design:
    """The Python twin of the calibrated R designs ``d<name>`` (results/calibrated.py)."""
    make = {
        "clus1_ps": lambda: design("clus1").poststratify("stype", POP_TYPES),
        "clus2_ps": lambda: design("clus2").poststratify("stype", POP_TYPES),
        "strat_ps": lambda: design("strat").poststratify("awards", POP_AWARDS),
        "clus1_rake": lambda: design("clus1").rake({"stype": POP_TYPES, "sch_wide": POP_SCHWIDE}),
        "strat_rake": lambda: design("strat_wr").rake(
            {"awards": POP_AWARDS, "sch_wide": POP_SCHWIDE}
        ),
        "clus1_rake_tight": lambda: design("clus1").rake(
            {"stype": POP_TYPES, "sch_wide": POP_SCHWIDE}, maxit=50, epsilon=1e-9
        ),
    }
    return make[name]()


def close(a: float, b: float, rtol: float = RTOL) -> bool:
    if isinstance(b, float) and math.isnan(b):
        return math.isnan(a)
    return math.isclose(a, b, rel_tol=rtol, abs_tol=1e-10)


def assert_estimate(
    est: Estimate, ref: dict[str, Any], rtol: float = RTOL, fields: tuple[str, ...] = FIELDS
) -> None:
    """Every field of ``est`` equals the R record ``ref`` to ``rtol`` (n exactly)."""
    assert isinstance(est, Estimate), est
    problems = [
        f"{f}: mel {getattr(est, f)!r} vs R {ref[f]!r}"
        for f in fields
        if f in ref and not close(getattr(est, f), ref[f], rtol)
    ]
    if "n" in ref and est.n != ref["n"]:
        problems.append(f"n: mel {est.n} vs R {ref['n']}")
    assert not problems, "; ".join(problems)


def assert_table(
    table: EstimateTable,
    ref: dict[Any, dict[str, Any]],
    rtol: float = RTOL,
    fields: tuple[str, ...] = FIELDS,
) -> int:
    """Each domain of ``ref`` (except those R failed on) matches; returns how many did."""
    assert isinstance(table, EstimateTable), table
    assert set(map(str, table)) == set(ref), (list(table), list(ref))
    checked = 0
    for key in table:
        r = ref[str(key)]
        if "error" in r:
            continue
        if r.get("n") == 0:
            # no observed values: R returns 0 (a sum over no rows); mel too for a total,
            # but NaN for a mean (0/0)
            est = table[key]
            assert est.n == 0 and (np.isnan(est.estimate) or est.estimate == r["estimate"])
            continue
        try:
            assert_estimate(table[key], r, rtol, fields)
        except AssertionError as exc:
            raise AssertionError(f"domain {key!r}: {exc}") from None
        checked += 1
    return checked


def skip_if_r_failed(ref: dict[str, Any]) -> None:
    import pytest

    if "error" in ref:
        pytest.skip(f"R fails on this case: {ref['error']}")


def assert_matches(result: Any, ref: Any, ref_name: str) -> None:
    """Compare an estimate (or a by-domain table, for `*_by_*` references) with R's."""
    if "_by_" in ref_name:
        assert assert_table(result, ref) >= 1
    else:
        skip_if_r_failed(ref)
        assert_estimate(result, ref)
