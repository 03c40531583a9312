"""A KPI's charts, each with its text alternative and the same numbers as a table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mel.analysis.results import COLUMNS
from mel.disclosure.rules import count_shown, shown_alone
from mel.i18n import translate
from mel.kpi.evaluate import KpiResult
from mel.present.figures import Interval, bar_figure, interval_figure, trend_figure
from mel.present.numbers import Scale, format_number, format_percent
from mel.present.svg import inline_svg
from mel.reports.model import Chart, Table
from mel.surveys.schema import InstrumentDefinition

ALT_ITEMS = 6


@dataclass(frozen=True)
class ChartContext:
    """What the chart builders need besides the KPI result."""

    language: str
    k: int
    scale: Scale
    label: str
    wave_labels: dict[str, str]
    group_labels: dict[str, dict[str, str]] = field(default_factory=dict)


def _cells(
    ctx: ChartContext,
    estimate: float | None,
    low: float | None,
    high: float | None,
    se: float | None = None,
) -> list[str]:
    """Estimate and interval of one row, rounded by the row's own SE (bounds outward)."""
    scale = ctx.scale.for_se(se)
    return [
        scale.value(estimate, ctx.language),
        scale.interval(low, high, ctx.language) if estimate is not None else "\u2014",
    ]


def _alt(key: str, ctx: ChartContext, items: Sequence[str]) -> str:
    shown = list(items[:ALT_ITEMS]) + (["\u2026"] if len(items) > ALT_ITEMS else [])
    return translate(key, ctx.language, kpi=ctx.label, items="; ".join(shown))


def interval_chart(result: KpiResult, domains: pd.DataFrame, ctx: ChartContext) -> Chart:
    """Overall estimate and every (unsuppressed) group with 95% intervals and the target."""
    est = result.estimate
    assert est is not None
    lang = ctx.language
    rows = [
        Interval(
            translate("total", lang),
            est.estimate,
            est.ci_low,
            est.ci_high,
            header=True,
            national=True,
        )
    ]
    body = [
        [
            translate("total", lang),
            *_cells(ctx, est.estimate, est.ci_low, est.ci_high, est.se),
            format_number(est.n, 0, lang),
        ]
    ]
    emphasis = [True]
    for variable, part in domains.groupby("disaggregation", sort=False):
        title = translate(f"disaggregation_{variable}", lang)
        rows.append(Interval(title, header=True))
        body.append([title, "", "", ""])
        emphasis.append(True)
        names = ctx.group_labels.get(str(variable), {})
        for record in part.itertuples():
            hidden = bool(record.suppressed)
            group = names.get(record.group, record.group)
            rows.append(
                Interval(
                    group,
                    None if hidden else record.estimate,
                    record.ci_low,
                    record.ci_high,
                    note=translate("suppressed", lang) if hidden else "",
                )
            )
            body.append(
                [
                    group,
                    *(
                        ["\u2014", translate("suppressed", lang)]
                        if hidden
                        else _cells(ctx, record.estimate, record.ci_low, record.ci_high, record.se)
                    ),
                    "\u2014" if hidden else format_number(record.n, 0, lang),
                ]
            )
            emphasis.append(False)
    target_label = (
        (f"{translate('target', lang)} {result.year}: {ctx.scale.exact(result.target, lang)}")
        if result.target is not None
        else ""
    )
    figure = interval_figure(
        rows,
        target=result.target,
        target_label=target_label,
        percent=ctx.scale.percent,
        language=lang,
    )
    items = [
        f"{r[0]} {r[1]} ({r[2]})"
        for r, e in zip(body, emphasis, strict=True)
        if r[1] and r[1] != "\u2014"
    ]
    alt = _alt("alt_interval", ctx, items)
    header = [
        translate("group", lang),
        translate("estimate", lang),
        translate("interval", lang),
        translate("respondents", lang),
    ]
    table = Table(
        f"{result.kpi.code}-groups",
        translate("by_group", lang, kpi=ctx.label),
        header,
        body,
        domains,
        [False, True, True, True],
        emphasis,
    )
    ident = f"{result.kpi.code}-groups"
    return Chart(
        ident, inline_svg(figure, alt, ident), alt, translate("caption_interval", lang), table
    )


def trend_chart(result: KpiResult, ctx: ChartContext) -> Chart | None:
    """Estimates of the earlier waves and this one, with targets; None for a first wave."""
    if not result.history or (
        result.estimate is None and all(h[2] is None for h in result.history)
    ):
        return None
    lang = ctx.language
    entries = [*result.history, (result.wave, result.year, result.estimate)]
    points, body, records = [], [], []
    for code, year, estimate in entries:
        label = ctx.wave_labels.get(code, code)
        hidden = estimate is not None and not shown_alone(estimate, ctx.k)
        target = next((x.value for x in result.kpi.targets if x.year == year), None)
        if estimate is None or hidden:
            note = translate("suppressed", lang) if hidden else translate("no_data", lang)
            points.append(Interval(label, note=note))
            body.append([label, "\u2014", note, "\u2014", ctx.scale.exact(target, lang)])
        else:
            points.append(Interval(label, estimate.estimate, estimate.ci_low, estimate.ci_high))
            body.append(
                [
                    label,
                    *_cells(ctx, estimate.estimate, estimate.ci_low, estimate.ci_high, estimate.se),
                    format_number(estimate.n, 0, lang),
                    ctx.scale.exact(target, lang),
                ]
            )
        shown = estimate is not None and not hidden
        records.append(
            {
                "wave": code,
                "year": year,
                "target": target,
                **(
                    {c: getattr(estimate, c) for c in COLUMNS}
                    if shown and estimate is not None
                    else {}
                ),
                "suppressed": hidden,
            }
        )
    targets = [
        (ctx.wave_labels.get(code, code), x.value)
        for code, year, _ in entries
        for x in result.kpi.targets
        if x.year == year
    ]
    figure = trend_figure(
        points,
        targets,
        percent=ctx.scale.percent,
        language=lang,
        target_label=translate("target", lang),
    )
    alt = _alt("alt_trend", ctx, [f"{r[0]} {r[1]} ({r[2]})" for r in body])
    header = [
        translate("wave", lang),
        translate("estimate", lang),
        translate("interval", lang),
        translate("respondents", lang),
        translate("target", lang),
    ]
    data = pd.DataFrame(
        records,
        columns=["wave", "year", *COLUMNS, "target", "suppressed"],
    )
    table = Table(
        f"{result.kpi.code}-trend",
        translate("trend", lang, kpi=ctx.label),
        header,
        body,
        data,
        [False, True, True, True, True],
    )
    ident = f"{result.kpi.code}-trend"
    return Chart(
        ident, inline_svg(figure, alt, ident), alt, translate("caption_trend", lang), table
    )


def answer_shares(
    data: pd.DataFrame,
    survey: InstrumentDefinition,
    question: str,
    items: list[str] | None,
    language: str,
) -> tuple[list[str], list[str], np.ndarray, int] | None:
    """Weighted shares of each answer per item of a Likert, rating, NPS or choice question."""
    q = survey.question(question)
    if q.type == "likert":
        statements = [s for s in q.statements or [] if items is None or s.name in items]
        columns = [f"{question}__{s.name}" for s in statements]
        labels = [s.label.get(language) for s in statements]
    elif q.type in ("rating", "nps", "select_one"):
        columns, labels = [question], [q.label.get(language)]
    else:
        return None
    if q.type in ("rating", "nps"):
        low, high = q.bounds()
        values: list[object] = list(range(int(low or 0), int(high if high is not None else 10) + 1))
        categories = [str(v) for v in values]
    else:
        choices = survey.choices.get(q.choices or "", [])
        values = [c.value for c in choices]
        categories = [c.label.get(language) for c in choices]
    present = [c for c in columns if c in data]
    if not present:
        return None
    weights = data["weight"].to_numpy(dtype=float)
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
    shares = np.zeros((len(columns), len(values)))
    for i, column in enumerate(columns):
        answers = data[column] if column in data else pd.Series(np.nan, index=data.index)
        answered = answers.notna().to_numpy()
        total = weights[answered].sum()
        # Compare whole columns at once: numbers as floats, choices as text.
        keys = (
            pd.to_numeric(answers, errors="coerce").to_numpy(dtype=float)
            if numeric
            else answers.astype(str).to_numpy()
        )
        for j, value in enumerate(values):
            match = (keys == (float(value) if numeric else str(value))) & answered  # type: ignore[arg-type]
            shares[i, j] = weights[match].sum() / total if total > 0 else np.nan
    n = int(data[present].notna().any(axis=1).sum())
    return labels, categories, shares, n


def distribution_chart(
    result: KpiResult, data: pd.DataFrame, survey: InstrumentDefinition, ctx: ChartContext
) -> Chart | None:
    """Stacked bars of the answer shares behind a KPI (Likert scale, mark or choice)."""
    kpi = result.kpi
    question = kpi.question or (kpi.expression.questions()[0] if kpi.expression else None)
    if question is None or kpi.estimator in ("total", "ratio"):
        return None
    try:
        found = answer_shares(
            data, survey, question, kpi.expression.items if kpi.expression else None, ctx.language
        )
    except KeyError:
        return None
    if found is None or not count_shown(found[3], ctx.k):
        return None
    items, categories, shares, n = found
    lang = ctx.language
    figure = bar_figure(
        items,
        {category: shares[:, j] for j, category in enumerate(categories)},
        shares=True,
        scale=True,
        language=lang,
    )
    body = [
        [
            item,
            *[format_percent(s, 0, lang) for s in row],
        ]
        for item, row in zip(items, shares, strict=True)
    ]
    alt = _alt(
        "alt_distribution",
        ctx,
        [
            f"{item}: " + ", ".join(f"{c} {v}" for c, v in zip(categories, row[1:], strict=True))
            for item, row in zip(items, body, strict=True)
        ],
    )
    frame = pd.DataFrame(shares, columns=categories)
    frame.insert(0, "item", items)
    frame["n"] = n
    table = Table(
        f"{kpi.code}-answers",
        translate("distribution", lang),
        [translate("item", lang), *categories],
        body,
        frame,
        [False] + [True] * len(categories),
    )
    ident = f"{kpi.code}-answers"
    caption = translate("distribution_note", lang, n=format_number(n, 0, lang))
    return Chart(ident, inline_svg(figure, alt, ident), alt, caption, table)
