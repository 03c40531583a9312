"""Bounced invitations: from a CSV of addresses or from delivery status notifications.

A CSV has an ``email`` column (else its first column is read) and an optional ``reason``.
An ``.eml`` file (or a folder of them) is read as a DSN (RFC 3464): every
``Final-Recipient`` whose ``Action`` is ``failed`` bounced, with its ``Status`` as the
reason; the returned headers' Message-ID, when present, finds the exact mail. A bounced
contact gets no further mail, and a case whose contacts all bounced is ``undeliverable``.
"""

from __future__ import annotations

import csv
import email
import email.policy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from mel.models import Contact, Mail, utcnow
from mel.services.fieldwork.contacts import EMAIL


class BounceFileError(ValueError):
    """A bounce file has problems; each line of the message is one, located."""


@dataclass(frozen=True)
class Bounce:
    """One bounced address (and the Message-ID of the mail, when the DSN returned it)."""

    email: str
    reason: str
    message_id: str | None = None


@dataclass
class BounceSummary:
    """What recording bounces did."""

    recorded: int = 0
    already: int = 0
    unknown: list[str] = field(default_factory=list)


def read_csv(path: Path) -> list[Bounce]:
    """Bounces from a CSV of addresses; a bad address is a located error."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    if not rows:
        raise BounceFileError(f"{path}:1: the file is empty")
    header = [h.strip().lower() for h in rows[0]]
    has_header = "email" in header or not EMAIL.match(rows[0][0].strip() if rows[0] else "")
    column = header.index("email") if "email" in header else 0
    reason_column = header.index("reason") if "reason" in header else None
    name = header[column] if has_header and header else "1"
    problems, found = [], []
    for number, row in enumerate(rows[1:] if has_header else rows, start=2 if has_header else 1):
        if not any(v.strip() for v in row):
            continue
        address = row[column].strip() if column < len(row) else ""
        if not EMAIL.match(address):
            problems.append(f"{path}:{number}:{name}: {address!r} is not an e-mail address")
            continue
        reason = (
            row[reason_column].strip()
            if reason_column is not None and reason_column < len(row)
            else ""
        )
        found.append(Bounce(address, reason or "bounced (listed in a bounce file)"))
    if problems:
        raise BounceFileError("\n".join(problems))
    return found


MESSAGE_ID = re.compile(r"^Message-ID:\s*(<[^>]+>)", re.IGNORECASE | re.MULTILINE)


def read_dsn(path: Path) -> list[Bounce]:
    """Bounces from one DSN message (RFC 3464)."""
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    found: list[Bounce] = []
    original: str | None = None
    for part in message.walk():
        kind = part.get_content_type()
        if kind in ("text/rfc822-headers", "message/rfc822"):
            payload = part.get_payload()
            text = (
                payload[0].as_string()
                if isinstance(payload, list) and payload
                else str(part.get_payload(decode=True) or b"", "utf-8", "replace")
                if not isinstance(payload, str)
                else payload
            )
            match = MESSAGE_ID.search(text)
            original = match.group(1) if match else original
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        payload = part.get_payload()
        groups = payload if isinstance(payload, list) else []
        for group in groups[1:]:  # the first group is about the reporting server
            action = str(group.get("Action", "")).strip().lower()
            recipient = str(group.get("Final-Recipient", "")).partition(";")[2].strip()
            if action == "failed" and recipient:
                status = str(group.get("Status", "")).strip()
                code = str(group.get("Diagnostic-Code", "")).partition(";")[2].strip()
                reason = " ".join(x for x in (status, code) if x) or "failed"
                found.append(Bounce(recipient, reason, original))
    if not found:
        raise BounceFileError(f"{path}: not a delivery status notification with a failed recipient")
    return found


def read_bounces(path: Path) -> list[Bounce]:
    """Bounces from a CSV file, an .eml DSN, or a folder of .eml files."""
    if not path.exists():
        raise BounceFileError(f"{path}: no such file or folder")
    if path.is_dir():
        return [b for eml in sorted(path.glob("*.eml")) for b in read_dsn(eml)]
    if path.suffix.lower() == ".eml":
        return read_dsn(path)
    return read_csv(path)


def record_bounces(
    session: Session, bounces: list[Bounce], wave_id: int | None = None
) -> BounceSummary:
    """Mark the contacts that received these mails as bounced (the caller commits).

    The contacts are looked up in batches (by Message-ID, else by address), so a long list
    of bounces costs a few queries, not one scan of the wave's contacts per bounce.
    """
    by_message = _contacts(session, Mail.message_id, {b.message_id for b in bounces}, wave_id)
    by_email = _contacts(
        session,
        func.lower(Contact.email),
        {b.email.lower() for b in bounces if not b.message_id},
        wave_id,
    )
    summary = BounceSummary()
    for bounce in bounces:
        if bounce.message_id:
            contacts = by_message.get(bounce.message_id, [])
        else:
            contacts = by_email.get(bounce.email.lower(), [])
        if not contacts:
            summary.unknown.append(bounce.email)
        for contact in contacts:
            if contact.bounced_at is not None:
                summary.already += 1
                continue
            contact.bounced_at = utcnow()
            contact.bounce_reason = bounce.reason[:300]
            session.add(contact)
            summary.recorded += 1
    session.flush()
    return summary


BATCH = 500  # values per IN list (SQLite allows 32,766 parameters; older builds 999)


def _contacts(
    session: Session, key: Any, values: set[str | None], wave_id: int | None
) -> dict[str, list[Contact]]:
    """The contacts that received a mail, by the value of `key` (one of `values`)."""
    wanted = sorted(v for v in values if v)
    found: dict[str, list[Contact]] = {}
    for start in range(0, len(wanted), BATCH):
        query = (
            select(key, Contact)
            .join(Mail, col(Mail.contact_id) == Contact.id)
            .where(key.in_(wanted[start : start + BATCH]))
        )
        if wave_id is not None:
            query = query.where(Contact.wave_id == wave_id)
        for value, contact in session.exec(query.distinct()).all():
            if all(c.id != contact.id for c in found.setdefault(value, [])):
                found[value].append(contact)
    return found
