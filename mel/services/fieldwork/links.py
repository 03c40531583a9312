"""Personal links of cases (a keyed hash: a rerun repeats the same link) and mail context."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from mel.models import Case, Contact, Instrument, Invitation, Mail, Programme, Wave, utcnow
from mel.services.fieldwork import messages, optout
from mel.services.invitations import hash_token

LINK_CASE = (
    update(Case)
    .where(col(Case.id) == bindparam("b_case"))
    .values(invitation_id=bindparam("b_invitation"))
)


class MailingError(RuntimeError):
    """Mails cannot be sent as asked; the message says why."""


@dataclass(frozen=True)
class Target:
    """One mail to send: the contact, its case, and an earlier row of this kind if any."""

    contact: Contact
    case: Case
    mail: Mail | None


def case_token(secret: str, case: Case) -> str:
    """The token of a case's personal link: a keyed hash, so a rerun repeats the same link."""
    if not secret:
        raise MailingError("links need a secret key: set MEL_SECRET_KEY")
    digest = hmac.new(
        secret.encode(),
        f"mel-invitation:{case.wave_id}:{case.instrument_id}:{case.id}".encode(),
        hashlib.sha256,
    ).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def ensure_invitations(session: Session, todo: list[Target], secret: str) -> dict[int, str]:
    """Create the cases' invitations on first use; return each case's token (checked).

    A case that already has its invitation must have the one this secret gives: otherwise
    a mail would carry a link that leads nowhere. New invitations are inserted in one
    statement (the caller commits).
    """
    tokens: dict[int, str] = {}
    new: dict[str, Case] = {}  # token hash -> case
    rows: list[dict[str, object]] = []
    existing: dict[int, Case] = {}
    for target in todo:
        case = target.case
        if case.id in tokens:
            continue
        token = tokens[case.id or 0] = case_token(secret, case)
        if case.invitation_id is not None:
            existing[case.invitation_id] = case
            continue
        token_hash = hash_token(token)
        new[token_hash] = case
        rows.append(
            {
                "token_hash": token_hash,
                "wave_id": case.wave_id,
                "instrument_id": case.instrument_id,
                "unit_id": case.unit_id,
                "language": target.contact.language,
                "created_at": utcnow(),
            }
        )
    if existing:
        stored = dict(
            session.exec(
                select(Invitation.id, Invitation.token_hash).where(
                    col(Invitation.id).in_(list(existing))
                )
            ).all()
        )
        for invitation_id, case in existing.items():
            if stored.get(invitation_id) != hash_token(tokens[case.id or 0]):
                raise MailingError(
                    f"the link of case {case.key} was made with another secret key; run "
                    f"with the MEL_SECRET_KEY the invitations were sent with"
                )
    if rows:
        made = session.execute(
            insert(Invitation).returning(col(Invitation.id), col(Invitation.token_hash)), rows
        ).all()
        links = []
        for invitation_id, token_hash in made:
            case = new[token_hash]
            links.append({"b_case": case.id, "b_invitation": invitation_id})
            set_committed_value(case, "invitation_id", invitation_id)
        # Plain executemany: the case objects got their value above.
        session.connection().execute(LINK_CASE, links)
    return tokens


def sender_domain(sender: str) -> str:
    """The domain of Message-IDs: the sender's."""
    return sender.rpartition("@")[2].strip(" >") or "mel.invalid"


def mail_context(
    session: Session, wave: Wave, instrument: Instrument, sender: str
) -> messages.MailContext:
    """Names and deadline of the mails of one instrument in a wave."""
    programme = session.get(Programme, wave.programme_id)
    assert programme is not None
    domain = sender_domain(sender)
    return messages.MailContext(
        programme=(programme.label_nl, programme.label_en),
        survey=(instrument.title_nl, instrument.title_en),
        deadline=wave.fieldwork_end,
        sender=sender,
        domain=domain,
        address=optout.address_form(session, instrument.id or 0),
    )
