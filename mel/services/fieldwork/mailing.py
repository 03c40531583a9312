"""Invitation and reminder mails: each person one mail of each kind, even across a crash.

For every mail mel first **claims** a row in ``mail`` (unique per contact and kind) and
commits, then hands the message to the SMTP server (or the outbox), then marks the row
**sent** and commits. A second run therefore never sends a mail marked sent, and two runs at
the same time never send the same mail (the second claim fails on the unique key).

A crash between claim and mark leaves a row ``claimed`` without ``sent_at``: mel cannot know
whether the server took the message. A rerun does **not** send it again (at most one mail
per person and kind); it lists those rows with their Message-ID, so that the server's log
can be checked, and ``--retry-claimed`` sends them again (with the same Message-ID, by which
a mail program recognises a copy). A row the server refused (``failed``) was certainly not
delivered: a rerun sends it again, except to an address the server refused for good (a
5xx answer), which is recorded as a bounce.

On PostgreSQL these commits are asynchronous (``synchronous_commit off`` on the sending
connection: a durable commit per mail would cap sending at the disk's flush rate). A crash
of mel loses nothing; only a crash of the database server itself within a fraction of a
second after a claim can lose that claim, and then that mail may go out twice.

Each case's personal link is derived from the secret key (a keyed hash of the case), and
only its hash is stored as the case's invitation: a reminder or a rerun repeats the same
link without mel ever keeping the link itself. Sending the first mail freezes the sample.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import bindparam, insert, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from mel.models import Contact, Instrument, Mail, Wave, utcnow
from mel.services.fieldwork import messages
from mel.services.fieldwork.due import next_reminder, parse_after, parse_rate, targets
from mel.services.fieldwork.links import (
    MailingError,
    Target,
    case_token,
    ensure_invitations,
    mail_context,
    sender_domain,
)
from mel.services.fieldwork.transport import Refused, Transport, TransportError, Uncertain

__all__ = ["MailRun", "MailingError", "Sender", "case_token", "parse_after", "parse_rate"]

# The two statements of every mail, built once (values are bound per mail).
CLAIM = insert(Mail).values(
    contact_id=bindparam("contact_id"),
    case_id=bindparam("case_id"),
    kind=bindparam("kind"),
    status="claimed",
    message_id=bindparam("message_id"),
    claimed_at=bindparam("claimed_at"),
)
_TIME = Mail.__table__.c.claimed_at.type  # type: ignore[attr-defined]
# On PostgreSQL: mark the mails sent since the last claim, and claim the next, at once.
CLAIM_PG = text(
    "WITH marked AS (UPDATE mail SET status = 'sent', sent_at = :at WHERE id = ANY(:ids)) "
    "INSERT INTO mail (contact_id, case_id, kind, status, message_id, claimed_at) "
    "VALUES (:contact_id, :case_id, :kind, 'claimed', :message_id, :claimed_at) RETURNING id"
).bindparams(bindparam("at", type_=_TIME), bindparam("claimed_at", type_=_TIME))
MARK_SENT = (
    update(Mail)
    .where(col(Mail.id).in_(bindparam("ids", expanding=True)))
    .values(status="sent", sent_at=bindparam("at"))
)


@dataclass
class MailRun:
    """What one run of sending did."""

    kind: str
    sent: int = 0
    already: int = 0
    refused: list[str] = field(default_factory=list)  # addresses refused for good
    uncertain: list[str] = field(default_factory=list)  # Message-IDs claimed, never confirmed
    not_due: int = 0


@dataclass
class Sender:
    """Sends mails of one kind for a wave: claim, send, mark (see the module docstring)."""

    engine: Engine
    wave_id: int
    transport: Transport
    secret: str
    base_url: str
    sender: str
    rate: float = 0.0
    retry_claimed: bool = False
    progress: Callable[[int], None] | None = None
    postgres: bool = False

    def run(self, kind: str, *, after: timedelta | None = None) -> MailRun:
        """Send every due mail of `kind` (``invitation`` or ``reminder``)."""
        result = MailRun(kind)
        with Session(self.engine, expire_on_commit=False) as session:
            wave = session.get(Wave, self.wave_id)
            assert wave is not None
            if wave.status == "closed":
                raise MailingError(
                    f"wave {wave.code!r} is closed: its links would only say the survey ended"
                )
            if kind == "reminder":
                end = wave.fieldwork_end
                if end is not None and utcnow().date() > end:
                    raise MailingError(
                        f"the fieldwork of wave {wave.code!r} ended on {end:%Y-%m-%d}: a "
                        f"reminder would ask for answers after the deadline it names"
                    )
                kind = result.kind = self._reminder_kind(session, wave, after)
            due_before = utcnow() - after if after is not None else None
            todo: list[Target] = []
            for target, reason in targets(session, wave, kind, due_before=due_before):
                if target is None:
                    result.not_due += reason == "not_due"
                    continue
                mail = target.mail
                if mail is not None and mail.status == "sent":
                    result.already += 1
                elif mail is not None and mail.status == "claimed" and not self.retry_claimed:
                    result.uncertain.append(mail.message_id or f"mail {mail.id}")
                else:
                    todo.append(target)
            if not todo:
                session.commit()  # automatic outcomes found on the way
                return result
            if wave.frozen_at is None:
                wave.frozen_at = utcnow()
                session.add(wave)
            contexts: dict[int, messages.MailContext] = {}
            # Links first, all in one commit: a crash later leaves them for the rerun.
            tokens = ensure_invitations(session, todo, self.secret)
            for target in todo:
                if target.case.instrument_id not in contexts:
                    instrument = session.get(Instrument, target.case.instrument_id)
                    assert instrument is not None
                    contexts[target.case.instrument_id] = mail_context(
                        session, wave, instrument, self.sender
                    )
            session.commit()
            try:
                self._send_all(kind, todo, tokens, contexts, result)
            finally:
                self.transport.close()
        return result

    def _reminder_kind(self, session: Session, wave: Wave, after: timedelta | None) -> str:
        """Finish a reminder that a crash left half sent, else start the next one."""
        current = next_reminder(session, wave)
        number = int(current.split("-")[1])
        if number > 1:
            previous = f"reminder-{number - 1}"
            latest = session.exec(
                select(Mail.claimed_at)
                .join(Contact, col(Contact.id) == Mail.contact_id)
                .where(Contact.wave_id == wave.id, Mail.kind == previous)
                .order_by(col(Mail.claimed_at).desc())
            ).first()
            if latest is not None and after is not None and latest > utcnow() - after:
                return previous  # sent less than --after ago: this run completes it
        return current

    def _send_all(
        self,
        kind: str,
        todo: list[Target],
        tokens: dict[int, str],
        contexts: dict[int, messages.MailContext],
        result: MailRun,
    ) -> None:
        """Claim, send, mark each mail; a mark is committed with the next claim."""
        with self.engine.connect() as connection:
            asynchronous = self.postgres = connection.dialect.name == "postgresql"
            if asynchronous:  # see the module docstring; one statement, one round trip
                connection.execution_options(isolation_level="AUTOCOMMIT")
                connection.exec_driver_sql("SET synchronous_commit TO off")
                connection.commit()
            try:
                self._send_each(connection, kind, todo, tokens, contexts, result)
            finally:
                if asynchronous and not connection.invalidated:
                    connection.rollback()
                    connection.exec_driver_sql("RESET synchronous_commit")
                    connection.commit()

    def _send_each(
        self,
        connection: Connection,
        kind: str,
        todo: list[Target],
        tokens: dict[int, str],
        contexts: dict[int, messages.MailContext],
        result: MailRun,
    ) -> None:
        """Each mail in turn on one connection (see `_send_all`)."""
        base = self.base_url.rstrip("/")
        domain = sender_domain(self.sender)
        interval = 1.0 / self.rate if self.rate > 0 else 0.0
        next_at = time.monotonic()
        self.marks: list[int] = []
        for target in todo:
            if interval:
                pause = next_at - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
                next_at = max(next_at, time.monotonic()) + interval
            contact = target.contact
            message_id = messages.message_id(contact.id or 0, kind, domain)
            mail_id = self._claim(connection, target, kind, message_id)
            if mail_id is None:
                result.already += 1
                continue
            token = tokens[target.case.id or 0]
            message = messages.build(
                message_id=message_id,
                kind=kind,
                recipient=contact.email,
                name=contact.name,
                language=contact.language,
                context=contexts[target.case.instrument_id],
                link=f"{base}/i/{token}",
                optout=f"{base}/optout/{token}",
            )
            try:
                self.transport.send(message, message_id, self.sender, contact.email)
            except Refused as exc:
                self._refused(connection, mail_id, contact, str(exc))
                result.refused.append(contact.email)
                continue
            except Uncertain as exc:
                # Left claimed: a rerun reports it, --retry-claimed sends it again.
                self._flush_marks(connection)
                connection.commit()
                raise MailingError(
                    f"{exc}; {message_id} is left claimed, the mails before it are marked "
                    f"sent: run the command again (see --retry-claimed)"
                ) from None
            except TransportError:
                # The server could not be reached: nothing was handed over.
                self._finish(connection, mail_id, status="failed", error="server unreachable")
                raise
            self.marks.append(mail_id)
            result.sent += 1
            if self.progress is not None:
                self.progress(result.sent)
        self._flush_marks(connection)
        connection.commit()

    def _flush_marks(self, connection: Connection) -> None:
        """Mark the mails handed over since the last commit as sent (not yet committed)."""
        if self.marks:
            connection.execute(MARK_SENT, {"ids": self.marks, "at": utcnow()})
            self.marks = []

    def _claim(
        self, connection: Connection, target: Target, kind: str, message_id: str
    ) -> int | None:
        """Claim the mail, committed with the marks before it; None if another run has it."""
        now = utcnow()
        if target.mail is not None:  # failed before, or claimed and retried on request
            self._flush_marks(connection)
            connection.execute(
                update(Mail)
                .where(col(Mail.id) == target.mail.id)
                .values(status="claimed", claimed_at=now, error=None, message_id=message_id)
            )
            connection.commit()
            return target.mail.id
        marks = list(self.marks)
        values = {
            "contact_id": target.contact.id,
            "case_id": target.case.id,
            "kind": kind,
            "message_id": message_id,
            "claimed_at": now,
        }
        try:
            if self.postgres:  # the marks and the claim in one statement
                self.marks = []
                claimed = connection.execute(CLAIM_PG, {**values, "ids": marks, "at": now})
                return int(claimed.scalar_one())  # autocommitted: no COMMIT round trip
            self._flush_marks(connection)
            inserted = connection.execute(CLAIM, values)
            connection.commit()
        except IntegrityError:
            connection.rollback()
            self.marks = marks
            self._flush_marks(connection)
            connection.commit()
            return None
        return int(inserted.inserted_primary_key[0])

    def _finish(self, connection: Connection, mail_id: int, **values: object) -> None:
        """Set a mail's state (and the pending marks) and commit."""
        self._flush_marks(connection)
        connection.execute(update(Mail).where(col(Mail.id) == mail_id).values(**values))
        connection.commit()

    def _refused(self, connection: Connection, mail_id: int, contact: Contact, reason: str) -> None:
        """A refused mail: failed; a 5xx answer for the address also counts as a bounce."""
        if reason.startswith("5"):
            connection.execute(
                update(Contact)
                .where(col(Contact.id) == contact.id)
                .values(bounced_at=utcnow(), bounce_reason=reason[:300])
            )
        self._finish(connection, mail_id, status="failed", error=reason[:500])
