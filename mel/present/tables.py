"""The one writer of the tables mel hands out: CSV and XLSX, defused and byte-stable.

Every CSV or XLSX file mel produces (response exports and codebooks, dashboard
downloads, `mel report`'s tables, invitation links, admin downloads) is written here, so
that all of them are safe to open in a spreadsheet:

- A text cell that a spreadsheet would run as a formula gets a leading apostrophe, as
  OWASP recommends for CSV injection: cells starting with ``= + - @``, tab or carriage
  return, and their full-width forms (``＝ ＋ － ＠``), which some spreadsheets also read
  as formula signs. Numbers stored as numbers are left alone, so ``-1`` stays a number;
  the text ``"-1+2"`` does not. Column names and sheet names are treated the same way.
- Characters XML cannot hold (control characters other than tab, CR and LF) are dropped.
- CSV is UTF-8 with a byte-order mark (so Excel reads the accents) and CRLF line ends
  (RFC 4180), so a field holding a CR or LF is always quoted.
- XLSX files carry no timestamps: the same tables give the same bytes.

References
----------
OWASP, "CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_LENGTH = 31
FILE_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
CSV_ENCODING = "utf-8-sig"
HEADER_FONT = Font(bold=True)


def defuse(value: Any) -> Any:
    """Make a text cell inert in spreadsheets; numbers and other values pass unchanged."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_XML.sub("", value)
    return "'" + value if value.startswith(FORMULA_START) else value


def defuse_frame(data: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of `data` with every text cell and column name defused."""
    result = data.copy()
    for position in range(result.shape[1]):
        column = result.iloc[:, position]
        if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column):
            continue
        result.isetitem(position, column.astype(object).map(defuse))
    result.columns = [defuse(str(c)) for c in result.columns]
    return result


def csv_bytes(table: pd.DataFrame, heading: Iterable[tuple[str, str]] = ()) -> bytes:
    """Write `table` as defused CSV; `heading` pairs come first as ``# name: value`` lines."""
    lines = "".join(f"# {defuse(str(name))}: {defuse(str(value))}\r\n" for name, value in heading)
    body = defuse_frame(table).to_csv(index=False, lineterminator="\r\n")
    return (lines + body).encode(CSV_ENCODING)


def rows_csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """Write plain rows (lists of values) as defused CSV, like `csv_bytes`."""
    return csv_bytes(pd.DataFrame(list(rows), columns=list(header), dtype=object))


def sheet_names(names: Iterable[str]) -> list[str]:
    """Valid, unique sheet names: at most 31 characters, none of ``[]:*?/\\``."""
    used: set[str] = set()
    result = []
    for name in names:
        # A sheet name is never a formula; Excel refuses one that starts or ends with '.
        base = SHEET_FORBIDDEN.sub("_", ILLEGAL_XML.sub("", str(name))).strip("'")
        base = base[:SHEET_LENGTH] or "sheet"
        candidate, number = base, 2
        while candidate.lower() in used:  # Excel compares sheet names without case
            suffix = f"~{number}"
            candidate, number = base[: SHEET_LENGTH - len(suffix)] + suffix, number + 1
        used.add(candidate.lower())
        result.append(candidate)
    return result


def xlsx_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """Write tables as the sheets of one workbook: defused, and the same bytes every time.

    openpyxl's write-only mode streams the rows (with lxml, several times faster than
    building every cell first, which matters for a wave of thousands of responses).
    """
    book = Workbook(write_only=True)
    book.properties.creator = "mel"
    if not sheets:
        book.create_sheet("empty")
    for name, table in zip(sheet_names(sheets), sheets.values(), strict=True):
        sheet = book.create_sheet(name)
        data = defuse_frame(table)
        sheet.append([_header(sheet, str(c)) for c in data.columns])
        for row in zip(*(_cells(data.iloc[:, i]) for i in range(data.shape[1])), strict=True):
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return _without_timestamps(buffer.getvalue())


def _header(sheet: Any, name: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=name)
    cell.font = HEADER_FONT
    return cell


def _cells(column: pd.Series) -> list[Any]:
    """A column's values as openpyxl writes them: Python numbers, datetimes, text, None."""
    if pd.api.types.is_datetime64_any_dtype(column):
        if getattr(column.dt, "tz", None) is not None:
            column = column.dt.tz_convert("UTC").dt.tz_localize(None)
        return [None if pd.isna(v) else v.to_pydatetime() for v in column]
    values = column.astype(object).tolist()
    return [None if _missing(v) else v.item() if hasattr(v, "item") else v for v in values]


def _missing(value: Any) -> bool:
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float) and value != value)
    )


def _without_timestamps(xlsx: bytes) -> bytes:
    """The workbook (a ZIP) without the times openpyxl stamps: entries dated 1980-01-01 and
    no created/modified in docProps/core.xml."""
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = re.sub(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>", b"", data)
            target.writestr(
                zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)),
                data,
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return buffer.getvalue()


def write_csv(path: Path, table: pd.DataFrame) -> Path:
    """Write `table` to `path` as defused CSV; return the path."""
    path.write_bytes(csv_bytes(table))
    return path


def write_xlsx(path: Path, sheets: Mapping[str, pd.DataFrame]) -> Path:
    """Write tables to `path` as one defused, timestamp-free workbook; return the path."""
    path.write_bytes(xlsx_bytes(sheets))
    return path


def file_name(*parts: str, suffix: str = "") -> str:
    """A download or output file name from codes: parts joined by ``-``, each reduced to
    ``A-Z a-z 0-9 . _ -`` (anything else becomes ``_``), never starting with a dot.

    Whatever a code holds (quotes, a newline, a slash), the result is safe in a
    ``Content-Disposition`` header and as a file name in an output folder.
    """
    cleaned = [FILE_NAME_UNSAFE.sub("_", str(part)) for part in parts]
    stem = "-".join(part for part in cleaned if part).lstrip(".") or "mel"
    return stem + (f".{FILE_NAME_UNSAFE.sub('', suffix)}" if suffix else "")
