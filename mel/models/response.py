"""Responses: one row per respondent per instrument version, answers as JSON."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from mel.models.base import json_field, utcnow


class Response(SQLModel, table=True):
    """A respondent's answers to one instrument version in one wave.

    Answers are one JSON object keyed by question (Likert rows as `question__statement`):
    a page save is one row update and extraction reads one row per respondent. The
    unique `client_submission_id` makes a retried final submission recognisable, and
    `lock_version` lets concurrent page saves (two tabs) detect each other.

    A unit answers a unit-level instrument (``respondent: unit``) once per wave: completing
    such a response sets `unit_once_instrument_id` to its instrument, and (wave, unit,
    that instrument) is unique. Other responses leave it NULL, which a unique constraint
    never compares, so they are not limited (SQLite and PostgreSQL alike).
    """

    __table_args__ = (
        UniqueConstraint(
            "wave_id", "unit_id", "unit_once_instrument_id", name="uq_response_unit_once"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    public_id: str = Field(max_length=36, unique=True, index=True)
    wave_id: int = Field(foreign_key="wave.id", index=True)
    instrument_version_id: int = Field(foreign_key="instrumentversion.id", index=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    # One response per invitation: a second start from the same link resumes the first.
    invitation_id: int | None = Field(default=None, foreign_key="invitation.id", unique=True)
    respondent_id: str = Field(max_length=36, index=True)
    client_submission_id: str | None = Field(default=None, max_length=64, unique=True)
    submission_hash: str | None = Field(default=None, max_length=64)
    status: str = Field(default="in_progress", max_length=16, index=True)
    language: str = Field(default="nl", max_length=2)
    consent_version: str | None = Field(default=None, max_length=32)
    current_page: int = 0
    # Open-link respondents resume with a token; like invitations, only its SHA-256 is kept.
    resume_token_hash: str | None = Field(default=None, max_length=64, unique=True)
    # Optimistic lock: every write checks and bumps it, so two tabs never lose a page.
    lock_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    answers: dict[str, Any] = json_field(default_factory=dict)
    started_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    completed_at: datetime | None = None
    unit_once_instrument_id: int | None = Field(default=None, foreign_key="instrument.id")
