"""The progress report (voortgangsrapportage): coverage, totals and trends of a census.

`build_progress_report` assembles, for one year of a programme's yearly progress
measurement: the coverage of each year, per indicator the total over reporting units and
the total with non-reporting units imputed (ratio to trend, `mel.analysis.census`) with
the imputed share, the change since the year before, the cumulative figure since the first
year (for things made each year), how reach was counted, the indicators per pathway node,
and per unit a one-page profile (`mel.kpi.progress.unit_profile`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from mel.i18n import translate
from mel.kpi.progress import (
    IndicatorResult,
    ProgressResults,
    profile_context,
    unit_profile,
)
from mel.present.census_figure import census_figure
from mel.present.numbers import format_number, format_percent
from mel.present.svg import inline_svg
from mel.reports.census_profile import profile_table
from mel.reports.cover import Cover, report_date
from mel.reports.model import Chart, Table
from mel.surveys.programme_schema import ProgrammeDefinition


@dataclass
class IndicatorSection:
    """One indicator: its figures, chart and notes."""

    anchor: str
    code: str
    label: str
    node: str
    facts: list[tuple[str, str]]
    chart: Chart
    notes: list[str]


@dataclass
class ProgressReport:
    """A whole progress report in one language."""

    language: str
    programme: str
    year: int
    title: str
    subtitle: str
    intro: list[str]
    coverage: Table
    totals: Table
    nodes: Table
    indicators: list[IndicatorSection]
    method: list[str]
    profiles: list[Table] = field(default_factory=list)
    profile_names: list[str] = field(default_factory=list)
    profile_notes: list[str] = field(default_factory=list)
    cover: Cover | None = None
    footer: str = ""

    @property
    def basename(self) -> str:
        """File name stem, e.g. ``katapult-voortgang-2026-nl``."""
        return f"{self.programme}-voortgang-{self.year}-{self.language}"

    @property
    def tables(self) -> list[Table]:
        """The tables exported as CSV/XLSX."""
        return [self.coverage, self.totals, self.nodes]


def _num(value: float | None, decimals: int, lang: str) -> str:
    return format_number(value, decimals, lang)


def _coverage(results: ProgressResults, lang: str) -> Table:
    """Units, reporting units and coverage per year (from the first indicator's census)."""
    totals = results.indicators[0].totals
    rows = [
        [
            str(t.year),
            _num(t.units, 0, lang),
            _num(t.reporting, 0, lang),
            format_percent(t.coverage, 1, lang),
        ]
        for t in totals
    ]
    data = pd.DataFrame(
        [
            {"year": t.year, "units": t.units, "reporting": t.reporting, "coverage": t.coverage}
            for t in totals
        ]
    )
    header = [
        translate(k, lang) for k in ("prog_year", "prog_units", "prog_reporting", "prog_coverage")
    ]
    return Table(
        "coverage",
        translate("prog_coverage_title", lang),
        header,
        rows,
        data,
        [False, True, True, True],
    )


def _totals(results: ProgressResults, lang: str) -> Table:
    """Per indicator in the report's year: reported, imputed total, share, change, cumulative."""
    rows, records = [], []
    for result in results.indicators:
        ind, now = result.indicator, result.year(results.year)
        before = result.year(results.year - 1)
        assert now is not None
        change = (now.total / before.total - 1) if before and before.total else None
        d = ind.decimals
        rows.append(
            [
                ind.label.get(lang),
                _num(now.reported, d, lang),
                _num(now.total, d, lang),
                format_percent(now.imputed_share, 1, lang),
                format_percent(change, 1, lang, sign=True) if change is not None else "\u2014",
                _num(result.cumulative, d, lang) if result.cumulative is not None else "\u2014",
            ]
        )
        records.append(
            {
                "indicator": ind.code,
                **now.to_dict(),
                "change": change,
                "cumulative": result.cumulative,
                "cumulative_reported": result.cumulative_reported,
            }
        )
    header = [
        translate(k, lang)
        for k in (
            "prog_indicator",
            "prog_reported",
            "prog_total",
            "prog_imputed_share",
            "prog_change",
            "prog_cumulative",
        )
    ]
    return Table(
        "totals",
        translate("prog_totals_title", lang, year=results.year),
        header,
        rows,
        pd.DataFrame(records),
        [False, True, True, True, True, True],
    )


def _nodes(results: ProgressResults, programme: ProgrammeDefinition, lang: str) -> Table:
    """Indicators grouped by the pathway node they sit on, in pathway order."""
    labels = {
        f"{p.code}.{n.code}": (p.label.get(lang), n.label.get(lang), n.level)
        for p in programme.pathways
        for n in p.nodes
    }
    order = list(labels)
    placed = sorted(
        (r for r in results.indicators if r.indicator.node in labels),
        key=lambda r: order.index(r.indicator.node or ""),
    )
    rows, records = [], []
    for r in placed:
        pathway, node, level = labels[r.indicator.node or ""]
        now = r.year(results.year)
        assert now is not None
        rows.append(
            [
                node,
                translate(f"level_{level}", lang),
                r.indicator.label.get(lang),
                _num(now.total, r.indicator.decimals, lang),
            ]
        )
        records.append(
            {
                "pathway": pathway,
                "node": r.indicator.node,
                "level": level,
                "indicator": r.indicator.code,
                "total": now.total,
            }
        )
    header = [
        translate(k, lang) for k in ("prog_node", "prog_level", "prog_indicator", "prog_total")
    ]
    return Table(
        "nodes",
        translate("prog_nodes_title", lang),
        header,
        rows,
        pd.DataFrame(records),
        [False, False, False, True],
    )


def _section(result: IndicatorResult, results: ProgressResults, lang: str) -> IndicatorSection:
    """One indicator's key figures, chart over the years and notes."""
    ind, now = result.indicator, result.year(results.year)
    assert now is not None
    d = ind.decimals
    unit = ind.unit.get(lang) if ind.unit else ""
    facts = [
        (translate("prog_reported", lang), f"{_num(now.reported, d, lang)} {unit}".strip()),
        (translate("prog_total", lang), f"{_num(now.total, d, lang)} {unit}".strip()),
        (translate("prog_imputed_share", lang), format_percent(now.imputed_share, 1, lang)),
        (translate("prog_coverage", lang), format_percent(now.coverage, 1, lang)),
    ]
    if now.ratio is not None:
        facts.append((translate("prog_ratio", lang), format_number(now.ratio, 3, lang)))
    if result.cumulative is not None:
        facts.append(
            (
                translate("prog_cumulative_since", lang, year=results.progress.start_year),
                _num(result.cumulative, d, lang),
            )
        )
    notes = []
    counting = result.counting.get(results.year)
    if counting is not None:
        notes.append(
            translate(
                "prog_counting_note",
                lang,
                distinct=counting.distinct_units,
                distinct_total=_num(counting.distinct_total, 0, lang),
                involvements=counting.involvement_units,
                involvement_total=_num(counting.involvement_total, 0, lang),
            )
        )
    if now.missing_units:
        notes.append(translate("prog_missing_note", lang, n=now.missing_units))
    years = [t.year for t in result.totals]
    figure = census_figure(
        years,
        [t.reported for t in result.totals],
        [t.imputed for t in result.totals],
        language=lang,
        reported_label=translate("prog_reported", lang),
        imputed_label=translate("prog_imputed", lang),
        ylabel=unit,
    )
    alt = translate(
        "prog_chart_alt",
        lang,
        label=ind.label.get(lang),
        values="; ".join(
            f"{t.year}: {_num(t.reported, d, lang)} + {_num(t.imputed, d, lang)}"
            for t in result.totals
        ),
    )
    chart = Chart(
        f"chart-{ind.code}",
        inline_svg(figure, alt, f"c-{ind.code}"),
        alt,
        translate("prog_chart_caption", lang),
    )
    return IndicatorSection(
        f"ind-{ind.code}", ind.code, ind.label.get(lang), ind.node or "", facts, chart, notes
    )


def build_progress_report(
    results: ProgressResults,
    programme: ProgrammeDefinition,
    lang: str,
    *,
    k: int = 10,
    profiles: bool = True,
    today: date | None = None,
    version: str = "",
) -> ProgressReport:
    """Assemble the progress report of `results` (one year) in `lang`."""
    label = programme.label.get(lang)
    first = results.indicators[0].year(results.year)
    assert first is not None
    intro = [
        translate(
            "prog_intro",
            lang,
            programme=label,
            year=results.year,
            units=first.units,
            reporting=first.reporting,
            coverage=format_percent(first.coverage, 1, lang),
        )
    ]
    method = [
        translate(key, lang, k=k)
        for key in (
            "prog_method_census",
            "prog_method_impute",
            "prog_method_counting",
            "prog_method_profiles",
        )
    ]
    report = ProgressReport(
        language=lang,
        programme=programme.programme,
        year=results.year,
        title=translate("prog_title", lang, year=results.year),
        subtitle=label,
        intro=intro,
        coverage=_coverage(results, lang),
        totals=_totals(results, lang),
        nodes=_nodes(results, programme, lang),
        indicators=[_section(r, results, lang) for r in results.indicators],
        method=method,
        cover=Cover(
            programme.organisation.get(lang) if programme.organisation else "",
            report_date(today or date.today(), lang),
            version,
            "",
        ),
        footer=translate("report_footer", lang, version=version),
    )
    if profiles:
        data, progress, year = results.data, results.progress, results.year
        shared = profile_context(data, progress, year, k)
        for code in data.frames[year]:
            profile = unit_profile(data, progress, year, code, k, shared)
            report.profiles.append(profile_table(profile, lang))
            report.profile_names.append(profile.unit)
            report.profile_notes.append(
                "" if profile.reported else translate("prog_not_reported", lang)
            )
    return report
