"""Phone numbers in free text: the one rule mel uses to refuse a reference that is a phone
number (`mel.services.references`) and to take numbers out of published quotes
(`mel.disclosure.quotes`). See `mel.services.references.reference_problem` for the rule in
words."""

from __future__ import annotations

import re

# Groups of digits (the first may follow a '+') joined by up to three phone separators.
_DIGITS = re.compile(r"\+?\d+")
_SEPARATORS = re.compile(r"[\s().\-/]{0,3}")
_PHONE = (
    re.compile(r"\+[1-9]\d{7,14}"),  # international with a plus: +31 6 12345678
    re.compile(r"00[1-9]\d{8,14}"),  # international with 00: 0031 6 12345678
    re.compile(r"0[1-9]\d{8}"),  # Dutch national: 0612345678, 020-1234567
    re.compile(r"31[1-9]\d{8}"),  # Dutch in international form without + or 00
)


def _digit_runs(value: str) -> list[list[str]]:
    """Split `value` into runs of digit groups that only phone separators join."""
    runs: list[list[str]] = []
    position = 0
    current: list[str] = []
    for match in _DIGITS.finditer(value):
        between = value[position : match.start()]
        joined = bool(current) and _SEPARATORS.fullmatch(between) and "+" not in match.group()
        if not joined and current:
            runs.append(current)
            current = []
        current.append(match.group())
        position = match.end()
    if current:
        runs.append(current)
    return runs


def looks_like_phone(value: str) -> bool:
    """Whether `value` contains a phone number (see `reference_problem` for the rule)."""
    for groups in _digit_runs(value):
        for start in range(len(groups)):
            for end in range(start + 1, len(groups) + 1):
                digits = "".join(groups[start:end])
                if any(pattern.fullmatch(digits) for pattern in _PHONE):
                    return True
    return False
