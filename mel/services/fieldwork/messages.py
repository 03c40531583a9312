"""The invitation and reminder mails (Dutch and English), as plain-text messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from email.charset import QP, Charset
from email.header import Header
from email.policy import compat32
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, parseaddr

from babel.dates import format_date

from mel.models import utcnow

# Lines end in CRLF on the wire (smtplib leaves bytes as they are); text stays readable.
CRLF = compat32.clone(linesep="\r\n")
UTF8_QP = Charset("utf-8")
UTF8_QP.body_encoding = QP

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
        deadline = format_date(context.deadline, format="long", locale=language)
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
    """One mail as bytes, with its headers (Message-ID from the mail row, List-Unsubscribe).

    Built with the classic (compat32) email classes: the header registry of the modern
    policy costs more than the SMTP exchange itself.
    """
    subject, text = body(kind, language, name, context, link, optout)
    message = MIMEText(text, "plain", UTF8_QP)
    message["From"] = (
        _header(context.sender)
        if "<" not in context.sender
        else formataddr(parseaddr(context.sender))
    )
    message["To"] = formataddr((name or "", recipient))
    message["Subject"] = _header(subject)
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = message_id
    message["Content-Language"] = language
    message["List-Unsubscribe"] = f"<{optout}>"
    message["Auto-Submitted"] = "auto-generated"
    return message.as_bytes(policy=CRLF)
