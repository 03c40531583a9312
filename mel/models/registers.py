"""Register data: published source declarations, versioned imports and their rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from mel.models.base import json_field, utcnow


class RegisterSourceRow(SQLModel, table=True):
    """A register source as `mel surveys publish` stored it from the programme file."""

    __tablename__ = "registersource"
    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    code: str = Field(max_length=64, unique=True)
    spec: dict[str, Any] = json_field(default_factory=dict)


class RegisterImport(SQLModel, table=True):
    """One imported version of a register source: who, when, which file (by its hash)."""

    __table_args__ = (UniqueConstraint("source", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    programme: str = Field(max_length=64)
    source: str = Field(max_length=64, index=True)
    version: int
    file_name: str = Field(max_length=255)
    file_hash: str = Field(max_length=64)  # SHA-256 of the file's bytes
    schema_hash: str = Field(max_length=64)  # SHA-256 of the declaration it was checked by
    rows: int
    imported_by: str = Field(max_length=254)
    imported_at: datetime = Field(default_factory=utcnow)


class RegisterRow(SQLModel, table=True):
    """One row of an imported register file, with its line in the file."""

    id: int | None = Field(default=None, primary_key=True)
    import_id: int = Field(foreign_key="registerimport.id", index=True)
    line: int
    values: dict[str, Any] = json_field(default_factory=dict)
