"""Fieldwork fixtures: a wave with a drawn sample (cases made directly), an SMTP server."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner, Result
from sqlalchemy.engine import Engine
from sqlmodel import select

from mel.cli import main
from mel.db import session_scope
from mel.models import Case, Instrument, Unit, Wave
from tests.factories import make_wave, publish_survey, survey_dict


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Inbox:
    """What the SMTP server received; `on_message` runs inside the server for each mail."""

    messages: list[EmailMessage] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    on_message: Callable[[int], None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:  # noqa: E501, N802
        if address in self.refuse:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
            count = len(self.messages)
        if self.on_message is not None:
            self.on_message(count)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        """Messages to one address."""
        return [m for m in self.messages if address in str(m["To"])]


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A real aiosmtpd server on a free port, and what it received."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@dataclass(frozen=True)
class Fixture:
    """A wave of `test-survey` with units u1..u6 in strata a, b, each with its case."""

    wave: str
    instrument: str
    units: dict[str, int]


def make_fieldwork(
    engine: Engine,
    *,
    respondent: str = "unit",
    units: dict[str, str] | None = None,
    fieldwork_end: date = date(2030, 12, 31),
    drawn: bool = True,
) -> Fixture:
    """Publish a survey, make a wave with a drawn sample: one unit case per unit."""
    units = units or {"u1": "a", "u2": "a", "u3": "a", "u4": "b", "u5": "b", "u6": "b"}
    with session_scope(engine) as session:
        version = publish_survey(session, survey_dict(respondent=respondent))
        instrument = session.get(Instrument, version.instrument_id)
        assert instrument is not None
        wave = make_wave(session, instrument.code)
        wave.fieldwork_end = fieldwork_end
        wave.sample_drawn_at = datetime(2030, 1, 1, tzinfo=UTC) if drawn else None
        session.add(wave)
        ids = {}
        for code, stratum in units.items():
            unit = Unit(
                programme_id=instrument.programme_id,
                code=code,
                name=code.upper(),
                kind="school",
                stratum=stratum,
            )
            session.add(unit)
            session.flush()
            ids[code] = unit.id
            if drawn:
                session.add(
                    Case(
                        wave_id=wave.id,
                        instrument_id=instrument.id,
                        key=f"u:{unit.id}",
                        unit_id=unit.id,
                        stratum=stratum,
                        inclusion_probability=0.5 if stratum == "a" else 0.25,
                    )
                )
        return Fixture(wave.code, instrument.code, ids)


@pytest.fixture
def cli_env(
    db_url: str, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """MEL_* variables for commands: this database, an instance folder, links, a key."""
    values = {
        "MEL_DATABASE_URL": db_url,
        "MEL_INSTANCE_PATH": str(tmp_path / "instance"),
        "MEL_BASE_URL": "https://mel.example.org",
        "MEL_SECRET_KEY": "fieldwork-test-secret",
        "MEL_MAIL_FROM": "Katapult <onderzoek@katapult.example>",
    }
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("MEL_SMTP_URL", raising=False)
    return values


def mel(*args: str) -> Result:
    """Run a mel command in this process."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def write_contacts(path: Path, rows: list[str]) -> Path:
    """A contacts CSV with the header email,name,language,unit."""
    path.write_text("email,name,language,unit\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def wave_of(engine: Engine, code: str) -> Wave:
    """The wave row, read afresh."""
    with session_scope(engine) as session:
        return session.exec(select(Wave).where(Wave.code == code)).one()
