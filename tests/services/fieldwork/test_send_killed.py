"""Killing `mel invitations send` halfway and running it again: every person one mail."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import select

from mel.db import session_scope
from mel.models import Mail
from tests.services.fieldwork.conftest import Inbox, make_fieldwork, mel, write_contacts

PERSONS = 30
KILL_AT = 12


def test_killed_send_and_rerun_mail_everyone_exactly_once(
    engine: Engine, tmp_path: Path, cli_env: dict, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    units = {f"u{i:02d}": "a" if i % 2 else "b" for i in range(PERSONS)}
    make_fieldwork(engine, respondent="person", units=units)
    rows = [f"p{i:02d}@example.org,P {i},nl,u{i:02d}" for i in range(PERSONS)]
    imported = mel(
        "contacts",
        "import",
        "--wave",
        "w2025",
        "--instrument",
        "test-survey",
        str(write_contacts(tmp_path / "c.csv", rows)),
    )
    assert f"{PERSONS} person case(s) created" in imported.output
    env = {**os.environ, **cli_env, "MEL_SMTP_URL": f"smtp://127.0.0.1:{port}"}
    command = [sys.executable, "-m", "mel.cli", "invitations", "send", "--wave", "w2025"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def kill(count: int) -> None:
        # Inside the server, after receiving mail KILL_AT and before saying 250: the sender
        # dies not knowing whether its mail arrived, the worst moment there is.
        if count == KILL_AT:
            os.kill(process.pid, signal.SIGKILL)

    inbox.on_message = kill
    _, err = process.communicate(timeout=120)
    assert process.returncode == -signal.SIGKILL, err.decode()
    assert len(inbox.messages) == KILL_AT
    inbox.on_message = None
    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{PERSONS - KILL_AT} sent" in rerun.stdout
    assert "1 claimed by an earlier run" in rerun.stdout
    received = Counter(str(m["To"]).rsplit("<", 1)[-1].rstrip(">") for m in inbox.messages)
    assert len(received) == PERSONS
    assert set(received.values()) == {1}
    with session_scope(engine) as session:
        statuses = Counter(m.status for m in session.exec(select(Mail)).all())
    assert statuses == {"sent": PERSONS - 1, "claimed": 1}
