"""Staff accounts, their programmes, the audit log and erasure tombstones."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel

from mel.models.base import json_field, utcnow


class User(SQLModel, table=True):
    """A staff account: an admin, researcher or programme staff member."""

    __tablename__ = "useraccount"  # "user" is a reserved word in PostgreSQL
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=16)  # admin | researcher | staff | coordinator
    active: bool = True
    # A coordinator's unit: they see that unit's progress profile and nothing else.
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    # Sees every programme (a central team), instead of the memberships below.
    all_programmes: bool = False
    # Bumped on disable and password change: sessions carrying an older value end.
    session_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None


class StaffSession(SQLModel, table=True):
    """A staff login: the signed cookie holds a random key, this table its hash.

    Deleting the row ends the login at once (logout, password change, disabling).
    """

    key_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="useraccount.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime = Field(index=True)


class Membership(SQLModel, table=True):
    """A staff account's access to one programme."""

    user_id: int = Field(foreign_key="useraccount.id", primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", primary_key=True)


class AuditEvent(SQLModel, table=True):
    """Who did what when: logins, exports, erasures, account changes.

    `detail` holds formats, filters and counts, never answer content or addresses.
    """

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=254)  # staff e-mail, or "cli:<system user>"
    action: str = Field(max_length=32, index=True)
    programme: str | None = Field(default=None, max_length=64)
    target: str | None = Field(default=None, max_length=200)
    detail: dict[str, Any] = json_field(default_factory=dict)


class Tombstone(SQLModel, table=True):
    """What is left of an erased respondent: hashes of its keys, so it cannot come back."""

    id: int | None = Field(default=None, primary_key=True)
    key_hash: str = Field(max_length=64, unique=True, index=True)
    kind: str = Field(max_length=16)  # respondent | submission | invitation | resume | response
    erased_at: datetime = Field(default_factory=utcnow)
