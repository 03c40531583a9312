"""SQLite backups with SQLite's online backup API.

Copying the database file while mel serves misses what still sits in the write-ahead log
(and may copy a half-written page). The backup API copies every page of one consistent
snapshot, WAL included, in one step: the app's writers carry on meanwhile (in WAL mode a
reader blocks no writer), and the copy is what the database held at one moment. The
backup is a plain SQLite file (rollback journal, no -wal file beside it) that `sqlite3`
opens as it is.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import Engine

from mel.services.backup.errors import BackupError

MAGIC = b"SQLite format 3\x00"
REQUIRED = ("alembic_version", "response")


def database_path(engine: Engine) -> Path:
    """The file of a SQLite engine (an in-memory database has none)."""
    name = engine.url.database
    if not name or name == ":memory:" or name.startswith("file::memory:"):
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(name)


def backup(engine: Engine, target: Path) -> None:
    """Copy the database into the (new, empty) file `target`, then check the copy."""
    raw = engine.raw_connection()
    try:
        copy = sqlite3.connect(target)
        try:
            raw.driver_connection.backup(copy)  # all pages in one step: one snapshot
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            (check,) = copy.execute("PRAGMA quick_check").fetchone()
        finally:
            copy.close()
    finally:
        raw.close()
    if check != "ok":
        raise BackupError(f"the copy failed SQLite's check ({check}); the database may be damaged")


def _open(path: Path) -> sqlite3.Connection:
    """Open a backup read-only (it is never changed by reading or restoring it)."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def read_revision(path: Path) -> str:
    """The migration revision of a SQLite backup, checking that it is an intact mel database."""
    try:
        connection = _open(path)
        try:
            (check,) = connection.execute("PRAGMA quick_check").fetchone()
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
            revisions = (
                connection.execute("SELECT version_num FROM alembic_version").fetchall()
                if "alembic_version" in tables
                else []
            )
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise BackupError(f"{path} cannot be read as a SQLite database ({exc})") from None
    if check != "ok":
        raise BackupError(f"{path} is damaged (SQLite's check says: {check})")
    missing = [name for name in REQUIRED if name not in tables]
    if missing or len(revisions) != 1:
        raise BackupError(
            f"{path} is a SQLite database but not a mel backup (no {', '.join(missing)} table)"
            if missing
            else f"{path} is not a mel backup (its alembic_version table is empty)"
        )
    return str(revisions[0][0])


def restore(engine: Engine, path: Path) -> None:
    """Replace the whole database with the backup, page by page, in one transaction."""
    raw = engine.raw_connection()
    try:
        source = _open(path)
        try:
            source.backup(raw.driver_connection)
        except sqlite3.Error as exc:
            raise BackupError(
                f"restoring {path} failed, the database is unchanged ({exc})"
            ) from None
        finally:
            source.close()
        # Leave the restored pages in the database file, not only in its write-ahead log.
        raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
