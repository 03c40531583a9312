"""The report's register KPIs: figures from imported register files, no sampling error.

Each register KPI gets its figure for the latest register year up to the wave's year,
labelled as register data without sampling error (so without interval), its target and
status, its trend over register years, its figure per group, and the source with the
import version it was read from (`mel.kpi.register`).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session

from mel.i18n import translate
from mel.kpi.register import MISSING, NO_IMPORT, RegisterResult, evaluate_register_kpis
from mel.present.numbers import format_number, format_percent
from mel.reports.model import Fact, RegisterSection, Table
from mel.reports.text import status_words
from mel.surveys.programme_schema import ProgrammeDefinition


def _value(result: RegisterResult, value: float | None, lang: str) -> str:
    if result.kpi.measure == "share":
        return format_percent(value, 1, lang)
    return format_number(value, 0, lang)


def _provenance(result: RegisterResult, lang: str) -> str:
    source, version = result.source, result.version
    if source is None or version is None:
        return ""
    return translate(
        "register_provenance",
        lang,
        source=source.label.get(lang),
        publisher=source.publisher,
        version=version.version,
        date=f"{version.imported_at:%Y-%m-%d}",
    )


def register_section(result: RegisterResult, lang: str) -> RegisterSection:
    """One register KPI's part of the report."""
    kpi = result.kpi
    note = None
    if result.note == NO_IMPORT:
        note = translate("register_no_import", lang, source=kpi.source)
    elif result.note == MISSING and result.version is not None:
        note = translate(
            "register_missing",
            lang,
            version=result.version.version,
            columns=", ".join(result.missing),
        )
    elif result.value is None:
        note = translate("register_no_year", lang, year=result.asked)
    facts = [Fact(translate("register_year", lang), str(result.year or "\u2014"))]
    facts.append(Fact(translate("register_value", lang), _value(result, result.value, lang)))
    if result.denominator is not None:
        fraction = (
            f"{format_number(result.numerator, 0, lang)} / "
            f"{format_number(result.denominator, 0, lang)}"
        )
        facts.append(Fact(translate("register_fraction", lang), fraction))
    if result.target is not None:
        facts.append(Fact(translate("target", lang), _value(result, result.target, lang)))
    facts.append(Fact(translate("status", lang), status_words(result.status, lang)))
    value_label = translate("register_value", lang)
    trend = (
        Table(
            f"{kpi.code}-register-trend",
            translate("register_trend", lang, kpi=kpi.label.get(lang)),
            [translate("register_year", lang), value_label],
            [[str(y), _value(result, v, lang)] for y, v in result.history],
            pd.DataFrame(result.history, columns=["year", "value"]).assign(kpi=kpi.code),
            [False, True],
        )
        if result.history
        else None
    )
    labels = (
        {c.name: c.label.get(lang) if c.label else c.name for c in result.source.columns}
        if result.source
        else {}
    )
    groups = [
        Table(
            f"{kpi.code}-register-{column}",
            translate("register_by", lang, column=labels.get(column, column), year=result.year),
            [labels.get(column, column), value_label],
            [[g, _value(result, v, lang)] for g, v in rows],
            pd.DataFrame(rows, columns=["group", "value"]).assign(kpi=kpi.code, by=column),
            [False, True],
        )
        for column, rows in result.by.items()
    ]
    status = result.status.name.lower().replace("_", "-") if result.status else "none"
    return RegisterSection(
        anchor=f"kpi-{kpi.code}",
        code=kpi.code,
        label=kpi.label.get(lang),
        definition=kpi.definition.get(lang),
        kind_label=translate("register_kind", lang),
        provenance=_provenance(result, lang),
        facts=facts,
        trend=trend,
        groups=groups,
        status_css=f"status-{status}",
        note=note,
    )


def overview_row(result: RegisterResult, lang: str) -> tuple[list[str], dict[str, object]]:
    """A register KPI's row of the report's KPI overview: its figure, no interval."""
    kpi = result.kpi
    cells = [
        f"{kpi.label.get(lang)} ({translate('register_kind', lang)})",
        _value(result, result.value, lang) if result.value is not None else "\u2014",
        translate("register_no_interval", lang),
        _value(result, result.target, lang) if result.target is not None else "\u2014",
        status_words(result.status, lang),
        "\u2014",
    ]
    numbers: dict[str, object] = {
        "kpi": kpi.code,
        "label": kpi.label.get(lang),
        "kind": "register",
        "register_year": result.year,
        "estimator": f"register {kpi.measure}",
        "estimate": result.value,
        "target": result.target,
        "status": result.status.value if result.status else None,
        "source": kpi.source,
        "version": result.version.version if result.version else None,
    }
    return cells, numbers


def register_results(
    engine: Engine, programme: ProgrammeDefinition, year: int
) -> list[RegisterResult]:
    """The programme's register KPIs for a wave's year (`mel.kpi.register`)."""
    if not programme.register_kpis:
        return []
    with Session(engine) as session:
        return evaluate_register_kpis(session, programme, year)


def register_sections(
    results: list[RegisterResult], lang: str
) -> tuple[list[RegisterSection], Table | None]:
    """The register KPIs' sections, and one table of their figures (None without any)."""
    if not results:
        return [], None
    sections = [register_section(r, lang) for r in results]
    data = pd.DataFrame(
        [
            {
                "kpi": r.kpi.code,
                "kind": "register",
                "measure": r.kpi.measure,
                "year": r.year,
                "value": r.value,
                "numerator": r.numerator,
                "denominator": r.denominator,
                "target": r.target,
                "status": r.status.value if r.status else None,
                "source": r.kpi.source,
                "version": r.version.version if r.version else None,
                "sha256": r.version.file_hash if r.version else None,
            }
            for r in results
        ]
    )
    return sections, Table("register", translate("register_section", lang), [], [], data)
