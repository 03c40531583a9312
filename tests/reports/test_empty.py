"""A wave without responses and a KPI without answers still render, saying so."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from mel.reports.build import build_report
from mel.reports.render import write_report
from tests.reports.conftest import Filled


def test_empty_wave_renders_html_and_pdf(one_empty_wave: Filled, tmp_path: Path) -> None:
    f = one_empty_wave
    report = build_report(f.engine, f.programme, f.instruments, "meting-2025")
    files = write_report(report, tmp_path)
    html = files[0].read_text(encoding="utf-8")
    assert "geen afgeronde responsen" in html
    # in the KPI's own section; the summary counts them in words
    assert html.count("Geen antwoorden op deze vraag") == len(f.programme.kpis)
    assert any(
        line.startswith(f"{len(f.programme.kpis)} KPI('s) hebben te weinig antwoorden")
        for line in report.summary
    )
    # the earlier wave still shows as a trend, and the fieldwork shows zero responses
    assert "Meting 2023" in html
    fieldwork = report.fieldwork.data
    assert (fieldwork["responses"] == 0).all() and fieldwork["sampled_units"].sum() > 0
    assert len(PdfReader(files[1]).pages) >= 5


def test_kpi_without_answers_in_english(two_waves: Filled) -> None:
    f = two_waves
    report = build_report(f.engine, f.programme, f.instruments, "meting-2025", language="en")
    empty = next(k for k in report.kpis if k.code == "leeg")
    assert "No answers to this question" in empty.sentence
    assert empty.charts == [] and "no judgement" in " ".join(x.value for x in empty.facts)


def test_kpi_that_cannot_be_computed_renders_its_reason(two_waves: Filled) -> None:
    f = two_waves
    broken = f.programme.kpis[0].model_copy(update={"code": "kapot", "question": "onbekend"})
    programme = f.programme.model_copy(update={"kpis": [*f.programme.kpis, broken]})
    report = build_report(f.engine, programme, f.instruments, "meting-2025")
    section = next(k for k in report.kpis if k.code == "kapot")
    assert "kon niet worden berekend" in section.sentence and "onbekend" in section.sentence
    assert section.charts == []
