"""Reading an XLSForm workbook: its sheets, columns, language columns and settings.

Rows come out as `Row`s: plain cells by column, and texts (label, hint, …) by column and
language code (nl, en or any ISO 639-1 code: `label::Türkçe (tr)`). Header spellings and
what mel converts are in `columns`; unknown columns, columns whose language is no ISO 639-1
code and settings mel has no place for are listed, never dropped silently; duplicate
columns (which pyxform refuses) are refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel import Locale

from mel.surveys.languages import ISO_639_1, is_language, language_name
from mel.surveys.xlsform.columns import TEXTS, resolve, snake, status
from mel.surveys.xlsform.reader import letter, read_cells
from mel.surveys.yamlfile import FileProblems, Problem

# pyxform reads typographic quotes in cells as plain ones (Excel's autocorrect puts them in).
QUOTES = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}
SMART_QUOTES = re.compile("|".join(QUOTES))
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
    """Return the language code of a column suffix: 'Türkçe (tr)', 'tr', 'English', 'French'."""
    found = re.search(r"\(([A-Za-z_-]+)\)\s*$", suffix)
    code = (found.group(1) if found else suffix).strip().lower()
    return LANGUAGE_NAMES.get(code) or (code if found else named_language(code))


@cache
def _names() -> dict[str, str]:
    """Return ISO 639-1 codes by their English name and their own name, lower case."""
    found: dict[str, str] = {}
    english = Locale.parse("en")
    for code in sorted(ISO_639_1):
        for name in (english.languages.get(code), language_name(code)):
            if name and name != code:
                found.setdefault(name.lower(), code)
    return found


def named_language(word: str) -> str:
    """Return the code of a language named in English or in itself ('french', 'türkçe')."""
    return _names().get(word, word)


class Workbook:
    """Reads the sheets of one workbook into rows (.xlsx, .xlsm or .xls)."""

    def __init__(self, path: Path, language_option: str | None = None) -> None:
        self.file = str(path)
        self.language_option = language_option
        self.unlabelled: list[tuple[str, str]] = []
        try:
            self.sheets = read_cells(path)
        except Exception as exc:  # noqa: BLE001 - any failure means: not a readable workbook
            raise self.fail("", f"cannot read as a workbook (.xlsx or .xls) ({exc})") from None
        if "survey" not in self.sheets:
            found = ", ".join(self.sheets) or "none"
            raise self.fail("", f"no 'survey' sheet (found: {found})")

    def fail(self, where: str, message: str) -> FileProblems:
        """Build the exception for a workbook that cannot be converted at all."""
        return FileProblems([Problem(self.file, where, message)])

    def settings(self, notes: list[Problem]) -> dict[str, str]:
        """Return the settings sheet (headers in row 1, values in row 2), columns listed."""
        rows = [values for _, values in self.sheets.get("settings", [])]
        if len(rows) < 2:
            return {}
        found: dict[str, str] = {}
        for index, (header, value) in enumerate(zip(rows[0], rows[1], strict=False)):
            if not _text(header):
                continue
            column, _ = resolve("settings", _text(header), False)
            why = status("settings", column) if column else ""
            if (why or not column) and _text(value):
                notes.append(
                    Problem(
                        self.file,
                        f"settings row 2 column {letter(index)}",
                        f"{_text(header)} {_text(value)!r} not converted: "
                        + (f"mel has no {why}" if why else "not a setting mel knows"),
                    )
                )
            column = column or snake(_text(header))
            found[column] = _text(value)
        return found

    def default_language(self, settings: dict[str, str], notes: list[Problem]) -> str | None:
        """Return the language of columns without one: --language, else the setting."""
        given = self.language_option or settings.get("default_language", "")
        if not given:
            return None
        lang = language(given)
        if not is_language(lang):
            notes.append(
                Problem(
                    self.file,
                    "settings row 2",
                    f"default language {given!r} is not a language mel knows (nl, en or an "
                    "ISO 639-1 code such as tr); columns without a language are not converted",
                )
            )
        return lang

    def header(
        self, sheet: str, default_language: str | None, notes: list[Problem]
    ) -> list[tuple[str, str | None]]:
        """Read row 1 of a sheet into (column, language or None); refuse duplicates."""
        table = self.sheets.get(sheet, [])
        headers = [_text(h) for h in (table[0][1] if table and table[0][0] == 1 else [])]
        double = any("::" in h for h in headers)
        columns: list[tuple[str, str | None]] = []
        seen: dict[tuple[str, str | None], int] = {}
        spelt: dict[tuple[str, str], int] = {}
        for index, header in enumerate(headers):
            where = f"{sheet} sheet row 1 column {letter(index)}"
            if not header:
                columns.append(("", None))
                continue
            column, suffix = resolve(sheet, header, double)
            if column is None:
                notes.append(
                    Problem(
                        self.file,
                        where,
                        f"column {header!r} is not an XLSForm column mel knows; not converted",
                    )
                )
                columns.append(("", None))
                continue
            code = None
            if column in TEXTS:
                code = language(suffix) if suffix else default_language
                if code is None:
                    self.unlabelled.append((where, header))
                elif not is_language(code):
                    notes.append(
                        Problem(
                            self.file,
                            where,
                            f"column {header!r}: language {code!r} is not a two-letter "
                            "ISO 639-1 code (write e.g. 'label::Türkçe (tr)'); not converted",
                        )
                    )
            spelled = (column, (suffix or "").strip().lower())
            if spelled in spelt:  # pyxform refuses these too
                raise self.fail(
                    where,
                    f"duplicate column {header!r}: column {letter(spelt[spelled])} "
                    f"({headers[spelt[spelled]]!r}) is the same column",
                )
            spelt[spelled] = index
            key = (column, code)
            if key in seen:  # e.g. 'label' read as English beside 'label::English (en)'
                notes.append(
                    Problem(
                        self.file,
                        where,
                        f"column {header!r} is the same column and language as column "
                        f"{letter(seen[key])} ({headers[seen[key]]!r}); not converted",
                    )
                )
                columns.append(("", None))
                continue
            seen[key] = index
            columns.append((column, code))
        return columns

    def rows(
        self,
        sheet: str,
        needed: tuple[str, ...],
        default_language: str | None,
        notes: list[Problem],
    ) -> list[Row]:
        """Return the non-blank rows of a sheet; list columns mel does not convert."""
        table = self.sheets.get(sheet, [])
        columns = self.header(sheet, default_language, notes)
        for column in needed:
            if (table or sheet == "survey") and column not in {base for base, _ in columns}:
                raise self.fail(f"{sheet} sheet", f"no {column!r} column in row 1")
        if self.unlabelled:
            where, header = self.unlabelled[0]
            raise self.fail(
                where,
                f"column {header!r} has no language: give it with --language nl|en|<code> "
                "(or default_language on the settings sheet, or write "
                "'label::Nederlands (nl)')",
            )
        rows = []
        for line, values in table:
            if line == 1:
                continue
            row = Row(sheet, line, {}, {})
            for (base, code), value in zip(columns, values, strict=False):
                if not base or not (text := _text(value)):
                    continue
                if base in TEXTS:
                    if code is not None and is_language(code):
                        row.texts.setdefault(base, {})[code] = text
                    continue
                row.cells[base] = SMART_QUOTES.sub(lambda m: QUOTES[m.group()], text)
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
                codes = {code for s, c, code in found if (s, c) == (sheet, column)}
                stand_in = "English" if "en" in codes else language_name(min(codes))
                notes.append(
                    Problem(
                        self.file,
                        f"{sheet} sheet",
                        f"no Dutch (nl) {column} column; the {stand_in} texts are used as nl",
                    )
                )
        return nl_columns
