"""Time limits on database connections and statements, so a hung database cannot hang mel.

Three layers, each for what the one before cannot catch:

- connecting: libpq's ``connect_timeout`` (a server that never answers, a black-holed
  address), and the pool's wait for a free connection;
- the server: PostgreSQL's ``lock_timeout`` (a blocked table fails fast),
  ``statement_timeout`` (a slow query) and ``idle_in_transaction_session_timeout``, set as
  startup options of each connection (no round trip per request); SQLite's busy timeout;
- the client: a watchdog thread ends a statement that runs past its deadline from outside,
  by interrupting SQLite (it has no statement timeout of its own) or by shutting down the
  PostgreSQL socket a little after the server should have cancelled it (a frozen server or
  a dead link, where the server's own timeout never comes back).

Each of them makes the database call raise (an OperationalError), which the web app turns
into the friendly "try again" page, so a thread is never stuck in the database for longer
than its limits: gunicorn's ``--timeout`` cannot free a stuck gthread thread.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Engine

from mel.settings import Settings

log = logging.getLogger(__name__)

# The longest SQLite waits for another writer's lock (never longer than a statement may run).
SQLITE_BUSY_TIMEOUT_S = 10.0
# A PostgreSQL statement is ended by the client this long after the server should have
# cancelled it: only when the server or the link has stopped answering.
CLIENT_GRACE_S = 5.0
# How often the watchdog looks at running statements.
WATCH_INTERVAL_S = 0.25


@dataclass(frozen=True)
class Timeouts:
    """Seconds a connection may take to open, a statement to run (and to wait for a lock),
    a transaction to idle.

    0 means no limit (for `lock`: the statement's). The defaults are those of commands;
    the web app uses `for_web`.
    """

    connect: int = 5
    statement: float = 600.0
    lock: float = 0.0
    idle_in_transaction: float = 0.0

    @classmethod
    def for_web(cls, settings: Settings) -> Timeouts:
        """The limits for web requests (MEL_DB_* settings)."""
        return cls(
            connect=settings.db_connect_timeout,
            statement=settings.db_statement_timeout,
            lock=settings.db_lock_timeout,
            idle_in_transaction=settings.db_idle_in_transaction_timeout,
        )

    @classmethod
    def for_commands(cls, settings: Settings) -> Timeouts:
        """The limits for commands and reports (a longer statement timeout, no idle limit)."""
        return cls(
            connect=settings.db_connect_timeout, statement=settings.db_command_statement_timeout
        )

    @property
    def sqlite_busy(self) -> float:
        """Seconds SQLite waits for a lock: the lock timeout, at most 10 s and the statement's."""
        return min(limit for limit in (SQLITE_BUSY_TIMEOUT_S, self.lock, self.statement) if limit)


def postgres_connect_args(url: URL, timeouts: Timeouts) -> dict[str, str]:
    """libpq parameters for the connect timeout and server-side limits.

    They are added to the URL's own ``options`` (a limit the URL sets itself wins), and
    passed as connect arguments, so the URL mel shows stays as it was given.
    """
    args = {}
    if timeouts.connect and "connect_timeout" not in url.query:
        args["connect_timeout"] = str(max(2, timeouts.connect))
    given = url.query.get("options", "")
    options = [given] if isinstance(given, str) else list(given)
    limits = {
        "statement_timeout": timeouts.statement,
        "lock_timeout": timeouts.lock,
        "idle_in_transaction_session_timeout": timeouts.idle_in_transaction,
    }
    added = [
        f"-c {name}={round(seconds * 1000)}"
        for name, seconds in limits.items()
        if seconds and not any(name in option for option in options)
    ]
    if added:
        args["options"] = " ".join([*(option for option in options if option), *added])
    return args


class StatementWatch:
    """Ends statements that run past their deadline, from a thread of its own.

    A statement is registered by the thread that runs it and removed when it returns or
    fails; the watchdog acts only on a statement still registered (under the lock), so
    it never touches a connection that has moved on.
    """

    def __init__(self) -> None:
        self._running: dict[int, tuple[float, Any, str]] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def start(self, dbapi_connection: Any, deadline: float, kind: str) -> None:
        """Watch a statement starting now on `dbapi_connection` (kind: sqlite or postgresql)."""
        with self._lock:
            self._running[id(dbapi_connection)] = (deadline, dbapi_connection, kind)
            if self._thread is None or self._pid != os.getpid():  # none yet, or forked
                self._pid = os.getpid()
                self._thread = threading.Thread(
                    target=self._watch, name="mel-statement-watch", daemon=True
                )
                self._thread.start()

    def stop(self, dbapi_connection: Any) -> None:
        """The statement on `dbapi_connection` returned or failed."""
        with self._lock:
            self._running.pop(id(dbapi_connection), None)

    def _watch(self) -> None:
        while True:
            time.sleep(WATCH_INTERVAL_S)
            self.end_overdue(time.monotonic())

    def end_overdue(self, now: float) -> None:
        """End every statement whose deadline has passed."""
        with self._lock:
            overdue = [key for key, (deadline, _c, _k) in self._running.items() if deadline < now]
            for key in overdue:
                _deadline, dbapi_connection, kind = self._running.pop(key)
                try:
                    _end(dbapi_connection, kind)
                except Exception as exc:  # the connection closed meanwhile: nothing to end
                    log.debug("could not end an overdue statement: %s", exc)


def _end(dbapi_connection: Any, kind: str) -> None:
    """Make the running statement fail in its own thread."""
    if kind == "sqlite":
        dbapi_connection.interrupt()
        log.warning("SQLite statement interrupted: it ran past the statement timeout")
        return
    # The server did not cancel it: it or the link is gone. Shutting the socket down makes
    # libpq's wait return and psycopg raise; the pool then drops the broken connection.
    fd = dbapi_connection.pgconn.socket
    with socket.socket(fileno=os.dup(fd)) as sock:
        sock.shutdown(socket.SHUT_RDWR)
    log.warning("PostgreSQL connection closed: the server did not answer a statement in time")


WATCH = StatementWatch()


def watch_statements(engine: Engine, seconds: float, kind: str) -> None:
    """Give every statement on `engine` a deadline `seconds` after it starts."""

    def started(conn: Any, *_args: Any) -> None:
        WATCH.start(conn.connection.dbapi_connection, time.monotonic() + seconds, kind)

    def finished(conn: Any, *_args: Any) -> None:
        WATCH.stop(conn.connection.dbapi_connection)

    def failed(context: Any) -> None:
        if context.connection is None:
            return  # connecting failed: no statement ran
        try:
            dbapi_connection = context.connection.connection.dbapi_connection
        except Exception:  # already invalidated; a later statement replaces the entry
            return
        WATCH.stop(dbapi_connection)

    event.listen(engine, "before_cursor_execute", started)
    event.listen(engine, "after_cursor_execute", finished)
    event.listen(engine, "handle_error", failed)
