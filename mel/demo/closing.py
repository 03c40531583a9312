"""Close a simulated wave: its status, its cases' outcomes, its dates those of its fieldwork."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from mel.db import session_scope
from mel.demo.fielding import open_person_links
from mel.models import Case, Contact, Invitation, Mail, Wave
from mel.services.fieldwork import outcomes


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def finish_wave(
    engine: Engine, wave_id: int, dates: tuple[date, date], *, last: bool, person: list[int]
) -> None:
    """Close the wave (the last stays open, its person surveys with an open link too), let
    mel set each case's outcome, and date the draw, contacts and mails as its fieldwork."""
    start, end = dates
    with session_scope(engine) as session:
        wave = session.get(Wave, wave_id)
        assert wave is not None
        wave.status = "open" if last else "closed"
        wave.created_at = _at(start - timedelta(days=28))
        wave.sample_drawn_at = _at(start - timedelta(days=21))
        wave.frozen_at = _at(start, 8)  # the invitations went out
        session.add(wave)
        if last:
            open_person_links(session, wave_id, person)
        outcomes.refresh(session, wave)
        contacts = select(Contact.id).where(Contact.wave_id == wave_id)
        of_wave = col(Contact.wave_id) == wave_id
        for statement in (
            update(Case)
            .where(col(Case.wave_id) == wave_id)
            .values(created_at=wave.sample_drawn_at),
            update(Contact).where(of_wave).values(created_at=_at(start - timedelta(days=14))),
            update(Contact)
            .where(of_wave, col(Contact.bounced_at).is_not(None))
            .values(bounced_at=_at(start, 10)),
            update(Contact)
            .where(of_wave, col(Contact.opted_out_at).is_not(None))
            .values(opted_out_at=_at(start + timedelta(days=2), 20)),
            update(Mail)
            .where(col(Mail.contact_id).in_(contacts))
            .values(claimed_at=wave.frozen_at, sent_at=wave.frozen_at),
            update(Invitation)
            .where(col(Invitation.wave_id) == wave_id)
            .values(created_at=wave.frozen_at),
            update(Case)
            .where(col(Case.wave_id) == wave_id, col(Case.outcome).is_not(None))
            .values(outcome_at=_at(end, 23)),
        ):
            session.execute(statement)
