"""Opting out through the link in a mail: no more mail about this survey, outcome opted_out.

The opt-out link carries the case's invitation token (``/optout/<token>``): it opts out
every contact of that case, and the case's outcome becomes ``opted_out`` (unless it was
already complete).
"""

from __future__ import annotations

from sqlmodel import Session, select

from mel.models import Case, Contact, Instrument, Programme, Wave, utcnow
from mel.services.invitations import find_invitation


def case_of_token(session: Session, token: str) -> Case | None:
    """The case whose invitation this token is, or None."""
    invitation = find_invitation(session, token)
    if invitation is None:
        return None
    return session.exec(select(Case).where(Case.invitation_id == invitation.id)).first()


def contacts_of(session: Session, case: Case) -> list[Contact]:
    """The contacts a case's mails go to."""
    if case.contact_id is not None:
        contact = session.get(Contact, case.contact_id)
        return [contact] if contact else []
    return list(
        session.exec(
            select(Contact).where(
                Contact.wave_id == case.wave_id,
                Contact.instrument_id == case.instrument_id,
                Contact.unit_id == case.unit_id,
            )
        ).all()
    )


def is_opted_out(session: Session, case: Case) -> bool:
    """Whether the case's contacts have opted out."""
    return any(c.opted_out_at is not None for c in contacts_of(session, case))


def opt_out(session: Session, case: Case) -> None:
    """Record the opt-out of a case's contacts and its outcome (the caller commits)."""
    now = utcnow()
    for contact in contacts_of(session, case):
        if contact.opted_out_at is None:
            contact.opted_out_at = now
            session.add(contact)
    if case.outcome != "complete" and case.outcome_source != "staff":
        case.outcome, case.outcome_source, case.outcome_at = "opted_out", "auto", now
        session.add(case)
    session.flush()


def address_form(session: Session, instrument_id: int) -> str:
    """How the instrument's newest published version addresses people in Dutch: "je" or "u"."""
    from sqlmodel import col, select

    from mel.models import InstrumentVersion

    definition = session.exec(
        select(InstrumentVersion.definition)
        .where(InstrumentVersion.instrument_id == instrument_id)
        .order_by(col(InstrumentVersion.version).desc())
    ).first()
    return (definition or {}).get("address_form") or "u"


def survey_names(session: Session, case: Case) -> tuple[tuple[str, str], tuple[str, str]]:
    """The survey's and programme's names (nl, en) for the opt-out page."""
    instrument = session.get(Instrument, case.instrument_id)
    wave = session.get(Wave, case.wave_id)
    assert instrument is not None and wave is not None
    programme = session.get(Programme, wave.programme_id)
    assert programme is not None
    return (instrument.title_nl, instrument.title_en), (programme.label_nl, programme.label_en)
