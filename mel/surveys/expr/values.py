"""Values of mel's XPath subset and the conversions between them (ODK/JavaRosa rules).

A value is a number (float; NaN for "not a number"), a text (str; "" is the empty answer),
a boolean, a date or a date-time. Stored answers become values by `from_answer`:

- no answer (None, "", []) is the empty text "" (as in ODK: an unanswered question is "");
- a number stays a number, a yes/no answer a boolean, a multiple choice the chosen values
  separated by spaces (what `selected()` reads), any other answer its text;
- a time answer "14:30" stays a text; dates stay texts like "2025-12-31" and count as dates
  wherever a number or a date is needed.

Conversions follow XPath 1.0 as JavaRosa (ODK Collect) applies it:

=========  ==========================  ===============  =====================
from       number()                    string()         boolean()
=========  ==========================  ===============  =====================
""         NaN                         ""               false
"12.5"     12.5                        "12.5"           true
"abc"      NaN                         "abc"            true
"2025-01-02" days since 1970-01-01     "2025-01-02"     true
true       1                           "true"           true
NaN        NaN                         "NaN"            false
0          0                           "0"              false
date       days since 1970-01-01       "2025-01-02"     true
=========  ==========================  ===============  =====================
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta

Value = float | str | bool | date
EPOCH = date(1970, 1, 1)
_NUMBER = re.compile(r"\s*-?(?:\d+(?:\.\d*)?|\.\d+)\s*")
_DATE = re.compile(r"\s*\d{4}-\d{2}-\d{2}\s*")
_DATETIME = re.compile(r"\s*\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*")
NAN = math.nan


def from_answer(answer: object) -> Value:
    """Turn a stored answer into an expression value (see the module docstring)."""
    if answer is None or answer == [] or answer == "":
        return ""
    if isinstance(answer, bool):
        return answer
    if isinstance(answer, int | float):
        return float(answer)
    if isinstance(answer, list):
        return " ".join(str(item) for item in answer)
    if isinstance(answer, date):
        return answer
    return str(answer)


def to_date(value: Value) -> date | datetime | None:
    """Return the date a value stands for (a text like 2025-12-31, or days since 1970)."""
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        if _DATE.fullmatch(value):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                return None
        if _DATETIME.fullmatch(value):
            try:
                return datetime.fromisoformat(value.strip())
            except ValueError:
                return None
        return None
    if isinstance(value, bool):
        return None
    if math.isfinite(value):
        try:
            return EPOCH + timedelta(days=math.floor(value))
        except OverflowError:
            return None
    return None


def days(moment: date) -> float:
    """Return days since 1970-01-01 (a date-time with the fraction of its day)."""
    if isinstance(moment, datetime):
        start = datetime(1970, 1, 1, tzinfo=moment.tzinfo)
        return (moment - start).total_seconds() / 86400
    return float((moment - EPOCH).days)


def to_number(value: Value) -> float:
    """XPath number(): see the table in the module docstring."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    if isinstance(value, date):
        return days(value)
    if _NUMBER.fullmatch(value):
        return float(value)
    moment = to_date(value)
    return days(moment) if moment is not None else NAN


def to_string(value: Value) -> str:
    """XPath string(): numbers without a needless .0, NaN as "NaN", dates as 2025-12-31."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return xpath_number(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def xpath_number(number: float) -> str:
    """Write a number as XPath does: 3, 2.5, -0.25, NaN, Infinity."""
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    text = repr(number)
    if "e" in text:
        text = f"{number:.15f}".rstrip("0").rstrip(".")
    return text


def to_bool(value: Value) -> bool:
    """XPath boolean(): false for "", 0 and NaN; true for other texts, numbers and dates."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return not (value == 0 or math.isnan(value))
    if isinstance(value, date):
        return True
    return value != ""


def is_date(value: Value) -> bool:
    """Whether a value is a date or date-time (not a text that looks like one)."""
    return isinstance(value, date)


def to_stored(value: Value) -> object:
    """Turn a calculated value into what is stored: a number (int when whole), text,
    boolean or ISO date; None for the empty text and for NaN."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if isinstance(value, date | time):
        return to_string(value)
    return value if value != "" else None
