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

from datetime import date
from typing import NamedTuple

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Subquery,
    Text,
    and_,
    case,
    cast,
    func,
    or_,
    update,
)
from sqlalchemy import select as select_rows
from sqlalchemy.orm import aliased
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


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """1 where `condition` holds, else 0 (to add up in SQL on every database)."""
    return case((condition, 1), else_=0)


def case_facts(wave: Wave) -> Subquery:
    """One row per respondent case of the wave with what mel knows of it, as SQL.

    Columns: ``id``, ``instrument_id``, ``stratum``, ``stored`` (the outcome in the
    database), ``source`` (``auto``, ``staff`` or NULL), and counts: ``contacts`` (a person
    case's own contact, a unit case's contacts of its unit for the instrument), ``opted_out``
    and ``bounced`` among them; ``started`` (responses: a person case's by its invitation, a
    unit case's also its unit's others to the instrument in the wave), ``answered`` (with at
    least one answer) and ``complete`` among them. No answers are decoded.
    """
    person = col(Instrument.respondent) == "person"
    # Contacts and responses per unit, of unit instruments only.
    unit_contacts = (
        select_rows(
            col(Contact.instrument_id),
            col(Contact.unit_id),
            func.count().label("contacts"),
            func.count(col(Contact.opted_out_at)).label("opted_out"),
            func.count(col(Contact.bounced_at)).label("bounced"),
        )
        .join(Instrument, col(Instrument.id) == Contact.instrument_id)
        .where(col(Contact.wave_id) == wave.id, col(Instrument.respondent) != "person")
        .group_by(col(Contact.instrument_id), col(Contact.unit_id))
        .subquery("unit_contacts")
    )
    unit_responses = (
        select_rows(
            col(InstrumentVersion.instrument_id),
            col(Response.unit_id),
            func.count().label("started"),
            func.sum(_count(cast(Response.answers, Text) != "{}")).label("answered"),
            func.sum(_count(col(Response.status) == "complete")).label("complete"),
        )
        .join(InstrumentVersion, col(InstrumentVersion.id) == Response.instrument_version_id)
        .join(Instrument, col(Instrument.id) == InstrumentVersion.instrument_id)
        .where(
            col(Response.wave_id) == wave.id,
            col(Response.unit_id).is_not(None),
            col(Instrument.respondent) != "person",
        )
        .group_by(col(InstrumentVersion.instrument_id), col(Response.unit_id))
        .subquery("unit_responses")
    )
    own_contact, own_response = aliased(Contact), aliased(Response)

    def contacts(own: ColumnElement[bool], of_unit: ColumnElement[int]) -> ColumnElement[int]:
        return case((person, _count(own)), else_=func.coalesce(of_unit, 0))

    def responses(own: ColumnElement[bool], of_unit: ColumnElement[int]) -> ColumnElement[int]:
        return _count(own) + case((person, 0), else_=func.coalesce(of_unit, 0))

    return (
        select_rows(
            col(Case.id).label("id"),
            col(Case.instrument_id).label("instrument_id"),
            col(Case.stratum).label("stratum"),
            col(Case.outcome).label("stored"),
            col(Case.outcome_source).label("source"),
            contacts(col(own_contact.id).is_not(None), unit_contacts.c.contacts).label("contacts"),
            contacts(col(own_contact.opted_out_at).is_not(None), unit_contacts.c.opted_out).label(
                "opted_out"
            ),
            contacts(col(own_contact.bounced_at).is_not(None), unit_contacts.c.bounced).label(
                "bounced"
            ),
            responses(col(own_response.id).is_not(None), unit_responses.c.started).label("started"),
            responses(cast(own_response.answers, Text) != "{}", unit_responses.c.answered).label(
                "answered"
            ),
            responses(col(own_response.status) == "complete", unit_responses.c.complete).label(
                "complete"
            ),
        )
        .join(Instrument, col(Instrument.id) == Case.instrument_id)
        .outerjoin(own_contact, col(own_contact.id) == Case.contact_id)
        .outerjoin(own_response, col(own_response.invitation_id) == Case.invitation_id)
        .outerjoin(
            unit_contacts,
            and_(
                unit_contacts.c.instrument_id == Case.instrument_id,
                unit_contacts.c.unit_id == Case.unit_id,
            ),
        )
        .outerjoin(
            unit_responses,
            and_(
                unit_responses.c.instrument_id == Case.instrument_id,
                unit_responses.c.unit_id == Case.unit_id,
            ),
        )
        .where(
            col(Case.wave_id) == wave.id,
            # Unit cases of unit instruments, person cases of person ones.
            or_(
                and_(person, col(Case.key).startswith("c:")),
                and_(~person, col(Case.key).startswith("u:")),
            ),
        )
        .subquery("facts")
    )


def outcome_rule(facts: FromClause, ended: bool) -> ColumnElement[str | None]:
    """Each case's outcome from its facts (`case_facts`): the module docstring's rules in
    order, staff's outcome where set, NULL while pending. `ended`: fieldwork is over."""
    f = facts.c
    return case(
        (f.source == "staff", f.stored),
        (f.complete > 0, "complete"),
        (f.opted_out > 0, "opted_out"),
        (and_(f.started > 0, f.answered > 0), "partial"),
        (f.started > 0, "refusal"),
        (and_(f.contacts > 0, f.bounced == f.contacts), "undeliverable"),
        else_="non_contact" if ended else None,
    )


def _ended(wave: Wave, today: date | None) -> bool:
    """Whether the wave's last fieldwork day lies before `today` (default: today)."""
    today = today or utcnow().date()
    return wave.fieldwork_end is not None and today > wave.fieldwork_end


class OutcomeCount(NamedTuple):
    """How many cases of an instrument and stratum have an outcome from a source."""

    instrument_id: int
    stratum: str | None
    outcome: str | None  # None: pending
    source: str | None  # auto | staff | None
    cases: int


def outcome_counts(session: Session, wave: Wave, today: date | None = None) -> list[OutcomeCount]:
    """Cases per instrument, stratum, outcome and source, counted by the database."""
    facts = case_facts(wave)
    outcome = outcome_rule(facts, _ended(wave, today)).label("outcome")
    rows = session.execute(
        select_rows(
            facts.c.instrument_id, facts.c.stratum, outcome, facts.c.source, func.count()
        ).group_by(facts.c.instrument_id, facts.c.stratum, outcome, facts.c.source)
    ).all()
    return [OutcomeCount(*row) for row in rows]


def current_outcomes(
    session: Session, wave: Wave, today: date | None = None
) -> dict[int, str | None]:
    """Each respondent case's outcome by case id (None: pending). Reads only; `refresh`
    stores."""
    facts = case_facts(wave)
    rows = session.execute(select_rows(facts.c.id, outcome_rule(facts, _ended(wave, today)))).all()
    return {int(case_id): outcome for case_id, outcome in rows}


def refresh(session: Session, wave: Wave, today: date | None = None) -> int:
    """Store the automatic outcomes of the wave's cases that changed, in one UPDATE (the
    caller commits); return how many changed. Staff's outcomes stay, also one set meanwhile.
    """
    session.flush()
    facts = case_facts(wave)
    outcome = outcome_rule(facts, _ended(wave, today))
    automatic = case((outcome.is_(None), None), else_="auto")
    result = session.execute(
        update(Case)
        .where(
            col(Case.id) == facts.c.id,
            col(Case.outcome_source).is_distinct_from("staff"),
            facts.c.source.is_distinct_from("staff"),
            facts.c.stored.is_distinct_from(outcome),
        )
        .values(
            outcome=outcome,
            outcome_source=automatic,
            outcome_at=case((outcome.is_(None), None), else_=utcnow()),
        )
        .execution_options(synchronize_session=False)
    )
    for item in list(session.identity_map.values()):
        if isinstance(item, Case):  # the rows changed under it
            session.expire(item, ["outcome", "outcome_source", "outcome_at"])
    return int(getattr(result, "rowcount", 0))


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
