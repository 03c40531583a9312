"""Quality grades A–E of estimates (mel.analysis.quality)."""

from __future__ import annotations

import math

import pytest

from mel.analysis import DesignError, Estimate, grade, quality_frame

from .helpers import design


def _est(
    estimate: float, se: float, df: float = 50, name: str = "mean(x)", n: int = 100
) -> Estimate:
    return Estimate(estimate, se, estimate - 2 * se, estimate + 2 * se, n, df, name=name)


@pytest.mark.parametrize(
    ("cv", "letter"),
    [
        (0.0, "A"),
        (0.049, "A"),
        (0.05, "B"),
        (0.099, "B"),
        (0.10, "C"),
        (0.164, "C"),
        (0.165, "D"),
        (0.333, "D"),
        (0.334, "E"),
        (0.9, "E"),
    ],
)
def test_the_default_table(cv: float, letter: str) -> None:
    q = grade(_est(100.0, 100.0 * cv))
    assert q.grade == letter and str(q) == letter
    assert q.publish == (letter != "E")
    assert q.cv == pytest.approx(cv)


def test_df_and_effective_sample_size_can_fail_an_estimate() -> None:
    assert grade(_est(100, 1, df=7)).grade == "E"
    assert "df 7 < 8" in grade(_est(100, 1, df=7)).reason
    assert grade(_est(100, 1, df=7), min_df=5).grade == "A"
    # a proportion of 0.5 with se 0.1: n_eff = 25 < 30, although its CV is 20% (D)
    p = _est(0.5, 0.1, name="proportion(x == 1)")
    assert grade(p).grade == "E" and "effective sample size" in grade(p).reason
    assert grade(p, min_neff=20).grade == "D"
    assert grade(p, proportion=False).grade == "D"
    # p = 0: graded on its number of observations (Korn–Graubard's rule)
    zero = _est(0.0, 0.0, name="proportion(x == 1)", n=40)
    assert grade(zero).grade == "A" and math.isnan(grade(zero).cv)
    assert grade(_est(0.0, 0.0, name="proportion(x == 1)", n=20)).grade == "E"


def test_thresholds_are_parameters() -> None:
    est = _est(100, 8)
    assert grade(est).grade == "B"
    assert grade(est, cv_limits=(0.1, 0.2, 0.3, 0.4)).grade == "A"
    with pytest.raises(DesignError, match="cv_limits"):
        grade(est, cv_limits=(0.1, 0.05, 0.3, 0.4))
    nan = _est(math.nan, math.nan)
    assert grade(nan).grade == "E" and not grade(nan).publish


def test_estimates_and_tables_carry_their_grade() -> None:
    d = design("clus1")
    est = d.mean("api00")
    assert est.quality() == grade(est)
    assert est.quality().grade == "A"  # CV 3.8%, 14 df
    table = d.proportion("sch_wide", "Yes", by="stype")
    frame = quality_frame(table)
    assert list(frame.columns[-3:]) == ["cv", "quality", "publish"]
    assert list(frame["quality"]) == [grade(e).grade for e in table.values()]
    one = quality_frame(est, min_df=20)
    assert list(one["quality"]) == ["E"] and not one["publish"].iloc[0]
    # to_frame() keeps its seven columns
    assert "quality" not in table.to_frame().columns
