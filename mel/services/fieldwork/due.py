"""Who is due a mail of one kind, and the command line's rate and waiting time."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from mel.models import Case, Contact, Mail, Wave
from mel.services.fieldwork import outcomes
from mel.services.fieldwork.links import MailingError, Target

# Cases with these outcomes get no (further) mail.
DONE = {"complete", "opted_out", "undeliverable", "not_eligible", "refusal"}


def parse_rate(text: str | None) -> float:
    """Mails per second from ``N/s``, ``N/min`` or ``N`` (0 or None: as fast as possible)."""
    if not text:
        return 0.0
    number, _, unit = text.strip().partition("/")
    factor = {"": 1.0, "s": 1.0, "sec": 1.0, "m": 1 / 60, "min": 1 / 60, "h": 1 / 3600}
    try:
        value = float(number) * factor[unit.strip().lower()]
    except (ValueError, KeyError):
        raise MailingError(f"rate must look like 20/s or 600/min, not {text!r}") from None
    if value < 0:
        raise MailingError(f"rate must be positive, not {text!r}")
    return value


def parse_after(text: str) -> timedelta:
    """A waiting time from ``7d``, ``36h`` or ``90m``."""
    units = {"d": "days", "h": "hours", "m": "minutes"}
    number, unit = text.strip()[:-1], text.strip()[-1:].lower()
    try:
        return timedelta(**{units[unit]: float(number)})
    except (ValueError, KeyError):
        raise MailingError(f"--after must look like 7d, 36h or 90m, not {text!r}") from None


def targets(
    session: Session, wave: Wave, kind: str, *, due_before: datetime | None = None
) -> Iterator[tuple[Target | None, str]]:
    """Contacts to mail `kind`, or (None, reason) for one that is skipped.

    Stores the automatic outcomes found on the way (`outcomes.refresh`; the caller commits).
    """
    outcomes.refresh(session, wave)  # each case's stored outcome is now its current one
    rows = session.exec(
        select(Mail, Contact)
        .join(Contact, col(Contact.id) == Mail.contact_id)
        .where(Contact.wave_id == wave.id)
    ).all()
    mails: dict[int, dict[str, Mail]] = {}
    for mail, contact in rows:
        mails.setdefault(contact.id or 0, {})[mail.kind] = mail
    for case, contacts in case_contacts(session, wave):
        for contact in contacts:
            earlier = mails.get(contact.id or 0, {})
            if contact.opted_out_at or contact.bounced_at or case.outcome in DONE:
                yield None, "done"
                continue
            if kind != "invitation":
                invited = earlier.get("invitation")
                if invited is None or invited.status != "sent":
                    yield None, "not_invited"
                    continue
                last = max(m.sent_at for m in earlier.values() if m.sent_at is not None)
                if kind not in earlier and due_before is not None and last > due_before:
                    yield None, "not_due"
                    continue
            yield Target(contact, case, earlier.get(kind)), "send"


def case_contacts(session: Session, wave: Wave) -> list[tuple[Case, list[Contact]]]:
    """Each respondent case of the wave with its contacts: a person case its own, a unit
    case those of its unit for the instrument."""
    contacts = session.exec(select(Contact).where(Contact.wave_id == wave.id)).all()
    by_id = {c.id: c for c in contacts}
    by_unit: dict[tuple[int, int | None], list[Contact]] = defaultdict(list)
    for contact in contacts:
        by_unit[(contact.instrument_id, contact.unit_id)].append(contact)
    found = []
    for case in outcomes.respondent_cases(session, wave):
        if case.key.startswith("c:"):
            own = by_id.get(case.contact_id)
            found.append((case, [own] if own is not None else []))
        else:
            found.append((case, by_unit[(case.instrument_id, case.unit_id)]))
    return found


def next_reminder(session: Session, wave: Wave) -> str:
    """The kind of the next reminder of a wave: reminder-1, reminder-2, ..."""
    kinds = session.exec(
        select(Mail.kind)
        .join(Contact, col(Contact.id) == Mail.contact_id)
        .where(Contact.wave_id == wave.id, col(Mail.kind).startswith("reminder-"))
        .distinct()
    ).all()
    numbers = [int(k.split("-")[1]) for k in kinds if k.split("-")[1].isdigit()]
    return f"reminder-{max(numbers, default=0) + 1}"
