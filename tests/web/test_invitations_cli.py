"""`mel invitations create`: links in bulk, only token hashes stored, clear errors."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mel.cli import main
from mel.db import session_scope
from mel.models import Invitation, Wave
from mel.services.invitations import hash_token
from tests.factories import make_unit, open_survey
from tests.web.conftest import DATA


@pytest.fixture
def cli(db_url: str) -> CliRunner:
    """A click runner on the test database."""
    return CliRunner(env={"MEL_DATABASE_URL": db_url, "MEL_BASE_URL": "https://mel.example.org"})


def read_links(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:  # with BOM, for Excel
        return list(csv.DictReader(handle))


def create(cli: CliRunner, out: Path, *args: str) -> str:
    result = cli.invoke(
        main,
        [
            "invitations",
            "create",
            "--wave",
            "w2025",
            "--instrument",
            "web-consent",
            "--out",
            str(out),
            *args,
        ],
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_count_links_without_units(
    engine: Engine, cli: CliRunner, tmp_path: Path, client: FlaskClient
) -> None:
    open_survey(engine, DATA / "consent.yaml")
    out = tmp_path / "links.csv"
    assert "created 3 invitation links" in create(
        cli, out, "--count", "3", "--base-url", "https://mel.example.nl/", "--expires", "2099-12-31"
    )
    rows = read_links(out)
    assert len(rows) == 3 and len({r["url"] for r in rows}) == 3
    assert all(r["url"].startswith("https://mel.example.nl/i/") for r in rows)
    assert rows[0]["expires_at"].startswith("2100-01-01T00:00:00")
    tokens = [r["url"].rsplit("/", 1)[1] for r in rows]
    assert all(len(t) >= 40 for t in tokens)
    with Session(engine) as session:
        hashes = set(session.exec(select(Invitation.token_hash)).all())
    assert hashes == {hash_token(t) for t in tokens}
    assert client.get(f"/i/{tokens[0]}").status_code == 200


def test_links_per_sampled_unit_and_from_csv(
    engine: Engine, cli: CliRunner, tmp_path: Path
) -> None:
    open_survey(engine, DATA / "consent.yaml")
    with session_scope(engine) as session:
        wave = session.exec(select(Wave)).one()
        make_unit(session, "web-test", "wp-a", wave=wave)
        make_unit(session, "web-test", "wp-b", wave=wave, sampled=False)
    create(cli, tmp_path / "sampled.csv", "--units", "sampled", "--count", "2")
    assert [r["unit"] for r in read_links(tmp_path / "sampled.csv")] == ["wp-a", "wp-a"]
    create(cli, tmp_path / "all.csv", "--units", "all")
    assert [r["unit"] for r in read_links(tmp_path / "all.csv")] == ["wp-a", "wp-b"]
    people = tmp_path / "people.csv"
    people.write_text("unit,reference,language\nwp-b,p-17,en\n,p-18,\n", encoding="utf-8")
    create(cli, tmp_path / "people-links.csv", "--units", str(people))
    rows = read_links(tmp_path / "people-links.csv")
    assert [(r["unit"], r["reference"], r["language"]) for r in rows] == [
        ("wp-b", "p-17", "en"),
        ("", "p-18", "nl"),
    ]


def test_links_file_is_defused(engine: Engine, cli: CliRunner, tmp_path: Path) -> None:
    open_survey(engine, DATA / "consent.yaml")
    with session_scope(engine) as session:
        wave = session.exec(select(Wave)).one()
        make_unit(session, "web-test", "+1", wave=wave)
    people = tmp_path / "people.csv"
    people.write_text(
        'unit,reference,language\n+1,"=HYPERLINK(""x"")",en\n,@SUM(1),\n,-1+2,\n',
        encoding="utf-8",
    )
    create(cli, tmp_path / "links.csv", "--units", str(people))
    rows = read_links(tmp_path / "links.csv")
    assert [(r["unit"], r["reference"]) for r in rows] == [
        ("'+1", '\'=HYPERLINK("x")'),
        ("", "'@SUM(1)"),
        ("", "'-1+2"),
    ]
    assert all("/i/" in r["url"] for r in rows)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--wave", "nope", "--instrument", "web-consent"], "unknown wave 'nope'"),
        (["--wave", "w2025", "--instrument", "nope"], "unknown instrument 'nope'"),
        (
            ["--wave", "w2025", "--instrument", "web-consent", "--units", "sampled"],
            "no sampled units",
        ),
    ],
)
def test_errors_are_one_clear_line(
    engine: Engine, cli: CliRunner, tmp_path: Path, args: list[str], message: str
) -> None:
    open_survey(engine, DATA / "consent.yaml")
    out = tmp_path / "links.csv"
    result = cli.invoke(main, ["invitations", "create", *args, "--out", str(out)])
    assert result.exit_code == 1 and message in result.output
    assert "Traceback" not in result.output and not out.exists()
    with Session(engine) as session:
        assert session.exec(select(Invitation)).all() == []


def test_refuses_to_overwrite_a_links_file(engine: Engine, cli: CliRunner, tmp_path: Path) -> None:
    open_survey(engine, DATA / "consent.yaml")
    out = tmp_path / "links.csv"
    out.write_text("old links\n", encoding="utf-8")
    result = cli.invoke(
        main,
        [
            "invitations",
            "create",
            "--wave",
            "w2025",
            "--instrument",
            "web-consent",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 1 and "exists" in result.output
    assert out.read_text(encoding="utf-8") == "old links\n"
