"""KPI definitions that say what they count: involvements, baselines that are not
comparable, one student KPI; and the item response of a KPI in its facts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from mel.analysis.results import Estimate
from mel.kpi.evaluate import KpiResult
from mel.reports.kpis import KpiContext, facts
from mel.surveys.loader import load_catalogue


def _katapult(surveys_dir: Path):  # type: ignore[no-untyped-def]
    loaded = load_catalogue([surveys_dir])
    assert loaded.ok, loaded.problems
    return {k.code: k for k in loaded.programmes["katapult"][1].kpis}


def test_involvements_are_labelled_as_involvements(surveys_dir: Path) -> None:
    kpis = _katapult(surveys_dir)
    assert "kat_studenten_per_pps" not in kpis  # 1/450 of kat_studenten, with other targets
    for code in ("kat_studenten", "kat_docenten", "kat_bedrijven"):
        kpi = kpis[code]
        assert "betrokkenheden" in kpi.label.get("nl").lower()
        assert "involvements" in kpi.label.get("en").lower()
        assert kpi.baseline is not None and not kpi.baseline.comparable


def test_a_baseline_that_is_not_comparable_says_so(surveys_dir: Path) -> None:
    kpi = _katapult(surveys_dir)["kat_bedrijven"]
    estimate = Estimate(30000.0, 2000.0, 26000.0, 34000.0, 120, 100.0, 1.2)
    result = KpiResult(kpi, "w", 2025, estimate, answered=90, responding=120)
    ctx = KpiContext("en", 10, {}, {})
    shown = {f.label: f.value for f in facts(result, ctx)}
    assert shown["Baseline 2021"].startswith("24,000 (not comparable): an unweighted")
    assert shown["Answered by"] == "90 / 120 (75%)"
    assert "Answered by" not in {f.label for f in facts(replace(result, answered=120), ctx)}


def test_the_kpi_table_carries_grade_item_response_and_the_change_test(
    surveys_dir: Path,
) -> None:
    from mel.analysis.quality import grade
    from mel.kpi.change import Change
    from mel.reports.kpis import overview_row

    kpi = _katapult(surveys_dir)["kat_bedrijven"]
    estimate = Estimate(30000.0, 2000.0, 26000.0, 34000.0, 120, 100.0, 1.2)
    before = Estimate(27000.0, 2000.0, 23000.0, 31000.0, 110, 100.0, 1.2)
    diff = Estimate(3000.0, 900.0, 1200.0, 4800.0, 230, 150.0, float("nan"))
    change = Change("w0", before, diff, paired=True, common_units=80, p=0.001, p_holm=0.02)
    result = KpiResult(
        kpi, "w", 2025, estimate, answered=90, responding=120, quality=grade(estimate)
    )
    _, numbers = overview_row(replace(result, change=change), "nl", 10)
    assert numbers["quality"] == "B"  # CV 6.7%
    assert (numbers["answered"], numbers["responding"]) == (90, 120)
    assert numbers["change_paired"] and numbers["change_p_holm"] == 0.02
    assert numbers["change_significant"]
