"""Reading an XLSForm workbook: its sheets, columns, language columns and settings.

Rows come out as `Row`s: plain cells by column, and texts (label, hint, …) by column and
language code. Columns in languages mel lacks are listed, never dropped silently.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import openpyxl

from mel.surveys.yamlfile import FileProblems, Problem

TEXTS = (
    "label",
    "hint",
    "constraint_message",
    "required_message",
    "guidance_hint",
    "image",
    "audio",
    "video",
    "big-image",
)
ALIASES = {
    "jr:constraintmsg": "constraint_message",
    "jr:requiredmsg": "required_message",
    "list name": "list_name",
    "constraint message": "constraint_message",
}
LANGUAGE_NAMES = {
    "nederlands": "nl",
    "dutch": "nl",
    "nld": "nl",
    "dut": "nl",
    "english": "en",
    "engels": "en",
    "eng": "en",
}
TYPE_SPELLINGS = (
    (r"^(begin|end)[_ ]+", r"\1 "),
    (r"\s+or\s+specify\s+other$", " or_other"),
    (r"^select\s+(one|1)\s+(from\s+)?", "select_one "),
    (r"^select\s+(multiple|all\s+that\s+apply)\s+(from\s+)?", "select_multiple "),
)


@dataclass
class Row:
    """One row of a sheet: plain cells, and texts per column and language."""

    sheet: str
    number: int
    cells: dict[str, str]
    texts: dict[str, dict[str, str]]

    @property
    def where(self) -> str:
        """Name the row as 'survey row 14'."""
        return f"{self.sheet} row {self.number}"

    def get(self, column: str) -> str:
        """Return a plain cell ('' when empty)."""
        return self.cells.get(column, "")

    def kind(self) -> tuple[str, str, str]:
        """Return (type, list name, modifier), e.g. ('select_one', 'ja_nee', 'or_other')."""
        text = self.get("type")
        for pattern, replacement in TYPE_SPELLINGS:
            text = re.sub(pattern, replacement, text, flags=re.I)
        words = text.split()
        if words[:1] and words[0].lower() in ("begin", "end"):
            return " ".join(words[:2]).lower(), "", ""
        return (words[0].lower() if words else ""), " ".join(words[1:2]), " ".join(words[2:])

    def appearance(self) -> set[str]:
        """Return the appearance words, lower-cased."""
        return set(self.get("appearance").lower().split())


def _text(value: object) -> str:
    """Render a cell value as the text XLSForm means by it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def language(suffix: str) -> str:
    """Return the language code of a column suffix: 'Nederlands (nl)', 'nl', 'English'."""
    found = re.search(r"\(([A-Za-z-]+)\)\s*$", suffix)
    code = (found.group(1) if found else suffix).strip().lower()
    return LANGUAGE_NAMES.get(code, code)


class Workbook:
    """Reads the sheets of one workbook into rows."""

    def __init__(self, path: Path) -> None:
        self.file = str(path)
        try:
            with warnings.catch_warnings():  # openpyxl warns about styles it cannot read
                warnings.simplefilter("ignore")
                book = openpyxl.load_workbook(path, read_only=True, data_only=True)
                try:
                    self.sheets = {
                        name.strip().lower(): [
                            list(r) for r in book[name].iter_rows(values_only=True)
                        ]
                        for name in book.sheetnames
                    }
                finally:
                    book.close()
        except Exception as exc:  # noqa: BLE001 - any failure means: not a readable .xlsx
            raise self.fail("", f"cannot read as an .xlsx workbook ({exc})") from None
        if "survey" not in self.sheets:
            found = ", ".join(self.sheets) or "none"
            raise self.fail("", f"no 'survey' sheet (found: {found})")

    def fail(self, where: str, message: str) -> FileProblems:
        """Build the exception for a workbook that cannot be converted at all."""
        return FileProblems([Problem(self.file, where, message)])

    def settings(self) -> dict[str, str]:
        """Return the settings sheet (headers in row 1, values in row 2)."""
        rows = self.sheets.get("settings", [])
        if len(rows) < 2:
            return {}
        return {
            _text(h).lower(): _text(v) for h, v in zip(rows[0], rows[1], strict=False) if _text(h)
        }

    def default_language(self, settings: dict[str, str], notes: list[Problem]) -> str:
        """Return the language of columns without one: the setting if nl or en, else nl."""
        lang = language(settings.get("default_language", "")) or "nl"
        if lang not in ("nl", "en"):
            notes.append(
                Problem(
                    self.file,
                    "settings row 2",
                    f"default_language {lang!r} is not "
                    "nl or en; columns without a language are read as nl",
                )
            )
            lang = "nl"
        return lang

    def rows(
        self, sheet: str, needed: tuple[str, ...], default_language: str, notes: list[Problem]
    ) -> list[Row]:
        """Return the non-blank rows of a sheet; list columns in languages mel lacks."""
        table = self.sheets.get(sheet, [])
        columns: list[tuple[str, str | None]] = []
        for header in table[0] if table else []:
            parts = [p.strip() for p in _text(header).split("::")]
            if len(parts) == 1 and parts[0].partition(":")[0].lower() in TEXTS:
                parts = [p.strip() for p in parts[0].split(":", 1)]  # old 'label:English'
            if len(parts) > 1 and parts[0].lower() in ("bind", "body", "control", "media"):
                parts = parts[1:]
            base = ALIASES.get(parts[0].lower(), parts[0].lower())
            code = language(parts[1]) if len(parts) > 1 else default_language
            if base in TEXTS and code not in ("nl", "en"):
                notes.append(
                    Problem(
                        self.file,
                        f"{sheet} sheet",
                        f"column {_text(header)!r}: "
                        f"language {code!r} is not nl or en; not converted",
                    )
                )
            columns.append((base, code if base in TEXTS else None))
        for column in needed:
            if (table or sheet == "survey") and column not in {base for base, _ in columns}:
                raise self.fail(f"{sheet} sheet", f"no {column!r} column in row 1")
        rows = []
        for line, values in enumerate(table[1:], start=2):
            row = Row(sheet, line, {}, {})
            for (base, code), value in zip(columns, values, strict=False):
                if (text := _text(value)) and code:
                    row.texts.setdefault(base, {})[code] = text
                elif text and base:
                    row.cells[base] = text
            if row.cells or row.texts:
                rows.append(row)
        return rows

    def dutch_columns(
        self, sheets: tuple[list[Row], ...], notes: list[Problem]
    ) -> set[tuple[str, str]]:
        """Return the (sheet, column) texts that have Dutch; list those with English only."""
        nl_columns: set[tuple[str, str]] = set()
        for rows in sheets:
            found = {
                (r.sheet, column, code) for r in rows for column, t in r.texts.items() for code in t
            }
            nl_columns |= {(sheet, column) for sheet, column, code in found if code == "nl"}
            for sheet, column in sorted({(s, c) for s, c, _ in found} - nl_columns):
                notes.append(
                    Problem(
                        self.file,
                        f"{sheet} sheet",
                        f"no Dutch (nl) {column} column; the English texts are used as nl",
                    )
                )
        return nl_columns
