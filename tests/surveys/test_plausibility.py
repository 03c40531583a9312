"""Plausibility rules of census questions: ratio to last year, tolerance and stated bounds."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from mel.surveys.plausibility import Plausible, check, flags, unexplained
from mel.surveys.schema import Question

RULE = Plausible(ratio=(0.5, 2), tolerance=3, between=(0, 100))


@pytest.mark.parametrize(
    ("value", "previous", "rule"),
    [
        (20, 10, None),  # ratio 2: on the edge, allowed
        (21, 10, "ratio"),  # ratio 2.1 and a change of 11 > 3
        (5, 10, None),  # ratio 0.5
        (4, 10, "ratio"),
        (4, 1, None),  # ratio 4 but a change of 3: within the tolerance
        (5, 1, "ratio"),
        (4, 0, "ratio"),  # from 0: beyond any ratio once past the tolerance
        (0, 0, None),
        (101, None, "between"),  # no last year: only the stated bounds
        (50, None, None),
        (150, 100, "between"),  # bounds are checked first
        (None, 10, None),  # no answer, no flag
        ("12", 10, None),  # not a number (a stored text): not judged
    ],
)
def test_flags(value: object, previous: object, rule: str | None) -> None:
    flag = check("x", RULE, value, previous)
    assert (flag.rule if flag else None) == rule


def test_unexplained_wants_a_non_blank_reason() -> None:
    found = flags({"a": RULE, "b": RULE}, {"a": 50, "b": 50}, {"a": 10, "b": 10})
    assert set(found) == {"a", "b"}
    assert unexplained(found, {"a__reason": "  ", "b__reason": "merger"}) == ["a"]


def test_rules_are_checked_on_load() -> None:
    with pytest.raises(ValidationError, match="needs 'ratio' and/or 'between'"):
        Plausible()
    with pytest.raises(ValidationError, match="low <= high"):
        Plausible(ratio=(2, 0.5))
    with pytest.raises(ValidationError, match="'plausible' applies to integer and decimal"):
        Question.model_validate(
            {"name": "t", "type": "text", "label": {"nl": "t"}, "plausible": {"ratio": [0, 1]}}
        )
