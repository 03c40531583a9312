"""Instruments and their immutable published versions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from mel.models.base import json_field, utcnow


class Instrument(SQLModel, table=True):
    """A survey of a programme, identified by a stable code across versions."""

    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    code: str = Field(max_length=64, unique=True, index=True)
    title_nl: str = Field(max_length=300)
    title_en: str = Field(max_length=300)
    respondent: str = Field(default="unit", max_length=8)


class InstrumentVersion(SQLModel, table=True):
    """A published version of an instrument; never altered once stored."""

    __table_args__ = (UniqueConstraint("instrument_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    instrument_id: int = Field(foreign_key="instrument.id", index=True)
    version: int
    content_hash: str = Field(max_length=64)
    definition: dict[str, Any] = json_field(default_factory=dict)
    source_path: str | None = Field(default=None, max_length=500)
    published_at: datetime = Field(default_factory=utcnow)
