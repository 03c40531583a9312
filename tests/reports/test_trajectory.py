"""A KPI with only a later target: the report shows its path and whether it is on track."""

from __future__ import annotations

from tests.reports.conftest import Filled


def _later_targets(filled: Filled):  # type: ignore[no-untyped-def]
    kpis = [
        kpi.model_copy(
            update={
                "targets": [kpi.targets[0].model_copy(update={"year": 2027})],
                "go_no_go": None,
            }
        )
        if kpi.code == "tevreden"
        else kpi
        for kpi in filled.programme.kpis
    ]
    return filled.programme.model_copy(update={"kpis": kpis})


def test_trajectory_chart_pace_and_sentence(two_waves: Filled) -> None:
    from mel.reports.build import build_report

    programme = _later_targets(two_waves)
    for lang, words in (("nl", "Op weg naar de streefwaarde"), ("en", "Toward the target")):
        report = build_report(
            two_waves.engine, programme, two_waves.instruments, "meting-2025", language=lang
        )
        section = next(s for s in report.kpis if s.code == "tevreden")
        assert [c.ident for c in section.charts if c.ident.endswith("trajectory")] == [
            "tevreden-trajectory"
        ]
        chart = next(c for c in section.charts if c.ident == "tevreden-trajectory")
        kinds = list(chart.table.data["kind"])  # type: ignore[union-attr]
        assert kinds.count("measured") == 2 and "target" in kinds and "expected" in kinds
        assert words in section.sentence
        labels = [f.label for f in section.facts]
        assert any(label.endswith("2027") for label in labels), labels
        assert "<svg" in chart.svg and chart.alt
    # a KPI whose target is in the wave's own year keeps its ordinary trend chart
    cijfer = next(s for s in report.kpis if s.code == "cijfer")
    assert not any(c.ident.endswith("trajectory") for c in cijfer.charts)
