"""Assemble an impactmeting report: fieldwork, pathways, KPIs and the methodology."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine

from mel.i18n import translate
from mel.kpi.evaluate import evaluate_kpis, waves_of
from mel.kpi.frames import Frames
from mel.present.numbers import format_date
from mel.reports.cover import Cover, conclusions_file, logo_uri, render_markdown, report_date
from mel.reports.definitions import definitions_section
from mel.reports.fieldwork import fieldwork_section, wave_instruments
from mel.reports.held import OneAtATime, current_frame, design_or_none
from mel.reports.kpis import KpiContext, kpi_section, overview_row
from mel.reports.methodology import methodology
from mel.reports.model import Report, Table
from mel.reports.open_answers import open_answers
from mel.reports.pathway_sections import pathway_sections, with_kpis
from mel.reports.progress import steps
from mel.reports.questionnaire import fielded_versions, questionnaire_section
from mel.reports.rates import rates_section
from mel.reports.registers import overview_row as register_overview_row
from mel.reports.registers import register_results, register_sections
from mel.reports.rosters import roster_tables
from mel.reports.summary import headline
from mel.reports.text import status_words
from mel.surveys.programme_schema import ProgrammeDefinition
from mel.surveys.schema import InstrumentDefinition

Step = Callable[[str], None]


def _quiet(_label: str) -> None:
    """A progress callback that does nothing."""


def group_labels(
    instruments: dict[str, InstrumentDefinition], language: str
) -> dict[str, dict[str, str]]:
    """Readable names of sector codes, from the instruments' choice lists (when unique)."""
    found: dict[str, set[str]] = {}
    for survey in instruments.values():
        for choices in survey.choices.values():
            for choice in choices:
                found.setdefault(str(choice.value), set()).add(choice.label.get(language))
    return {
        "sector": {value: next(iter(labels)) for value, labels in found.items() if len(labels) == 1}
    }


def build_report(
    engine: Engine,
    programme: ProgrammeDefinition,
    instruments: dict[str, InstrumentDefinition],
    wave: str,
    *,
    language: str = "nl",
    k: int = 10,
    progress: Step = _quiet,
    folder: Path | None = None,
    today: date | None = None,
    fieldwork_status: dict[str, Any] | None = None,
) -> Report:
    """Evaluate the KPIs of `programme` in `wave` and assemble the report.

    Parameters
    ----------
    engine : sqlalchemy.engine.Engine
        The mel database.
    programme : ProgrammeDefinition
        Pathways and KPIs.
    instruments : dict of str to InstrumentDefinition
        The programme's instruments by code.
    wave : str
        Code of the wave to report on.
    language : {"nl", "en"}
    k : int
        Minimum group size: smaller groups are suppressed (MIN_GROUP_SIZE).
    progress : callable
        Called with a label after each step (see `steps`).
    folder : pathlib.Path, optional
        The programme's folder: its logo and its conclusions for the wave
        (``conclusions-<wave>[.<lang>].md``) are taken from there.
    today : datetime.date, optional
        The report's date on the cover (default: today).
    fieldwork_status : dict, optional
        The wave's case outcomes and AAPOR rates as
        `mel.services.fieldwork.status.wave_status` gives them; the fieldwork section
        shows them when the wave has cases (without, it shows the counts only).

    Raises
    ------
    LookupError
        When the programme has no wave `wave`.
    """
    lang = language
    current, earlier = waves_of(engine, programme.programme, wave)
    wave_labels = {
        w.code: (w.label_en if lang == "en" else w.label_nl) or w.code for w in [*earlier, current]
    }
    fieldwork = fieldwork_section(engine, current, lang)
    rates = rates_section(fieldwork_status, lang)
    progress(translate("fieldwork", lang))
    frames = Frames(engine, programme, instruments)
    # One instrument's frames unpacked at a time, here and in the sections below (the
    # others packed in memory: `Frames.keep_only`).
    results = evaluate_kpis(
        engine, programme, instruments, wave, k, frames=frames, progress=progress, release=True
    )
    node_labels = {
        f"{p.code}.{n.code}": n.label.get(lang) for p in programme.pathways for n in p.nodes
    }
    context = KpiContext(lang, k, node_labels, wave_labels, group_labels(instruments, lang))
    sections, domains, overview, numbers = [], [], [], []
    for result in results:
        frames.keep_only(result.kpi.instrument)
        data, problem = frames.data(wave, result.kpi)
        section, groups = kpi_section(
            result,
            context,
            None if problem else data,
            instruments.get(result.kpi.instrument),
            None if problem else design_or_none(frames, wave, result.kpi.instrument),
        )
        sections.append(section)
        domains.append(groups)
        cells, record = overview_row(result, lang, k)
        overview.append(cells)
        numbers.append(record)
        progress(result.kpi.code)
    registered = register_results(engine, programme, current.year)
    registers, register_table = register_sections(registered, lang)
    for extra in registered:  # register KPIs in the overview too, marked as such
        cells, record = register_overview_row(extra, lang)
        overview.append(cells)
        numbers.append(record)
    pathways = pathway_sections(programme, results, lang, k, registered)
    for pathway in pathways:
        progress(pathway.label)
    pathways, unlinked = with_kpis(pathways, results, sections)
    used = sorted(
        {kpi.instrument for kpi in programme.kpis}
        | {i.code for i in wave_instruments(engine, current.id or 0)} & set(instruments)
    )
    method = methodology(
        OneAtATime(used, lambda code: current_frame(frames, wave, code)),
        results,
        language=lang,
        k=k,
        designs=OneAtATime(used, lambda code: design_or_none(frames, wave, code)),
    )
    progress(translate("methodology", lang))
    header = [
        translate("kpi", lang),
        translate("estimate", lang),
        translate("interval", lang),
        translate("target", lang),
        translate("status", lang),
        translate("change", lang),
    ]
    overview_table = Table(
        "kpis",
        translate("kpi_overview", lang),
        header,
        overview,
        pd.DataFrame(numbers),
        [False, True, True, True, False, True],
    )
    group_frame = (
        pd.concat([d for d in domains if not d.empty], ignore_index=True)
        if any(not d.empty for d in domains)
        else pd.DataFrame(columns=["kpi"])
    )
    exported = [
        overview_table,
        fieldwork,
        Table(
            "groups", translate("by_group", lang, kpi=translate("kpis", lang)), [], [], group_frame
        ),
        _combined("trend", sections, translate("wave", lang)),
        _combined("answers", sections, translate("distribution", lang)),
        Table(
            "pathways",
            translate("pathways", lang),
            [],
            [],
            pd.concat(
                [
                    p.chart.table.data.assign(pathway=p.anchor.removeprefix("pathway-"))
                    for p in pathways
                    if p.chart.table is not None
                ]
                or [pd.DataFrame()],
                ignore_index=True,
            ),
        ),
    ]
    exported += [rates] if rates is not None else []
    quoted, quote_counts = open_answers(
        engine, programme, instruments, used, frames, current, lang, k
    )
    exported += [quote_counts]
    exported += [m.table for m in method if m.table is not None]
    fielded = fielded_versions(
        engine, current.id or 0, {c: instruments[c] for c in used if c in instruments}
    )
    appendices = [definitions_section(programme, instruments, lang)] + [
        questionnaire_section(fielded[code], lang) for code in used if code in fielded
    ]
    exported += [a.table for a in appendices if a.table is not None]
    rosters = roster_tables(engine, programme.programme, wave, instruments, used, lang, k)
    exported += rosters
    exported += [register_table] if register_table is not None else []
    title = translate("report_title", lang, programme=programme.label.get(lang))
    subtitle = (
        translate(
            "subtitle",
            lang,
            wave=wave_labels[current.code],
            start=format_date(current.fieldwork_start, lang, "numeric"),
            end=format_date(current.fieldwork_end, lang, "numeric"),
        )
        if current.fieldwork_start and current.fieldwork_end
        else translate("subtitle_no_dates", lang, wave=wave_labels[current.code])
    )
    # Said from the complete responses themselves, not from the KPIs (which may have failed).
    totals = fieldwork.data[fieldwork.data["stratum"].isna()]
    notes = [] if int(totals["responses"].fillna(0).sum()) else [translate("empty_wave", lang)]
    return Report(
        language=lang,
        programme=programme.programme,
        wave=current.code,
        title=title,
        subtitle=subtitle,
        description=programme.description.get(lang) if programme.description else "",
        intro=translate("summary_intro", lang),
        summary=headline(results, lang, k, current.year),
        overview=overview_table,
        fieldwork=fieldwork,
        rates=rates,
        registers=registers,
        pathways=pathways,
        kpis=sections,
        unlinked=unlinked,
        open_answers=quoted,
        open_answers_note=translate("open_answers_intro", lang, k=k),
        methodology=method,
        notes=notes,
        footer=translate("report_footer", lang, version=_version()),
        tables=exported,
        rosters=rosters,
        roster_note=translate("rosters_intro", lang, k=k),
        problems=[f"{r.kpi.code}: {r.note}" for r in results if r.failed],
        appendices=appendices,
        cover=Cover(
            programme.organisation.get(lang) if programme.organisation else "",
            report_date(today or date.today(), lang),
            _version(),
            logo_uri(folder, programme),
        ),
        conclusions=_conclusions(folder, current.code, lang),
    )


def _combined(kind: str, sections: list, title: str) -> Table:  # type: ignore[type-arg]
    """One long export table from the per-KPI chart tables of one kind."""
    parts = []
    for section in sections:
        for chart in section.charts:
            if chart.table is not None and chart.table.name == f"{section.code}-{kind}":
                data = chart.table.data
                if kind == "answers":
                    data = data.melt(id_vars=["item", "n"], var_name="answer", value_name="share")
                parts.append(data.assign(kpi=section.code)[["kpi", *data.columns]])
    data = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["kpi"])
    return Table(kind, title, [], [], data)


def _conclusions(folder: Path | None, wave: str, language: str) -> object:
    """The programme's conclusions for the wave as HTML, or None."""
    path = conclusions_file(folder, wave, language)
    return render_markdown(path.read_text(encoding="utf-8")) if path is not None else None


def _version() -> str:
    try:
        return metadata.version("mel")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a plain checkout
        return "dev"


__all__ = ["build_report", "steps", "status_words"]
