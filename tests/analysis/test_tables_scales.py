"""Rao–Scott tests and Likert scales against R (results/tables.py, results/scales.py)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from mel.analysis import Design, DesignError, cronbach_alpha, likert_index, rao_scott

from .helpers import calibrated, data, design
from .results import scales as S
from .results import tables as T

DESIGNS: dict[str, Callable[[], Design]] = {
    "clus1": lambda: design("clus1"),
    "clus1_band": lambda: design("clus1"),
    "strat": lambda: design("strat"),
    "strat_awards": lambda: design("strat"),
    "clus2": lambda: design("clus2"),
    "srs": lambda: design("srs"),
    "stratclus": lambda: design("stratclus"),
    "clus1_ps": lambda: calibrated("clus1_ps"),
    "rclus1": lambda: design("clus1").replicate("jk1"),
    "rstrat": lambda: design("strat").replicate("jkn"),
}
TABLES = [
    ("clus1", "sch_wide", "stype"),
    ("clus1_band", "api_band", "stype"),
    ("strat", "api_band", "stype"),
    ("strat_awards", "awards", "acs46_big"),
    ("clus2", "sch_wide", "stype"),
    ("srs", "api_band", "awards"),
    ("stratclus", "api_band", "sch_wide"),
    ("clus1_ps", "sch_wide", "stype"),
    ("rclus1", "sch_wide", "stype"),
    ("rstrat", "api_band", "stype"),
]


@pytest.mark.parametrize(("case", "row", "col"), TABLES, ids=[t[0] for t in TABLES])
def test_rao_scott_matches_r(case: str, row: str, col: str) -> None:
    d = DESIGNS[case]()
    f = rao_scott(d, row, col)
    ref = getattr(T, f"{case}_{row}_{col}_f")
    assert f.statistic == pytest.approx(ref["statistic"], rel=1e-6)
    assert f.ndf == pytest.approx(ref["ndf"], rel=1e-6)
    assert f.ddf == pytest.approx(ref["ddf"], rel=1e-6)
    assert f.p_value == pytest.approx(ref["p_value"], rel=1e-6)
    c = d.chisq(row, col, statistic="Chisq")
    ref = getattr(T, f"{case}_{row}_{col}_chisq")
    assert c.statistic == pytest.approx(ref["statistic"], rel=1e-6)
    assert c.ndf == ref["df"]
    assert c.p_value == pytest.approx(ref["p_value"], rel=1e-6)
    assert c.chisq == f.chisq


def test_rao_scott_table_and_errors() -> None:
    d = design("clus1")
    res = rao_scott(d, "sch_wide", "stype")
    assert list(res.table.index) == ["No", "Yes"]
    assert list(res.table.columns) == ["E", "H", "M"]
    assert res.table.to_numpy().sum() == pytest.approx(d.weights.sum())
    with pytest.raises(DesignError, match="two levels"):
        rao_scott(d.subset(data("apiclus1")["stype"] == "E"), "stype", "sch_wide")
    with pytest.raises(DesignError, match="statistic"):
        rao_scott(d, "sch_wide", "stype", statistic="Wald")


def _likert_design() -> Design:
    return Design(data("likert"), weights="w", strata="stratum")


ITEMS = ["q1", "q2", "q3", "q4", "q5"]


def test_cronbach_alpha_matches_r() -> None:
    assert cronbach_alpha(_likert_design(), ITEMS) == pytest.approx(
        S.likert_alpha_weighted["alpha"], rel=1e-9
    )
    assert cronbach_alpha(data("likert"), ITEMS) == pytest.approx(
        S.likert_alpha_plain["alpha"], rel=1e-9
    )
    assert cronbach_alpha(data("likert"), ITEMS) == pytest.approx(
        S.likert_alpha_textbook["alpha"], rel=1e-9
    )
    assert cronbach_alpha(_likert_design(), ["q1", "q2", "q3"]) == pytest.approx(
        S.likert_alpha_weighted_3items["alpha"], rel=1e-9
    )


def test_likert_index_matches_r() -> None:
    df = data("likert")
    df["index"] = likert_index(df, ITEMS, min_answered=4)
    est = Design(df, weights="w", strata="stratum").mean("index")
    ref = S.likert_index_mean
    for f in ("estimate", "se", "ci_low", "ci_high", "df", "deff"):
        assert getattr(est, f) == pytest.approx(ref[f], rel=1e-6), f
    assert est.n == ref["n"]


def test_likert_index_rules() -> None:
    df = data("likert").head(30)
    complete = likert_index(df, ITEMS)
    assert complete.isna().sum() == df[ITEMS].isna().any(axis=1).sum()
    flipped = likert_index(df, ITEMS, reverse=["q1"], scale=(1, 5), min_answered=1)
    q = df[ITEMS].astype(float).copy()
    q["q1"] = 6 - q["q1"]
    np.testing.assert_allclose(flipped, q.mean(axis=1))
    with pytest.raises(DesignError, match="scale"):
        likert_index(df, ITEMS, reverse=["q1"])
    with pytest.raises(DesignError, match="min_answered"):
        likert_index(df, ITEMS, min_answered=6)
    with pytest.raises(DesignError, match="two items"):
        cronbach_alpha(df, ["q1"])
    with pytest.raises(DesignError, match="not numeric"):
        cronbach_alpha(df, ["q1", "stratum"])
