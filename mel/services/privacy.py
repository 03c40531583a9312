"""Privacy operations: the audit log, a respondent's data, erasure with tombstones, retention.

Erasure deletes every response of a pseudonymous respondent and the invitations they came
in with, and leaves a tombstone: SHA-256 hashes of the respondent id, response ids,
submission ids and link-token hashes. A retried submission or a reused link therefore
finds nothing to attach to, and `is_erased` lets the participant side say so explicitly.
Retention empties the answers of waves past `retention_until` but keeps the rows, so
response counts and rates stay as they were.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, col, delete, select, update

from mel.models import (
    Instrument,
    InstrumentVersion,
    Invitation,
    Programme,
    Response,
    Unit,
    Wave,
    utcnow,
)
from mel.models.accounts import AuditEvent, Tombstone


def record(
    session: Session,
    actor: str,
    action: str,
    *,
    programme: str | None = None,
    target: str | None = None,
    **detail: Any,
) -> AuditEvent:
    """Add an audit event (committed with the caller's transaction); never pass answers."""
    event = AuditEvent(
        actor=actor[:254],
        action=action,
        programme=programme,
        target=target[:200] if target else None,
        detail=detail,
    )
    session.add(event)
    return event


def audit_events(
    session: Session,
    *,
    action: str | None = None,
    actor: str | None = None,
    since: datetime | None = None,
    limit: int = 100,
) -> list[AuditEvent]:
    """Return the newest audit events first, optionally filtered."""
    query = select(AuditEvent)
    if action:
        query = query.where(AuditEvent.action == action)
    if actor:
        query = query.where(AuditEvent.actor == actor)
    if since:
        query = query.where(col(AuditEvent.at) >= since)
    return list(session.exec(query.order_by(col(AuditEvent.id).desc()).limit(limit)).all())


def key_hash(kind: str, value: str | int) -> str:
    """Return the hash a tombstone keeps for one key of an erased respondent."""
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def is_erased(
    session: Session,
    *,
    respondent_id: str | None = None,
    client_submission_id: str | None = None,
    public_id: str | None = None,
    invitation_token_hash: str | None = None,
    resume_token_hash: str | None = None,
) -> bool:
    """Whether any of the given keys belongs to an erased respondent."""
    keys = [
        key_hash(kind, value)
        for kind, value in (
            ("respondent", respondent_id),
            ("submission", client_submission_id),
            ("response", public_id),
            ("invitation", invitation_token_hash),
            ("resume", resume_token_hash),
        )
        if value
    ]
    if not keys:
        return False
    return (
        session.exec(select(Tombstone.id).where(col(Tombstone.key_hash).in_(keys))).first()
        is not None
    )


# Built once: the participant side asks this when an open link's consent form is posted.
_ERASED_KEY = select(Tombstone.id).where(Tombstone.key_hash == bindparam("key")).limit(1)


def is_erased_resume_token(session: Session, resume_token_hash: str) -> bool:
    """Whether a resume token (by its hash) belongs to an erased respondent: one Core query."""
    params = {"key": key_hash("resume", resume_token_hash)}
    return session.connection().execute(_ERASED_KEY, params).first() is not None


def _responses(session: Session, respondent_id: str) -> list[Response]:
    return list(
        session.exec(
            select(Response)
            .where(Response.respondent_id == respondent_id)
            .order_by(col(Response.id))
        ).all()
    )


def respondent_data(session: Session, respondent_id: str) -> dict[str, Any] | None:
    """Everything mel holds about a pseudonymous respondent, as JSON-ready data."""
    responses = _responses(session, respondent_id)
    if not responses:
        return None
    items = []
    for response in responses:
        wave = session.get(Wave, response.wave_id)
        version = session.get(InstrumentVersion, response.instrument_version_id)
        instrument = session.get(Instrument, version.instrument_id) if version else None
        programme = session.get(Programme, wave.programme_id) if wave else None
        unit = session.get(Unit, response.unit_id) if response.unit_id else None
        invitation = (
            session.get(Invitation, response.invitation_id) if response.invitation_id else None
        )
        items.append(
            {
                "programme": programme.code if programme else None,
                "wave": wave.code if wave else None,
                "instrument": instrument.code if instrument else None,
                "version": version.version if version else None,
                "unit": unit.code if unit else None,
                "invitation_reference": invitation.reference if invitation else None,
                "status": response.status,
                "language": response.language,
                "consent_version": response.consent_version,
                "started_at": response.started_at.isoformat(),
                "updated_at": response.updated_at.isoformat(),
                "completed_at": response.completed_at.isoformat()
                if response.completed_at
                else None,
                "answers": response.answers,
            }
        )
    return {"respondent_id": respondent_id, "responses": items}


def erase_respondent(session: Session, respondent_id: str) -> int:
    """Delete a respondent's responses and invitations, leave a tombstone; return the count."""
    responses = _responses(session, respondent_id)
    if not responses:
        return 0
    keys = {("respondent", respondent_id)}
    invitation_ids = []
    for response in responses:
        keys.add(("response", response.public_id))
        if response.client_submission_id:
            keys.add(("submission", response.client_submission_id))
        if response.resume_token_hash:
            keys.add(("resume", response.resume_token_hash))
        if response.invitation_id:
            invitation = session.get(Invitation, response.invitation_id)
            if invitation is not None:
                keys.add(("invitation", invitation.token_hash))
                invitation_ids.append(invitation.id)
    existing = set(session.exec(select(Tombstone.key_hash)).all())
    for kind, value in sorted(keys):
        digest = key_hash(kind, value)
        if digest not in existing:
            session.add(Tombstone(key_hash=digest, kind=kind))
    session.exec(
        delete(Response).where(  # type: ignore[call-overload]
            col(Response.respondent_id) == respondent_id
        )
    )
    if invitation_ids:
        session.exec(
            delete(Invitation).where(  # type: ignore[call-overload]
                col(Invitation.id).in_(invitation_ids)
            )
        )
    session.flush()
    return len(responses)


@dataclass(frozen=True)
class Purge:
    """What retention did (or would do) to one wave."""

    programme: str
    wave: str
    retention_until: date
    responses: int


def purge_expired(session: Session, today: date, *, dry_run: bool = False) -> list[Purge]:
    """Empty the answers of waves whose `retention_until` lies before `today`.

    Rows stay (status, unit, timestamps) so counts and response rates do not change;
    invitation references (pseudonymous person keys) are cleared as well.
    """
    waves = session.exec(
        select(Wave, Programme.code)
        .join(Programme)
        .where(col(Wave.retention_until).is_not(None), col(Wave.retention_until) < today)
        .order_by(Programme.code, Wave.code)
    ).all()
    done = []
    for wave, programme in waves:
        # JSON has no equality operator on PostgreSQL, so emptiness is checked here.
        held = session.exec(select(Response.answers).where(Response.wave_id == wave.id)).all()
        count = sum(1 for answers in held if answers)
        if not dry_run and count:
            session.exec(
                update(Response)
                .where(  # type: ignore[call-overload]
                    col(Response.wave_id) == wave.id
                )
                .values(answers={}, submission_hash=None, updated_at=utcnow())
            )
            session.exec(
                update(Invitation)
                .where(  # type: ignore[call-overload]
                    col(Invitation.wave_id) == wave.id
                )
                .values(reference=None)
            )
        assert wave.retention_until is not None
        done.append(Purge(programme, wave.code, wave.retention_until, count))
    session.flush()
    return done
