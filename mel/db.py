"""Database engine, sessions and migrations for SQLite (default) and PostgreSQL."""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DisconnectionError
from sqlmodel import Session, create_engine

from mel.db_timeouts import CLIENT_GRACE_S, Timeouts, postgres_connect_args, watch_statements
from mel.settings import ConfigError, project_path

# A pooled PostgreSQL connection idle longer than this is pinged before use (see below).
PING_AFTER_IDLE_S = 5.0


def make_engine(url: str, timeouts: Timeouts | None = None, *, autocommit: bool = False) -> Engine:
    """Create an engine with time limits (see `mel.db_timeouts`; default: a command's).

    SQLite gets WAL, a bounded busy timeout and enforced foreign keys; PostgreSQL a connect
    timeout and server-side statement limits. `autocommit`: every statement commits by
    itself; the pool's connections are opened that way and stay so, where an
    ``execution_options(isolation_level=...)`` engine switches each connection on every
    checkout and back on every return (about 30-60 us of CPU per request).
    """
    timeouts = timeouts or Timeouts()
    try:
        parsed = make_url(url)
    except Exception as exc:  # sqlalchemy raises ArgumentError with a terse message
        raise ConfigError(f"MEL_DATABASE_URL is not a database URL: {url!r} ({exc})") from None
    pool_wait: dict[str, Any] = {"pool_timeout": timeouts.connect} if timeouts.connect else {}
    if autocommit:
        pool_wait["isolation_level"] = "AUTOCOMMIT"
    if parsed.get_backend_name() == "sqlite":
        busy = timeouts.sqlite_busy
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": busy}, **pool_wait
        )
        event.listen(engine, "connect", functools.partial(_sqlite_pragmas, busy_s=busy))
        if timeouts.statement:
            watch_statements(engine, timeouts.statement, "sqlite")
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    connect_args = {}
    if parsed.get_backend_name() == "postgresql":
        connect_args = postgres_connect_args(parsed, timeouts)
    engine = create_engine(parsed, connect_args=connect_args, **pool_wait)
    ping_when_idle(engine, PING_AFTER_IDLE_S)
    if timeouts.statement and parsed.get_driver_name() == "psycopg":
        watch_statements(engine, timeouts.statement + CLIENT_GRACE_S, "postgresql")
    return engine


def ping_when_idle(engine: Engine, idle_seconds: float = PING_AFTER_IDLE_S) -> None:
    """Check a pooled connection before use only when it sat idle (instead of pool_pre_ping).

    `pool_pre_ping` costs a round trip and a few autocommit switches on every checkout, that
    is on every web request. Connections in steady use need no ping: a server restart or a
    dropped link mostly hits connections that waited in the pool, and those are still pinged
    (after `idle_seconds`). A connection the driver already knows to be broken is replaced
    without a round trip. Raising DisconnectionError makes the pool retry with a new one.
    """
    dialect = engine.dialect

    def checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["mel_idle_since"] = time.monotonic()

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if getattr(dbapi_connection, "broken", False) or getattr(dbapi_connection, "closed", False):
            raise DisconnectionError("connection was closed")
        since = record.info.get("mel_idle_since")
        if since is None or time.monotonic() - since < idle_seconds:
            return  # brand new (just connected) or in steady use
        try:
            alive = dialect.do_ping(dbapi_connection)
        except Exception as exc:
            if dialect.is_disconnect(exc, dbapi_connection, None):
                raise DisconnectionError(str(exc)) from exc
            raise
        if alive is False:
            raise DisconnectionError("ping failed")

    event.listen(engine, "checkin", checkin)
    event.listen(engine, "checkout", checkout)


def _sqlite_pragmas(dbapi_connection, _record, *, busy_s: float) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # Deleted rows are overwritten with zeros, so erased answers leave no readable bytes
    # (the WAL keeps old page images until a checkpoint: see mel.services.scrub). Some
    # builds (Debian's) have this on by default, most (macOS, Windows) do not.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute(f"PRAGMA busy_timeout={round(busy_s * 1000)}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """Yield a session that commits on success and rolls back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def alembic_config(engine: Engine) -> AlembicConfig:
    """Return an Alembic config for mel's migrations bound to `engine`."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(project_path("migrations")))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to `revision` (creates the schema on an empty database)."""
    command.upgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    """Return the database's migration revision, or None before the first migration."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
