"""Parse what participants type (numbers, dates) and format stored values back for forms."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from mel.present.numbers import format_plain

_INTEGER = re.compile(r"[+-]?\d{1,15}")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*")
_DECIMAL = re.compile(r"[+-]?(?:\d{1,15}(?:[.,]\d{1,10})?|[.,]\d{1,10})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DUTCH_DATE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_SPACES = re.compile(r"[\s\u00a0\u202f']")
_DIGITS = re.compile(r"\d{1,2}")
_YEAR = re.compile(r"\d{4}")
DATE_PARTS = ("day", "month", "year")


def parse_integer(text: str) -> int | None:
    """Return the whole number in `text` (1000, 1.000 or 1,000), or None if it is not one."""
    cleaned = _SPACES.sub("", text)
    if _INTEGER.fullmatch(cleaned):
        return int(cleaned)
    if _GROUPED.fullmatch(cleaned):
        return int(cleaned.replace(".", "").replace(",", ""))
    return None


def parse_decimal(text: str) -> float | None:
    """Return the number in `text` with a decimal comma or point, or None if it is not one."""
    cleaned = _SPACES.sub("", text)
    if not _DECIMAL.fullmatch(cleaned):
        return None
    return float(cleaned.replace(",", "."))


def parse_date(text: str) -> date | None:
    """Return the date in `text` (2025-12-31 from a date input, or 31-12-2025), or None."""
    cleaned = text.strip()
    if match := _ISO_DATE.fullmatch(cleaned):
        year, month, day = (int(p) for p in match.groups())
    elif match := _DUTCH_DATE.fullmatch(cleaned):
        day, month, year = (int(p) for p in match.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


@dataclass(frozen=True)
class DateProblem:
    """Why three date boxes make no date: a message key and the parts that are wrong."""

    key: str
    parts: tuple[str, ...]
    day: int = 0  # for "err_date_exists": the day the month lacks
    month: int = 0


def date_from_parts(day: str, month: str, year: str) -> date | DateProblem | None:
    """Return the date typed as day, month and year; None if all three are empty.

    A problem names the parts to correct: missing parts first, then a day or month out of
    range or not a number, a year without four digits, and last a day the month lacks.
    """
    cleaned = (_SPACES.sub("", p or "") for p in (day, month, year))
    typed = dict(zip(DATE_PARTS, cleaned, strict=True))
    missing = tuple(part for part, text in typed.items() if not text)
    if len(missing) == len(DATE_PARTS):
        return None
    if missing:
        return DateProblem("err_date_missing", missing)
    d, m = (int(typed[p]) if _DIGITS.fullmatch(typed[p]) else 0 for p in ("day", "month"))
    wrong = tuple(part for part, ok in (("day", 1 <= d <= 31), ("month", 1 <= m <= 12)) if not ok)
    if wrong:
        return DateProblem(f"err_date_{wrong[0]}", wrong)
    if not _YEAR.fullmatch(typed["year"]) or int(typed["year"]) < 1:
        return DateProblem("err_date_year", ("year",))
    y = int(typed["year"])
    if d > calendar.monthrange(y, m)[1]:
        return DateProblem("err_date_exists", ("day",), d, m)
    return date(y, m, d)


def format_number(value: float | int | None, lang: str) -> str:
    """Format a number for a form field or hint: every digit, decimal comma in Dutch, no
    trailing .0, no thousands separator (`format_plain`; what `parse_decimal` reads back).
    A stored value that is no number (an older answer) is shown as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float | None):
        return str(value)
    return format_plain(value, lang)


def clean_text(text: str | None) -> str:
    """Normalise typed text: unified newlines, no NUL characters, no outer whitespace."""
    if not text:
        return ""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").strip()
