"""`mel db`: apply and inspect migrations; back up and restore the database."""

from __future__ import annotations

from pathlib import Path

import click

from mel.cli.context import cli_errors, engine, settings
from mel.cli.users import cli_actor


@click.group("db")
def db_group() -> None:
    """Create and migrate the database (SQLite by default, PostgreSQL via MEL_DATABASE_URL)."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Target revision.")
@cli_errors
def upgrade_command(revision: str) -> None:
    """Apply migrations up to REVISION (creates the schema on an empty database)."""
    from mel.db import current_revision, upgrade

    eng = engine()
    upgrade(eng, revision)
    click.echo(f"database at revision {current_revision(eng)} ({eng.url.render_as_string()})")


@db_group.command("current")
@cli_errors
def current_command() -> None:
    """Print the database's current revision."""
    from mel.db import current_revision

    click.echo(current_revision(engine()) or "empty (run `mel db upgrade`)")


@db_group.command("revision")
@click.option("-m", "--message", required=True, help="What the migration changes.")
@cli_errors
def revision_command(message: str) -> None:
    """Autogenerate a migration from the difference between models and database."""
    from alembic import command

    from mel.db import alembic_config, upgrade

    eng = engine()
    upgrade(eng)
    command.revision(alembic_config(eng), message=message, autogenerate=True)


def _size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.1f} kB"


@db_group.command("backup")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@cli_errors
def backup_command(file: Path, force: bool) -> None:
    """Back up the whole database to FILE, safely while mel serves.

    SQLite: a copy made with SQLite's online backup API (a SQLite file). PostgreSQL:
    pg_dump's custom format of the schema mel's tables are in (restore with `mel db
    restore`). The file holds every answer: keep it as safe as the database.
    """
    from mel.db import session_scope
    from mel.services.backup import BackupError, backup_database
    from mel.services.privacy import record

    eng = engine()
    try:
        try:
            made = backup_database(eng, file, force=force, pg_bin_dir=settings().pg_bin_dir)
        except BackupError as exc:
            raise click.ClickException(str(exc)) from None
        with session_scope(eng) as session:
            record(
                session,
                cli_actor(),
                "backup",
                target=str(file.resolve()),
                revision=made.revision,
                bytes=made.size,
                seconds=round(made.seconds, 3),
            )
        url = eng.url.render_as_string()
    finally:
        eng.dispose()
    click.echo(
        f"backed up {url} (revision {made.revision}) to {file}: "
        f"{_size(made.size)} in {made.seconds:.1f} s"
    )


@db_group.command("restore")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--force", is_flag=True, help="Replace a database that holds data (all of it is replaced)."
)
@cli_errors
def restore_command(file: Path, force: bool) -> None:
    """Replace the database's contents with the backup FILE (from `mel db backup`).

    Stop the app first. The database is left at the backup's migration revision; `mel db
    upgrade` brings it up to date with this version of mel.
    """
    from alembic.script import ScriptDirectory

    from mel.db import alembic_config, session_scope
    from mel.services.backup import BackupError, describe, restore_database
    from mel.services.privacy import record

    eng = engine()
    try:
        try:
            done = restore_database(eng, file, force=force, pg_bin_dir=settings().pg_bin_dir)
        except BackupError as exc:
            raise click.ClickException(str(exc)) from None
        with session_scope(eng) as session:
            record(
                session,
                cli_actor(),
                "restore",
                target=str(file.resolve()),
                revision=done.revision,
                replaced=done.replaced,
                seconds=round(done.seconds, 3),
            )
        url = eng.url.render_as_string()
        head = ScriptDirectory.from_config(alembic_config(eng)).get_current_head()
    finally:
        eng.dispose()
    click.echo(f"restored {file} into {url} in {done.seconds:.1f} s: revision {done.revision}")
    click.echo(f"rows: {describe(done.counts) or 'none'}")
    if done.revision != head:
        click.echo(f"run `mel db upgrade` to bring it to this mel's revision {head}")
