"""The report's structure: cover, summary in words, conclusions, and its appendices."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from mel.reports.build import build_report
from mel.reports.render import render_html
from tests.reports.conftest import Built, Filled


def test_cover_names_organisation_date_and_version(two_waves: Filled) -> None:
    programme = two_waves.programme.model_copy(
        update={"organisation": {"nl": "Platform Talent voor Technologie", "en": "PTvT"}}
    )
    report = build_report(
        two_waves.engine,
        programme,
        two_waves.instruments,
        "meting-2025",
        today=date(2026, 12, 7),
    )
    html = render_html(report)
    assert "Platform Talent voor Technologie" in html
    assert "7 december 2026" in html
    assert "Uitgegeven door" in html


def test_summary_counts_kpis_in_words(built: Built) -> None:
    summary = " ".join(built.report.summary)
    assert "Dit rapport volgt 5 KPI's" in summary
    assert "streefwaarde voor 2025" in summary
    # the KPI sentences stand on the KPI pages, not twice
    assert not any(line.startswith("Gemiddeld cijfer") for line in built.report.summary)


def test_conclusions_from_the_programme_folder_are_shown_never_run(
    two_waves: Filled, tmp_path: Path
) -> None:
    folder = tmp_path / "werk"
    folder.mkdir()
    (folder / "conclusions-meting-2025.md").write_text(
        "# Wat we leren\n\nDe **tevredenheid** steeg.\n\n<script>alert(1)</script>\n",
        encoding="utf-8",
    )
    report = build_report(
        two_waves.engine, two_waves.programme, two_waves.instruments, "meting-2025", folder=folder
    )
    html = render_html(report)
    assert '<section id="conclusions">' in html
    assert "<h3>Wat we leren</h3>" in html and "<strong>tevredenheid</strong>" in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    english = build_report(
        two_waves.engine,
        two_waves.programme,
        two_waves.instruments,
        "meting-2025",
        folder=folder,
        language="en",
    )
    (folder / "conclusions-meting-2025.en.md").write_text("We learnt.", encoding="utf-8")
    english = build_report(
        two_waves.engine,
        two_waves.programme,
        two_waves.instruments,
        "meting-2025",
        folder=folder,
        language="en",
    )
    assert "We learnt." in render_html(english)
    without = build_report(
        two_waves.engine, two_waves.programme, two_waves.instruments, "meting-2025"
    )
    assert 'id="conclusions"' not in render_html(without)


def test_appendices_hold_definitions_and_the_questionnaire_as_fielded(built: Built) -> None:
    titles = [a.title for a in built.report.appendices]
    assert titles[0] == "Definities van de KPI's"
    definitions = built.report.appendices[0].table
    assert len(definitions.rows) == len(built.filled.programme.kpis)
    # targets exactly as set: 0.5 is 50%, not rounded to the estimate's precision
    assert any("2025: 50%" in row[4] for row in definitions.rows)
    survey = next(iter(built.filled.instruments.values()))
    questionnaire = built.report.appendices[1]
    asked = [q for q in survey.questions() if q.type != "note"]
    assert len(questionnaire.table.rows) == len(asked)
    assert questionnaire.table.data["question"].tolist() == [q.name for q in asked]
    html = built.html
    assert 'id="appendix-1"' in html and 'id="appendix-2"' in html
