"""Variable names for SPSS (.sav) and Stata (.dta) files, shortened reproducibly.

A name that is already valid in the format stays as it is. Any other name (too long, a
character the format refuses, a reserved word) becomes a valid one built from the name
itself: its characters outside ``A-Z a-z 0-9 _`` become ``_``, a ``question__item`` name
keeps the start of both parts, and four hex digits of the SHA-1 of the full name make it
unique. So the same column always gets the same name, whatever other columns the file has
and in whatever order (a later wave or version gives the same names), and two columns
never share one. The full name stays in the variable label and in the codebook.

Stata allows 32 characters; pyreadstat names each value-label set after its variable plus
a running number (``name0``, ``name1``, …), and Stata allows those 32 characters as well,
so a Stata variable with value labels gets at most 28 (room for 9,999 label sets).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

INVALID = re.compile(r"[^A-Za-z0-9_]")


@dataclass(frozen=True)
class NameRules:
    """What a statistics package accepts as a variable name."""

    limit: int
    labelled_limit: int
    reserved: frozenset[str]
    label_limit: int
    case_sensitive: bool


STATA = NameRules(
    limit=32,
    labelled_limit=28,
    reserved=frozenset(
        "_all _b byte _coef _cons double float if in int long _n _N _pi _pred _rc _skip "
        "strL using with".split()
    ),
    label_limit=80,
    case_sensitive=True,
)
SPSS = NameRules(
    limit=64,
    labelled_limit=64,
    reserved=frozenset("ALL AND BY EQ GE GT LE LT NE NOT OR TO WITH".split()),
    label_limit=256,
    case_sensitive=False,
)
RULES = {"dta": STATA, "sav": SPSS}


def _key(name: str, rules: NameRules) -> str:
    return name if rules.case_sensitive else name.lower()


def _reserved(name: str, rules: NameRules) -> bool:
    if rules is STATA and re.fullmatch(r"str\d+", name):  # str1 … str2045 are types
        return True
    reserved = rules.reserved if rules.case_sensitive else {w.lower() for w in rules.reserved}
    return _key(name, rules) in reserved


def is_valid(name: str, rules: NameRules, limit: int) -> bool:
    """Whether `name` can be used as it is (letters first, no other characters, short)."""
    return (
        len(name) <= limit
        and name[:1].isascii()
        and name[:1].isalpha()
        and not INVALID.search(name)
        and not _reserved(name, rules)
    )


def _shortened(name: str, limit: int, attempt: int) -> str:
    """A valid name of at most `limit` characters made from `name` and its hash."""
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()
    tag = digest[4 * attempt : 4 * attempt + 4] or f"{attempt:04d}"
    cleaned = INVALID.sub("_", name)
    if not cleaned[:1].isalpha():
        cleaned = "v" + cleaned
    room = limit - len(tag) - 1
    head, _, item = cleaned.partition("__")
    if item and len(cleaned) > room:  # keep the start of the question and of its item
        item_room = min(len(item), max(room - len(head) - 1, room // 2))
        base = f"{head[: room - item_room - 1]}_{item[:item_room]}"
    else:
        base = cleaned[:room]
    return f"{base.rstrip('_') or 'v'}_{tag}"


def stat_names(columns: Sequence[str], fmt: str, labelled: Collection[str] = ()) -> dict[str, str]:
    """Map each column to its variable name in a .sav or .dta file (`fmt`).

    Parameters
    ----------
    columns : sequence of str
        The columns, in file order.
    fmt : {"sav", "dta"}
        The file format.
    labelled : collection of str
        The columns that carry value labels (shorter names in Stata).
    """
    rules = RULES[fmt]
    limits = {c: rules.labelled_limit if c in labelled else rules.limit for c in columns}
    result: dict[str, str] = {}
    taken: set[str] = set()
    for column in columns:  # valid names stay (the first of two equal in SPSS, in any case)
        if is_valid(column, rules, limits[column]) and _key(column, rules) not in taken:
            result[column] = column
            taken.add(_key(column, rules))
    for column in sorted(c for c in columns if c not in result):
        attempt = 0
        while _key(candidate := _shortened(column, limits[column], attempt), rules) in taken:
            attempt += 1
        taken.add(_key(candidate, rules))
        result[column] = candidate
    return {c: result[c] for c in columns}


def variable_label(column: str, name: str, label: str, fmt: str) -> str:
    """The variable label: the label, preceded by the full column name when it was renamed,
    within the format's length (80 characters in Stata, 256 in SPSS)."""
    limit = RULES[fmt].label_limit
    text = label if name == column else f"{column}: {label}" if label != column else column
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
