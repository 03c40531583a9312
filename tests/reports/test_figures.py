"""Figures are functions returning matplotlib Figures; their SVG is inline and stable."""

from __future__ import annotations

import re

from matplotlib.figure import Figure

from mel.present.figures import Interval, bar_figure, interval_figure, trend_figure
from mel.present.svg import inline_svg
from mel.reports.pathway import NodeKpi, pathway_figure
from mel.surveys.programme_schema import Pathway
from tests.reports.factory import programme


def _figures() -> list[Figure]:
    rows = [
        Interval("Totaal", 7.2, 7.0, 7.4, header=True),
        Interval("Groep", header=True),
        Interval("a", 7.5, 7.1, 7.9),
        Interval("b", note="onderdrukt"),
    ]
    pathway = Pathway.model_validate(programme()["pathways"][0])
    return [
        interval_figure(rows, target=7.0, target_label="Streefwaarde 2025: 7,0"),
        trend_figure(
            [Interval("2023", 0.61, 0.55, 0.67), Interval("2025", note="geen")],
            [("2025", 0.7)],
            percent=True,
        ),
        bar_figure(
            ["s1", "s2"],
            {"1": [0.2, 0.1], "2": [0.3, 0.1], "3": [0.5, 0.8]},
            shares=True,
            scale=True,
        ),
        bar_figure(
            ["Utrecht", "Zeeland"],
            {"afgerond": [12, None], "bezig": [3, None]},
            hidden_text="verborgen",
            title="Veldwerk",
            subtitle="Meting 2025; provincie",
        ),
        trend_figure(
            [Interval("w2023", 6.8, 6.5, 7.1), Interval("w2025", note="verborgen")],
            [("w2025", 7.0)],
            target_label="Streefwaarde",
            title="Gemiddeld cijfer",
            subtitle="Filters: geen",
        ),
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


def test_compact_svg_draws_what_matplotlib_drew() -> None:
    import io
    import xml.etree.ElementTree as ET

    import matplotlib as mpl

    from mel.present.svg import SVG_SETTINGS

    def drawn(svg: str) -> list[tuple[str, str]]:
        root = ET.fromstring(
            svg
            if "xmlns=" in svg
            else svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
        )
        return [
            (el.tag.rsplit("}", 1)[-1], " ".join((el.get("d") or el.text or "").split()))
            for el in root.iter()
            if el.tag.rsplit("}", 1)[-1] in ("path", "use", "text")
        ]

    for i, figure in enumerate(_figures()):
        raw = io.StringIO()
        with mpl.rc_context(SVG_SETTINGS):
            figure.savefig(raw, format="svg")
        compact = inline_svg(figure, "alt", f"c{i}")
        assert drawn(compact) == drawn(raw.getvalue()[raw.getvalue().index("<svg") :])
        assert len(compact) < 0.8 * len(raw.getvalue())
        assert compact.count("font-family") == 1 and "rotate(-0 " not in compact
        assert not re.search(r"<g>|<g id=\"[^\"]+\">", compact)  # no empty wrapper groups
