"""The HTML report: structure, accessibility of every chart, no URL, stable bytes."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from mel.reports.build import build_report
from mel.reports.render import render_html
from tests.reports.conftest import Built


class Collector(HTMLParser):
    """Collect start tags with their attributes, and the text of each element by id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: dict[str, str] = {}
        self._open: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._open.append(dict(attrs).get("id"))

    def handle_endtag(self, tag: str) -> None:
        if self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for ident in self._open:
            if ident:
                self.text[ident] = self.text.get(ident, "") + data


def parse(html: str) -> Collector:
    collector = Collector()
    collector.feed(html)
    return collector


def test_sections_and_kpis(built: Built) -> None:
    doc = parse(built.html)
    ids = {attrs.get("id") for _, attrs in doc.tags}
    assert {"summary", "fieldwork", "pathways", "methodology", "pathway-pad"} <= ids
    # every KPI's page stands inside its pathway's section; none is left for an "other" one
    assert "kpis" not in ids
    pathway = built.html.split('id="pathway-pad"', 1)[1].split('id="methodology"', 1)[0]
    for kpi in built.filled.programme.kpis:
        assert f'id="kpi-{kpi.code}"' in pathway
    assert built.html.startswith("<!DOCTYPE html>")
    assert '<html lang="nl">' in built.html


def test_every_chart_has_a_text_alternative(built: Built) -> None:
    doc = parse(built.html)
    svgs = [attrs for tag, attrs in doc.tags if tag == "svg"]
    # one chart per KPI with an estimate or a history (4 of 5) and one per pathway
    assert len(svgs) == 5
    for attrs in svgs:
        assert attrs.get("role") == "img"
        label = attrs.get("aria-labelledby")
        assert label and len(doc.text.get(label, "").strip()) > 20, attrs
    for tag, attrs in doc.tags:
        if tag == "img":
            assert attrs.get("alt"), attrs
    # each chart's numbers also stand in a table
    assert built.html.count("<figure") <= built.html.count("<table")


def test_no_external_url_anywhere(built: Built) -> None:
    html = built.html
    for needle in ("http:", "https:", "//", "@import", "<link", "<script"):
        assert needle not in html, needle
    for tag, attrs in parse(html).tags:
        for name in ("src", "href", "xlink:href", "action", "srcset", "poster", "data"):
            value = attrs.get(name)
            if value is not None:
                assert value.startswith("#"), (tag, name, value)
    assert set(re.findall(r"url\((.)", html)) <= {"#"}


def test_dutch_numbers_and_status_words(built: Built) -> None:
    html = built.html
    assert "naar schatting" in html and "95%-BI" in html
    # thousands with a point, decimals with a comma (e.g. a total of about 2.400)
    assert re.search(r"naar schatting \d\.\d{3} deelnemers", html)
    assert re.search(r"naar schatting \d,\d cijfer", html)
    assert any(word in html for word in ("\u2714 gehaald", "\u2718 niet gehaald", "? onzeker"))
    assert "Geen antwoorden op deze vraag" in html  # the KPI without answers still renders
    assert "onderdrukt" in html  # the 3-unit stratum is suppressed


def test_methodology_from_the_design(built: Built) -> None:
    html = built.html
    for words in (
        "Taylor-linearisatie",
        "vrijheidsgraden",
        "fpc",
        "Python",
        "statsmodels",
        "matplotlib",
        "numpy",
        "pandas",
        "svydesign",
    ):
        assert words in html, words
    design = built.report.methodology[0].table.data.iloc[0]
    assert design["strata"] == 3 and design["psus"] == 41 and design["df"] == 38


def test_same_inputs_give_identical_html(built: Built) -> None:
    f = built.filled
    again = build_report(f.engine, f.programme, f.instruments, "meting-2025")
    assert render_html(again) == built.html


def test_english_report(built: Built) -> None:
    f = built.filled
    html = render_html(
        build_report(f.engine, f.programme, f.instruments, "meting-2025", language="en")
    )
    assert '<html lang="en">' in html
    assert "estimated at" in html and "95% CI" in html
    assert "naar schatting" not in html
    assert re.search(r"estimated at \d,\d{3} participants", html)


def test_tables_written_as_csv_and_xlsx(built: Built) -> None:
    import pandas as pd

    names = {p.name for p in built.files}
    stem = built.report.basename
    assert {
        f"{stem}.html",
        f"{stem}.pdf",
        f"{stem}.xlsx",
        f"{stem}-kpis.csv",
        f"{stem}-fieldwork.csv",
        f"{stem}-groups.csv",
    } <= names
    folder = built.files[0].parent
    kpis = pd.read_csv(folder / f"{stem}-kpis.csv")
    assert kpis["kpi"].tolist() == [k.code for k in built.filled.programme.kpis]
    sheets = pd.read_excel(folder / f"{stem}.xlsx", sheet_name=None, engine="openpyxl")
    assert {"kpis", "fieldwork", "groups"} <= set(sheets)


def test_same_tables_give_identical_bytes(built: Built, tmp_path: Path) -> None:
    import time

    from mel.reports.render import write_tables

    first = write_tables(built.report, tmp_path)
    time.sleep(1.1)  # a later second would show in any timestamp
    (tmp_path / "again").mkdir()
    second = write_tables(built.report, tmp_path / "again")
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_ids_are_unique_and_links_resolve(built: Built) -> None:
    doc = parse(built.html)
    ids = [attrs["id"] for _, attrs in doc.tags if attrs.get("id")]
    assert len(ids) == len(set(ids))
    targets = {attrs["href"][1:] for tag, attrs in doc.tags if tag == "a" and attrs.get("href")}
    assert targets <= set(ids)
