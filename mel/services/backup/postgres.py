"""PostgreSQL backups with pg_dump's custom format, restored with pg_restore and psql.

A backup holds the one schema mel's tables live in (the first schema of the connection's
search_path, e.g. set with ``?options=-csearch_path%3Dmel`` in the URL), so several mel
databases can share one PostgreSQL database. pg_dump reads one consistent snapshot while
the app serves. A restore recreates that schema's tables in the configured database, in one
transaction: pg_restore writes the SQL and psql runs it with ``--single-transaction``,
after dropping the mel tables already there, so it either replaces all of them or none.
The connection comes from MEL_DATABASE_URL; its password goes to the tools in PGPASSWORD,
never on their command line.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from psycopg.conninfo import make_conninfo
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from mel.services.backup.errors import BackupError
from mel.services.backup.pgtools import PgTools

MAGIC = b"PGDMP"
REQUIRED = ("alembic_version", "response")
TRIGGER_FUNCTIONS = ("mel_dv_response()", "mel_dv_cases()", "mel_dv_design()", "mel_dv_bump(text)")
LOCK_TIMEOUT = "30s"  # a restore waiting longer for a table lock stops: the app still runs
_TABLE = re.compile(r"^\d+; \d+ \d+ TABLE (?!DATA )(\S+) (\S+) ")
_SCHEMA = re.compile(r"^\d+; \d+ \d+ (SCHEMA|COMMENT - SCHEMA) ")


def server_major(engine: Engine) -> int:
    """The server's major version (15 for 15.4)."""
    with engine.connect() as connection:
        return int(connection.execute(text("SHOW server_version_num")).scalar_one()) // 10000


def connection(engine: Engine) -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password, and the tools' environment with it."""
    url = engine.url
    params = {
        key: (value[-1] if isinstance(value, tuple) else value) for key, value in url.query.items()
    }
    for key, value in (("host", url.host), ("port", url.port), ("user", url.username)):
        if value is not None:
            params[key] = str(value)
    conninfo = make_conninfo("", dbname=url.database or "", **params)
    env = dict(os.environ)  # the tools' own PG* variables (PGSSLMODE, PGPASSFILE...) still apply
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return conninfo, env


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def target_schema(engine: Engine) -> str:
    """The schema of mel's tables: the search_path's first existing schema, else its first."""
    with engine.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar()
        if schema is not None:
            return str(schema)
        search_path = str(conn.execute(text("SHOW search_path")).scalar())
    for entry in (part.strip() for part in search_path.split(",")):
        if entry and entry != '"$user"':
            return entry[1:-1].replace('""', '"') if entry.startswith('"') else entry
    raise BackupError(f"the search_path ({search_path}) names no schema to restore into")


def _run(args: list[str], env: dict[str, str], what: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {_first_lines(done.stderr)}")
    return done


def _first_lines(message: str, count: int = 3) -> str:
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    return " / ".join(lines[:count]) or "no message"


def backup(engine: Engine, target: Path, tools: PgTools) -> None:
    """Dump the schema of mel's tables into `target` (pg_dump's custom format)."""
    schema = target_schema(engine)
    if schema not in inspect(engine).get_schema_names():
        raise BackupError(f"schema {schema!r} does not exist: nothing to back up")
    conninfo, env = connection(engine)
    _run(
        [
            tools["pg_dump"],
            "--format=custom",
            f"--schema={_quote(schema)}",  # quoted: the name is not a pattern
            "--no-password",
            f"--lock-wait-timeout={LOCK_TIMEOUT}",
            f"--file={target}",
            f"--dbname={conninfo}",
        ],
        env,
        "pg_dump",
    )


@dataclass(frozen=True)
class Archive:
    """What a mel backup made by pg_dump holds: its schema, tables, revision and TOC."""

    schema: str
    tables: frozenset[str]
    revision: str
    toc: tuple[str, ...]


def read_archive(path: Path, tools: PgTools) -> Archive:
    """Check that `path` is a pg_dump archive of a mel database and say what it holds."""
    done = subprocess.run(
        [tools["pg_restore"], "--list", str(path)], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise BackupError(f"{path} is not a readable pg_dump archive ({_first_lines(done.stderr)})")
    toc = tuple(done.stdout.splitlines())
    found = [match.groups() for match in map(_TABLE.match, toc) if match]
    schemas = {schema for schema, _ in found}
    tables = frozenset(table for _, table in found)
    missing = [name for name in REQUIRED if name not in tables]
    if missing or len(schemas) != 1:
        detail = f"no {', '.join(missing)} table" if missing else f"schemas {sorted(schemas)}"
        raise BackupError(f"{path} is a pg_dump archive but not a mel backup ({detail})")
    data = _run(
        [tools["pg_restore"], "--data-only", "--table=alembic_version", "--file=-", str(path)],
        dict(os.environ),
        "reading the backup's revision",
    ).stdout
    copied = data.split("FROM stdin;\n", 1)
    rows = copied[1].split("\n\\.", 1)[0].split() if len(copied) == 2 else []
    if len(rows) != 1:
        raise BackupError(f"{path} is not a mel backup (its alembic_version table is empty)")
    return Archive(schemas.pop(), tables, rows[0], toc)


def restore(engine: Engine, path: Path, tools: PgTools, archive: Archive) -> None:
    """Replace mel's tables in the configured schema with the backup's, in one transaction."""
    schema = target_schema(engine)
    if schema != archive.schema:
        raise BackupError(
            f"the backup holds schema {archive.schema!r} but the configured database uses "
            f"schema {schema!r}: restore into a database whose search_path starts with "
            f"{archive.schema} (MEL_DATABASE_URL ...?options=-csearch_path%3D{archive.schema})"
        )
    inspector = inspect(engine)
    present = inspector.get_schema_names()
    existing = set(inspector.get_table_names()) if schema in present else set()
    ours = set(SQLModel.metadata.tables) | {"alembic_version"} | archive.tables
    drop = ", ".join(f"{_quote(schema)}.{_quote(name)}" for name in sorted(existing & ours))
    prologue = [
        "SET client_min_messages = warning",
        f"SET lock_timeout = '{LOCK_TIMEOUT}'",
        f"CREATE SCHEMA IF NOT EXISTS {_quote(schema)}",
    ]
    if drop:  # older and newer mel tables alike: the database ends at the backup's revision
        prologue.append(f"DROP TABLE {drop}")
    # The data versions' trigger functions (migration 0012): the backup makes its own.
    functions = ", ".join(f"{_quote(schema)}.{f}" for f in TRIGGER_FUNCTIONS)
    prologue.append(f"DROP FUNCTION IF EXISTS {functions}")
    conninfo, env = connection(engine)
    with tempfile.TemporaryDirectory(prefix="mel-restore-") as folder:
        listing = Path(folder) / "toc.list"
        # Everything but the schema, which the prologue makes (it may exist, e.g. public).
        listing.write_text("\n".join(line for line in archive.toc if not _SCHEMA.match(line)))
        restore_sql = [tools["pg_restore"], "--no-owner", "--no-privileges"]
        restore_sql += [f"--use-list={listing}", "--file=-", str(path)]
        psql = [tools["psql"], "--no-psqlrc", "--quiet", "--no-password", "--set=ON_ERROR_STOP=1"]
        psql += ["--single-transaction", f"--dbname={conninfo}"]
        psql += [f"--command={statement}" for statement in prologue] + ["--file=-"]
        _pipe(restore_sql, psql, env)


def _pipe(producer: list[str], consumer: list[str], env: dict[str, str]) -> None:
    """Run `producer | consumer`; if the producer fails, kill the consumer before it commits.

    psql commits its single transaction only at the end of its input, so it is killed (and
    the server rolls back) unless pg_restore wrote the whole script.
    """
    with tempfile.TemporaryFile() as produce_err, tempfile.TemporaryFile() as consume_err:
        writer = subprocess.Popen(producer, env=env, stdout=subprocess.PIPE, stderr=produce_err)
        reader = subprocess.Popen(
            consumer, env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=consume_err
        )
        assert writer.stdout is not None and reader.stdin is not None
        try:
            shutil.copyfileobj(writer.stdout, reader.stdin)
        except BrokenPipeError:  # psql stopped at an error; its message says which
            pass
        writer.stdout.close()
        if writer.wait() != 0 and reader.poll() is None:
            reader.kill()
        try:
            reader.stdin.close()
        except BrokenPipeError:
            pass
        if reader.wait() > 0:  # psql stopped by itself: rolled back
            consume_err.seek(0)
            reason = _first_lines(consume_err.read().decode(errors="replace"))
            raise BackupError(f"restoring failed, the database is unchanged: {reason}")
        if writer.returncode != 0:
            produce_err.seek(0)
            reason = _first_lines(produce_err.read().decode(errors="replace"))
            raise BackupError(f"pg_restore failed, the database is unchanged: {reason}")
