"""Figures are functions returning matplotlib Figures; their SVG is inline and stable."""

from __future__ import annotations

import re

from matplotlib.figure import Figure

from mel.reports.figures import Interval, distribution_figure, interval_figure, trend_figure
from mel.reports.pathway import NodeKpi, pathway_figure
from mel.reports.svg import inline_svg
from mel.surveys.programme_schema import Pathway
from tests.reports.factory import programme


def _figures() -> list[Figure]:
    rows = [Interval("Totaal", 7.2, 7.0, 7.4, header=True), Interval("Groep", header=True),
            Interval("a", 7.5, 7.1, 7.9), Interval("b", note="onderdrukt")]
    pathway = Pathway.model_validate(programme()["pathways"][0])
    return [
        interval_figure(rows, target=7.0, target_label="Streefwaarde 2025: 7,0"),
        trend_figure([Interval("2023", 0.61, 0.55, 0.67), Interval("2025", note="geen")],
                     [("2025", 0.7)], percent=True),
        distribution_figure(["s1", "s2"], ["1", "2", "3"], [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]]),
        pathway_figure(pathway, {"beter": [NodeKpi("\u2714", "gehaald", "KPI", "#1a7f37")]}),
    ]


def test_figures_are_figures() -> None:
    for figure in _figures():
        assert isinstance(figure, Figure)
        assert figure.axes


def test_inline_svg_has_title_and_no_namespace_urls() -> None:
    for i, figure in enumerate(_figures()):
        svg = inline_svg(figure, "Alt & text <here>", f"f{i}")
        assert svg.startswith("<svg ") and svg.rstrip().endswith("</svg>")
        assert f'aria-labelledby="f{i}-title"' in svg
        assert f'<title id="f{i}-title">Alt &amp; text &lt;here&gt;</title>' in svg
        assert "http" not in svg and "xlink:" not in svg
        # every internal reference points at an id of this figure
        ids = set(re.findall(r'id="([^"]+)"', svg))
        assert set(re.findall(r'href="#([^"]+)"', svg)) <= ids
        assert set(re.findall(r"url\(#([^)]+)\)", svg)) <= ids


def test_svg_is_deterministic() -> None:
    first = [inline_svg(f, "x", "a") for f in _figures()]
    second = [inline_svg(f, "x", "a") for f in _figures()]
    assert first == second
