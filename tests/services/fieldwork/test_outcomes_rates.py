"""Outcomes set by mel and by staff, and AAPOR rates checked against hand computation."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, insert, select
from sqlalchemy.engine import Engine
from sqlmodel import select as select_models

from mel.db import session_scope
from mel.models import AuditEvent, Case, Contact, utcnow
from mel.services.fieldwork.outcomes import outcome_rule
from mel.services.fieldwork.rates import Counts, rates
from tests.services.fieldwork.conftest import Inbox, make_fieldwork, mel, write_contacts
from tests.services.fieldwork.test_mailing import respond, unit_code_email

UNITS = {f"u{i}": "a" if i <= 5 else "b" for i in range(1, 11)}


def test_rates_of_a_fixture_match_the_hand_computation(
    engine: Engine, tmp_path: Path, cli_env: dict, smtp: tuple[Inbox, int], monkeypatch
) -> None:
    inbox, port = smtp
    monkeypatch.setenv("MEL_SMTP_URL", f"smtp://127.0.0.1:{port}")
    make_fieldwork(engine, units=UNITS, fieldwork_end=date(2020, 6, 30))  # fieldwork is over
    rows = [f"c{i}@s{i}.example,,nl,u{i}" for i in range(1, 11)]
    mel("contacts", "import", "--wave", "w2025", "--instrument", "test-survey",
        str(write_contacts(tmp_path / "c.csv", rows)))  # fmt: skip
    assert "10 sent" in mel("invitations", "send", "--wave", "w2025").output
    emails = {f"u{i}": f"c{i}@" for i in range(1, 11)}
    monkeypatch.setattr("tests.services.fieldwork.test_mailing.unit_code_email", emails.__getitem__)
    for unit in ("u1", "u2", "u6"):
        respond(engine, unit, "complete", {"cijfer": 7})  # I: a, a, b
    respond(engine, "u3", "in_progress", {"cijfer": 4})  # P: a
    with session_scope(engine) as session:
        u5 = session.exec(select_models(Contact).where(Contact.email == "c5@s5.example")).one()
        u5.opted_out_at = utcnow()  # R: a
        u7 = session.exec(select_models(Contact).where(Contact.email == "c7@s7.example")).one()
        u7.bounced_at = utcnow()  # U (undeliverable): b
    for unit, outcome in (("4", "refusal"), ("8", "not_eligible"), ("10", "eligibility_unknown")):
        result = mel("fieldwork", "outcome", "--wave", "w2025", "--case", f"u:{unit}", outcome)
        assert result.exit_code == 0, result.output
    # u9: invited, nothing came back, fieldwork over: non-contact.
    status = json.loads(mel("fieldwork", "status", "--wave", "w2025", "--json").output)
    total = status["instruments"][0]["total"]
    assert total["groups"] == {"I": 3, "P": 1, "R": 2, "NC": 1, "O": 0, "U": 2, "NE": 1}
    # By hand: RR1 = 3/9, RR2 = 4/9, e = 7/8, RR3 = 3/(7 + 2e), COOP1 = 3/6, REF1 = 2/9,
    # CON1 = 6/9.
    assert total["RR1"] == pytest.approx(3 / 9)
    assert total["RR2"] == pytest.approx(4 / 9)
    assert total["e"] == pytest.approx(7 / 8)
    assert total["RR3"] == pytest.approx(3 / 8.75)
    assert total["COOP1"] == pytest.approx(0.5)
    assert total["REF1"] == pytest.approx(2 / 9)
    assert total["CON1"] == pytest.approx(6 / 9)
    a, b = status["instruments"][0]["strata"]
    assert (a["stratum"], a["RR1"], a["RR2"], a["RR3"], a["COOP1"], a["REF1"], a["CON1"]) == (
        "a", 0.4, 0.6, 0.4, 0.4, 0.4, 1.0,
    )  # fmt: skip
    assert b["stratum"] == "b"
    assert (b["RR1"], b["RR2"], b["COOP1"], b["REF1"], b["CON1"]) == (0.25, 0.25, 1.0, 0.0, 0.25)
    assert b["RR3"] == pytest.approx(1 / (2 + 2 * 2 / 3))  # e = 2/3 within stratum b
    assert status["outcomes_by_staff"] == 3 and status["bounced"] == 1
    stated = json.loads(
        mel("fieldwork", "status", "--wave", "w2025", "--json", "--e", "0.5").output
    )
    assert stated["instruments"][0]["total"]["RR3"] == pytest.approx(3 / 8)
    text = mel("fieldwork", "status", "--wave", "w2025").output
    assert "33.3%" in text and "e = 0.875" in text
    with session_scope(engine) as session:
        events = session.exec(
            select_models(AuditEvent).where(AuditEvent.action == "case_outcome_set")
        )
        assert sorted(e.detail["outcome"] for e in events) == [
            "eligibility_unknown", "not_eligible", "refusal",
        ]  # fmt: skip
        # Automatic outcomes are stored; staff ones stay.
        outcomes = {c.key: (c.outcome, c.outcome_source) for c in session.exec(select_models(Case))}
    assert outcomes["u:9"] == ("non_contact", "auto")
    assert outcomes["u:4"] == ("refusal", "staff")
    # Handing a case back to mel: u:4 had no response, so it is a non-contact again.
    assert mel("fieldwork", "outcome", "--wave", "w2025", "--case", "u:4", "auto").exit_code == 0
    bad = mel("fieldwork", "outcome", "--wave", "w2025", "--case", "u:4", "maybe")
    assert bad.exit_code == 1 and "unknown outcome 'maybe'" in bad.output
    assert inbox.messages  # the invitations went through the real server


FACT_COLUMNS = ("source", "stored", "contacts", "opted_out", "bounced", "started",
                "answered", "complete")  # fmt: skip


def facts(**values: object) -> tuple:
    """One case's facts: no contact, no response, pending; `values` override."""
    row: dict[str, object] = dict.fromkeys(FACT_COLUMNS, 0) | {"source": None, "stored": None}
    return tuple((row | values)[name] for name in FACT_COLUMNS)


def outcomes_of(rows: list[tuple], ended: bool) -> list[str | None]:
    """`outcome_rule` applied by SQLite to `rows` of facts, in order."""
    kinds = {"source": String, "stored": String}
    table = Table(
        "facts", MetaData(), Column("n", Integer, primary_key=True),
        *(Column(name, kinds.get(name, Integer)) for name in FACT_COLUMNS),
    )  # fmt: skip
    with create_engine("sqlite://").begin() as connection:
        table.create(connection)
        connection.execute(
            insert(table), [dict(zip(FACT_COLUMNS, row, strict=True)) for row in rows]
        )
        query = select(outcome_rule(table, ended)).order_by(table.c.n)
        return list(connection.execute(query).scalars())


def test_derived_outcomes_follow_the_stated_rules() -> None:
    cases = [
        (facts(complete=1, started=1, answered=1, contacts=1, opted_out=1), "complete"),
        (facts(contacts=1, opted_out=1), "opted_out"),
        (facts(contacts=1, opted_out=1, started=1, answered=1), "opted_out"),
        (facts(started=1, answered=1), "partial"),
        (facts(started=2, answered=0), "refusal"),
        (facts(contacts=1, bounced=1), "undeliverable"),
        (facts(contacts=2, bounced=1), None),  # one contact still reachable
        (facts(contacts=2, bounced=2, started=1), "refusal"),
        (facts(source="staff", stored="not_eligible", complete=1), "not_eligible"),
        (facts(source="auto", stored="non_contact", complete=1), "complete"),
        (facts(), None),
    ]
    assert outcomes_of([row for row, _ in cases], ended=False) == [want for _, want in cases]
    ended = outcomes_of([facts(contacts=1), facts(), facts(contacts=1, bounced=1)], ended=True)
    assert ended == ["non_contact", "non_contact", "undeliverable"]


def test_rates_formulas_and_edge_cases() -> None:
    counts = Counts(I=50, P=10, R=15, NC=20, O=0, U=5, NE=0)
    figures = rates(counts, e=0.4)
    assert figures["RR1"] == pytest.approx(50 / 100)
    assert figures["RR3"] == pytest.approx(50 / 97)
    assert figures["CON1"] == pytest.approx(75 / 100)
    assert rates(Counts())["RR1"] is None  # no cases: no rate
    with pytest.raises(ValueError, match="between 0 and 1"):
        rates(counts, e=1.5)
    assert unit_code_email("u1") == "an@"
