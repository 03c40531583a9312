"""Parse what participants type (numbers, dates) and format stored values back for forms."""

from __future__ import annotations

import re
from datetime import date

from mel.present.numbers import format_plain

_INTEGER = re.compile(r"[+-]?\d{1,15}")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*")
_DECIMAL = re.compile(r"[+-]?(?:\d{1,15}(?:[.,]\d{1,10})?|[.,]\d{1,10})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DUTCH_DATE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_SPACES = re.compile(r"[\s\u00a0\u202f']")


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
