"""Each case's AAPOR final disposition: set by mel where it knows, by staff otherwise.

Dispositions: ``complete``, ``partial``, ``refusal``, ``non_contact``, ``not_eligible``,
``eligibility_unknown``, ``undeliverable``, ``opted_out`` (None: pending). mel derives a
case's outcome from what it has seen, first rule that applies:

1. an outcome set by staff stays (until staff set it back to automatic);
2. a complete response → ``complete``;
3. a contact of the case opted out → ``opted_out``;
4. a started response with at least one answer → ``partial``; started without any
   answer → ``refusal`` (AAPOR 2.1121, logged on but answered nothing);
5. every contact's invitation bounced → ``undeliverable``;
6. nothing came back: after the wave's last fieldwork day → ``non_contact``; before it,
   pending (None).

A unit case's responses are those of its invitation and any other response of its unit to
the instrument in the wave; a person case's only those of its own invitation.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Text, cast, func
from sqlmodel import Session, col, select

from mel.models import Case, Contact, Instrument, InstrumentVersion, Response, Unit, Wave, utcnow
from mel.services.privacy import record

OUTCOMES = (
    "complete",
    "partial",
    "refusal",
    "non_contact",
    "not_eligible",
    "eligibility_unknown",
    "undeliverable",
    "opted_out",
)


class OutcomeError(ValueError):
    """An outcome cannot be set as asked; the message says why."""


@dataclass
class CaseFacts:
    """What mel knows of one case: its contacts' flags and its best response."""

    case: Case
    contacts: list[Contact] = field(default_factory=list)
    response_status: str | None = None  # complete | in_progress | None
    answered: bool = False


def respondent_cases(session: Session, wave: Wave) -> list[Case]:
    """The cases rates count: unit cases of unit instruments, person cases of person ones."""
    rows = session.exec(
        select(Case, Instrument.respondent)
        .join(Instrument, col(Instrument.id) == Case.instrument_id)
        .where(Case.wave_id == wave.id)
        .order_by(col(Case.id))
    ).all()
    return [
        case
        for case, respondent in rows
        if case.key.startswith("c:" if respondent == "person" else "u:")
    ]


def gather(session: Session, wave: Wave) -> list[CaseFacts]:
    """Collect the facts of every respondent case of the wave (a few queries in all)."""
    cases = respondent_cases(session, wave)
    facts = [CaseFacts(case) for case in cases]
    contacts = session.exec(select(Contact).where(Contact.wave_id == wave.id)).all()
    by_id = {c.id: c for c in contacts}
    by_unit: dict[tuple[int, int | None], list[Contact]] = defaultdict(list)
    for contact in contacts:
        by_unit[(contact.instrument_id, contact.unit_id)].append(contact)
    responses = session.exec(
        select(
            Response.invitation_id,
            Response.unit_id,
            InstrumentVersion.instrument_id,
            Response.status,
            # Whether anything was answered, without decoding every response's answers.
            cast(Response.answers, Text) != "{}",
        )
        .join(InstrumentVersion, col(InstrumentVersion.id) == Response.instrument_version_id)
        .where(Response.wave_id == wave.id)
    ).all()
    by_invitation = {r[0]: r for r in responses if r[0] is not None}
    by_unit_response: dict[tuple[int, int], list] = defaultdict(list)
    for r in responses:
        if r[1] is not None:
            by_unit_response[(r[2], r[1])].append(r)
    for item in facts:
        case = item.case
        if case.key.startswith("c:"):
            contact = by_id.get(case.contact_id)
            item.contacts = [contact] if contact else []
            own = by_invitation.get(case.invitation_id)
            found = [own] if own is not None else []
        else:
            item.contacts = by_unit[(case.instrument_id, case.unit_id)]
            found = by_unit_response.get((case.instrument_id, case.unit_id or 0), [])
            if case.invitation_id in by_invitation:
                found = [*found, by_invitation[case.invitation_id]]
        if any(r[3] == "complete" for r in found):
            item.response_status, item.answered = "complete", True
        elif found:
            item.response_status = "in_progress"
            item.answered = any(bool(r[4]) for r in found)
    return facts


def derive(item: CaseFacts, today: date, fieldwork_end: date | None) -> str | None:
    """The automatic outcome of a case (rules 2–6 of the module docstring)."""
    if item.response_status == "complete":
        return "complete"
    if any(c.opted_out_at is not None for c in item.contacts):
        return "opted_out"
    if item.response_status == "in_progress":
        return "partial" if item.answered else "refusal"
    if item.contacts and all(c.bounced_at is not None for c in item.contacts):
        return "undeliverable"
    if fieldwork_end is not None and today > fieldwork_end:
        return "non_contact"
    return None


def effective(item: CaseFacts, today: date, fieldwork_end: date | None) -> str | None:
    """The case's outcome: staff's when set, else the derived one."""
    if item.case.outcome_source == "staff":
        return item.case.outcome
    return derive(item, today, fieldwork_end)


def current_outcomes(session: Session, wave: Wave, today: date | None = None) -> list[CaseFacts]:
    """Facts of every respondent case with `case.outcome` set to its effective outcome.

    The rows are changed in the session only; `refresh` commits them.
    """
    today = today or utcnow().date()
    facts = gather(session, wave)
    for item in facts:
        outcome = effective(item, today, wave.fieldwork_end)
        if item.case.outcome_source != "staff" and item.case.outcome != outcome:
            item.case.outcome = outcome
            item.case.outcome_source = "auto" if outcome else None
            item.case.outcome_at = utcnow() if outcome else None
    return facts


def refresh(session: Session, wave: Wave, today: date | None = None) -> list[CaseFacts]:
    """Store the automatic outcomes of the wave's cases (the caller commits)."""
    facts = current_outcomes(session, wave, today)
    session.flush()
    return facts


def set_outcome(session: Session, *, case: Case, outcome: str, actor: str, programme: str) -> None:
    """Set a case's outcome by hand (``auto`` hands it back to mel), with an audit entry."""
    if outcome != "auto" and outcome not in OUTCOMES:
        raise OutcomeError(f"unknown outcome {outcome!r} (one of {', '.join(OUTCOMES)}, auto)")
    previous = case.outcome
    if outcome == "auto":
        case.outcome, case.outcome_source, case.outcome_at = None, None, None
    else:
        case.outcome, case.outcome_source, case.outcome_at = outcome, "staff", utcnow()
    session.add(case)
    record(
        session,
        actor,
        "case_outcome_set",
        programme=programme,
        target=f"case {case.id}",
        outcome=outcome,
        previous=previous,
    )


def find_case(session: Session, wave: Wave, reference: str) -> Case:
    """A case of the wave by its key (``u:<unit id>``, ``c:<contact id>``), its id, the code
    of its unit, or (for a person case) its contact's e-mail address."""
    reference = reference.strip()
    query = select(Case).where(Case.wave_id == wave.id)
    if reference.startswith(("u:", "c:")):
        found = list(session.exec(query.where(Case.key == reference)).all())
    elif reference.isdigit():
        found = list(session.exec(query.where(col(Case.id) == int(reference))).all())
    elif "@" in reference:
        found = list(
            session.exec(
                query.join(Contact, col(Contact.id) == Case.contact_id).where(
                    func.lower(Contact.email) == reference.lower()
                )
            ).all()
        )
    else:
        found = list(
            session.exec(
                query.join(Unit, col(Unit.id) == Case.unit_id).where(
                    Unit.code == reference,
                    Unit.programme_id == wave.programme_id,
                    col(Case.key).startswith("u:"),
                )
            ).all()
        )
    if not found:
        raise OutcomeError(f"no case {reference!r} in wave {wave.code!r}")
    if len(found) > 1:
        keys = ", ".join(f"{c.key} (instrument {c.instrument_id})" for c in found)
        raise OutcomeError(f"{reference!r} names several cases ({keys}); give the case's id")
    return found[0]
