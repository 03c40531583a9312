"""A KPI on its way to a later target, in the report: chart, key figures and a sentence."""

from __future__ import annotations

import pandas as pd

from mel.disclosure.rules import shown_alone
from mel.i18n import translate
from mel.kpi.evaluate import KpiResult
from mel.kpi.trajectory import Trajectory, trajectory
from mel.present.numbers import Scale
from mel.present.svg import inline_svg
from mel.present.trajectory_figure import Measured, TrajectoryLabels, trajectory_figure
from mel.reports.charts import ChartContext
from mel.reports.model import Chart, Fact, Table


def result_trajectory(result: KpiResult, k: int) -> Trajectory | None:
    """The trajectory of a KPI result; estimates of fewer than `k` respondents are not used."""
    current = result.estimate if shown_alone(result.estimate, k) else None
    history = [(code, year, e if shown_alone(e, k) else None) for code, year, e in result.history]
    return trajectory(result.kpi, result.year, current, history)


def pace_words(path: Trajectory, language: str) -> str:
    """The pace in words ("op koers"), or that there is no estimate to judge."""
    if path.pace is None:
        return translate("no_judgement", language)
    return translate(f"pace_{path.pace.value}", language)


def pace_sentence(
    path: Trajectory, scale: Scale, language: str, wave_labels: dict[str, str]
) -> str:
    """One sentence: the target, the path's expected value now, and the pace."""
    lang = language
    year0, value0 = path.start
    start = (
        translate("pace_start_baseline", lang, year=year0, value=scale.value(value0, lang))
        if path.start_source == "baseline"
        else translate(
            "pace_start_wave",
            lang,
            wave=wave_labels.get(path.start_source, path.start_source),
            value=scale.value(value0, lang),
        )
    )
    return translate(
        "pace_sentence",
        lang,
        target=scale.value(path.target[1], lang),
        year=path.target[0],
        start_words=start,
        expected=scale.value(path.expected, lang),
        pace=pace_words(path, lang),
    )


def pace_facts(result: KpiResult, path: Trajectory | None, ctx: ChartContext) -> list[Fact]:
    """Key figures: the pace toward the next target and the go/no-go thresholds."""
    lang, scale, items = ctx.language, ctx.scale, []
    if path is not None:
        css = f"pace-{path.pace.value.replace('_', '-')}" if path.pace else "status-none"
        items.append(
            Fact(translate("pace_fact", lang, year=path.target[0]), pace_words(path, lang), css)
        )
    gng = result.kpi.go_no_go
    if gng is not None:
        thresholds = translate(
            "go_no_go_thresholds",
            lang,
            go=scale.value(gng.go, lang),
            no_go=scale.value(gng.no_go, lang),
        )
        items.append(Fact(translate("go_no_go_fact", lang, year=gng.year), thresholds))
    return items


def trajectory_chart(result: KpiResult, path: Trajectory, ctx: ChartContext) -> Chart:
    """Baseline, measured waves, the path and the targets in one chart with its table."""
    lang, scale, kpi = ctx.language, ctx.scale, result.kpi
    entries = [*result.history, (result.wave, result.year, result.estimate)]
    measured = [
        Measured(year, e.estimate, e.ci_low, e.ci_high)
        for _code, year, e in entries
        if e is not None and shown_alone(e, ctx.k)
    ]
    baseline = (kpi.baseline.year, kpi.baseline.value) if kpi.baseline is not None else None
    targets = sorted((x.year, x.value) for x in kpi.targets)
    gng = (kpi.go_no_go.year, kpi.go_no_go.go, kpi.go_no_go.no_go) if kpi.go_no_go else None
    labels = TrajectoryLabels(
        *(translate(f"legend_{key}", lang) for key in ("measured", "baseline", "path", "target")),
        translate("legend_go", lang),
        translate("legend_no_go", lang),
    )
    figure = trajectory_figure(
        measured,
        targets,
        labels,
        baseline=baseline,
        path=(path.start, path.target),
        go_no_go=gng,
        percent=scale.percent,
        language=lang,
    )
    records = [
        {
            "year": m.year,
            "kind": "measured",
            "value": m.estimate,
            "ci_low": m.low,
            "ci_high": m.high,
        }
        for m in measured
    ]
    if baseline is not None:
        records.append({"year": baseline[0], "kind": "baseline", "value": baseline[1]})
    records += [{"year": y, "kind": "target", "value": v} for y, v in targets]
    records.append({"year": path.year, "kind": "expected", "value": path.expected})
    data = pd.DataFrame(
        records, columns=["year", "kind", "value", "ci_low", "ci_high"]
    ).sort_values(["year", "kind"], kind="stable", ignore_index=True)
    rows = [
        [
            str(int(r.year)),
            translate(f"trajectory_kind_{r.kind}", lang),
            scale.value(r.value, lang),
            scale.interval(r.ci_low, r.ci_high, lang) if pd.notna(r.ci_low) else "\u2014",
        ]
        for r in data.itertuples()
    ]
    header = [
        translate("trajectory_year", lang),
        translate("trajectory_kind", lang),
        translate("estimate", lang),
        translate("interval", lang),
    ]
    ident = f"{kpi.code}-trajectory"
    table = Table(
        ident, translate("trajectory_title", lang), header, rows, data, [False, False, True, True]
    )
    alt = translate(
        "alt_trajectory",
        lang,
        kpi=ctx.label,
        items="; ".join(f"{r[0]} {r[1]} {r[2]}" for r in rows),
    )
    return Chart(
        ident, inline_svg(figure, alt, ident), alt, translate("caption_trajectory", lang), table
    )


__all__ = ["pace_facts", "pace_sentence", "result_trajectory", "trajectory_chart"]
