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
from sqlmodel import Session, col, select

from mel.models import Contact, Instrument, Mail, Wave
from mel.services.fieldwork import outcomes
from mel.services.fieldwork.rates import rates_row


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
    contacts = session.exec(
        select(Contact.id, Contact.opted_out_at, Contact.bounced_at).where(
            Contact.wave_id == wave.id
        )
    ).all()
    invited = set(
        session.exec(
            select(Mail.contact_id)
            .join(Contact, col(Contact.id) == Mail.contact_id)
            .where(Contact.wave_id == wave.id, Mail.kind == "invitation", Mail.status == "sent")
        ).all()
    )
    return {
        "contacts": len(contacts),
        "invited": len(invited),
        "delivered": sum(1 for c in contacts if c[0] in invited and c[2] is None),
        "bounced": sum(1 for c in contacts if c[2] is not None),
        "opted_out": sum(1 for c in contacts if c[1] is not None),
    }


def wave_status(
    session: Session, wave: Wave, *, e: float | None = None, today: date | None = None
) -> dict[str, Any]:
    """Counts and rates of the wave: per instrument, overall and per stratum.

    `e` is RR3's share of eligible cases among those of unknown eligibility (default: the
    eligible share among the cases whose eligibility is known; see `rates`).
    """
    facts = outcomes.current_outcomes(session, wave, today)
    by_instrument: dict[int, list[outcomes.CaseFacts]] = defaultdict(list)
    for item in facts:
        by_instrument[item.case.instrument_id].append(item)
    instruments = []
    for instrument_id, items in sorted(by_instrument.items()):
        instrument = session.get(Instrument, instrument_id)
        assert instrument is not None
        strata: dict[str, list[str | None]] = defaultdict(list)
        for item in items:
            strata[item.case.stratum or "\u2014"].append(item.case.outcome)
        instruments.append(
            {
                "instrument": instrument.code,
                "respondent": instrument.respondent,
                "total": rates_row([i.case.outcome for i in items], e),
                "strata": [
                    {"stratum": name, **rates_row(values, e)}
                    for name, values in sorted(strata.items())
                ],
            }
        )
    sources = Counter(item.case.outcome_source for item in facts if item.case.outcome)
    return {
        "wave": wave.code,
        "fieldwork_end": wave.fieldwork_end.isoformat() if wave.fieldwork_end else None,
        "frozen": wave.frozen_at is not None,
        "e": "stated" if e is not None else "eligible share among resolved cases",
        "mails": mail_counts(session, wave),
        **contact_counts(session, wave),
        "outcomes_by_staff": sources.get("staff", 0),
        "instruments": instruments,
    }
