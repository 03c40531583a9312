"""After erasure or a retention purge: leave no readable copy of the deleted answers.

Deleting a row does not remove its bytes. On SQLite, every connection sets
``secure_delete`` (mel.db) so freed space is zeroed, but the write-ahead log still holds
the pages as they were until a checkpoint copies the zeroed pages back and the log is
truncated. On PostgreSQL a deleted or updated row stays in its page as a dead tuple; a plain
VACUUM marks the space free but may leave the bytes where they were, so the affected tables
are rewritten with ``VACUUM FULL`` (a short exclusive lock: survey pages wait for it). Copies
outside the database (PostgreSQL's WAL archive, backups) keep old data until they expire.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

# How long VACUUM FULL may wait for its lock before falling back to a plain VACUUM; the
# app's requests queue behind a waiting VACUUM FULL, so this is kept short.
VACUUM_LOCK_TIMEOUT = "5s"


def scrub(engine: Engine, tables: Sequence[str]) -> list[str]:
    """Remove the leftovers of deleted rows of `tables`; return notes on what could not be done.

    Runs after the deleting transaction has committed (VACUUM cannot run inside one).
    """
    if engine.dialect.name == "sqlite":
        return _checkpoint(engine)
    if engine.dialect.name == "postgresql":
        return _vacuum(engine, tables)
    return []


def _checkpoint(engine: Engine) -> list[str]:
    """Copy the WAL's zeroed pages into the database file and truncate the WAL to nothing."""
    raw = engine.raw_connection()
    try:
        busy, _log, _done = raw.driver_connection.execute(
            "PRAGMA wal_checkpoint(TRUNCATE)"
        ).fetchone()
    finally:
        raw.close()
    if busy:
        return [
            "the SQLite write-ahead log could not be emptied (the app is busy reading); the "
            "erased answers remain in its old pages until the next checkpoint: run the "
            "command again when the app is quiet"
        ]
    return []


def _vacuum(engine: Engine, tables: Sequence[str]) -> list[str]:
    """Rewrite `tables` (VACUUM FULL); when their lock is not free soon, VACUUM them."""
    notes: list[str] = []
    quote = engine.dialect.identifier_preparer.quote
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(f"SET lock_timeout = '{VACUUM_LOCK_TIMEOUT}'")
        for table in tables:
            try:
                connection.exec_driver_sql(f"VACUUM (FULL, ANALYZE) {quote(table)}")
            except OperationalError as exc:
                if getattr(exc.orig, "sqlstate", None) != "55P03":  # lock_not_available
                    raise
                connection.exec_driver_sql(f"VACUUM (ANALYZE) {quote(table)}")
                notes.append(
                    f"table {table} was busy, so it was vacuumed without being rewritten: the "
                    f"deleted rows' bytes may stay in free space until overwritten. Run "
                    f"`VACUUM FULL {table}` in a quiet moment"
                )
    return notes
