"""Reading only the used cells of a workbook, in bounded memory whatever produced it.

A workbook saved by LibreOffice often declares a used range of all 1,048,576 rows and
1,024 columns; a reader that trusts that declaration builds a billion empty cells. Here
.xlsx/.xlsm files are streamed with openpyxl's read-only reader with the declared range
ignored, each row cut after its last non-empty cell and empty rows dropped; legacy .xls
files (at most 65,536 × 256 cells) are read with python-calamine. Other formats (.ods,
.xlsb) are refused: calamine builds the full rectangle of a sheet's cells, and aborts the
process when a file makes it huge.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

Cells = list[tuple[int, list[object]]]
OLE2 = b"\xd0\xcf\x11\xe0"  # how an .xls file starts


def letter(index: int) -> str:
    """Return the spreadsheet letter of a 0-based column index (0 → A, 27 → AB)."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _used(values: Sequence[object]) -> list[object]:
    """Cut a row after its last non-empty cell."""
    end = len(values)
    while end and (values[end - 1] is None or values[end - 1] == ""):
        end -= 1
    return list(values[:end])


def read_cells(path: Path) -> dict[str, Cells]:
    """Return {sheet name (stripped, lower-case): [(row number, values)]} of non-empty rows."""
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic == OLE2:
        return _read_xls(path)
    return _read_xlsx(path)


def _read_xlsx(path: Path) -> dict[str, Cells]:
    """Stream an .xlsx with openpyxl, ignoring the declared dimension."""
    import openpyxl

    with warnings.catch_warnings():  # openpyxl warns about styles it cannot read
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheets: dict[str, Cells] = {}
        for name in book.sheetnames:
            sheet = book[name]
            if not hasattr(sheet, "reset_dimensions"):  # a chart sheet has no cells
                continue
            sheet.reset_dimensions()
            with warnings.catch_warnings():  # and about extensions it drops
                warnings.simplefilter("ignore")
                sheets[name.strip().lower()] = [
                    (number, used)
                    for number, values in _rows(book, sheet)
                    if (used := _used(values))
                ]
        return sheets
    finally:
        book.close()


def _rows(book: Any, sheet: Any) -> Iterator[tuple[int, Sequence[object]]]:
    """Yield (row number, values) of the rows a sheet's XML has, skipping the gaps.

    openpyxl's public iter_rows() yields an empty row for every row number missing from
    the file (a million for a cell in the last row); its sheet parser, used by iter_rows
    itself, yields only the rows that are there. Should its internals change, iter_rows()
    is used instead.
    """
    try:
        from openpyxl.worksheet._reader import WorkSheetParser

        source = sheet._get_source()
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
    except (ImportError, AttributeError, TypeError):
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)
        return
    with source:
        for number, cells in parser.parse():
            values: list[object] = []
            for cell in cells:
                if cell["value"] is not None and cell["value"] != "":
                    values.extend([None] * (cell["column"] - 1 - len(values)))
                    values.append(cell["value"])
            yield number, values


def _read_xls(path: Path) -> dict[str, Cells]:
    """Read a legacy .xls workbook (at most 65,536 × 256 cells) with python-calamine."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    sheets: dict[str, Cells] = {}
    for name in book.sheet_names:
        sheet = book.get_sheet_by_name(name)
        first, left = sheet.start or (0, 0)
        rows: Cells = []
        for number, values in enumerate(sheet.iter_rows(), start=first + 1):
            if used := _used([None] * left + list(values)):
                rows.append((number, used))
        sheets[name.strip().lower()] = rows
    return sheets
