"""Read a register file (CSV or XLSX) into a header and rows of raw cells.

Row numbers are those of the file (row 1 is the header). A file that is not what its name
says (a spreadsheet that is not a zip archive, a CSV that is not text), or has no header, is
refused with the file named; nothing here raises anything but `RegisterProblems`.
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path
from typing import Any

from mel.data.registers.check import RegisterProblems

SUFFIXES = (".csv", ".xlsx")
# The first bytes of files people mistake for a table: refused by name, not by a parser error.
MAGIC = {b"%PDF": "a PDF document", b"\xd0\xcf\x11\xe0": "a legacy Office file (.xls/.doc)"}


def _kind(raw: bytes) -> str | None:
    return next((what for magic, what in MAGIC.items() if raw.startswith(magic)), None)


def read_file(path: Path) -> tuple[list[str], list[list[Any]]]:
    """The header (stripped names) and data rows of a register file; blank rows kept empty."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise RegisterProblems(
            [f"{path}: wrong file type {suffix or '(none)'!r}; give a .csv or .xlsx file"]
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RegisterProblems([f"{path}: cannot read the file ({exc.strerror or exc})"]) from None
    if not raw.strip():
        raise RegisterProblems([f"{path}:1: the file is empty (expected a header row)"])
    kind = _kind(raw)
    if kind is not None:
        raise RegisterProblems([f"{path}: wrong file type: this is {kind}, not a {suffix} table"])
    rows = _xlsx(path) if suffix == ".xlsx" else _csv(path, raw)
    if not rows or not any(c not in (None, "") for c in rows[0]):
        raise RegisterProblems([f"{path}:1: the file is empty (expected a header row)"])
    header = [str(c).strip() if c is not None else "" for c in rows[0]]
    return header, [r if any(c not in (None, "") for c in r) else [] for r in rows[1:]]


def _csv(path: Path, raw: bytes) -> list[list[Any]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RegisterProblems(
            [
                f"{path}: wrong file type: not UTF-8 text (byte {exc.start + 1}); "
                "save the CSV as UTF-8"
            ]
        ) from None
    if "\x00" in text:
        raise RegisterProblems([f"{path}: wrong file type: binary content, not a CSV table"])
    first = text.lstrip("\n").split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        return [list(r) for r in csv.reader(text.splitlines(), delimiter=delimiter)]
    except csv.Error as exc:
        raise RegisterProblems([f"{path}: cannot read the CSV ({exc})"]) from None


def _xlsx(path: Path) -> list[list[Any]]:
    if not zipfile.is_zipfile(path):
        raise RegisterProblems([f"{path}: wrong file type: not an .xlsx workbook"])
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
        rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
        book.close()
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, IndexError) as exc:
        raise RegisterProblems([f"{path}: cannot read the workbook ({exc})"]) from None
    # Trailing empty cells of wide sheets are not columns.
    width = max((i + 1 for r in rows for i, c in enumerate(r) if c not in (None, "")), default=0)
    return [r[:width] for r in rows]
