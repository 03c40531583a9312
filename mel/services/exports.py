"""Pseudonymised response files of a wave: CSV, XLSX, SPSS .sav, Stata .dta, codebook.

Built on the analysis frame (`mel.data.frame`), so every file carries the design
variables (``unit``, ``stratum``, ``weight``, ``fpc_units`` and for person surveys
``respondent``/``fpc_persons``) and can be analysed directly, e.g. in R with
``svydesign(ids=~unit, strata=~stratum, weights=~weight, fpc=~fpc_units, data=d)``.
The columns are the union over the instrument's versions; the codebook says in which
versions each variable was asked. No invitation tokens, resume tokens, response ids or
questions marked ``sensitive`` are exported; ``respondent`` is the pseudonymous id.

Text cells that a spreadsheet would run as a formula (starting with ``= + - @``, tab or
carriage return) get a leading apostrophe. In .sav/.dta files text choices are coded
1..n in choice-list order, with the labels as value labels; the codebook lists the codes.
"""

from __future__ import annotations

import io
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from mel.data.frame import frame
from mel.models import Instrument, InstrumentVersion
from mel.surveys.publish import load_version
from mel.surveys.schema import InstrumentDefinition

FORMATS = ("csv", "xlsx", "sav", "dta")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sav": "application/x-spss-sav",
    "dta": "application/x-stata-dta",
}
DROPPED = ("response_id",)
DESIGN_LABELS = {
    "nl": {
        "respondent": "Respondent (pseudoniem)",
        "unit": "Eenheid (PSU)",
        "unit_kind": "Soort eenheid",
        "stratum": "Stratum",
        "province": "Provincie",
        "region": "Regio",
        "sector": "Sector",
        "version": "Versie vragenlijst",
        "language": "Taal",
        "fpc_units": "Aantal eenheden in stratum (fpc)",
        "fpc_persons": "Aantal personen in eenheid (fpc)",
        "weight": "Gewicht",
    },
    "en": {
        "respondent": "Respondent (pseudonym)",
        "unit": "Unit (PSU)",
        "unit_kind": "Unit kind",
        "stratum": "Stratum",
        "province": "Province",
        "region": "Region",
        "sector": "Sector",
        "version": "Questionnaire version",
        "language": "Language",
        "fpc_units": "Units in stratum (fpc)",
        "fpc_persons": "Persons in unit (fpc)",
        "weight": "Weight",
    },
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(value: Any) -> Any:
    """Make a text cell inert in spreadsheets; other values pass unchanged."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_XML.sub("", value)
    return "'" + value if value.startswith(FORMULA_START) else value


def neutralise_frame(data: pd.DataFrame) -> pd.DataFrame:
    """Return `data` with every text cell and column name neutralised."""
    result = data.copy()
    for name in result.columns:
        if not pd.api.types.is_numeric_dtype(
            result[name]
        ) and not pd.api.types.is_datetime64_any_dtype(result[name]):
            result[name] = result[name].astype(object).map(neutralise)
    result.columns = [neutralise(str(c)) for c in result.columns]
    return result


@dataclass
class WaveExport:
    """A wave's responses to one instrument, with labels and codebook."""

    data: pd.DataFrame
    variable_labels: dict[str, str]
    value_labels: dict[str, dict[Any, str]]
    codebook: pd.DataFrame
    title: str
    meta: dict[str, str] = field(default_factory=dict)


def _definitions(engine: Engine, instrument: str) -> list[InstrumentDefinition]:
    with Session(engine) as session:
        versions = session.exec(
            select(InstrumentVersion)
            .join(Instrument)
            .where(Instrument.code == instrument)
            .order_by(col(InstrumentVersion.version))
        ).all()
        return [load_version(v) for v in versions]


def _asked_in(definitions: list[InstrumentDefinition]) -> dict[str, list[int]]:
    """Which versions asked each question (by question name)."""
    asked: dict[str, list[int]] = {}
    for definition in definitions:
        for question in definition.questions():
            asked.setdefault(question.name, []).append(definition.version)
    return asked


def _question_of(column: str, asked: dict[str, list[int]]) -> str | None:
    base = column.split("__", 1)[0]
    return base if base in asked else None


def build_export(
    engine: Engine, *, programme: str, wave: str, instrument: str, language: str = "nl"
) -> WaveExport:
    """Return the pseudonymised responses of `instrument` in `wave`, ready to write."""
    data = frame(engine, programme=programme, wave=wave, instrument=instrument, language=language)
    definitions = _definitions(engine, instrument)
    sensitive = {q.name for d in definitions for q in d.questions() if q.sensitive}
    drop = [c for c in data.columns if c in DROPPED or c.split("__", 1)[0] in sensitive]
    data = data.drop(columns=drop)
    variable_labels = {
        **DESIGN_LABELS.get(language, DESIGN_LABELS["nl"]),
        **data.attrs.get("variable_labels", {}),
    }
    variable_labels = {c: variable_labels.get(c, c) for c in data.columns}
    value_labels = {
        c: dict(v) for c, v in data.attrs.get("value_labels", {}).items() if c in data.columns
    }
    asked = _asked_in(definitions)
    all_versions = [d.version for d in definitions]
    rows = []
    for name in data.columns:
        question = _question_of(name, asked)
        rows.append(
            {
                "variable": name,
                "label": variable_labels[name],
                "type": str(data[name].dtype),
                "versions": " ".join(map(str, asked[question] if question else all_versions)),
                "value_labels": "; ".join(
                    f"{k} = {v}" for k, v in value_labels.get(name, {}).items()
                ),
            }
        )
    title = f"{programme} {wave} {instrument}"
    meta = {"programme": programme, "wave": wave, "instrument": instrument, "language": language}
    return WaveExport(
        data.reset_index(drop=True), variable_labels, value_labels, pd.DataFrame(rows), title, meta
    )


def to_csv(data: pd.DataFrame) -> bytes:
    """Write a table as UTF-8 CSV (with BOM, so Excel reads the accents) after neutralising."""
    return neutralise_frame(data).to_csv(index=False).encode("utf-8-sig")


def to_xlsx(sheets: dict[str, pd.DataFrame]) -> bytes:
    """Write tables as sheets of one workbook after neutralising every text cell."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, table in sheets.items():
            neutralise_frame(table).to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()


def _stat_ready(
    export: WaveExport, stata: bool
) -> tuple[pd.DataFrame, dict[str, str], dict[str, dict[Any, str]], dict[str, str]]:
    """Data with coded text choices and (for Stata) names of at most 32 characters."""
    data = neutralise_frame(export.data)
    value_labels: dict[str, dict[Any, str]] = {}
    for name, labels in export.value_labels.items():
        if not labels:
            continue
        if all(_is_number(k) for k in labels):
            value_labels[name] = {
                int(float(k)) if float(k).is_integer() else float(k): str(neutralise(v))
                for k, v in labels.items()
            }
            continue
        codes = {value: number for number, value in enumerate(labels, start=1)}
        data[name] = data[name].map(lambda v, codes=codes: codes.get(v)).astype(float)
        value_labels[name] = {codes[k]: str(neutralise(v)) for k, v in labels.items()}
    for name in data.columns:
        if data[name].dtype == object:  # text: readstat wants str, not None/NaN
            data[name] = data[name].map(lambda v: "" if v is None or v != v else str(v))
    names = {c: c for c in data.columns}
    if stata:
        names = _stata_names(list(data.columns))
    labels = {
        names[c]: str(neutralise(export.variable_labels.get(c, c)))[:80] for c in data.columns
    }
    data = data.rename(columns=names)
    return data, labels, {names[c]: v for c, v in value_labels.items()}, names


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def _stata_names(columns: list[str]) -> dict[str, str]:
    """Map names to unique Stata names (at most 32 characters)."""
    result: dict[str, str] = {}
    taken: set[str] = set()
    for name in columns:
        candidate, number = name[:32], 1
        while candidate in taken:
            suffix = f"_{number}"
            candidate, number = name[: 32 - len(suffix)] + suffix, number + 1
        taken.add(candidate)
        result[name] = candidate
    return result


def write(export: WaveExport, fmt: str) -> bytes:
    """Return the export as a file of format `fmt` (csv, xlsx, sav, dta)."""
    if fmt == "csv":
        return to_csv(export.data)
    if fmt == "xlsx":
        return to_xlsx({"data": export.data, "codebook": codebook(export)})
    if fmt not in ("sav", "dta"):
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    import pyreadstat

    data, labels, value_labels, _ = _stat_ready(export, stata=fmt == "dta")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"export.{fmt}"
        if fmt == "sav":
            pyreadstat.write_sav(
                data,
                path,
                file_label=export.title[:64],
                column_labels=labels,
                variable_value_labels=value_labels,
            )
        else:
            pyreadstat.write_dta(
                data,
                path,
                file_label=export.title[:80],
                column_labels=labels,
                variable_value_labels=value_labels,
            )
        return path.read_bytes()


def codebook(export: WaveExport) -> pd.DataFrame:
    """Return the codebook, with the Stata name and the .sav/.dta codes of text choices."""
    book = export.codebook.copy()
    book["stata_name"] = book["variable"].map(_stata_names(list(export.data.columns)))
    coded = []
    for name in book["variable"]:
        labels = export.value_labels.get(name) or {}
        if labels and not all(_is_number(k) for k in labels):
            coded.append("; ".join(f"{i} = {k}" for i, k in enumerate(labels, start=1)))
        else:
            coded.append("")
    book["sav_dta_codes"] = coded
    return book
