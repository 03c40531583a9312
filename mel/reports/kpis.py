"""One KPI in words, key figures and charts; small groups never shown."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from mel.analysis.design import Design
from mel.analysis.results import COLUMNS
from mel.disclosure.rules import shown_alone
from mel.i18n import translate
from mel.kpi.evaluate import KpiResult
from mel.kpi.protected import CellEstimates
from mel.present.numbers import format_number
from mel.reports.charts import ChartContext, distribution_chart, interval_chart, trend_chart
from mel.reports.kpi_text import (
    difference_text,
    kpi_scale,
    missing_text,
    sentence,
    shown,
    status_css,
    unit_suffix,
)
from mel.reports.model import Chart, Fact, KpiSection, Table
from mel.reports.text import decision_words, status_words
from mel.reports.trajectory import (
    pace_facts,
    result_trajectory,
    trajectory_chart,
)
from mel.surveys.schema import InstrumentDefinition


@dataclass(frozen=True)
class KpiContext:
    """What a KPI section needs besides its result."""

    language: str
    k: int
    node_labels: dict[str, str]
    wave_labels: dict[str, str]
    group_labels: dict[str, dict[str, str]] = field(default_factory=dict)


def overview_row(result: KpiResult, language: str, k: int) -> tuple[list[str], dict]:
    """A row of the KPI overview table (formatted) and its numbers for export."""
    scale = kpi_scale(result)
    visible = shown(result, k)
    est = result.estimate if visible else None
    change = (
        result.change
        if visible and result.change and shown_alone(result.change.previous, k)
        else None
    )
    cells = [
        result.kpi.label.get(language),
        scale.value(est.estimate, language) if est else "\u2014",
        scale.interval(est.ci_low, est.ci_high, language) if est else "\u2014",
        scale.exact(result.target, language),
        status_words(result.status if visible else None, language),
        (
            difference_text(scale, change.difference.estimate, language)
            + (" *" if change.significant else "")
        )
        if change
        else "\u2014",
    ]
    numbers = {
        "kpi": result.kpi.code,
        "label": result.kpi.label.get(language),
        "wave": result.wave,
        "estimator": result.kpi.estimator,
        **{c: getattr(est, c) if est else None for c in COLUMNS},
        "method": est.method if est else None,
        "quality": result.quality.grade if visible and result.quality else None,
        "answered": result.answered,
        "responding": result.responding,
        "target": result.target,
        "status": result.status.value if visible and result.status else None,
        "decision": result.decision.value if visible and result.decision else None,
        "previous_wave": change.previous_wave if change else None,
        "change": change.difference.estimate if change else None,
        "change_ci_low": change.difference.ci_low if change else None,
        "change_ci_high": change.difference.ci_high if change else None,
        "change_paired": change.paired if change else None,
        "change_p_holm": change.p_holm if change else None,
        "change_significant": change.significant if change else None,
    }
    return cells, numbers


def _item_response(result: KpiResult, lang: str) -> list[Fact]:
    """Who answered the KPI's question among the respondents, where not everyone did."""
    if not result.responding or result.answered >= result.responding:
        return []
    share = format_number(100 * result.item_response, 0, lang)
    value = (
        f"{format_number(result.answered, 0, lang)} / "
        f"{format_number(result.responding, 0, lang)} ({share}%)"
    )
    return [Fact(translate("item_response", lang), value)]


def facts(result: KpiResult, ctx: KpiContext) -> list[Fact]:
    """Key figures of the KPI as label/value pairs."""
    lang, kpi = ctx.language, result.kpi
    scale = kpi_scale(result)
    items = [Fact(translate("node", lang), ctx.node_labels.get(kpi.node, kpi.node))]
    if shown(result, ctx.k):
        est = result.estimate
        assert est is not None
        items += [
            Fact(
                translate("estimate", lang),
                scale.value(est.estimate, lang) + unit_suffix(result, lang),
            ),
            Fact(translate("interval", lang), scale.interval(est.ci_low, est.ci_high, lang)),
            Fact(translate("respondents", lang), format_number(est.n, 0, lang)),
            *_item_response(result, lang),
        ]
    if result.target is not None or not result.kpi.targets:
        label = translate("target", lang) + f" {result.year}"
        items.append(Fact(label, scale.exact(result.target, lang)))
    items.append(
        Fact(
            translate("status", lang),
            status_words(result.status if shown(result, ctx.k) else None, lang),
            status_css(result, ctx.k),
        )
    )
    change = result.change if shown(result, ctx.k) else None
    if change is not None and shown_alone(change.previous, ctx.k):
        # The sentence above gives the interval; the key figure is the change and its verdict.
        key = "significant" if change.significant else "not_significant"
        verdict = translate(key, lang)
        since = ctx.wave_labels.get(change.previous_wave, change.previous_wave)
        items.append(
            Fact(
                translate("change", lang) + f" ({since})",
                f"{difference_text(scale, change.difference.estimate, lang)}: {verdict}",
            )
        )
    if result.decision is not None and kpi.go_no_go is not None and shown(result, ctx.k):
        items.append(Fact(f"Go/no-go {kpi.go_no_go.year}", decision_words(result.decision, lang)))
    chart_ctx = ChartContext(lang, ctx.k, scale, kpi.label.get(lang), ctx.wave_labels)
    items += pace_facts(result, result_trajectory(result, ctx.k), chart_ctx)
    if kpi.baseline is not None:
        value = scale.exact(kpi.baseline.value, lang)
        if not kpi.baseline.comparable:  # shown for what it is, judged against nothing
            value += f" ({translate('not_comparable', lang)})"
            if kpi.baseline.note is not None:
                value += f": {kpi.baseline.note.get(lang)}"
        items.append(Fact(translate("baseline", lang) + f" {kpi.baseline.year}", value))
    return items


PRIMARY = ("trajectory", "trend", "groups", "answers")


def primary_chart(code: str, charts: list[Chart]) -> str:
    """The chart a KPI's page shows: its way to the targets, else its trend, else its groups."""
    idents = {c.ident for c in charts}
    return next((f"{code}-{kind}" for kind in PRIMARY if f"{code}-{kind}" in idents), "")


def first_breakdown(groups: Table | None) -> Table | None:
    """The total and the shortest breakdown with two or more shown groups (None if none).

    The rows come from the chart's table, so suppression is the chart's; every breakdown
    stays in the exported tables. The shortest keeps one KPI on one page.
    """
    if groups is None or len(groups.rows) < 3:
        return None
    blocks: list[list[int]] = []
    for index, emphasised in enumerate(groups.emphasis):
        if index == 0:
            continue
        if emphasised:
            blocks.append([index])
        elif blocks:
            blocks[-1].append(index)
    shown = [b for b in blocks if sum(groups.rows[i][1] != "\u2014" for i in b[1:]) >= 2]
    if not shown:
        return None
    keep = [0, *min(shown, key=len)]
    return Table(
        groups.name,
        groups.title,
        groups.header,
        [groups.rows[i] for i in keep],
        groups.data,
        groups.numeric,
        [groups.emphasis[i] for i in keep],
    )


def kpi_section(
    result: KpiResult,
    ctx: KpiContext,
    data: pd.DataFrame | None,
    survey: InstrumentDefinition | None,
    design: Design | None = None,
) -> tuple[KpiSection, pd.DataFrame]:
    """Build the section of one KPI and its (suppressed) table of groups.

    `design` is the design of `data` when the caller has it (one per frame serves every
    KPI of the frame); otherwise it is built here.
    """
    lang, kpi = ctx.language, result.kpi
    chart_ctx = ChartContext(
        lang, ctx.k, kpi_scale(result), kpi.label.get(lang), ctx.wave_labels, ctx.group_labels
    )
    domains = (
        CellEstimates(data, kpi, design).breakdowns(list(result.by), ctx.k)
        if shown(result, ctx.k) and data is not None
        else CellEstimates.empty_breakdowns()
    )
    charts: list[Chart] = []
    notes = []
    missing = missing_text(result, lang, ctx.k)
    if missing is None:  # otherwise the sentence says why there is no estimate
        charts.append(interval_chart(result, domains, chart_ctx))
    path = result_trajectory(result, ctx.k)
    trend = (
        trajectory_chart(result, path, chart_ctx)
        if path is not None
        else trend_chart(result, chart_ctx)
    )
    if trend is not None:
        charts.append(trend)
    if missing is None and data is not None and survey is not None:
        answers = distribution_chart(result, data, survey, chart_ctx)
        if answers is not None:
            charts.append(answers)
    if not domains.empty and domains["suppressed"].any():
        notes.append(translate("suppression_short", lang, k=ctx.k))
    groups = next((c.table for c in charts if c.ident == f"{kpi.code}-groups"), None)
    section = KpiSection(
        f"kpi-{kpi.code}",
        kpi.code,
        kpi.label.get(lang),
        kpi.definition.get(lang),
        ctx.node_labels.get(kpi.node, kpi.node),
        sentence(result, lang, ctx.k, ctx.wave_labels),
        facts(result, ctx),
        charts,
        notes,
        status_css(result, ctx.k),
        primary_chart(kpi.code, charts),
        first_breakdown(groups),
    )
    domains.insert(0, "kpi", kpi.code)
    return section, domains
