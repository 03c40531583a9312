"""`mel users`: accounts from the command line, passwords never on the command line."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import Engine
from sqlmodel import Session

from mel.cli.users import users_group
from mel.services import accounts

from .conftest import PASSWORD, Auth, seed_programme


@pytest.fixture
def cli(engine: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A CLI runner on a database with programme alpha."""
    monkeypatch.setenv("MEL_DATABASE_URL", db_url)
    seed_programme(engine, "alpha", units=2)
    return CliRunner()


def test_create_list_disable_enable(engine: Engine, cli: CliRunner, app) -> None:  # noqa: ANN001
    created = cli.invoke(
        users_group,
        [
            "create",
            "--email",
            "Ana@Example.org",
            "--role",
            "researcher",
            "--programme",
            "alpha",
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
    )
    assert created.exit_code == 0, created.output
    assert PASSWORD not in created.output
    listed = cli.invoke(users_group, ["list"])
    assert "ana@example.org" in listed.output and "researcher" in listed.output
    assert "active" in listed.output and "never" in listed.output
    assert Auth(app.test_client()).login("ana@example.org").status_code == 303
    assert cli.invoke(users_group, ["disable", "ana@example.org"]).exit_code == 0
    assert "disabled" in cli.invoke(users_group, ["list"]).output
    assert Auth(app.test_client()).login("ana@example.org").status_code == 200  # refused
    assert cli.invoke(users_group, ["enable", "ana@example.org"]).exit_code == 0
    assert Auth(app.test_client()).login("ana@example.org").status_code == 303


def test_password_prompt_is_hidden_and_confirmed(engine: Engine, cli: CliRunner) -> None:
    result = cli.invoke(
        users_group,
        ["create", "--email", "b@example.org", "--role", "admin", "--programme", "*"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    with Session(engine) as session:
        user = accounts.find_user(session, "b@example.org")
        assert user is not None and user.all_programmes


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["--role", "staff", "--programme", "nope"], PASSWORD, "unknown programme 'nope'"),
        (["--role", "staff", "--programme", "alpha"], "short", "at least 12 characters"),
        (["--role", "boss", "--programme", "alpha"], PASSWORD, "Invalid value for '--role'"),
    ],
)
def test_bad_input_is_explained(
    cli: CliRunner, args: list[str], password: str, message: str
) -> None:
    result = cli.invoke(
        users_group,
        ["create", "--email", "c@example.org", *args, "--password-stdin"],
        input=password + "\n",
    )
    assert result.exit_code != 0 and message in result.output


def test_duplicate_and_unknown_accounts(cli: CliRunner) -> None:
    args = [
        "create",
        "--email",
        "d@example.org",
        "--role",
        "staff",
        "--programme",
        "alpha",
        "--password-stdin",
    ]
    assert cli.invoke(users_group, args, input=PASSWORD + "\n").exit_code == 0
    again = cli.invoke(users_group, args, input=PASSWORD + "\n")
    assert again.exit_code == 1 and "already exists" in again.output
    missing = cli.invoke(users_group, ["disable", "nobody@example.org"])
    assert missing.exit_code == 1 and "no account" in missing.output


def test_no_password_option_exists(cli: CliRunner) -> None:
    result = cli.invoke(
        users_group,
        [
            "create",
            "--email",
            "e@example.org",
            "--role",
            "staff",
            "--programme",
            "alpha",
            "--password",
            PASSWORD,
        ],
    )
    assert result.exit_code == 2 and "No such option" in result.output


def test_demo_users(engine: Engine, app) -> None:  # noqa: ANN001
    seed_programme(engine, "alpha", units=2)
    logins = accounts.create_demo_users(engine)
    assert [(role, programmes) for _, _, role, programmes in logins] == [
        ("admin", ["*"]),
        ("researcher", ["*"]),
        ("staff", ["alpha"]),
    ]
    again = accounts.create_demo_users(engine)  # a second run resets the passwords
    for email, password, _, _ in again:
        assert Auth(app.test_client()).login(email, password).status_code == 303
    assert again[0][1] != logins[0][1]
