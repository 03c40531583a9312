"""Codings of review findings: a passage of an answer, a code from the programme's book."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from mel.models.base import utcnow


class ReviewCoding(SQLModel, table=True):
    """One code given to one passage of a review response's answer, by whom and when.

    The passage is characters `span_start` to `span_end` of the answer `answer_key` (a question's
    name, or ``<group>.<row>.<question>`` in a repeat group); a whole answer is 0 to its
    length. The text itself is never copied: quotes are read from the response, so erasing
    the response (the rows go with it) or emptying it at retention leaves no quote behind.
    Several codes on one passage are several rows.
    """

    __table_args__ = (
        UniqueConstraint(
            "response_id", "answer_key", "span_start", "span_end", "code", name="uq_coding"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="response.id", index=True, ondelete="CASCADE")
    answer_key: str = Field(max_length=200)
    span_start: int
    span_end: int
    code: str = Field(max_length=64, index=True)
    coded_by: int | None = Field(default=None, foreign_key="useraccount.id", ondelete="SET NULL")
    coded_at: datetime = Field(default_factory=utcnow)
