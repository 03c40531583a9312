"""Staff marks on open answers: which quotes may be printed in the report.

A mark refers to an answer's text by its digest (`mel.disclosure.quotes.digest`), never by
the response: it holds no answer text and no respondent, so erasing a response leaves
nothing readable behind, and identical answers share one mark.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from mel.models.base import utcnow


class QuoteMark(SQLModel, table=True):
    """One answer text of one question in one wave, marked publishable (or not) by staff."""

    __table_args__ = (UniqueConstraint("wave_id", "instrument", "question", "digest"),)
    id: int | None = Field(default=None, primary_key=True)
    wave_id: int = Field(foreign_key="wave.id", index=True)
    instrument: str = Field(max_length=100)
    question: str = Field(max_length=100)
    digest: str = Field(max_length=64)
    publishable: bool = True
    marked_by: str = Field(max_length=254)
    marked_at: datetime = Field(default_factory=utcnow)
