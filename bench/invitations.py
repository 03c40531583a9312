"""Invitation mails per second into a local SMTP server, beside a plain smtplib loop.

    python bench/invitations.py [--contacts 10000] [--database URL]

An aiosmtpd server runs in its own process on a free port and counts what it receives.
mel sends one invitation to each of `--contacts` persons exactly as `mel invitations send`
does (per mail: claim a row and commit, build the message, SMTP, mark sent and commit; the
links and invitations are made first). The peer, measured in the same run against the same
server, is a plain smtplib loop over one connection that sends the same number of
messages of the same size (built with `EmailMessage`, as such a loop usually is) with no
database at all; the floor sends ready-made bytes, the SMTP exchange alone.
Goal (issue #13): at least 200 mails/s. Without --database a temporary SQLite file is used;
give a PostgreSQL URL (an empty database) to measure that instead.
"""

from __future__ import annotations

import argparse
import multiprocessing
import smtplib
import socket
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

GOAL = 200.0


def serve(port: int, count: multiprocessing.sharedctypes.Synchronized, ready) -> None:  # type: ignore[name-defined, no-untyped-def]
    """Run an aiosmtpd server that counts messages until it is terminated."""
    from aiosmtpd.controller import Controller

    class Counter:
        async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
            with count.get_lock():
                count.value += 1
            return "250 OK"

    controller = Controller(Counter(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    while True:
        time.sleep(3600)


def free_port() -> int:
    """A free TCP port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def make_wave(url: str, contacts: int) -> int:
    """A migrated database with one person survey, a wave, units and `contacts` person cases."""
    from datetime import date

    from sqlmodel import Session

    from mel.db import make_engine, upgrade
    from mel.models import (
        Case,
        Contact,
        Instrument,
        Programme,
        Unit,
        Wave,
        WaveInstrument,
        utcnow,
    )

    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session:
        programme = Programme(code="bench", label_nl="Bench", label_en="Bench", content_hash="x")
        session.add(programme)
        session.flush()
        instrument = Instrument(
            programme_id=programme.id,
            code="bench-survey",
            title_nl="Benchvragenlijst",
            title_en="Bench survey",
            respondent="person",
        )
        wave = Wave(
            programme_id=programme.id,
            code="bench-2027",
            label_nl="Bench 2027",
            label_en="Bench 2027",
            year=2027,
            fieldwork_end=date(2027, 6, 30),
            sample_drawn_at=utcnow(),
        )
        session.add_all([instrument, wave])
        session.flush()
        session.add(WaveInstrument(wave_id=wave.id, instrument_id=instrument.id))
        units = [
            Unit(programme_id=programme.id, code=f"u{i}", name=f"U{i}", kind="school")
            for i in range(max(1, contacts // 100))
        ]
        session.add_all(units)
        session.flush()
        people = [
            Contact(
                wave_id=wave.id,
                instrument_id=instrument.id,
                unit_id=units[i % len(units)].id,
                email=f"person{i}@example.org",
                name=f"Person {i}",
                language="nl" if i % 3 else "en",
            )
            for i in range(contacts)
        ]
        session.add_all(people)
        session.flush()
        session.add_all(
            Case(
                wave_id=wave.id,
                instrument_id=instrument.id,
                key=f"c:{p.id}",
                unit_id=p.unit_id,
                contact_id=p.id,
                stratum="s",
                inclusion_probability=1.0,
            )
            for p in people
        )
        session.commit()
        wave_id = wave.id
    engine.dispose()
    assert wave_id is not None
    return wave_id


def mel_send(url: str, wave_id: int, port: int) -> tuple[int, float, float]:
    """Send the invitations as the command does; return mails, total and sending seconds."""
    from mel.db import make_engine
    from mel.services.fieldwork.mailing import Sender
    from mel.services.fieldwork.transport import SmtpTransport, parse_smtp_url

    engine = make_engine(url)
    first: list[float] = []
    sender = Sender(
        engine=engine,
        wave_id=wave_id,
        transport=SmtpTransport(parse_smtp_url(f"smtp://127.0.0.1:{port}")),
        secret="bench-secret",
        base_url="https://mel.example.org",
        sender="mel <noreply@mel.example.org>",
        progress=lambda n: first.append(time.perf_counter()) if n == 1 else None,
    )
    start = time.perf_counter()
    result = sender.run("invitation")
    end = time.perf_counter()
    engine.dispose()
    return result.sent, end - start, end - first[0]


def peer_send(contacts: int, port: int) -> float:
    """Plain smtplib over one connection, messages of the same size, no database."""
    text = "Beste Persoon,\n\n" + "x" * 600 + "\n"
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as connection:
        for i in range(contacts):
            message = EmailMessage()
            message["From"] = "noreply@mel.example.org"
            message["To"] = f"person{i}@example.org"
            message["Subject"] = "Uitnodiging"
            message["Message-ID"] = f"<peer-{i}@mel.example.org>"
            message.set_content(text)
            connection.send_message(message)
    return time.perf_counter() - start


def floor_send(contacts: int, port: int) -> float:
    """smtplib `sendmail` of ready-made bytes over one connection: the SMTP exchange alone."""
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as connection:
        for i in range(contacts):
            message = (
                f"From: noreply@mel.example.org\r\nTo: person{i}@example.org\r\n"
                f"Subject: Uitnodiging\r\nMessage-ID: <floor-{i}@mel.example.org>\r\n\r\n"
                + "x" * 600
                + "\r\n"
            ).encode()
            connection.sendmail("noreply@mel.example.org", [f"person{i}@example.org"], message)
    return time.perf_counter() - start


def main() -> None:
    """Run both senders against one server and print mails/s."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--database", help="an empty database URL (default: temporary SQLite)")
    args = parser.parse_args()
    port = free_port()
    count = multiprocessing.Value("i", 0)
    ready = multiprocessing.Event()
    server = multiprocessing.Process(target=serve, args=(port, count, ready), daemon=True)
    server.start()
    ready.wait(10)
    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        start = time.perf_counter()
        wave_id = make_wave(url, args.contacts)
        print(f"set-up: {args.contacts} contacts and cases in {time.perf_counter() - start:.1f} s")
        sent, total, sending = mel_send(url, wave_id, port)
        received = count.value
        peer = peer_send(args.contacts, port)
        floor = floor_send(args.contacts, port)
    server.terminate()
    rate = sent / sending
    print(f"database: {'temporary SQLite' if not args.database else args.database.split('@')[-1]}")
    print(f"{'sender':<44}{'mails':>7}{'seconds':>9}{'mails/s':>9}")
    print(f"{'mel invitations send (sending loop)':<44}{sent:>7}{sending:>9.2f}{rate:>9.0f}")
    print(
        f"{'mel invitations send (with links, start-up)':<44}{sent:>7}{total:>9.2f}"
        f"{sent / total:>9.0f}"
    )
    print(
        f"{'peer: plain smtplib loop, no database':<44}{args.contacts:>7}{peer:>9.2f}"
        f"{args.contacts / peer:>9.0f}"
    )
    print(
        f"{'floor: smtplib sendmail of ready bytes':<44}{args.contacts:>7}{floor:>9.2f}"
        f"{args.contacts / floor:>9.0f}"
    )
    print(f"server received {received} from mel (each contact once: {received == sent})")
    print(f"goal: >= {GOAL:.0f} mails/s: {'met' if sent / total >= GOAL else 'NOT met'}")


if __name__ == "__main__":
    main()
