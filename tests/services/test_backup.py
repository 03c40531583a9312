"""`mel db backup` and `mel db restore`: a backup taken while responses keep coming in
restores to the same rows, table for table, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import select as sql_select
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from mel.db import alembic_config, current_revision, make_engine, upgrade
from mel.models import DataVersion, Response
from mel.models.accounts import AuditEvent
from tests.factories import stored_figures
from tests.services.helpers import create_url_schema, mel


def rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every mel table and alembic_version, in primary-key order."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for model_table in SQLModel.metadata.sorted_tables:
            keys = list(model_table.primary_key.columns)
            found[model_table.name] = [
                tuple(row) for row in connection.execute(sql_select(model_table).order_by(*keys))
            ]
        found["alembic_version"] = [
            tuple(row)
            for row in connection.execute(text("SELECT version_num FROM alembic_version"))
        ]
    return found


class Inserter(threading.Thread):
    """Keeps storing responses (each in its own transaction) until stopped."""

    def __init__(self, url: str, like: Response) -> None:
        super().__init__(daemon=True)
        self.engine = make_engine(url)
        self.like = like
        self.count = 0
        self.error: BaseException | None = None
        self.stopping = threading.Event()
        self.changed = threading.Condition()

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                with Session(self.engine) as session:
                    session.add(
                        Response(
                            public_id=str(uuid.uuid4()),
                            wave_id=self.like.wave_id,
                            instrument_version_id=self.like.instrument_version_id,
                            respondent_id=str(uuid.uuid4()),
                            status="complete",
                            answers={"toelichting": f"nieuw {self.count}"},
                        )
                    )
                    session.commit()
                with self.changed:
                    self.count += 1
                    self.changed.notify_all()
        except BaseException as exc:  # reported by wait_for
            self.error = exc
            with self.changed:
                self.changed.notify_all()
        finally:
            self.engine.dispose()

    def wait_for(self, count: int) -> None:
        """Wait until `count` responses were stored (or the thread failed)."""
        with self.changed:
            self.changed.wait_for(lambda: self.count >= count or self.error is not None)
        if self.error is not None:
            raise self.error


def count_responses(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM response")).scalar_one()


def test_backup_while_serving_restores_every_row(
    db_url: str, fresh_url: str, tmp_path: Path
) -> None:
    assert (
        mel(db_url, "demo", "--no-serve", "--scale", "0.05", "--database-url", db_url).exit_code
        == 0
    )
    source = make_engine(db_url)
    with Session(source) as session:
        like = session.exec(select(Response)).first()
    inserter = Inserter(db_url, like)
    inserter.start()
    try:
        inserter.wait_for(20)
        committed_before = count_responses(source)
        backup = tmp_path / "mel.backup"
        made = mel(db_url, "db", "backup", str(backup))
        inserter.wait_for(inserter.count + 20)  # still writing after the backup
    finally:
        inserter.stopping.set()
        inserter.join()
    assert made.exit_code == 0, made.output
    assert f"to {backup}" in made.output
    restored = mel(fresh_url, "db", "restore", str(backup))
    assert restored.exit_code == 0, restored.output
    target = make_engine(fresh_url)
    before, after = rows(source), rows(target)
    assert set(after) == set(SQLModel.metadata.tables) | {"alembic_version"}
    # The backup is one moment: every response stored before it began, then a prefix of
    # the ones stored meanwhile.
    taken = after.pop("response")
    assert committed_before <= len(taken) < len(before["response"])
    assert taken == before.pop("response")[: len(taken)]
    # The source logged the backup after taking it; the restored copy logs the restore.
    audit_before, audit_after = before.pop("auditevent"), after.pop("auditevent")
    assert audit_after[:-1] == audit_before[:-1]
    assert (audit_before[-1][3], audit_after[-1][3]) == ("backup", "restore")
    # Data versions are derived (the source went on counting its new responses) and the
    # restored database is a new incarnation: a new token, so no cached frame matches it.
    versions_before, versions_after = (
        dict(before.pop("dataversion")),
        dict(after.pop("dataversion")),
    )
    assert versions_after["database"] != versions_before["database"]
    assert after == before  # every other table, row for row
    assert current_revision(target) == current_revision(source)
    assert mel(fresh_url, "db", "upgrade").exit_code == 0
    source.dispose()
    target.dispose()


def test_restore_leaves_the_backups_revision_and_upgrade_works(
    db_url: str, fresh_url: str, tmp_path: Path
) -> None:
    older = make_engine(db_url)
    upgrade(older, "0003")
    backup = tmp_path / "old.backup"
    assert mel(db_url, "db", "backup", str(backup)).exit_code == 0
    newer = make_engine(fresh_url)
    create_url_schema(newer)
    assert mel(fresh_url, "db", "upgrade").exit_code == 0  # a newer, empty database
    with Session(newer) as session:
        session.add(AuditEvent(actor="x", action="something"))
        session.commit()
    refused = mel(fresh_url, "db", "restore", str(backup))
    assert refused.exit_code == 1
    head = ScriptDirectory.from_config(alembic_config(newer)).get_current_head()
    assert f"is not empty: it holds rows (auditevent 1; revision {head})" in refused.output
    assert "give --force" in refused.output
    done = mel(fresh_url, "db", "restore", "--force", str(backup))
    assert done.exit_code == 0, done.output
    assert "revision 0003" in done.output and "run `mel db upgrade`" in done.output
    assert current_revision(newer) == "0003"
    with Session(newer) as session:
        (entry,) = session.exec(select(AuditEvent)).all()
    assert entry.action == "restore" and entry.detail["replaced"] == {"auditevent": 1}
    upgraded = mel(fresh_url, "db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    assert (
        current_revision(newer)
        == ScriptDirectory.from_config(alembic_config(newer)).get_current_head()
    )
    older.dispose()
    newer.dispose()


def test_restore_into_a_database_at_the_head(db_url: str, tmp_path: Path) -> None:
    """A backup of today's schema (its data versions' triggers included) restores over the
    database it came from, and that database counts responses again."""
    engine = make_engine(db_url)
    upgrade(engine)
    backup = tmp_path / "head.backup"
    assert mel(db_url, "db", "backup", str(backup)).exit_code == 0
    done = mel(db_url, "db", "restore", "--force", str(backup))
    assert done.exit_code == 0, done.output
    with Session(engine) as session:
        token = session.exec(select(DataVersion).where(DataVersion.scope == "database")).one()
        assert token.version
    engine.dispose()


def test_restore_removes_the_dashboards_stored_figures(db_url: str, tmp_path: Path) -> None:
    """The restored database is a new incarnation: the figures kept of the old one go."""
    engine = make_engine(db_url)
    upgrade(engine)
    stored = stored_figures(engine, db_url, tmp_path / "frames")
    backup = tmp_path / "head.backup"
    env = {"MEL_FRAME_CACHE": str(tmp_path / "frames")}
    assert mel(db_url, "db", "backup", str(backup), env=env).exit_code == 0
    assert stored.exists()  # the test can fail
    done = mel(db_url, "db", "restore", "--force", str(backup), env=env)
    assert done.exit_code == 0, done.output
    assert not stored.exists()
    engine.dispose()
