"""Status by the interval at its boundaries, in both directions, and go/no-go."""

from __future__ import annotations

import pytest

from mel.kpi.status import Decision, Status, go_no_go, judge


@pytest.mark.parametrize(
    ("low", "high", "target", "direction", "expected"),
    [
        # higher is better: met when ci_low >= target, not met when ci_high < target
        (10.0, 12.0, 10.0, "higher", Status.MET),  # ci_low == target: met
        (10.1, 12.0, 10.0, "higher", Status.MET),
        (9.9, 12.0, 10.0, "higher", Status.UNCERTAIN),  # straddles
        (8.0, 10.0, 10.0, "higher", Status.UNCERTAIN),  # ci_high == target: not wholly below
        (8.0, 9.99, 10.0, "higher", Status.NOT_MET),
        # lower is better: met when ci_high <= target, not met when ci_low > target
        (8.0, 10.0, 10.0, "lower", Status.MET),  # ci_high == target: met
        (8.0, 10.01, 10.0, "lower", Status.UNCERTAIN),
        (10.0, 12.0, 10.0, "lower", Status.UNCERTAIN),  # ci_low == target: not wholly above
        (10.01, 12.0, 10.0, "lower", Status.NOT_MET),
        (10.0, 10.0, 10.0, "higher", Status.MET),  # degenerate interval on the target
        (10.0, 10.0, 10.0, "lower", Status.MET),
    ],
)
def test_judge_boundaries(
    low: float, high: float, target: float, direction: str, expected: Status
) -> None:
    assert judge(low, high, target, direction) is expected


def test_judge_rejects_unknown_direction() -> None:
    with pytest.raises(ValueError, match="direction"):
        judge(1, 2, 1, "up")


def test_status_codes_are_language_neutral_with_labels_in_both_languages() -> None:
    assert [s.value for s in Status] == ["met", "not_met", "uncertain"]
    assert [s.label("nl") for s in Status] == ["gehaald", "niet gehaald", "onzeker"]
    assert [s.label("en") for s in Status] == ["met", "not met", "uncertain"]
    assert [d.value for d in Decision] == ["go", "no_go", "undecided"]
    assert [d.label("nl") for d in Decision] == ["go", "no-go", "onbeslist"]
    assert [d.label("en") for d in Decision] == ["go", "no-go", "undecided"]


@pytest.mark.parametrize(
    ("low", "high", "direction", "expected"),
    [
        # higher: go 3.5, no-go 3.3
        (3.5, 3.9, "higher", Decision.GO),  # ci_low == go
        (3.49, 3.9, "higher", Decision.UNDECIDED),
        (3.0, 3.3, "higher", Decision.UNDECIDED),  # ci_high == no-go is not wholly past it
        (3.0, 3.29, "higher", Decision.NO_GO),
    ],
)
def test_go_no_go_higher(low: float, high: float, direction: str, expected: Decision) -> None:
    assert go_no_go(low, high, 3.5, 3.3, direction) is expected


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (0.05, 0.10, Decision.GO),  # ci_high == go
        (0.05, 0.11, Decision.UNDECIDED),
        (0.20, 0.30, Decision.UNDECIDED),  # ci_low == no-go
        (0.21, 0.30, Decision.NO_GO),
    ],
)
def test_go_no_go_lower(low: float, high: float, expected: Decision) -> None:
    assert go_no_go(low, high, 0.10, 0.20, "lower") is expected
