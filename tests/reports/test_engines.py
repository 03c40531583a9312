"""PDFs from both engines: same pages, numbered contents; clear errors when one is missing."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import lxml.html
import pytest
from pypdf import PdfReader

from mel.reports.pdf import find_chromium
from mel.reports.render import ReportError, pdf_engine, write_pdf
from tests.reports.conftest import Built
from tests.reports.test_pdf import EXPECTED_PAGES

ENGINES = [
    pytest.param(
        "chromium",
        marks=pytest.mark.skipif(find_chromium() is None, reason="Chromium is not installed"),
    ),
    "weasyprint",
]


def _contents_numbers(reader: PdfReader) -> list[int]:
    """The page numbers printed in the contents on the cover page, in reading order."""
    text = reader.pages[0].extract_text()
    # not the page footer ("1 / 13"), nor the imprint's date and version
    imprint = re.compile(r"/|\d{4}|^mel ")
    return [
        int(word)
        for line in text.splitlines()
        for word in line.split()
        if word.isdigit() and not imprint.search(line) and len(word) <= 3
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_engine_writes_the_report(built: Built, tmp_path: Path, engine: str) -> None:
    path = tmp_path / f"{engine}.pdf"
    pages = write_pdf(built.report, path, engine=engine)
    reader = PdfReader(path)
    assert pages == len(reader.pages) == EXPECTED_PAGES
    texts = [page.extract_text() for page in reader.pages]
    assert "Impactmeting Werkprogramma" in texts[0]
    # Every section in the contents gets the page it starts on.
    numbers = _contents_numbers(reader)
    # summary, fieldwork, each pathway with its KPIs, the methodology, the appendices
    report = built.report
    sections = 3 + len(report.pathways) + len(report.kpis) + len(report.appendices)
    assert len(numbers) == sections, texts[0]
    assert numbers == sorted(numbers) and numbers[0] == 2 and numbers[-1] <= EXPECTED_PAGES
    methodology = next(i for i, text in enumerate(texts) if i > 0 and "Bijlage: methode" in text)
    assert numbers[-1 - len(built.report.appendices)] == methodology + 1
    assert built.report.appendices[-1].title in texts[numbers[-1] - 1]


@pytest.mark.skipif(find_chromium() is None, reason="Chromium is not installed")
def test_chromium_pdf_is_tagged_with_an_outline(built: Built, tmp_path: Path) -> None:
    path = tmp_path / "tagged.pdf"
    write_pdf(built.report, path, engine="chromium")
    reader = PdfReader(path)
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    # The structure tree tags the headings, paragraphs and tables for screen readers.
    tags = _structure_tags(root["/StructTreeRoot"])
    assert {"/H1", "/H2", "/H3", "/P", "/Table", "/Figure"} <= tags
    # The bookmarks are the report's headings, at their levels, each on its own page.
    outline = _outline(reader, reader.outline)
    headings = [
        (int(node.tag[1]), " ".join(node.text_content().split()))
        for node in lxml.html.fromstring(built.html).iter("h1", "h2", "h3", "h4")
    ]
    assert [(level, title) for level, title, _page in outline] == headings
    # A section's bookmark leads to the page its line in the contents gives.
    contents = dict(zip(_titles(built), _contents_numbers(reader), strict=True))
    pages = {title: page for _level, title, page in outline if title in contents}
    assert len(pages) >= 5 and pages == {title: contents[title] for title in pages}
    assert {"summary", "fieldwork", "methodology"} <= {
        name.lstrip("/") for name in reader.named_destinations
    }


def _structure_tags(node: object, seen: set[str] | None = None) -> set[str]:
    """Every structure type (/S) below `node` in the PDF's structure tree."""
    seen = set() if seen is None else seen
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, dict):
        if "/S" in node:
            seen.add(str(node["/S"]))
        _structure_tags(node.get("/K"), seen)
    elif isinstance(node, list):
        for kid in node:
            _structure_tags(kid, seen)
    return seen


def _outline(reader: PdfReader, items: list, level: int = 1) -> list[tuple[int, str, int]]:
    """The bookmarks as (level, title, page from 1), in order."""
    found: list[tuple[int, str, int]] = []
    for item in items:
        if isinstance(item, list):
            found += _outline(reader, item, level + 1)
        else:
            found.append((level, item.title, reader.get_destination_page_number(item) + 1))
    return found


def _titles(built: Built) -> list[str]:
    """The section titles in the contents, in order."""
    nav = lxml.html.fromstring(built.html).find(".//nav")
    return [" ".join(a.text_content().split()) for a in nav.iter("a")]


@pytest.mark.skipif(find_chromium() is None, reason="Chromium is not installed")
def test_one_browser_prints_report_after_report_alike(built: Built, tmp_path: Path) -> None:
    from mel.reports.pdf import Chromium

    def texts(path: Path) -> list[str]:
        return [page.extract_text() for page in PdfReader(path).pages]

    with Chromium(find_chromium() or "chromium") as browser:
        counts = [write_pdf(built.report, tmp_path / f"{n}.pdf", browser=browser) for n in (0, 1)]
    assert counts == [EXPECTED_PAGES] * 2
    assert texts(tmp_path / "0.pdf") == texts(tmp_path / "1.pdf")


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(ReportError, match="unknown PDF engine 'latex'"):
        pdf_engine("latex")


def test_auto_falls_back_to_weasyprint(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("MEL_CHROMIUM", raising=False)
    assert pdf_engine("auto") == "weasyprint"
    monkeypatch.setenv("MEL_PDF_ENGINE", "chromium")
    with pytest.raises(ReportError, match="no Chromium found"):
        pdf_engine()


def _fake_chromium(folder: Path, script: str) -> str:
    path = folder / "chromium"
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


@pytest.mark.parametrize(
    ("script", "message"),
    [
        ("exit 3", "Chromium .* stopped unexpectedly"),
        ("exec cat <&3 >/dev/null", "Chromium .* did not answer within 1 s"),
    ],
)
def test_a_broken_chromium_is_a_clear_error(
    built: Built, tmp_path: Path, script: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEL_CHROMIUM", _fake_chromium(tmp_path, script))
    monkeypatch.setattr("mel.reports.pdf.TIMEOUT_SECONDS", 1.0)
    with pytest.raises(ReportError, match=f"cannot make a PDF: {message}"):
        write_pdf(built.report, tmp_path / "x.pdf", engine="chromium")
    assert not (tmp_path / "x.pdf").exists()


def test_a_missing_chromium_executable(
    built: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEL_CHROMIUM", str(tmp_path / "no-such-chromium"))
    with pytest.raises(ReportError, match="cannot start Chromium .*no-such-chromium"):
        write_pdf(built.report, tmp_path / "x.pdf", engine="chromium")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("engine", ENGINES)
def test_parallel_run_prints_every_report(built: Built, tmp_path: Path, engine: str) -> None:
    from mel.reports.batch import ReportJob, run_jobs

    url = built.filled.engine.url.render_as_string(hide_password=False)
    jobs = [
        ReportJob(
            url,
            "werk",
            "meting-2025",
            tmp_path / language,
            language,
            engine=engine,
        )
        for language in ("nl", "en")
    ]
    labels: list[str] = []
    written = run_jobs(jobs, workers=2, progress=labels.append)
    for job, files in zip(jobs, written, strict=True):
        assert [p.suffix for p in files[:2]] == [".html", ".pdf"]
        assert all(p.exists() and p.parent == job.out for p in files)
        assert len(PdfReader(files[1]).pages) >= EXPECTED_PAGES - 1
    assert labels.count("PDF") == 2
    nl = (tmp_path / "nl" / "werk-meting-2025-nl.html").read_text(encoding="utf-8")
    assert nl == built.html  # a worker writes what a single run writes


def test_parallel_run_raises_the_first_failure(built: Built, tmp_path: Path) -> None:
    from mel.reports.batch import ReportJob, run_jobs

    url = built.filled.engine.url.render_as_string(hide_password=False)
    jobs = [
        ReportJob(url, "werk", wave, tmp_path / wave, pdf=False)
        for wave in ("meting-2025", "meting-1999")
    ]
    with pytest.raises(LookupError, match="meting-1999"):
        run_jobs(jobs, workers=2)
