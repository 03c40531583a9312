"""Fieldwork status of a wave: mails, outcomes and AAPOR rates per instrument and stratum.

Contact details never appear here: the status holds counts only, so it may go to the
command line's JSON, the API and the staff page alike. The counts are not held back for
small groups as survey figures are: they say who was reached, never what anyone answered.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from mel.models import Contact, Instrument, Mail, Programme, Wave
from mel.services.fieldwork import outcomes
from mel.services.fieldwork.rates import counted_row


def mail_counts(session: Session, wave: Wave) -> dict[str, dict[str, int]]:
    """Mails per kind and status, and contacts opted out and bounced."""
    rows = session.exec(
        select(Mail.kind, Mail.status, func.count())
        .join(Contact, col(Contact.id) == Mail.contact_id)
        .where(Contact.wave_id == wave.id)
        .group_by(Mail.kind, Mail.status)
    ).all()
    kinds: dict[str, dict[str, int]] = defaultdict(lambda: {"sent": 0, "claimed": 0, "failed": 0})
    for kind, status, n in rows:
        kinds[kind][status] = int(n)
    return dict(sorted(kinds.items()))


def contact_counts(session: Session, wave: Wave) -> dict[str, int]:
    """Contacts of the wave, how many opted out, bounced, and were mailed (delivered)."""
    contacts, opted_out, bounced = session.exec(
        select(
            func.count(), func.count(col(Contact.opted_out_at)), func.count(col(Contact.bounced_at))
        ).where(Contact.wave_id == wave.id)
    ).one()
    invited = (
        select(func.count(func.distinct(Mail.contact_id)))
        .join(Contact, col(Contact.id) == Mail.contact_id)
        .where(Contact.wave_id == wave.id, Mail.kind == "invitation", Mail.status == "sent")
    )
    return {
        "contacts": int(contacts),
        "invited": int(session.exec(invited).one()),
        "delivered": int(session.exec(invited.where(col(Contact.bounced_at).is_(None))).one()),
        "bounced": int(bounced),
        "opted_out": int(opted_out),
    }


def wave_status(
    session: Session,
    wave: Wave,
    *,
    e: float | None = None,
    today: date | None = None,
    store: bool = False,
) -> dict[str, Any]:
    """Counts and rates of the wave: per instrument, overall and per stratum.

    `e` is RR3's share of eligible cases among those of unknown eligibility (default: the
    eligible share among the cases whose eligibility is known; see `rates`). With `store`,
    the automatic outcomes are stored as well (`outcomes.refresh`; the caller commits).
    """
    if store:
        outcomes.refresh(session, wave, today)
    per: dict[int, dict[str, Counter[str | None]]] = defaultdict(lambda: defaultdict(Counter))
    by_staff = 0
    for count in outcomes.outcome_counts(session, wave, today):
        per[count.instrument_id][count.stratum or "\u2014"][count.outcome] += count.cases
        by_staff += count.cases if count.source == "staff" and count.outcome else 0
    instruments = []
    for instrument_id, strata in sorted(per.items()):
        instrument = session.get(Instrument, instrument_id)
        assert instrument is not None
        total: Counter[str | None] = sum(strata.values(), Counter())
        instruments.append(
            {
                "instrument": instrument.code,
                "respondent": instrument.respondent,
                "total": counted_row(total, e),
                "strata": [
                    {"stratum": name, **counted_row(counts, e)}
                    for name, counts in sorted(strata.items())
                ],
            }
        )
    return {
        "wave": wave.code,
        "fieldwork_end": wave.fieldwork_end.isoformat() if wave.fieldwork_end else None,
        "frozen": wave.frozen_at is not None,
        "e": "stated" if e is not None else "eligible share among resolved cases",
        "mails": mail_counts(session, wave),
        **contact_counts(session, wave),
        "outcomes_by_staff": by_staff,
        "instruments": instruments,
    }


def report_status(engine: Engine, programme: str, wave: str) -> dict[str, Any] | None:
    """The wave's case outcomes and AAPOR rates for its report (None without cases).

    Reads only: the report shows the outcomes as they are; `mel fieldwork status` stores
    them.
    """
    with Session(engine) as session:
        found = session.exec(
            select(Wave).join(Programme).where(Programme.code == programme, Wave.code == wave)
        ).first()
        if found is None:
            return None
        status = wave_status(session, found)
    return status if status["instruments"] else None
