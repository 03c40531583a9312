"""Per impact pathway a section: its diagram, the table of its steps, and its KPIs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pandas as pd

from mel.i18n import translate
from mel.kpi.evaluate import KpiResult
from mel.kpi.register import RegisterResult
from mel.present.svg import inline_svg
from mel.reports.kpi_text import shown
from mel.reports.model import Chart, KpiSection, PathwaySection, Table
from mel.reports.pathway import NodeKpi, pathway_figure
from mel.reports.text import NO_STATUS_COLOUR, NO_STATUS_SYMBOL, STATUS_COLOUR, STATUS_SYMBOL
from mel.surveys.programme_schema import LEVELS, ProgrammeDefinition


def pathway_sections(
    programme: ProgrammeDefinition,
    results: list[KpiResult],
    language: str,
    k: int,
    registered: Sequence[RegisterResult] = (),
) -> list[PathwaySection]:
    """One diagram per impact pathway, each KPI's status on its node, with a table.

    Register KPIs (`registered`) are on their nodes too, with their own status.
    """
    lang = language
    on_node: dict[str, list[NodeKpi]] = {}
    for result in [*results, *registered]:
        shown_status = isinstance(result, RegisterResult) or shown(result, k)
        status = result.status if shown_status else None
        symbol = STATUS_SYMBOL[status] if status else NO_STATUS_SYMBOL
        words = status.label(lang) if status else translate("no_judgement", lang)
        on_node.setdefault(result.kpi.node, []).append(
            NodeKpi(
                symbol,
                words,
                result.kpi.label.get(lang),
                STATUS_COLOUR[status] if status else NO_STATUS_COLOUR,
            )
        )
    levels = {level: translate(f"level_{level}", lang) for level in LEVELS}
    sections = []
    for pathway in programme.pathways:
        kpis = {n.code: on_node.get(f"{pathway.code}.{n.code}", []) for n in pathway.nodes}
        figure = pathway_figure(pathway, kpis, level_labels=levels, language=lang)
        labels = {n.code: n.label.get(lang) for n in pathway.nodes}
        rows, items = [], []
        for node in pathway.nodes:
            statuses = "; ".join(f"{x.symbol} {x.status}: {x.label}" for x in kpis[node.code])
            leads = "; ".join(
                f"{labels[link.target]} ({translate('relation_' + link.relation, lang)}, "
                f"{translate('confidence_' + link.confidence, lang)})"
                for link in pathway.links
                if link.source == node.code
            )
            rows.append(
                [levels[node.level], labels[node.code], statuses or "\u2014", leads or "\u2014"]
            )
            items.append(
                f"{levels[node.level]} \u2018{labels[node.code]}\u2019"
                + (f" ({statuses})" if statuses else "")
            )
        alt = translate(
            "alt_pathway", lang, pathway=pathway.label.get(lang), items="; ".join(items)
        )
        data = pd.DataFrame(rows, columns=["level", "step", "kpis", "leads_to"])
        table = Table(
            f"pathway-{pathway.code}",
            pathway.label.get(lang),
            [
                translate("level", lang),
                translate("step", lang),
                translate("kpis", lang),
                translate("leads_to", lang),
            ],
            rows,
            data,
        )
        ident = f"pathway-{pathway.code}"
        sections.append(
            PathwaySection(
                ident,
                pathway.label.get(lang),
                Chart(
                    ident,
                    inline_svg(figure, alt, ident),
                    alt,
                    translate("caption_pathway", lang),
                    table,
                ),
            )
        )
    return sections


def with_kpis(
    pathways: list[PathwaySection], results: list[KpiResult], sections: list[KpiSection]
) -> tuple[list[PathwaySection], list[KpiSection]]:
    """Put each KPI's section in its pathway's section (in the programme's KPI order).

    Returns the pathway sections with their KPIs, and the KPIs whose node lies in no
    pathway of the programme (for a section of their own at the end).
    """
    by_pathway: dict[str, list[KpiSection]] = {p.anchor: [] for p in pathways}
    unlinked: list[KpiSection] = []
    for result, section in zip(results, sections, strict=True):
        anchor = "pathway-" + result.kpi.node.split(".", 1)[0]
        by_pathway.get(anchor, unlinked).append(section)
    return [replace(p, kpis=by_pathway[p.anchor]) for p in pathways], unlinked
