"""Where mails go: an SMTP server (``MEL_SMTP_URL``) or an outbox folder of ``.eml`` files.

``MEL_SMTP_URL`` forms: ``smtp://host:port`` (plain), ``smtp+starttls://user:pass@host:587``
(STARTTLS, then login) and ``smtps://user:pass@host:465`` (TLS from the start); user and
password are percent-decoded. Without it, mails are written to ``<instance>/outbox/<wave>/``
as ``.eml`` files, which the staff fieldwork page lists.
"""

from __future__ import annotations

import heapq
import os
import re
import smtplib
import ssl
import time
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

# A connection unused this long is checked (NOOP) before the next mail.
IDLE_CHECK_S = 20.0
SCHEMES = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


class TransportError(RuntimeError):
    """Mail cannot be handed over; the message says why (no password in it)."""


class Uncertain(TransportError):
    """The connection broke during a message: the server may or may not have taken it."""


class Refused(Exception):
    """The server refused this one message for good (it was not delivered)."""


class Transport(Protocol):
    """Hands one message over; raises `Refused` when the server refused it."""

    def send(self, message: bytes, message_id: str, sender: str, recipient: str) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class SmtpUrl:
    """A parsed MEL_SMTP_URL."""

    scheme: str
    host: str
    port: int
    user: str | None
    password: str | None

    def describe(self) -> str:
        """The URL without its password."""
        who = f"{self.user}@" if self.user else ""
        return f"{self.scheme}://{who}{self.host}:{self.port}"


def parse_smtp_url(url: str) -> SmtpUrl:
    """Parse MEL_SMTP_URL; a wrong one is refused with what is wrong (not the password)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in SCHEMES:
        raise TransportError(
            f"MEL_SMTP_URL must start with {', '.join(s + '://' for s in SCHEMES)}"
        )
    try:
        port = parts.port or SCHEMES[parts.scheme]
    except ValueError:
        raise TransportError("MEL_SMTP_URL has a port that is not a number") from None
    if not parts.hostname:
        raise TransportError("MEL_SMTP_URL names no host")
    return SmtpUrl(
        parts.scheme,
        parts.hostname,
        port,
        unquote(parts.username) if parts.username else None,
        unquote(parts.password) if parts.password else None,
    )


class SmtpTransport:
    """One SMTP connection, opened on first use and reopened when the server closed it."""

    def __init__(self, url: SmtpUrl, timeout: float = 30.0) -> None:
        self.url = url
        self.timeout = timeout
        self.connection: smtplib.SMTP | None = None
        self.used_at = 0.0

    def _connect(self) -> smtplib.SMTP:
        url = self.url
        try:
            if url.scheme == "smtps":
                connection: smtplib.SMTP = smtplib.SMTP_SSL(
                    url.host, url.port, timeout=self.timeout, context=ssl.create_default_context()
                )
            else:
                connection = smtplib.SMTP(url.host, url.port, timeout=self.timeout)
                if url.scheme == "smtp+starttls":
                    connection.starttls(context=ssl.create_default_context())
            if url.user:
                connection.login(url.user, url.password or "")
        except (OSError, smtplib.SMTPException) as exc:
            raise TransportError(f"cannot reach the SMTP server {url.describe()}: {exc}") from None
        return connection

    def send(self, message: bytes, message_id: str, sender: str, recipient: str) -> None:
        """Send one message; `Refused` when the server refused sender, recipient or data."""
        if self.connection is not None and time.monotonic() - self.used_at > IDLE_CHECK_S:
            try:  # servers drop idle connections; find out before a mail is at stake
                self.connection.noop()
            except (OSError, smtplib.SMTPException):
                self.connection = None
        if self.connection is None:
            self.connection = self._connect()
        try:
            self.connection.sendmail(parseaddr(sender)[1] or sender, [recipient], message)
            self.used_at = time.monotonic()
        except smtplib.SMTPRecipientsRefused as exc:
            code, reason = next(iter(exc.recipients.values()))
            raise Refused(f"{code} {reason.decode(errors='replace')}") from None
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            self.connection.rset()
            raise Refused(f"{exc.smtp_code} {exc.smtp_error.decode(errors='replace')}") from None
        except (OSError, smtplib.SMTPException) as exc:
            self.connection = None
            raise Uncertain(
                f"the connection to {self.url.describe()} broke while sending ({exc})"
            ) from None

    def close(self) -> None:
        """Say goodbye to the server."""
        if self.connection is not None:
            try:
                self.connection.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self.connection = None


SAFE = re.compile(r"[^A-Za-z0-9._-]")


class OutboxTransport:
    """Writes each message to ``<folder>/<message id>.eml`` (atomically: temp file, rename)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, message: bytes, message_id: str, sender: str, recipient: str) -> None:
        """Write the message as an .eml file named after its Message-ID."""
        self.folder.mkdir(parents=True, exist_ok=True)
        name = SAFE.sub("_", message_id.strip("<>")) + ".eml"
        temporary = self.folder / f".{name}.tmp"
        temporary.write_bytes(message)
        os.replace(temporary, self.folder / name)

    def close(self) -> None:
        """Nothing to close."""


def outbox_folder(instance_path: Path, wave_code: str) -> Path:
    """The outbox folder of a wave."""
    return instance_path / "outbox" / SAFE.sub("_", wave_code)


def outbox_listing(folder: Path, first: int = 200) -> tuple[list[str], int]:
    """The names of the first `first` mails in an outbox folder, by name, and how many
    there are. One pass over the folder's entries (a wave's outbox can hold hundreds of
    thousands): no path object per file and no sort of them all."""
    try:
        with os.scandir(folder) as entries:
            names = [entry.name for entry in entries if entry.name.endswith(".eml")]
    except FileNotFoundError:
        return [], 0
    return heapq.nsmallest(first, names), len(names)


def make_transport(smtp_url: str, instance_path: Path, wave_code: str) -> Transport:
    """SMTP when `smtp_url` is set, else the wave's outbox folder."""
    if smtp_url.strip():
        return SmtpTransport(parse_smtp_url(smtp_url))
    return OutboxTransport(outbox_folder(instance_path, wave_code))


def describe(smtp_url: str, instance_path: Path, wave_code: str) -> str:
    """Where mails go, in words (never the password)."""
    if smtp_url.strip():
        return f"SMTP server {parse_smtp_url(smtp_url).describe()}"
    return f"outbox folder {outbox_folder(instance_path, wave_code)}"
