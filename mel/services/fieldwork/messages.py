"""The invitation and reminder mails (Dutch and English), as plain-text messages."""

from __future__ import annotations

import functools
import quopri
from dataclasses import dataclass
from datetime import date
from email.header import Header
from email.utils import format_datetime, formataddr, parseaddr

from babel.dates import format_date

from mel.models import utcnow

SUBJECTS = {
    "invitation": ("Uitnodiging: {survey} ({programme})", "Invitation: {survey} ({programme})"),
    "reminder": ("Herinnering: {survey} ({programme})", "Reminder: {survey} ({programme})"),
}
GREETING = ("Beste {name},", "Dear {name},")
ANONYMOUS = ("Beste deelnemer,", "Dear participant,")
OPENING = {
    "invitation": (
        "Namens {programme} nodigen wij u uit om mee te doen aan {survey}. Uw antwoorden "
        "helpen ons te zien wat het programma oplevert.",
        "On behalf of {programme} we invite you to take part in {survey}. Your answers help "
        "us see what the programme achieves.",
    ),
    "reminder": (
        "Enige tijd geleden nodigden wij u uit voor {survey} van {programme}. Wij hebben uw "
        "antwoorden nog niet ontvangen; meedoen kan nog.",
        "A while ago we invited you to {survey} of {programme}. We have not received your "
        "answers yet; you can still take part.",
    ),
}
LINK = (
    "Dit is uw persoonlijke link (stuur hem niet door):",
    "This is your personal link (please do not forward it):",
)
DEADLINE = ("U kunt meedoen tot en met {deadline}.", "You can take part until {deadline}.")
OPTOUT = (
    "Wilt u geen berichten meer over dit onderzoek ontvangen? Meld u af via:",
    "Would you rather not receive messages about this survey? Opt out here:",
)
CLOSING = ("Met vriendelijke groet,\n{programme}", "Kind regards,\n{programme}")


@dataclass(frozen=True)
class MailContext:
    """What a mail says besides the person: names, deadline, addresses."""

    programme: tuple[str, str]  # nl, en
    survey: tuple[str, str]
    deadline: date | None
    sender: str
    domain: str


def body(
    kind: str, language: str, name: str | None, context: MailContext, link: str, optout: str
) -> tuple[str, str]:
    """Return the subject and text of one mail (`kind`: invitation or reminder)."""
    i = 1 if language == "en" else 0
    base = "reminder" if kind.startswith("reminder") else "invitation"
    words = {"programme": context.programme[i], "survey": context.survey[i]}
    parts = [
        GREETING[i].format(name=name) if name else ANONYMOUS[i],
        OPENING[base][i].format(**words),
        f"{LINK[i]}\n{link}",
    ]
    if context.deadline is not None:
        deadline = _deadline(context.deadline, language)
        parts.append(DEADLINE[i].format(deadline=deadline))
    parts.append(f"{OPTOUT[i]}\n{optout}")
    parts.append(CLOSING[i].format(**words))
    return SUBJECTS[base][i].format(**words), "\n\n".join(parts) + "\n"


def message_id(contact_id: int, kind: str, domain: str) -> str:
    """The Message-ID of a contact's mail of one kind: the same on every attempt."""
    return f"<mel-{contact_id}-{kind}@{domain}>"


def _header(value: str) -> str:
    """A header value, RFC 2047-encoded when it is not plain ASCII."""
    return value if value.isascii() else Header(value, "utf-8").encode()


@functools.lru_cache(maxsize=8)
def _from(sender: str) -> str:
    name, address = parseaddr(sender)
    return formataddr((_header(name), address)) if name else address


@functools.lru_cache(maxsize=64)
def _deadline(day: date, language: str) -> str:
    return format_date(day, format="long", locale=language)


def build(
    *,
    message_id: str,
    kind: str,
    recipient: str,
    name: str | None,
    language: str,
    context: MailContext,
    link: str,
    optout: str,
) -> bytes:
    """One mail as bytes (CRLF lines, quoted-printable UTF-8 text), with its headers.

    Written out directly: the email package's generators cost more than the SMTP exchange.
    """
    subject, text = body(kind, language, name, context, link, optout)
    headers = [
        f"From: {_from(context.sender)}",
        f"To: {formataddr((_header(name), recipient)) if name else recipient}",
        f"Subject: {_header(subject)}",
        f"Date: {format_datetime(utcnow())}",
        f"Message-ID: {message_id}",
        "MIME-Version: 1.0",
        'Content-Type: text/plain; charset="utf-8"',
        "Content-Transfer-Encoding: quoted-printable",
        f"Content-Language: {language}",
        f"List-Unsubscribe: <{optout}>",
        "Auto-Submitted: auto-generated",
    ]
    encoded = quopri.encodestring(text.encode("utf-8")).replace(b"\n", b"\r\n")
    return ("\r\n".join(headers) + "\r\n\r\n").encode("ascii") + encoded
