"""Judging a KPI against its target by the confidence interval, not the point estimate."""

from __future__ import annotations

from enum import StrEnum

from mel.i18n import translate


class Status(StrEnum):
    """Whether a KPI met its target, decided by where the whole interval lies."""

    MET = "met"
    NOT_MET = "not_met"
    UNCERTAIN = "uncertain"

    def label(self, language: str = "nl") -> str:
        """Return the status in words from the message catalogue (msgid `status_<code>`)."""
        return translate(f"status_{self.value}", language)


def judge(ci_low: float, ci_high: float, target: float, direction: str) -> Status:
    """Decide the status of an interval against a target in the KPI's direction.

    With higher-is-better the target is met when the whole interval lies at or above it
    (``ci_low >= target``) and missed when the whole interval lies below it
    (``ci_high < target``); with lower-is-better the mirror image. An interval that
    straddles the target is uncertain.
    """
    if direction not in ("higher", "lower"):
        raise ValueError(f"direction must be 'higher' or 'lower', not {direction!r}")
    if direction == "higher":
        if ci_low >= target:
            return Status.MET
        if ci_high < target:
            return Status.NOT_MET
    else:
        if ci_high <= target:
            return Status.MET
        if ci_low > target:
            return Status.NOT_MET
    return Status.UNCERTAIN


class Decision(StrEnum):
    """A go/no-go decision from an interval and two thresholds."""

    GO = "go"
    NO_GO = "no_go"
    UNDECIDED = "undecided"

    def label(self, language: str = "nl") -> str:
        """Return the decision in words from the message catalogue (msgid `decision_<code>`)."""
        return translate(f"decision_{self.value}", language)


def go_no_go(ci_low: float, ci_high: float, go: float, no_go: float, direction: str) -> Decision:
    """Go when the whole interval clears `go`, no-go when it lies wholly past `no_go`."""
    if judge(ci_low, ci_high, go, direction) is Status.MET:
        return Decision.GO
    past_no_go = ci_high < no_go if direction == "higher" else ci_low > no_go
    return Decision.NO_GO if past_no_go else Decision.UNDECIDED
