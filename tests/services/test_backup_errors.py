"""`mel db backup` and `mel db restore` refuse what they should, with one clear line."""

from __future__ import annotations

import hashlib
import sqlite3
import stat
import subprocess
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mel.db import alembic_config, make_engine
from mel.models import Unit
from mel.models.accounts import AuditEvent
from mel.services.backup.pgtools import choose, find_tools
from mel.services.backup.postgres import connection, server_major
from tests.factories import make_unit
from tests.services.helpers import mel


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_refuses_to_overwrite_unless_forced(engine: Engine, db_url: str, tmp_path: Path) -> None:
    backup = tmp_path / "mel.backup"
    made = mel(db_url, "db", "backup", str(backup))
    assert made.exit_code == 0, made.output
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600  # it holds every answer
    with Session(engine) as session:
        (entry,) = session.exec(select(AuditEvent)).all()
    assert (entry.action, entry.target) == ("backup", str(backup))
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    assert entry.detail["revision"] == head and entry.detail["bytes"] == backup.stat().st_size
    before = digest(backup)
    again = mel(db_url, "db", "backup", str(backup))
    assert again.exit_code == 1
    assert f"Error: {backup} exists; give --force to overwrite it" in again.output
    assert digest(backup) == before
    assert mel(db_url, "db", "backup", "--force", str(backup)).exit_code == 0
    assert digest(backup) != before  # the new backup holds the first one's audit entry
    assert not list(tmp_path.glob(".*partial"))  # no partial files left behind


def test_nothing_to_back_up(db_url: str, tmp_path: Path) -> None:
    result = mel(db_url, "db", "backup", str(tmp_path / "x.backup"))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "there is no database at" in result.output or "has no mel tables" in result.output
    assert not (tmp_path / "x.backup").exists()


def not_mel_backups(engine: Engine, tmp_path: Path) -> list[tuple[Path, str]]:
    """Files that are no mel backup of this kind of database, with what the refusal says."""
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a backup\n")
    cases = [(text_file, "is not a mel backup (neither a SQLite database nor a pg_dump archive)")]
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t (x)")
    if engine.dialect.name == "sqlite":
        fake_dump = tmp_path / "fake.dump"
        fake_dump.write_bytes(b"PGDMP" + bytes(100))
        return [
            *cases,
            (other, "is a SQLite database but not a mel backup (no alembic_version, response"),
            (fake_dump, "is a PostgreSQL backup but the configured database is SQLite"),
        ]
    with engine.begin() as conn:  # a pg_dump archive of some other schema
        conn.execute(text('CREATE SCHEMA "other_app"; CREATE TABLE other_app.t (x int)'))
    tools = find_tools(server_major(engine))
    conninfo, env = connection(engine)
    dump = tmp_path / "other.dump"
    subprocess.run(
        [tools["pg_dump"], "-Fc", "-n", "other_app", f"--file={dump}", f"--dbname={conninfo}"],
        env=env,
        check=True,
    )
    with engine.begin() as conn:
        conn.execute(text('DROP SCHEMA "other_app" CASCADE'))
    return [
        *cases,
        (dump, "is a pg_dump archive but not a mel backup (no alembic_version, response table)"),
        (other, "is a SQLite backup but the configured database is PostgreSQL"),
    ]


def test_refuses_what_is_not_a_mel_backup(engine: Engine, db_url: str, tmp_path: Path) -> None:
    for path, message in not_mel_backups(engine, tmp_path):
        result = mel(db_url, "db", "restore", str(path))
        assert result.exit_code == 1, result.output
        assert f"Error: {path} {message}" in result.output
    missing = mel(db_url, "db", "restore", str(tmp_path / "nope.backup"))
    assert f"{tmp_path / 'nope.backup'} does not exist" in missing.output


def test_refuses_a_revision_this_mel_does_not_know(
    engine: Engine, db_url: str, fresh_url: str, tmp_path: Path
) -> None:
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))
    backup = tmp_path / "future.backup"
    assert mel(db_url, "db", "backup", str(backup)).exit_code == 0
    result = mel(fresh_url, "db", "restore", str(backup))
    assert result.exit_code == 1
    assert "was made by another version of mel (migration revision 'ffff'" in result.output


def test_choose_the_oldest_client_not_older_than_the_server() -> None:
    found = [(Path("/usr/bin"), 15), (Path("/pg/17"), 17), (Path("/pg/16"), 16)]
    assert choose(found, 16) == (Path("/pg/16"), 16)
    assert choose(found, 15) == (Path("/usr/bin"), 15)
    assert choose(found, 18) is None


def test_the_password_goes_in_the_environment_not_the_command_line() -> None:
    engine = make_engine(
        "postgresql+psycopg://mel:s3cr%20et@db.example.org:5433/mel?options=-csearch_path%3Dm"
        "&sslmode=require"
    )
    conninfo, env = connection(engine)
    assert "s3cr" not in conninfo and env["PGPASSWORD"] == "s3cr et"
    for part in ("host=db.example.org", "port=5433", "user=mel", "dbname=mel", "sslmode=require"):
        assert part in conninfo
    assert "options=-csearch_path=m" in conninfo


@pytest.fixture
def postgres(db_url: str) -> str:
    """The PostgreSQL test database (tests of pg_dump and pg_restore only)."""
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    return db_url


def test_missing_or_old_pg_dump(engine: Engine, postgres: str, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = mel(postgres, "db", "backup", str(tmp_path / "x.dump"))
    assert result.exit_code == 0, result.output
    runner_env = {"MEL_PG_BIN_DIR": str(empty)}
    missing = mel(postgres, "db", "backup", str(tmp_path / "y.dump"), env=runner_env)
    assert missing.exit_code == 1
    assert f"pg_dump was not found in {empty} (MEL_PG_BIN_DIR)" in missing.output
    assert "apt-get install postgresql-client-" in missing.output
    old = tmp_path / "old"
    old.mkdir()
    for tool in ("pg_dump", "pg_restore", "psql"):  # a client of PostgreSQL 9.6
        script = old / tool
        script.write_text(f"#!/bin/sh\necho '{tool} (PostgreSQL) 9.6.24'\n")
        script.chmod(0o755)
    older = mel(
        postgres, "db", "restore", str(tmp_path / "x.dump"), env={"MEL_PG_BIN_DIR": str(old)}
    )
    assert older.exit_code == 1
    assert "pg_dump is older than the server (PostgreSQL " in older.output
    assert f"found version 9 ({old}/pg_dump)" in older.output


def test_restore_into_another_schema_is_refused(
    engine: Engine, postgres: str, fresh_url: str, tmp_path: Path
) -> None:
    backup = tmp_path / "mel.dump"
    assert mel(postgres, "db", "backup", str(backup)).exit_code == 0
    elsewhere = fresh_url.split("?")[0] + "?options=-csearch_path%3Delsewhere"
    result = mel(elsewhere, "db", "restore", str(backup))
    assert result.exit_code == 1
    assert "the backup holds schema 't_" in result.output
    assert "but the configured database uses schema 'elsewhere'" in result.output


def test_a_failed_restore_changes_nothing(engine: Engine, postgres: str, tmp_path: Path) -> None:
    with Session(engine) as session:
        make_unit(session, "p", "u-1")
        session.commit()
    backup = tmp_path / "mel.dump"
    assert mel(postgres, "db", "backup", str(backup)).exit_code == 0
    with Session(engine) as session:
        make_unit(session, "p", "u-2")
        session.commit()
    with engine.begin() as conn:  # another application's table that depends on mel's
        conn.execute(text("CREATE TABLE notes (unit_id int REFERENCES unit (id))"))
    result = mel(postgres, "db", "restore", "--force", str(backup))
    assert result.exit_code == 1
    assert "restoring failed, the database is unchanged" in result.output
    assert "notes" in result.output  # PostgreSQL's reason: the other table depends on unit
    with Session(engine) as session:
        assert sorted(session.exec(select(Unit.code)).all()) == ["u-1", "u-2"]
