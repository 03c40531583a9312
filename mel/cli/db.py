"""`mel db`: apply and inspect migrations."""

from __future__ import annotations

import click
from alembic import command

from mel.cli.context import cli_errors, engine
from mel.db import alembic_config, current_revision, upgrade


@click.group("db")
def db_group() -> None:
    """Create and migrate the database (SQLite by default, PostgreSQL via MEL_DATABASE_URL)."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Target revision.")
@cli_errors
def upgrade_command(revision: str) -> None:
    """Apply migrations up to REVISION (creates the schema on an empty database)."""
    eng = engine()
    upgrade(eng, revision)
    click.echo(f"database at revision {current_revision(eng)} ({eng.url.render_as_string()})")


@db_group.command("current")
@cli_errors
def current_command() -> None:
    """Print the database's current revision."""
    click.echo(current_revision(engine()) or "empty (run `mel db upgrade`)")


@db_group.command("revision")
@click.option("-m", "--message", required=True, help="What the migration changes.")
@cli_errors
def revision_command(message: str) -> None:
    """Autogenerate a migration from the difference between models and database."""
    eng = engine()
    upgrade(eng)
    command.revision(alembic_config(eng), message=message, autogenerate=True)
