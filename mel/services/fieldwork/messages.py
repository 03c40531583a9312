"""The invitation and reminder mails (Dutch and English), as plain-text messages."""

from __future__ import annotations

import functools
import quopri
from dataclasses import dataclass
from datetime import date
from email.header import Header
from email.utils import format_datetime, formataddr, parseaddr

from mel.i18n import translate
from mel.models import utcnow
from mel.present.numbers import format_date


@dataclass(frozen=True)
class MailContext:
    """What a mail says besides the person: names, deadline, addresses."""

    programme: tuple[str, str]  # nl, en
    survey: tuple[str, str]
    deadline: date | None
    sender: str
    domain: str
    address: str = "u"  # how the survey addresses people in Dutch: "je" or "u"


def body(
    kind: str, language: str, name: str | None, context: MailContext, link: str, optout: str
) -> tuple[str, str]:
    """Return the subject and text of one mail (`kind`: invitation or reminder)."""
    i = 1 if language == "en" else 0
    base = "reminder" if kind.startswith("reminder") else "invitation"
    words = {"programme": context.programme[i], "survey": context.survey[i]}
    parts = [
        translate("mail_greeting", language, name=name)
        if name
        else translate("mail_anonymous", language),
        translate(f"mail_opening_{base}", language, address=context.address, **words),
        f"{translate('mail_link', language, address=context.address)}\n{link}",
    ]
    if context.deadline is not None:
        deadline = format_date(context.deadline, language, "long")
        parts.append(
            translate("mail_deadline", language, address=context.address, deadline=deadline)
        )
    parts.append(f"{translate('mail_optout', language, address=context.address)}\n{optout}")
    parts.append(translate("mail_closing", language, **words))
    return translate(f"mail_subject_{base}", language, **words), "\n\n".join(parts) + "\n"


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
