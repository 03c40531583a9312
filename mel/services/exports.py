"""Pseudonymised response files of a wave: CSV, XLSX, SPSS .sav, Stata .dta, codebook.

Built on the analysis frame (`mel.data.frame`), so every file carries the design
variables (``unit``, ``stratum``, ``weight``, ``fpc_units`` and for person surveys
``respondent``/``fpc_persons``) and can be analysed directly, e.g. in R with
``svydesign(ids=~unit, strata=~stratum, weights=~weight, fpc=~fpc_units, data=d)``.
The columns are the union over the instrument's versions; the codebook says in which
versions each variable was asked. No invitation tokens, resume tokens, response ids or
questions marked ``sensitive`` are exported; ``respondent`` is the pseudonymous id.

Every file is written by `mel.present.tables` (CSV, XLSX) or pyreadstat (.sav, .dta) from
defused cells: text a spreadsheet would run as a formula gets a leading apostrophe. In
.sav/.dta files text choices are coded 1..n in choice-list order ("other" included), with
the labels as value labels; the codebook lists the codes. The text typed after "other" is
the column ``<question>__other_text``. Variable names that SPSS or Stata refuse (Stata:
more than 32 characters) are shortened reproducibly (`mel.services.stat_names`); the full
name stays in the variable label and the codebook.
"""

from __future__ import annotations

import importlib.util
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from mel.data.frame import frame
from mel.i18n import translate
from mel.models import Instrument, InstrumentVersion
from mel.present.numbers import format_plain
from mel.present.tables import csv_bytes, defuse, defuse_frame, xlsx_bytes
from mel.services.export_repeats import codebook_rows, long_tables
from mel.services.stat_names import stat_names, variable_label
from mel.surveys.checks import FRAME_COLUMNS
from mel.surveys.publish import load_version
from mel.surveys.schema import InstrumentDefinition

FORMATS = ("csv", "xlsx", "sav", "dta")
STAT_FORMATS = ("sav", "dta")  # written by pyreadstat, the optional extra `stats`
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sav": "application/x-spss-sav",
    "dta": "application/x-stata-dta",
}
DROPPED = ("response_id",)
# The design columns of an export; their labels are msgids `design_<column>` in the catalogue.
DESIGN_COLUMNS = tuple(c for c in FRAME_COLUMNS if c not in DROPPED)


@dataclass
class WaveExport:
    """A wave's responses to one instrument, with labels and codebook."""

    data: pd.DataFrame
    variable_labels: dict[str, str]
    value_labels: dict[str, dict[Any, str]]
    codebook: pd.DataFrame
    title: str
    meta: dict[str, str] = field(default_factory=dict)
    # Long tables of repeat groups by name: one row per repeat row, linked to its response
    # by `respondent` (the pseudonym; response ids are not exported) and `row`.
    repeats: dict[str, pd.DataFrame] = field(default_factory=dict)


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
    repeats = long_tables(
        engine,
        data,
        definitions,
        dropped=DROPPED,
        sensitive=sensitive,
        programme=programme,
        wave=wave,
        instrument=instrument,
        language=language,
    )
    data = data.drop(columns=drop)
    variable_labels = {
        **{column: translate(f"design_{column}", language) for column in DESIGN_COLUMNS},
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
                "table": "data",
            }
        )
    versions = {t: " ".join(map(str, asked.get(t, all_versions))) for t in repeats}
    rows += codebook_rows(repeats, language, versions)
    title = f"{programme} {wave} {instrument}"
    meta = {"programme": programme, "wave": wave, "instrument": instrument, "language": language}
    return WaveExport(
        data.reset_index(drop=True),
        variable_labels,
        value_labels,
        pd.DataFrame(rows),
        title,
        meta,
        {name: long.reset_index(drop=True) for name, long in repeats.items()},
    )


def to_csv(data: pd.DataFrame) -> bytes:
    """Write a table as defused UTF-8 CSV (with BOM, so Excel reads the accents)."""
    return csv_bytes(data)


def to_xlsx(sheets: dict[str, pd.DataFrame]) -> bytes:
    """Write tables as the defused sheets of one workbook."""
    return xlsx_bytes(sheets)


def _codes(
    export: WaveExport,
) -> tuple[pd.DataFrame, dict[str, dict[Any, str]], dict[str, dict[Any, int]]]:
    """Data with text choices coded 1..n, the value labels of every labelled column, and the
    codes given to each text choice (values found in the data but in no choice list are
    coded after the listed ones, labelled with themselves: no answer becomes missing)."""
    data = export.data.copy()
    value_labels: dict[str, dict[Any, str]] = {}
    coded: dict[str, dict[Any, int]] = {}
    for name, labels in export.value_labels.items():
        if not labels:
            continue
        if all(_is_number(k) for k in labels):
            value_labels[name] = {_number(k): str(defuse(v)) for k, v in labels.items()}
            continue
        codes = {str(value): number for number, value in enumerate(labels, start=1)}
        texts = {str(value): str(defuse(label)) for value, label in labels.items()}
        for value in data[name].dropna().astype(str).unique():
            if value not in codes:
                codes[value] = len(codes) + 1
                texts[value] = str(defuse(value))
        data[name] = data[name].map(lambda v, c=codes: None if _absent(v) else c[str(v)])
        data[name] = data[name].astype(float)
        value_labels[name] = {codes[v]: texts[v] for v in codes}
        coded[name] = codes
    return data, value_labels, coded


def _stat_ready(
    export: WaveExport, fmt: str
) -> tuple[pd.DataFrame, dict[str, str], dict[str, dict[Any, str]], dict[str, str]]:
    """Data, variable labels, value labels and names as a .sav or .dta file holds them."""
    data, value_labels, _ = _codes(export)
    data = defuse_frame(data)
    for name in data.columns:
        if data[name].dtype == object:  # text: readstat wants str, not None/NaN
            data[name] = data[name].map(lambda v: "" if _absent(v) else str(v))
    names = stat_names(list(export.data.columns), fmt, labelled=set(value_labels))
    labels = {
        names[c]: variable_label(c, names[c], str(defuse(export.variable_labels.get(c, c))), fmt)
        for c in export.data.columns
    }
    data.columns = [names[c] for c in export.data.columns]
    return data, labels, {names[c]: v for c, v in value_labels.items()}, names


def _absent(value: Any) -> bool:
    return value is None or value != value


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def _number(value: Any) -> int | float:
    number = float(value)
    return int(number) if number.is_integer() else number


def sheet_name(table: str) -> str:
    """Return the XLSX sheet of a repeat group's long table (at most 31 characters)."""
    return f"rows_{table}"[:31]


class MissingExtra(RuntimeError):
    """A format needs a package of one of mel's optional extras that is not installed."""

    def __init__(self, extra: str, package: str) -> None:
        super().__init__(f"{package} is not installed: pip install 'mel[{extra}]'")
        self.extra, self.package = extra, package


def stat_formats_available() -> bool:
    """Whether SPSS and Stata files can be written (pyreadstat is installed)."""
    return importlib.util.find_spec("pyreadstat") is not None


def available_formats() -> tuple[str, ...]:
    """The export formats this installation writes."""
    return tuple(f for f in FORMATS if f not in STAT_FORMATS or stat_formats_available())


def write(export: WaveExport, fmt: str, table: str | None = None) -> bytes:
    """Return the export as a file of format `fmt` (csv, xlsx, sav, dta).

    An XLSX file holds the data, a sheet per repeat group and the codebook; `table` asks
    for the long table of one repeat group as CSV.
    """
    if table is not None:
        if table not in export.repeats or fmt != "csv":
            raise ValueError(f"no long table {table!r} as {fmt}")
        return to_csv(export.repeats[table])
    if fmt == "csv":
        return to_csv(export.data)
    if fmt == "xlsx":
        sheets = {sheet_name(name): long for name, long in export.repeats.items()}
        return to_xlsx({"data": export.data, **sheets, "codebook": codebook(export)})
    if fmt not in STAT_FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if not stat_formats_available():
        raise MissingExtra("stats", "pyreadstat")
    import pyreadstat

    data, labels, value_labels, _ = _stat_ready(export, fmt)
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
    """Return the codebook, with the SPSS and Stata names and the .sav/.dta codes."""
    book = export.codebook.copy()
    _, value_labels, coded = _codes(export)
    columns = list(export.data.columns)
    book["value_labels"] = [
        "; ".join(
            f"{format_plain(k, 'en') if _is_number(k) else k} = {v}"
            for k, v in export.value_labels.get(name, {}).items()
        )
        if table == "data"
        else kept
        for name, table, kept in zip(
            book["variable"], book["table"], book["value_labels"], strict=True
        )
    ]
    book["spss_name"] = book["variable"].map(stat_names(columns, "sav", set(value_labels)))
    book["stata_name"] = book["variable"].map(stat_names(columns, "dta", set(value_labels)))
    book["sav_dta_codes"] = [
        "; ".join(f"{code} = {value}" for value, code in coded.get(name, {}).items())
        for name in book["variable"]
    ]
    return book
