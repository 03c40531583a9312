"""Saving responses so that no page is lost and no submission is counted twice.

Every write is one UPDATE guarded by `lock_version` (optimistic locking): two tabs saving
different pages at once both keep their answers, because the loser re-reads and re-applies
its page. The final submission sets status, `client_submission_id` (unique in the database)
and `submission_hash` in the same guarded UPDATE, so a double click, a browser retry or a
second tab can never make a second complete response.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Update, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from mel.models import Response, utcnow
from mel.services.invitations import hash_token
from mel.services.response_rows import BY_ID, ResponseRow, read_row, updated

NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")  # the consent form's start nonce
ATTEMPTS = 8  # bounded retries when another request changed the row meanwhile
Answers = dict[str, Any]
Row = ResponseRow | Response  # a row read by `rows`, or an ORM object (scripts, tests)


class StaleResponse(Exception):
    """The response kept changing under us; the caller asks the participant to retry."""


@dataclass(frozen=True)
class Submission:
    """Outcome of a final submission."""

    outcome: str  # completed | duplicate | conflict | incomplete | unit_answered
    response: Row
    page: int | None = None


def _guarded(*columns: str) -> Update:
    """UPDATE `columns` of a row only if it is still in progress and unchanged since read.

    Built once: the values are bound per call, so no statement is composed per request.
    """
    table = Response.__table__  # type: ignore[attr-defined]
    return (
        update(table)
        .where(
            table.c.id == bindparam("row_id"),
            table.c.status == "in_progress",
            table.c.lock_version == bindparam("read_version"),
        )
        .values({name: bindparam(name) for name in columns})
    )


_INSERT = insert(Response.__table__).values(  # type: ignore[attr-defined]
    {
        name: bindparam(name)
        for name in (
            "public_id",
            "respondent_id",
            "wave_id",
            "instrument_version_id",
            "unit_id",
            "invitation_id",
            "language",
            "consent_version",
            "current_page",
            "resume_token_hash",
            "status",
            "answers",
            "started_at",
            "updated_at",
        )
    }
)
_SAVE = _guarded("answers", "current_page", "language", "lock_version", "updated_at")
_COMPLETE = _guarded(
    "answers",
    "language",
    "status",
    "completed_at",
    "updated_at",
    "client_submission_id",
    "submission_hash",
    "unit_once_instrument_id",
    "lock_version",
)


def answers_digest(answers: Answers) -> str:
    """Return the SHA-256 of the canonical JSON of a set of answers."""
    text = json.dumps(answers, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def submission_id(secret: str, response: Row) -> str:
    """Return the response's submission id: the same in every tab, unguessable without key."""
    mac = hmac.new(secret.encode(), f"submission:{response.public_id}".encode(), "sha256")
    return mac.hexdigest()[:40]


def resume_token_for(secret: str, nonce: str | None, scope: str) -> str:
    """The resume token a consent form's nonce stands for (a random one without a nonce).

    A keyed hash (`secret`, the app's secret key) of the nonce and `scope` (the open link's
    wave and instrument): the same form always starts the same response, the same nonce
    posted to another open link starts that survey, and nobody can work out a token without
    the secret.
    """
    if nonce is None or not NONCE.fullmatch(nonce):
        return secrets.token_urlsafe(24)
    key = secret.encode()
    digest = hmac.new(key, f"resume:{scope}:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


def create_response(
    session: Session,
    *,
    wave_id: int,
    version_id: int,
    language: str,
    consent_version: str,
    current_page: int,
    unit_id: int | None = None,
    invitation_id: int | None = None,
    resume_token: str | None = None,
    answers: Answers | None = None,
) -> str | None:
    """Start a response; return the resume token of an open-link response (stored hashed).

    One prepared INSERT, committed at once (other columns take their database defaults).
    `answers` are what the response starts with (a census form: the unit's answers of last
    year; a review: the previous actions to follow up).
    Raises IntegrityError when `resume_token` (or the invitation) already started one.
    """
    token = None if invitation_id is not None else (resume_token or secrets.token_urlsafe(24))
    now = utcnow()
    values = {
        "public_id": str(uuid.uuid4()),
        "respondent_id": str(uuid.uuid4()),
        "wave_id": wave_id,
        "instrument_version_id": version_id,
        "unit_id": unit_id,
        "invitation_id": invitation_id,
        "language": language,
        "consent_version": consent_version,
        "current_page": current_page,
        "resume_token_hash": hash_token(token) if token else None,
        "status": "in_progress",
        "answers": dict(answers or {}),
        "started_at": now,
        "updated_at": now,
    }
    session.connection().execute(_INSERT, values)
    session.commit()
    return token


def _reload(session: Session, response_id: int) -> ResponseRow:
    """Read the row again, as it is now in the database."""
    response = read_row(session, BY_ID, response_id)
    assert response is not None
    return response


def _apply(session: Session, statement: Update, response: Row, values: dict[str, Any]) -> bool:
    """Run a guarded UPDATE with `values`; return whether it changed the row."""
    params = {**values, "row_id": response.id, "read_version": response.lock_version}
    # The row read before is brought up to date by `updated`; no ORM bookkeeping needed.
    return session.connection().execute(statement, params).rowcount == 1


def save_answers(
    session: Session, response: Row, change: Callable[[Row], tuple[Answers, int]], language: str
) -> Row:
    """Apply `change` (row → new answers, furthest page) and store it; retry on a race.

    Returns the fresh row. If the response was completed meanwhile, nothing is written and
    the completed row is returned.
    """
    assert response.id is not None
    for _ in range(ATTEMPTS):
        if response.status != "in_progress":
            return response
        answers, current = change(response)
        values = {
            "answers": answers,
            "current_page": current,
            "language": language,
            "lock_version": response.lock_version + 1,
            "updated_at": utcnow(),
        }
        if _apply(session, _SAVE, response, values):
            session.commit()
            return updated(response, values)
        session.rollback()
        response = _reload(session, response.id)
    raise StaleResponse(response.public_id)


def submit(
    session: Session,
    response: Row,
    change: Callable[[Row], Answers],
    *,
    sid: str,
    language: str,
    incomplete: Callable[[Answers], int | None],
    unit_instrument: int | None = None,
) -> Submission:
    """Complete a response exactly once under submission id `sid`.

    A repeat with the same id and the same answers is a `duplicate` (answered as success);
    with other answers, or an id another response holds, it is a `conflict` (409).

    `unit_instrument` is the instrument id when the response answers a unit-level
    instrument for its unit: the database lets a unit complete that once per wave
    (``uq_response_unit_once``). When another response of the unit was completed first,
    the answers are saved, the response stays in progress (nothing typed is lost, and
    staff see it) and the outcome is `unit_answered`.
    """
    assert response.id is not None
    for _ in range(ATTEMPTS):
        if response.status == "complete":
            same = (
                response.client_submission_id == sid
                and response.submission_hash == answers_digest(change(response))
            )
            return Submission("duplicate" if same else "conflict", response)
        answers = change(response)
        missing = incomplete(answers)
        if missing is not None:
            saved = save_answers(session, response, lambda r: (change(r), r.current_page), language)
            return Submission("incomplete", saved, missing)
        now = utcnow()
        values = {
            "answers": answers,
            "language": language,
            "status": "complete",
            "completed_at": now,
            "updated_at": now,
            "client_submission_id": sid,
            "submission_hash": answers_digest(answers),
            "unit_once_instrument_id": unit_instrument,
            "lock_version": response.lock_version + 1,
        }
        try:
            if _apply(session, _COMPLETE, response, values):
                session.commit()
                return Submission("completed", updated(response, values))
            session.rollback()
        except IntegrityError:
            # The unique client_submission_id belongs to another response already, or the
            # unit has completed this instrument in this wave with another response.
            session.rollback()
            fresh = _reload(session, response.id)
            if unit_instrument is not None and unit_answered(
                session, fresh.wave_id, fresh.unit_id, unit_instrument
            ):
                keep = save_answers(session, fresh, lambda r: (change(r), r.current_page), language)
                return Submission("unit_answered", keep)
            return Submission("conflict", fresh)
        response = _reload(session, response.id)
    raise StaleResponse(response.public_id)


_UNIT_ANSWERED = (
    select(Response.id)
    .where(
        Response.wave_id == bindparam("wave"),
        Response.unit_id == bindparam("unit"),
        Response.unit_once_instrument_id == bindparam("instrument"),
    )
    .limit(1)
)


def unit_answered(session: Session, wave_id: int, unit_id: int | None, instrument_id: int) -> bool:
    """Whether the unit has completed the unit-level instrument in the wave."""
    if unit_id is None:
        return False
    params = {"wave": wave_id, "unit": unit_id, "instrument": instrument_id}
    return session.connection().execute(_UNIT_ANSWERED, params).first() is not None
