"""Peer reviews and reflection meetings: what makes an instrument a review (its `review:` part).

A review instrument is an ordinary instrument (pages, questions, a repeat group for the
agreed actions) that also says which of its questions are what: per theme the unit's self
evaluation and the panel's finding (text) and the panel's score (a select_one on the
rubric, a choice list whose labels describe each level); the repeat group of agreed
actions (action, owner, due date); and, optionally, the repeat group that follows up the
previous review's actions, which mel pre-fills when a unit's next review starts.
"""

from __future__ import annotations

from pydantic import Field, field_validator

from mel.surveys.parts import check_name
from mel.surveys.text import LocalText, StrictModel

# The statuses a follow-up asks of each previous action (values of its choice list).
FOLLOW_UP_STATUSES = ("done", "in_progress", "dropped")


class ReviewTheme(StrictModel):
    """One theme of the review: its self evaluation, finding and score questions."""

    name: str
    label: LocalText
    self_evaluation: str
    finding: str
    score: str

    _name = field_validator("name")(classmethod(lambda cls, v: check_name(v)))


class ReviewActions(StrictModel):
    """The repeat group of agreed actions and its questions (`theme`: a select_one whose
    values are the review's theme names, optional)."""

    group: str
    action: str
    owner: str
    due: str
    theme: str | None = None


class ReviewFollowUp(StrictModel):
    """The repeat group pre-filled with the previous review's actions, asking their status.

    `earlier` names a yes_no question (before the group) that mel answers "yes" when the
    unit has a previous review, so the follow-up page can be `relevant` on it.
    """

    group: str
    action: str
    status: str
    owner: str | None = None
    due: str | None = None
    earlier: str | None = None


class ReviewDefinition(StrictModel):
    """What makes an instrument a peer review or reflection meeting."""

    rubric: str  # the choice list of the scores
    themes: list[ReviewTheme] = Field(min_length=1)
    actions: ReviewActions
    follow_up: ReviewFollowUp | None = None

    def theme(self, name: str) -> ReviewTheme:
        """Return the theme called `name` (KeyError if there is none)."""
        for theme in self.themes:
            if theme.name == name:
                return theme
        raise KeyError(name)
