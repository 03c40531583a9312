"""`mel users` (staff accounts) and `mel audit` (who did what when)."""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING

import click

from mel.cli.context import cli_errors, engine
from mel.services.roles import ROLES

if TYPE_CHECKING:
    from sqlmodel import Session


@contextmanager
def database() -> Iterator[Session]:
    """A session on MEL_DATABASE_URL that commits on success; the engine is closed after."""
    from mel.db import session_scope

    eng = engine()
    try:
        with session_scope(eng) as session:
            yield session
    finally:
        eng.dispose()


def cli_actor() -> str:
    """Who runs this command, for the audit log."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no login name in some containers
        return "cli:unknown"


def read_password(from_stdin: bool) -> str:
    """Read a password from standard input or a hidden prompt (never from arguments)."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.group("users")
def users_group() -> None:
    """Staff accounts: admins, researchers and programme staff."""


@users_group.command("create")
@click.option("--email", required=True, help="Login e-mail address.")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option(
    "--programme",
    "programmes",
    multiple=True,
    required=True,
    help="Programme code the account may see (repeat; '*' for all programmes).",
)
@click.option(
    "--unit",
    default=None,
    help="For a coordinator: the code of its unit (e.g. a pps), whose profile it sees.",
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input instead of a prompt.",
)
@cli_errors
def create_command(
    email: str, role: str, programmes: tuple[str, ...], unit: str | None, password_stdin: bool
) -> None:
    """Create a staff account (the password is asked for, never given as an argument)."""
    from mel.services import accounts
    from mel.services.privacy import record

    password = read_password(password_stdin)
    try:
        with database() as session:
            user = accounts.create_user(
                session,
                email=email,
                password=password,
                role=role,
                programmes=programmes,
                unit=unit,
            )
            record(
                session,
                cli_actor(),
                "user_created",
                target=user.email,
                role=role,
                programmes=list(programmes),
            )
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"created {user.email} ({role}; {', '.join(programmes)})")


@users_group.command("list")
@cli_errors
def list_command() -> None:
    """List accounts with role, programmes, status and last login."""
    from mel.services import accounts

    with database() as session:
        rows = accounts.list_users(session)
        for user, codes in rows:
            last = user.last_login_at.strftime("%Y-%m-%d %H:%M") if user.last_login_at else "never"
            state = "active" if user.active else "disabled"
            click.echo(
                f"{user.email:40} {user.role:10} {state:8} last login {last:16} {','.join(codes)}"
            )
    if not rows:
        click.echo("no accounts (create one with `mel users create`)")


def _set_active(email: str, active: bool) -> None:
    from mel.services import accounts
    from mel.services.privacy import record

    try:
        with database() as session:
            user = accounts.set_active(session, email, active)
            record(
                session,
                cli_actor(),
                "user_enabled" if active else "user_disabled",
                target=user.email,
            )
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{user.email}: {'enabled' if active else 'disabled (sessions ended)'}")


@users_group.command("disable")
@click.argument("email")
@cli_errors
def disable_command(email: str) -> None:
    """Disable an account; its open sessions end at their next request."""
    _set_active(email, False)


@users_group.command("enable")
@click.argument("email")
@cli_errors
def enable_command(email: str) -> None:
    """Enable a disabled account again."""
    _set_active(email, True)


@users_group.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@cli_errors
def set_password_command(email: str, password_stdin: bool) -> None:
    """Set an account's password (ends its sessions)."""
    from mel.services import accounts
    from mel.services.privacy import record

    password = read_password(password_stdin)
    try:
        with database() as session:
            user = accounts.find_user(session, email)
            if user is None:
                raise accounts.AccountError(f"no account for {email.strip().lower()}")
            accounts.set_password(session, user, password)
            record(session, cli_actor(), "password_set", target=user.email)
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{email.strip().lower()}: password set")


@click.group("audit")
def audit_group() -> None:
    """The audit log: logins, exports, erasures and account changes."""


@audit_group.command("list")
@click.option("--action", help="Only this action (e.g. login, export, erasure).")
@click.option("--actor", help="Only this actor (an e-mail address or cli:<user>).")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="From this day (UTC).")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@cli_errors
def audit_list_command(
    action: str | None, actor: str | None, since: datetime | None, limit: int, as_json: bool
) -> None:
    """Show audit events, newest first."""
    from mel.services.privacy import audit_events

    with database() as session:
        events = audit_events(session, action=action, actor=actor, since=since, limit=limit)
        for event in events:
            when = event.at.strftime("%Y-%m-%d %H:%M:%S")
            if as_json:
                click.echo(
                    json.dumps(
                        {
                            "at": event.at.isoformat(),
                            "actor": event.actor,
                            "action": event.action,
                            "programme": event.programme,
                            "target": event.target,
                            "detail": event.detail,
                        }
                    )
                )
            else:
                detail = " ".join(f"{k}={v}" for k, v in sorted(event.detail.items()))
                click.echo(
                    f"{when}  {event.actor:32} {event.action:18} "
                    f"{event.programme or '-':20} {event.target or '-'} {detail}"
                )
