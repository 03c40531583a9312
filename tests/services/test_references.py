"""References are pseudonymous codes: e-mail addresses and phone numbers are refused wherever
a reference enters mel (a CSV file for `mel invitations create`, the service every caller
passes through), and typical codes are not."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mel.cli import main
from mel.db import session_scope
from mel.models import Invitation
from mel.services.invitations import (
    InvitationError,
    Invitee,
    create_invitations,
    resolve_wave,
)
from mel.services.references import reference_problem
from tests.factories import open_survey
from tests.web.conftest import DATA

CODES = [
    "pps-0042",
    "L2025-00017",
    "s1234567",  # a student number with a letter
    "12345678",  # an eight-digit student number
    "123456789",  # nine digits (a bare number without the 0 of a mobile is not caught)
    "2025000123",  # ten digits that do not start with 0
    "0012345678",  # 00 and only eight digits: no international number
    "0000012345",  # zero-padded
    "A-2025-0000001",
    "2020-0101-0101",
    "werkplaats 7 / deelnemer 12",
    "x" * 64,
]
CONTACTS = [
    ("jan.jansen@example.org", "e-mail"),
    ("J.Jansen@Example.NL ", "e-mail"),
    ("jan@localhost", "e-mail"),
    ("0612345678", "phone"),
    ("06-12345678", "phone"),
    ("06 1234 5678", "phone"),
    ("06.12.34.56.78", "phone"),
    ("020-1234567", "phone"),
    ("020 123 4567", "phone"),
    ("(020) 123 4567", "phone"),
    ("+31 6 12345678", "phone"),
    ("+31 (0)6 12345678", "phone"),
    ("+31612345678", "phone"),
    ("0031 6 12345678", "phone"),
    ("0031612345678", "phone"),
    ("31612345678", "phone"),
    ("+44 20 7946 0958", "phone"),
    ("+1 (555) 123-4567", "phone"),
    ("0032 2 123 45 67", "phone"),
    ("tel: 06-12345678", "phone"),
    ("pps-0612345678", "phone"),  # a phone number inside a code is still a phone number
    ("2024 0612345678", "phone"),
]


@pytest.mark.parametrize("code", CODES)
def test_typical_codes_are_accepted(code: str) -> None:
    assert reference_problem(code) is None


@pytest.mark.parametrize(("value", "kind"), CONTACTS)
def test_contact_details_are_refused(value: str, kind: str) -> None:
    problem = reference_problem(value)
    assert problem is not None
    assert ("e-mail address" if kind == "e-mail" else "phone number") in problem


def test_too_long_is_refused() -> None:
    assert reference_problem("x" * 65) == "is longer than 64 characters"


@pytest.fixture
def cli(db_url: str) -> CliRunner:
    """A click runner on the test database."""
    return CliRunner(env={"MEL_DATABASE_URL": db_url, "MEL_BASE_URL": "https://mel.example.org"})


def test_csv_names_file_line_and_column(engine: Engine, cli: CliRunner, tmp_path: Path) -> None:
    open_survey(engine, DATA / "consent.yaml")
    people = tmp_path / "people.csv"
    people.write_text(
        "reference,language\npps-0042,nl\njan.jansen@example.org,nl\n", encoding="utf-8"
    )
    out = tmp_path / "links.csv"
    args = ["invitations", "create", "--wave", "w2025", "--instrument", "web-consent"]
    result = cli.invoke(main, [*args, "--units", str(people), "--out", str(out)])
    assert result.exit_code == 1
    assert (
        f"{people}:3: column 'reference': 'jan.jansen@example.org' looks like an e-mail address"
        in result.output
    )
    assert "Traceback" not in result.output and not out.exists()
    people.write_text("reference\n+31 6 12345678\n", encoding="utf-8")
    result = cli.invoke(main, [*args, "--units", str(people), "--out", str(out)])
    assert f"{people}:2: column 'reference': '+31 6 12345678' looks like a phone" in result.output
    with Session(engine) as session:
        assert session.exec(select(Invitation)).all() == []
    people.write_text("reference\npps-0042\nL2025-00017\n", encoding="utf-8")
    result = cli.invoke(main, [*args, "--units", str(people), "--out", str(out)])
    assert result.exit_code == 0, result.output
    with Session(engine) as session:
        stored = set(session.exec(select(Invitation.reference)).all())
    assert stored == {"pps-0042", "L2025-00017"}


def test_every_caller_is_checked(engine: Engine) -> None:
    open_survey(engine, DATA / "consent.yaml")
    with session_scope(engine) as session:
        wave, instrument = resolve_wave(session, "w2025", "web-consent")
        with pytest.raises(InvitationError, match="'0612345678' looks like a phone number"):
            create_invitations(
                session,
                wave=wave,
                instrument=instrument,
                invitees=[Invitee(reference="p-1"), Invitee(reference="0612345678")],
            )
        session.rollback()
    with Session(engine) as session:
        assert session.exec(select(Invitation)).all() == []
