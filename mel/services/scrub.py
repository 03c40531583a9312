"""After erasure or a retention purge: leave no readable copy of the deleted answers.

Deleting a row does not remove its bytes. On SQLite, every connection sets
``secure_delete`` (mel.db) so freed space is zeroed, but the write-ahead log still holds
the pages as they were until a checkpoint copies the zeroed pages back and the log is
truncated. On PostgreSQL a deleted or updated row stays in its page as a dead tuple; a plain
VACUUM marks the space free but may leave the bytes where they were, so the affected tables
are rewritten with ``VACUUM FULL`` (a short exclusive lock: survey pages wait for it). It can
only drop rows no running transaction may still see, so it first waits a little for
transactions that began before the deletion; what it could not do is said in a warning.
The frame cache (`mel.data.frame_cache`: Parquet files of analysis frames in the instance
folder) holds the answers too; its files of the database are removed, and the frames are
built again from what is left when next read. So are the dashboards' figures kept on disk
(`mel.services.figure_store`): aggregates of the erased answers. Copies outside the database
and the caches (PostgreSQL's WAL archive, backups) keep old data until they expire.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from mel.data import frame_cache
from mel.services import figure_store

# How long VACUUM FULL may wait for its lock before falling back to a plain VACUUM; the
# app's requests queue behind a waiting VACUUM FULL, so this is kept short.
VACUUM_LOCK_TIMEOUT = "5s"
# How long to wait for transactions older than the deletion, which keep the deleted rows.
WAIT_FOR_OLDER_TRANSACTIONS_S = 30.0


def scrub(engine: Engine, tables: Sequence[str]) -> list[str]:
    """Remove the leftovers of deleted rows of `tables`; return notes on what could not be done.

    Runs after the deleting transaction has committed (VACUUM cannot run inside one).
    """
    frame_cache.clear(engine)
    figure_store.clear(engine)
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


def _older_transactions(connection: Connection, since: datetime) -> list[str]:
    """Sessions begun before `since` that keep deleted rows: a snapshot here, a write anywhere."""
    found = connection.execute(
        text(
            "SELECT pid, coalesce(nullif(application_name, ''), datname, backend_type) "
            "FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND xact_start < :since "
            "AND (backend_xid IS NOT NULL "
            "OR (backend_xmin IS NOT NULL AND datname = current_database()))"
        ),
        {"since": since},
    ).all()
    return [f"{name} (pid {pid})" for pid, name in found]


def _vacuum(engine: Engine, tables: Sequence[str]) -> list[str]:
    """Rewrite `tables` (VACUUM FULL); when their lock is not free soon, VACUUM them."""
    notes: list[str] = []
    quote = engine.dialect.identifier_preparer.quote
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        # PostgreSQL keeps deleted rows that a transaction older than the deletion may see:
        # every snapshot, VACUUM's own included, counts write transactions of all databases
        # as running. Wait (a little) for such transactions to end.
        since = connection.execute(text("SELECT clock_timestamp()")).scalar_one()
        deadline = time.monotonic() + WAIT_FOR_OLDER_TRANSACTIONS_S
        while (older := _older_transactions(connection, since)) and time.monotonic() < deadline:
            time.sleep(0.2)
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
                    f"deleted rows' bytes may stay in free space until overwritten"
                )
        if older:
            notes.append(
                "transactions that began before the deletion were still running ("
                + ", ".join(older)
                + "), so PostgreSQL may have kept the deleted rows for them"
            )
    if notes:
        names = ", ".join(tables)
        notes.append(f"when the database is quiet, run `VACUUM FULL {names}` (e.g. in psql)")
    return notes
