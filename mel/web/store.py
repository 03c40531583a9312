"""Saving responses so that no page is lost and no submission is counted twice.

Every write is one UPDATE guarded by `lock_version` (optimistic locking): two tabs saving
different pages at once both keep their answers, because the loser re-reads and re-applies
its page. The final submission sets status, `client_submission_id` (unique in the database)
and `submission_hash` in the same guarded UPDATE, so a double click, a browser retry or a
second tab can never make a second complete response.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col

from ..invitations import hash_token
from ..models import Response, utcnow

ATTEMPTS = 8  # bounded retries when another request changed the row meanwhile
Answers = dict[str, Any]


class StaleResponse(Exception):
    """The response kept changing under us; the caller asks the participant to retry."""


@dataclass(frozen=True)
class Submission:
    """Outcome of a final submission."""

    outcome: str  # completed | duplicate | conflict | incomplete
    response: Response
    page: int | None = None


def answers_digest(answers: Answers) -> str:
    """Return the SHA-256 of the canonical JSON of a set of answers."""
    text = json.dumps(answers, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def submission_id(secret: str, response: Response) -> str:
    """Return the response's submission id: the same in every tab, unguessable without key."""
    mac = hmac.new(secret.encode(), f"submission:{response.public_id}".encode(), "sha256")
    return mac.hexdigest()[:40]


def create_response(session: Session, *, wave_id: int, version_id: int, language: str,
                    consent_version: str, current_page: int, unit_id: int | None = None,
                    invitation_id: int | None = None) -> tuple[Response, str | None]:
    """Start a response; open-link responses get a resume token (only its hash is stored)."""
    token = None if invitation_id is not None else secrets.token_urlsafe(24)
    response = Response(public_id=str(uuid.uuid4()), respondent_id=str(uuid.uuid4()),
                        wave_id=wave_id, instrument_version_id=version_id, unit_id=unit_id,
                        invitation_id=invitation_id, language=language,
                        consent_version=consent_version, current_page=current_page,
                        resume_token_hash=hash_token(token) if token else None)
    session.add(response)
    session.commit()
    return response, token


def _reload(session: Session, response_id: int) -> Response:
    """Read the row again, as it is now in the database."""
    session.expire_all()
    response = session.get(Response, response_id)
    assert response is not None
    return response


def _written(response: Response, values: dict[str, Any]) -> Response:
    """Show what a guarded UPDATE wrote on the loaded row, without another SELECT."""
    for key, value in values.items():
        set_committed_value(response, key, value)
    return response


def _update(response: Response, values: dict[str, Any]):  # type: ignore[no-untyped-def]
    """UPDATE the row only if it is still in progress and unchanged since it was read."""
    return (update(Response)
            .where(col(Response.id) == response.id, col(Response.status) == "in_progress",
                   col(Response.lock_version) == response.lock_version)
            .values(**values)
            # The loaded row is brought up to date by _written(); no ORM bookkeeping needed.
            .execution_options(synchronize_session=False))


def save_answers(session: Session, response: Response,
                 change: Callable[[Response], tuple[Answers, int]], language: str) -> Response:
    """Apply `change` (row → new answers, furthest page) and store it; retry on a race.

    Returns the fresh row. If the response was completed meanwhile, nothing is written and
    the completed row is returned.
    """
    assert response.id is not None
    for _ in range(ATTEMPTS):
        if response.status != "in_progress":
            return response
        answers, current = change(response)
        values = {"answers": answers, "current_page": current, "language": language,
                  "lock_version": response.lock_version + 1, "updated_at": utcnow()}
        result = session.exec(_update(response, values))  # type: ignore[call-overload]
        if result.rowcount == 1:
            session.commit()
            return _written(response, values)
        session.rollback()
        response = _reload(session, response.id)
    raise StaleResponse(response.public_id)


def submit(session: Session, response: Response, change: Callable[[Response], Answers], *,
           sid: str, language: str, incomplete: Callable[[Answers], int | None]) -> Submission:
    """Complete a response exactly once under submission id `sid`.

    A repeat with the same id and the same answers is a `duplicate` (answered as success);
    with other answers, or an id another response holds, it is a `conflict` (409).
    """
    assert response.id is not None
    for _ in range(ATTEMPTS):
        if response.status == "complete":
            same = (response.client_submission_id == sid and
                    response.submission_hash == answers_digest(change(response)))
            return Submission("duplicate" if same else "conflict", response)
        answers = change(response)
        missing = incomplete(answers)
        if missing is not None:
            saved = save_answers(session, response, lambda r: (change(r), r.current_page),
                                 language)
            return Submission("incomplete", saved, missing)
        now = utcnow()
        values = {"answers": answers, "language": language, "status": "complete",
                  "completed_at": now, "updated_at": now, "client_submission_id": sid,
                  "submission_hash": answers_digest(answers),
                  "lock_version": response.lock_version + 1}
        try:
            result = session.exec(_update(response, values))  # type: ignore[call-overload]
            if result.rowcount == 1:
                session.commit()
                return Submission("completed", _written(response, values))
            session.rollback()
        except IntegrityError:
            # The unique client_submission_id belongs to another response already.
            session.rollback()
            return Submission("conflict", _reload(session, response.id))
        response = _reload(session, response.id)
    raise StaleResponse(response.public_id)
