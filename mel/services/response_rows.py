"""The part of a response the participant side reads: one Core SELECT, no ORM object.

Every survey request reads its response by link token. Loading it as an ORM object cost
about twice as much CPU as reading the ten columns the pages need into a small dataclass,
and nothing on this side needs the ORM: writes are single guarded UPDATEs (`store`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlmodel import Session

from mel.models import Invitation, Response


@dataclass(slots=True)
class ResponseRow:
    """A response as the participant side sees it."""

    id: int
    public_id: str
    instrument_version_id: int
    status: str
    language: str
    current_page: int
    lock_version: int
    answers: dict[str, Any]
    client_submission_id: str | None
    submission_hash: str | None
    wave_id: int
    unit_id: int | None


COLUMNS = tuple(f.name for f in fields(ResponseRow))
_TABLE = Response.__table__  # type: ignore[attr-defined]
_SELECTED = [_TABLE.c[name] for name in COLUMNS]
# Built once; the token hash or id is bound per request.
BY_RESUME_TOKEN = select(*_SELECTED).where(_TABLE.c.resume_token_hash == bindparam("key"))
BY_ID = select(*_SELECTED).where(_TABLE.c.id == bindparam("key"))
BY_INVITATION_TOKEN = (
    select(Invitation, *_SELECTED)
    .outerjoin(_TABLE, _TABLE.c.invitation_id == Invitation.id)
    .where(Invitation.token_hash == bindparam("key"))
)


def read_row(session: Session, statement: Select[Any], key: str | int) -> ResponseRow | None:
    """Return the response a prepared statement finds for `key`, or None."""
    found = session.connection().execute(statement, {"key": key}).first()
    return ResponseRow(*found) if found is not None else None


def read_invitation(
    session: Session, token_hash: str
) -> tuple[Invitation, ResponseRow | None] | None:
    """Return an invitation by token hash and its response (None if not started)."""
    found = session.exec(
        BY_INVITATION_TOKEN,  # type: ignore[call-overload]
        params={"key": token_hash},
    ).first()
    if found is None:
        return None
    invitation, *columns = found
    return invitation, (ResponseRow(*columns) if columns[0] is not None else None)


def updated(response: Any, values: dict[str, Any]) -> ResponseRow:
    """Return `response` (a row or a Response) as a row with `values` written over it."""
    return ResponseRow(
        *(values[name] if name in values else getattr(response, name) for name in COLUMNS)
    )
