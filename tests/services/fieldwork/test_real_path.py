"""From contacts to rates the real way: mails through aiosmtpd, answers through the mailed
links, an opt-out on its page, a bounce file, an outcome by staff, rates by hand."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from mel.app import create_app
from tests.autofill import complete
from tests.services.fieldwork.conftest import Inbox, make_fieldwork, mel, write_contacts
from tests.staff.conftest import csrf_token

LINK = re.compile(r"https://mel\.example\.org(/(?:i|optout)/[A-Za-z0-9_-]+)")


def links_of(inbox: Inbox, address: str) -> tuple[str, str]:
    """The survey link and the opt-out link of the invitation to `address`."""
    (message,) = inbox.to(address)
    found = LINK.findall(message.get_content())
    survey = next(p for p in found if p.startswith("/i/"))
    optout = next(p for p in found if p.startswith("/optout/"))
    return survey, optout


def test_contacts_to_rates_through_the_real_parts(
    engine: Engine,
    db_url: str,
    tmp_path: Path,
    cli_env: dict,
    smtp: tuple[Inbox, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inbox, port = smtp
    monkeypatch.setenv("MEL_SMTP_URL", f"smtp://127.0.0.1:{port}")
    make_fieldwork(engine, fieldwork_end=date(2020, 6, 30))  # u1..u6; fieldwork is over
    contacts = [f"p{i}@school{i}.example,P{i},nl,u{i}" for i in range(1, 6)]  # u6: none
    path = write_contacts(tmp_path / "contacts.csv", contacts)
    assert mel("contacts", "import", "--wave", "w2025", "--instrument", "test-survey",
               str(path)).exit_code == 0  # fmt: skip
    sent = mel("invitations", "send", "--wave", "w2025")
    assert "invitation: 5 sent" in sent.output, sent.output
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": db_url,
            "SECRET_KEY": cli_env["MEL_SECRET_KEY"],
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    try:
        for person in ("p1@school1.example", "p2@school2.example"):  # two answer
            survey, _ = links_of(inbox, person)
            done = complete(app.test_client(), survey)
            assert done.request.path.endswith("/done"), done.request.path
        _, optout = links_of(inbox, "p3@school3.example")  # one opts out
        client = app.test_client()
        page = client.get(optout)
        assert client.post(optout, data={"csrf_token": csrf_token(page.text)}).status_code == 200
    finally:
        app.extensions["mel.engine"].dispose()
    bounces = tmp_path / "bounces.csv"
    bounces.write_text("email\np4@school4.example\n", encoding="utf-8")  # one bounces
    assert "1 bounce(s) recorded" in mel("invitations", "bounced", str(bounces)).output
    # u5 never answers (a non-contact at the close); u6 had no contact and turns out not
    # to belong to the population.
    assert mel("fieldwork", "outcome", "--wave", "w2025", "--case", "u6",
               "not_eligible").exit_code == 0  # fmt: skip
    status = json.loads(mel("fieldwork", "status", "--wave", "w2025", "--json").output)
    total = status["instruments"][0]["total"]
    by_address = mel(
        "fieldwork", "outcome", "--wave", "w2025", "--case", "nobody@x.example", "refusal"
    )
    assert by_address.exit_code == 1 and "no case 'nobody@x.example'" in by_address.output
    assert total["groups"] == {"I": 2, "P": 0, "R": 1, "NC": 1, "O": 0, "U": 1, "NE": 1}
    # By hand: 5 eligible or unknown; e = 4 known eligible / 5 known = 0.8.
    assert total["RR1"] == pytest.approx(2 / 5)
    assert total["RR2"] == pytest.approx(2 / 5)
    assert total["RR3"] == pytest.approx(2 / (2 + 1 + 1 + 0.8 * 1))
    assert total["COOP1"] == pytest.approx(2 / 3)
    assert total["REF1"] == pytest.approx(1 / 5)
    assert total["CON1"] == pytest.approx(3 / 5)
    assert (status["contacts"], status["invited"], status["bounced"], status["opted_out"]) == (
        5, 5, 1, 1,
    )  # fmt: skip
    # The fieldwork is over: no reminder asks for answers after its deadline.
    reminded = mel("invitations", "remind", "--wave", "w2025", "--after", "7d")
    assert reminded.exit_code == 1 and "ended on 2020-06-30" in reminded.output
