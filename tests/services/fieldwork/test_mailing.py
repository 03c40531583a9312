"""Invitations and reminders through a real SMTP server (aiosmtpd), bounces and opt-outs."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from mel.db import session_scope
from mel.models import Case, Contact, InstrumentVersion, Mail, Response, Wave, utcnow
from mel.services.fieldwork.mailing import case_token
from mel.services.invitations import find_invitation
from tests.services.fieldwork.conftest import (
    Inbox,
    make_fieldwork,
    mel,
    wave_of,
    write_contacts,
)

CONTACTS = [
    "an@school1.example,An de Vries,nl,u1",
    "bo@school1.example,Bo Jansen,en,u1",
    "cas@school2.example,,nl,u2",
    "dee@school3.example,Dee,nl,u3",
    "eva@school4.example,Eva,en,u4",
]


def setup_wave(engine: Engine, tmp_path: Path, **kwargs: object) -> None:
    """A wave with six sampled units and five contacts of four of them."""
    make_fieldwork(engine, **kwargs)  # type: ignore[arg-type]
    result = mel(
        "contacts",
        "import",
        "--wave",
        "w2025",
        "--instrument",
        "test-survey",
        str(write_contacts(tmp_path / "contacts.csv", CONTACTS)),
    )
    assert result.exit_code == 0, result.output
    assert "5 new" in result.output


def respond(engine: Engine, unit_code: str, status: str, answers: dict) -> None:
    """A response through the case's invitation of unit `unit_code`."""
    with session_scope(engine) as session:
        case = session.exec(
            select(Case)
            .join(Contact, col(Contact.unit_id) == Case.unit_id)
            .where(
                Contact.email.startswith(unit_code_email(unit_code))  # type: ignore[attr-defined]
            )
        ).first()
        assert case is not None and case.invitation_id is not None
        version = session.exec(select(InstrumentVersion)).first()
        assert version is not None
        session.add(
            Response(
                public_id=str(uuid.uuid4()),
                wave_id=case.wave_id,
                instrument_version_id=version.id,
                unit_id=case.unit_id,
                invitation_id=case.invitation_id,
                respondent_id=str(uuid.uuid4()),
                status=status,
                answers=answers,
                completed_at=utcnow() if status == "complete" else None,
            )
        )


def unit_code_email(unit_code: str) -> str:
    return {"u1": "an@", "u2": "cas@", "u3": "dee@", "u4": "eva@"}[unit_code]


def test_send_mails_each_contact_once_with_link_and_optout(
    engine: Engine, tmp_path: Path, cli_env: dict, smtp: tuple[Inbox, int], monkeypatch
) -> None:
    inbox, port = smtp
    monkeypatch.setenv("MEL_SMTP_URL", f"smtp://127.0.0.1:{port}")
    setup_wave(engine, tmp_path)
    result = mel("invitations", "send", "--wave", "w2025")
    assert result.exit_code == 0, result.output
    assert "invitation: 5 sent" in result.output
    assert len(inbox.messages) == 5
    # Both contacts of u1 get the unit's one link; the mail speaks their language.
    an, bo = inbox.to("an@school1.example")[0], inbox.to("bo@school1.example")[0]
    link = [line for line in an.get_content().splitlines() if "/i/" in line][0]
    assert link in bo.get_content()
    assert an["Subject"].startswith("Uitnodiging: Testvragenlijst")
    assert bo["Subject"].startswith("Invitation: Test survey")
    assert "Dear Bo Jansen," in bo.get_content()
    assert "31 december 2030" in an.get_content()
    token = link.rsplit("/", 1)[1]
    assert f"https://mel.example.org/optout/{token}" in an.get_content()
    assert an["List-Unsubscribe"].strip() == f"<https://mel.example.org/optout/{token}>"
    with session_scope(engine) as session:
        assert find_invitation(session, token) is not None  # only its hash is stored
        assert session.exec(select(Mail).where(Mail.status == "sent")).all().__len__() == 5
    assert wave_of(engine, "w2025").frozen_at is not None  # sending froze the sample
    # A second run sends nothing.
    again = mel("invitations", "send", "--wave", "w2025")
    assert "invitation: 0 sent" in again.output and "5 sent before" in again.output
    assert len(inbox.messages) == 5


def test_refused_address_is_a_bounce_and_claimed_rows_are_not_resent(
    engine: Engine, tmp_path: Path, cli_env: dict, smtp: tuple[Inbox, int], monkeypatch
) -> None:
    inbox, port = smtp
    inbox.refuse.add("cas@school2.example")
    monkeypatch.setenv("MEL_SMTP_URL", f"smtp://127.0.0.1:{port}")
    setup_wave(engine, tmp_path)
    result = mel("invitations", "send", "--wave", "w2025")
    assert "1 refused by the server" in result.output
    assert "cas@" not in result.output  # counts only, never addresses
    assert len(inbox.messages) == 4
    with session_scope(engine) as session:
        cas = session.exec(select(Contact).where(Contact.email == "cas@school2.example")).one()
        assert cas.bounced_at is not None and cas.bounce_reason.startswith("550")
        # A crash after the claim: the row stays claimed without sent_at.
        session.execute(
            update(Mail).where(col(Mail.contact_id) == 1).values(status="claimed", sent_at=None)
        )
    rerun = mel("invitations", "send", "--wave", "w2025")
    assert "0 sent" in rerun.output and "1 claimed by an earlier run" in rerun.output
    assert "<mel-" in rerun.output  # its Message-ID, to look up in the server's log
    assert len(inbox.messages) == 4
    retried = mel("invitations", "send", "--wave", "w2025", "--retry-claimed")
    assert "1 sent" in retried.output
    assert len(inbox.messages) == 5
    status = mel("fieldwork", "status", "--wave", "w2025", "--json")
    assert '"undeliverable": 1' in status.output  # u2's only contact bounced


def test_remind_skips_finished_opted_out_and_bounced(
    engine: Engine, tmp_path: Path, cli_env: dict, smtp: tuple[Inbox, int], monkeypatch
) -> None:
    inbox, port = smtp
    monkeypatch.setenv("MEL_SMTP_URL", f"smtp://127.0.0.1:{port}")
    setup_wave(engine, tmp_path)
    assert mel("invitations", "send", "--wave", "w2025").exit_code == 0
    early = mel("invitations", "remind", "--wave", "w2025", "--after", "7d")
    assert "0 sent" in early.output and "5 not due" in early.output
    with session_scope(engine) as session:  # the invitations went out eight days ago
        session.execute(update(Mail).values(sent_at=utcnow() - timedelta(days=8)))
    respond(engine, "u1", "complete", {"cijfer": 8})  # u1 (an, bo) finished
    respond(engine, "u3", "in_progress", {"cijfer": 5})  # u3 started: still reminded
    with session_scope(engine) as session:
        cas = session.exec(select(Contact).where(Contact.email == "cas@school2.example")).one()
        cas.bounced_at = utcnow()
        eva = session.exec(select(Contact).where(Contact.email == "eva@school4.example")).one()
        eva.opted_out_at = utcnow()
    inbox.messages.clear()
    result = mel("invitations", "remind", "--wave", "w2025", "--after", "7d")
    assert result.exit_code == 0, result.output
    assert "reminder-1: 1 sent" in result.output
    assert [str(m["To"]) for m in inbox.messages] == ["Dee <dee@school3.example>"]
    assert inbox.messages[0]["Subject"].startswith("Herinnering:")
    # Rerunning the same round sends nothing more: one mail per reminder kind.
    again = mel("invitations", "remind", "--wave", "w2025", "--after", "7d")
    assert "reminder-1: 0 sent" in again.output and len(inbox.messages) == 1


def test_bounce_file_csv_and_dsn(
    engine: Engine, tmp_path: Path, cli_env: dict, monkeypatch
) -> None:
    setup_wave(engine, tmp_path)
    assert "5 sent to the outbox folder" in mel("invitations", "send", "--wave", "w2025").output
    outbox = Path(cli_env["MEL_INSTANCE_PATH"]) / "outbox" / "w2025"
    assert len(list(outbox.glob("*.eml"))) == 5
    bad = tmp_path / "bad.csv"
    bad.write_text("email\nnot-an-address\n", encoding="utf-8")
    result = mel("invitations", "bounced", str(bad))
    assert result.exit_code == 1 and f"{bad}:2:email: 'not-an-address'" in result.output
    listed = tmp_path / "bounces.csv"
    listed.write_text("email,reason\nDee@School3.example,mailbox full\n", encoding="utf-8")
    assert "1 bounce(s) recorded" in mel("invitations", "bounced", str(listed)).output
    with session_scope(engine) as session:
        mail = session.exec(
            select(Mail).join(Contact).where(Contact.email == "eva@school4.example")
        ).one()
    dsn = tmp_path / "dsn.eml"
    dsn.write_text(DSN.format(message_id=mail.message_id), encoding="utf-8")
    assert "1 bounce(s) recorded" in mel("invitations", "bounced", str(dsn)).output
    status = mel("fieldwork", "status", "--wave", "w2025", "--json").output
    assert '"bounced": 2' in status and '"undeliverable": 2' in status


def test_optout_service_sets_outcome(engine: Engine, tmp_path: Path, cli_env: dict) -> None:
    from mel.services.fieldwork.optout import case_of_token, opt_out

    setup_wave(engine, tmp_path)
    mel("invitations", "send", "--wave", "w2025")
    with session_scope(engine) as session:
        case = session.exec(select(Case).where(Case.key == "u:1")).one()
        found = case_of_token(session, case_token(cli_env["MEL_SECRET_KEY"], case))
        assert found is not None and found.id == case.id
        opt_out(session, found)
    with session_scope(engine) as session:
        contacts = session.exec(select(Contact).where(Contact.unit_id == 1)).all()
        assert all(c.opted_out_at is not None for c in contacts)
        assert session.exec(select(Case).where(Case.key == "u:1")).one().outcome == "opted_out"


@pytest.mark.parametrize("rate", ["fast", "3/x", "-1/s"])
def test_bad_rate_is_refused(engine: Engine, tmp_path: Path, cli_env: dict, rate: str) -> None:
    setup_wave(engine, tmp_path)
    result = mel("invitations", "send", "--wave", "w2025", "--rate", rate)
    assert result.exit_code == 1 and "rate must" in result.output


DSN = """From: MAILER-DAEMON@mx.example
To: onderzoek@katapult.example
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example

Final-Recipient: rfc822; eva@school4.example
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 user unknown

--B
Content-Type: text/rfc822-headers

Message-ID: {message_id}
Subject: Invitation

--B--
"""


def test_rate_limit_spaces_the_mails(engine: Engine, tmp_path: Path, cli_env: dict) -> None:
    import time

    setup_wave(engine, tmp_path)
    start = time.monotonic()
    result = mel("invitations", "send", "--wave", "w2025", "--rate", "10/s")
    assert "5 sent" in result.output
    assert time.monotonic() - start >= 0.4  # five mails at most ten a second: >= 4 gaps


def test_closed_wave_sends_nothing(engine: Engine, tmp_path: Path, cli_env: dict) -> None:
    setup_wave(engine, tmp_path)
    with session_scope(engine) as session:
        session.execute(update(Wave).values(status="closed"))
    result = mel("invitations", "send", "--wave", "w2025")
    assert result.exit_code == 1 and "is closed" in result.output


def test_connection_lost_mid_mail_leaves_it_claimed(
    engine: Engine, tmp_path: Path, cli_env: dict, monkeypatch
) -> None:
    from aiosmtpd.controller import Controller

    from tests.services.fieldwork.conftest import free_port

    class Dropping(Inbox):
        async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
            answer = await super().handle_DATA(server, session, envelope)
            if len(self.messages) == 2:
                server.transport.close()  # took the mail, then the line broke
            return answer

    inbox, port = Dropping(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        monkeypatch.setenv("MEL_SMTP_URL", f"smtp://127.0.0.1:{port}")
        setup_wave(engine, tmp_path)
        broken = mel("invitations", "send", "--wave", "w2025")
        assert broken.exit_code == 1 and "left claimed" in broken.output
        assert "Traceback" not in broken.output
        rerun = mel("invitations", "send", "--wave", "w2025")
        assert "3 sent" in rerun.output and "1 claimed by an earlier run" in rerun.output
    finally:
        controller.stop()
    received = [str(m["To"]) for m in inbox.messages]
    assert len(received) == 5 and len(set(received)) == 5


def test_a_list_of_bounces_is_matched_in_batches(
    engine: Engine, tmp_path: Path, cli_env: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mel.services.fieldwork import bounces
    from mel.services.fieldwork.bounces import Bounce, record_bounces

    setup_wave(engine, tmp_path)
    mel("invitations", "send", "--wave", "w2025")
    monkeypatch.setattr(bounces, "BATCH", 2)  # several batches from a short list
    with session_scope(engine) as session:
        mails = session.exec(select(Mail, Contact).join(Contact).order_by(Mail.id)).all()
        by_id = Bounce("x@elsewhere.example", "5.1.1", message_id=mails[0][0].message_id)
        listed = [
            by_id,
            Bounce(mails[1][1].email.upper(), "mailbox full"),
            Bounce(mails[2][1].email, "5.1.1"),
            Bounce(mails[2][1].email, "5.1.1"),  # the same bounce twice
            Bounce("nobody@nowhere.example", "5.1.1"),
        ]
        summary = record_bounces(session, listed, mails[0][1].wave_id)
        assert (summary.recorded, summary.already, summary.unknown) == (
            3,
            1,
            ["nobody@nowhere.example"],
        )
        bounced = session.exec(select(Contact).where(col(Contact.bounced_at).is_not(None))).all()
        assert {c.id for c in bounced} == {mails[i][1].id for i in range(3)}


def test_the_outbox_listing_gives_the_first_mails_by_name_and_the_count(tmp_path: Path) -> None:
    from mel.services.fieldwork.transport import outbox_listing

    assert outbox_listing(tmp_path / "no-outbox-yet") == ([], 0)
    for name in ("0003-c.eml", "0001-a.eml", "0002-b.eml", "notes.txt", "0004-d.eml"):
        (tmp_path / name).write_text("mail")
    assert outbox_listing(tmp_path, first=2) == (["0001-a.eml", "0002-b.eml"], 4)
    assert outbox_listing(tmp_path)[0] == ["0001-a.eml", "0002-b.eml", "0003-c.eml", "0004-d.eml"]
