"""Shared column helpers for the SQLModel tables."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC (SQLModel stores it as UTC)."""
    return datetime.now(UTC)


def json_field(**kwargs: Any) -> Any:
    """A JSON column (JSON on SQLite, json on PostgreSQL)."""
    nullable = kwargs.pop("nullable", False)
    return Field(sa_column=Column(JSON, nullable=nullable), **kwargs)
