"""Plausibility rules of census instruments: a numeric answer compared with last year's.

A yearly census (e.g. Katapult's progress measurement) asks the same unit the same counts
every year. A count that changes far beyond what is plausible is more often a typing error
or a changed way of counting than a real change, so the form flags it and asks for a
reason (stored beside the answer as ``<question>__reason``). A rule is declared per
question in the instrument file::

    plausible: {ratio: [0.5, 2], tolerance: 5, between: [0, 5000]}

- ``ratio``: the answer divided by last year's must lie in [low, high]; a previous value
  of 0 counts as a change beyond any ratio (unless the answer is 0 too);
- ``tolerance``: changes of at most this much (absolute) are never flagged by the ratio,
  so that 2 → 5 in a small count passes;
- ``between``: stated bounds the answer should lie in, flagged whether or not last year's
  value is known.

A flag is a question, not an error: the answer is kept once a reason is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import Field, model_validator

from mel.surveys.text import StrictModel

REASON_SUFFIX = "__reason"
REASON_MAX_CHARS = 1000


class Plausible(StrictModel):
    """The plausible range of a numeric answer, as a ratio to last year and/or bounds."""

    ratio: tuple[float, float] | None = None
    tolerance: float = Field(default=0.0, ge=0)
    between: tuple[float, float] | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Plausible:
        if self.ratio is None and self.between is None:
            raise ValueError("'plausible' needs 'ratio' and/or 'between'")
        if self.ratio is not None and not 0 <= self.ratio[0] <= self.ratio[1]:
            raise ValueError("'ratio' is [low, high] with 0 <= low <= high")
        if self.between is not None and self.between[0] > self.between[1]:
            raise ValueError("'between' is [low, high] with low <= high")
        return self


class Census(StrictModel):
    """How a census instrument is answered: pre-filled from the unit's previous wave, and
    correctable after submission until the wave closes."""

    prefill: bool = True
    corrections: bool = True


@dataclass(frozen=True)
class Flag:
    """A flagged answer: the rule it breaks (`ratio` or `between`) and the values compared."""

    question: str
    rule: str
    value: float
    previous: float | None
    low: float
    high: float


def reason_key(question: str) -> str:
    """Return the answer key under which the reason for a flagged answer is stored."""
    return f"{question}{REASON_SUFFIX}"


def _number(value: Any) -> float | None:
    """Return a stored answer as a float, or None when it is not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def check(name: str, rule: Plausible, value: Any, previous: Any) -> Flag | None:
    """Return the flag of answer `value` under `rule` given last year's `previous`, if any.

    Stated bounds are checked first; then the ratio to last year, when last year's value
    is a number and the change exceeds the tolerance.
    """
    now = _number(value)
    if now is None:
        return None
    before = _number(previous)
    if rule.between is not None:
        low, high = rule.between
        if not low <= now <= high:
            return Flag(name, "between", now, before, low, high)
    if rule.ratio is None or before is None or abs(now - before) <= rule.tolerance:
        return None
    low, high = rule.ratio
    if before == 0 or not low <= now / before <= high:
        return Flag(name, "ratio", now, before, low, high)
    return None


def flags(
    rules: dict[str, Plausible], answers: dict[str, Any], previous: dict[str, Any]
) -> dict[str, Flag]:
    """Return the flags of `answers` against last year's `previous`, by question name."""
    found = {}
    for name, rule in rules.items():
        flag = check(name, rule, answers.get(name), previous.get(name))
        if flag is not None:
            found[name] = flag
    return found


def unexplained(flagged: dict[str, Flag], answers: dict[str, Any]) -> list[str]:
    """Return the flagged questions whose reason is still empty."""
    return [name for name in flagged if not str(answers.get(reason_key(name)) or "").strip()]
