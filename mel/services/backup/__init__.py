"""Back up mel's database to one file and restore it (`mel db backup` / `mel db restore`).

SQLite uses its online backup API (mel.services.backup.sqlite), PostgreSQL pg_dump and
pg_restore (mel.services.backup.postgres); both are safe while the app serves and writes.
A backup is written beside its destination and renamed into place when complete, so a
failed backup leaves no partial file and never replaces a good one; it is readable by its
owner only, as it holds every answer. A restore refuses a file that is not a mel backup,
a backup of the other engine, a revision this mel does not know, and (unless forced) a
database that holds data; it leaves the database at the backup's migration revision.
"""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import func, inspect, select, table, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from mel.db import alembic_config, current_revision
from mel.services.backup import postgres, sqlite
from mel.services.backup.errors import BackupError
from mel.services.backup.pgtools import find_tools

__all__ = ["BackupError", "Backup", "Restore", "backup_database", "restore_database"]
ENGINES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass(frozen=True)
class Backup:
    """A backup that was made: where, its size, how long it took, its revision."""

    path: Path
    size: int
    seconds: float
    revision: str


@dataclass(frozen=True)
class Restore:
    """A restore that was done: the revision, rows per table now, and what was replaced."""

    revision: str
    seconds: float
    counts: dict[str, int]
    replaced: dict[str, int] = field(default_factory=dict)


def table_counts(engine: Engine) -> dict[str, int]:
    """Rows per mel table present in the database (alembic_version included)."""
    present = set(inspect(engine).get_table_names())
    names = [t.name for t in SQLModel.metadata.sorted_tables] + ["alembic_version"]
    with engine.connect() as connection:
        return {
            name: connection.execute(select(func.count()).select_from(table(name))).scalar_one()
            for name in names
            if name in present
        }


def describe(counts: dict[str, int]) -> str:
    """'response 1,234, unit 450, ...': the tables that hold rows, the fullest first."""
    filled = sorted((item for item in counts.items() if item[1]), key=lambda item: -item[1])
    return ", ".join(f"{name} {count:,}" for name, count in filled)


def _kind(engine: Engine) -> str:
    kind = engine.dialect.name
    if kind not in ENGINES:
        raise BackupError(f"mel backs up SQLite and PostgreSQL databases, not {kind}")
    return kind


def backup_database(
    engine: Engine, path: Path, *, force: bool = False, pg_bin_dir: str = ""
) -> Backup:
    """Write a backup of the database to `path` (refused if it exists, unless `force`)."""
    kind = _kind(engine)
    if path.is_dir():
        raise BackupError(f"{path} is a folder; give the backup's file name")
    if path.exists() and not force:
        raise BackupError(f"{path} exists; give --force to overwrite it (or choose a new name)")
    if not path.parent.is_dir():
        raise BackupError(f"folder {path.parent} does not exist")
    if kind == "sqlite" and not sqlite.database_path(engine).exists():
        raise BackupError(f"there is no database at {sqlite.database_path(engine)} to back up")
    revision = current_revision(engine)
    if revision is None:
        raise BackupError(
            "the database has no mel tables (run `mel db upgrade`): nothing to back up"
        )
    tools = find_tools(postgres.server_major(engine), pg_bin_dir) if kind == "postgresql" else None
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
    start = time.perf_counter()
    # Created empty and private first: the tools write into it and keep its mode.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        if tools is None:
            sqlite.backup(engine, partial)
        else:
            postgres.backup(engine, partial, tools)
        with partial.open("rb+") as handle:  # on disk before it replaces an older backup
            os.fsync(handle.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return Backup(path, path.stat().st_size, time.perf_counter() - start, revision)


def backup_kind(path: Path) -> str:
    """'sqlite' or 'postgresql': which engine's backup `path` is, from its first bytes."""
    if not path.is_file():
        raise BackupError(
            f"{path} does not exist" if not path.exists() else f"{path} is not a file"
        )
    with path.open("rb") as handle:
        head = handle.read(16)
    if head.startswith(sqlite.MAGIC):
        return "sqlite"
    if head.startswith(postgres.MAGIC):
        return "postgresql"
    raise BackupError(
        f"{path} is not a mel backup (neither a SQLite database nor a pg_dump archive)"
    )


def check_revision(engine: Engine, revision: str, path: Path) -> None:
    """Refuse a backup made at a migration revision this version of mel does not have."""
    try:
        known = ScriptDirectory.from_config(alembic_config(engine)).get_revision(revision)
    except CommandError:
        known = None
    if known is None:
        raise BackupError(
            f"{path} was made by another version of mel (migration revision {revision!r} is "
            "unknown here): restore it with that version, or a newer one"
        )


def restore_database(
    engine: Engine, path: Path, *, force: bool = False, pg_bin_dir: str = ""
) -> Restore:
    """Replace the database's contents with the backup at `path`."""
    kind = _kind(engine)
    found = backup_kind(path)
    if found != kind:
        raise BackupError(
            f"{path} is a {ENGINES[found]} backup but the configured database is "
            f"{ENGINES[kind]}: a backup is restored into the kind of database it came from"
        )
    tools = find_tools(postgres.server_major(engine), pg_bin_dir) if kind == "postgresql" else None
    archive = postgres.read_archive(path, tools) if tools else None
    revision = archive.revision if archive else sqlite.read_revision(path)
    check_revision(engine, revision, path)
    counts = table_counts(engine)
    # alembic's revision and the data versions (set by the migrations and triggers) are no
    # contents: a freshly upgraded database is empty
    derived = ("alembic_version", "dataversion")
    filled = {name: n for name, n in counts.items() if n and name not in derived}
    if filled and not force:
        raise BackupError(
            f"the database {engine.url.render_as_string()} is not empty: it holds rows "
            f"({describe(filled)}; revision {current_revision(engine)}). Restoring "
            f"replaces all of it with the backup (revision {revision}); give --force to do so"
        )
    start = time.perf_counter()
    if tools is None or archive is None:
        sqlite.restore(engine, path)
    else:
        postgres.restore(engine, path, tools, archive)
    engine.dispose()  # pooled connections may know the old schema
    _new_incarnation(engine)
    from mel.services import figure_store  # (pandas, via the frame cache: only when restoring)

    figure_store.clear(engine)  # the old incarnation's figures can no longer be shown
    seconds = time.perf_counter() - start
    now = current_revision(engine)
    if now != revision:
        raise BackupError(f"after restoring, the database is at revision {now}, not {revision}")
    return Restore(revision, seconds, table_counts(engine), filled)


def _new_incarnation(engine: Engine) -> None:
    """Give the restored database a new token (`mel.models.versions`): its data versions
    went back to the backup's, so a frame cached after the backup was taken must never
    match them again (a restored database is a new incarnation)."""
    with engine.begin() as connection:
        if "dataversion" in inspect(connection).get_table_names():
            connection.execute(
                text("UPDATE dataversion SET version = :token WHERE scope = 'database'"),
                {"token": secrets.randbits(62)},
            )
