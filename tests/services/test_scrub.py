"""Erasure and retention leave no readable copy of the answers: not in SQLite's file or its
write-ahead log, not in PostgreSQL's pages (dead tuples)."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, ProgrammingError

from mel.cli import main
from mel.data import frame_cache
from mel.data.frame import frame
from mel.db import _sqlite_pragmas, make_engine, session_scope, upgrade
from mel.models import Invitation, Response, WaveStratum
from mel.services import figure_store
from tests.factories import make_unit, make_wave, publish_survey, stored_figures, survey_dict
from tests.services.helpers import create_url_schema


def add_response(
    engine: Engine,
    answer: str,
    reference: str,
    *,
    expired: bool = False,
    status: str = "in_progress",
) -> str:
    """Store a respondent's response (via an invitation) among others; return the respondent id."""
    with session_scope(engine) as session:
        version = publish_survey(session, survey_dict())
        wave = make_wave(session, "test-survey")
        if expired:
            wave.retention_until = date.today() - timedelta(days=1)
            session.add(wave)
        respondent = str(uuid.uuid4())
        session.add(WaveStratum(wave_id=wave.id, stratum="s", population_size=24, sample_size=12))
        for n in range(12):  # neighbours on the same pages, before and after
            invitation = Invitation(
                token_hash=uuid.uuid4().hex * 2,
                wave_id=wave.id,
                instrument_id=version.instrument_id,
                reference=reference if n == 11 else f"code-{n:04d}",
            )
            session.add(invitation)
            session.flush()
            # A complete response counts in the wave's frame: each of its own unit.
            unit = make_unit(session, "test-programme", f"u-{n}", wave=wave)
            session.add(
                Response(
                    public_id=str(uuid.uuid4()),
                    wave_id=wave.id,
                    instrument_version_id=version.id,
                    invitation_id=invitation.id,
                    respondent_id=respondent if n == 11 else str(uuid.uuid4()),
                    answers={"cijfer": 7, "toelichting": answer if n == 11 else f"tekst {n}"},
                    status=status,
                    unit_id=unit.id if status == "complete" else None,
                )
            )
        return respondent


def sqlite_bytes(engine: Engine) -> bytes:
    """The raw bytes of the SQLite database file and its write-ahead log."""
    path = Path(engine.url.database or "")
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


@pytest.fixture
def pageinspect(engine: Engine) -> Iterator[None]:
    """PostgreSQL's pageinspect extension (raw pages), installed once in `public`."""
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS pageinspect SCHEMA public"))
    except (IntegrityError, ProgrammingError):  # a parallel run created it at the same moment
        pass
    yield


def postgres_bytes(engine: Engine, table: str) -> bytes:
    """Every page (live and free space) of `table` and its TOAST table, as raw bytes."""
    with engine.connect() as connection:
        relations = [table]
        toast = connection.execute(
            text(
                "SELECT reltoastrelid::regclass::text FROM pg_class "
                "WHERE oid = CAST(:t AS regclass)"
            ),
            {"t": table},
        ).scalar()
        if toast and toast != "-":
            relations.append(toast)
        pages = b""
        for relation in relations:
            size = connection.execute(
                text("SELECT pg_relation_size(CAST(:r AS regclass))"), {"r": relation}
            ).scalar()
            for block in range(size // 8192):
                pages += connection.execute(
                    text("SELECT public.get_raw_page(:r, :b)"), {"r": relation, "b": block}
                ).scalar()
        return pages


def held(engine: Engine, request: pytest.FixtureRequest) -> bytes:
    """Everything readable in the database's files (SQLite) or tables' pages (PostgreSQL)."""
    if engine.dialect.name == "sqlite":
        return sqlite_bytes(engine)
    request.getfixturevalue("pageinspect")
    return postgres_bytes(engine, "response") + postgres_bytes(engine, "invitation")


@pytest.fixture
def own(fresh_url: str) -> Iterator[tuple[Engine, str]]:
    """A migrated database of its own, and its URL.

    On PostgreSQL a database, not only a schema: dead rows are kept for every transaction
    of the same database, so other tests' transactions in a shared one could keep them.
    """
    engine = make_engine(fresh_url)
    create_url_schema(engine)
    upgrade(engine)
    yield engine, fresh_url
    engine.dispose()


@pytest.fixture
def engine(own: tuple[Engine, str]) -> Engine:
    """The engine of the test's own database."""
    return own[0]


@pytest.fixture
def cli(own: tuple[Engine, str]) -> CliRunner:
    """A CLI runner on the test's own database."""
    return CliRunner(env={"MEL_DATABASE_URL": own[1]})


def test_erasure_leaves_no_readable_answer(
    engine: Engine, cli: CliRunner, request: pytest.FixtureRequest
) -> None:
    marker, reference = f"ANTWOORD-{uuid.uuid4().hex}", f"ref-{uuid.uuid4().hex[:12]}"
    respondent = add_response(engine, marker, reference)
    before = held(engine, request)
    assert marker.encode() in before and reference.encode() in before  # the test can fail
    result = cli.invoke(main, ["respondents", "erase", respondent, "--yes"])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    after = held(engine, request)
    assert marker.encode() not in after
    assert reference.encode() not in after
    assert b"tekst 3" in after  # the neighbours are still there


def test_retention_purge_leaves_no_readable_answer(
    engine: Engine, cli: CliRunner, request: pytest.FixtureRequest
) -> None:
    marker, reference = f"ANTWOORD-{uuid.uuid4().hex}", f"ref-{uuid.uuid4().hex[:12]}"
    add_response(engine, marker, reference, expired=True)
    assert marker.encode() in held(engine, request)
    result = cli.invoke(main, ["retention", "purge"])
    assert result.exit_code == 0, result.output
    assert "emptied the answers of 12 response(s)" in result.output
    after = held(engine, request)
    assert marker.encode() not in after and reference.encode() not in after


def cached_bytes(folder: Path) -> bytes:
    """Every file of the frame cache (Parquet, pickles), as raw bytes."""
    return b"".join(f.read_bytes() for f in sorted(folder.rglob("*")) if f.is_file())


@pytest.mark.parametrize("command", [["respondents", "erase"], ["retention", "purge"]])
def test_erasure_leaves_no_cached_frame(
    own: tuple[Engine, str], tmp_path: Path, command: list[str]
) -> None:
    """The frame cache (Parquet files in the instance folder) keeps no erased answer."""
    engine, url = own
    folder = tmp_path / "frames"
    frame_cache.use_folder(engine, folder)
    marker = f"ANTWOORD-{uuid.uuid4().hex}"
    expired = command[0] == "retention"
    respondent = add_response(engine, marker, "ref-x", expired=expired, status="complete")
    data = frame(engine, programme="test-programme", wave="w2025", instrument="test-survey")
    assert marker in set(data["toelichting"])
    assert marker.encode() in cached_bytes(folder)  # the test can fail
    env = {"MEL_DATABASE_URL": url, "MEL_FRAME_CACHE": str(folder)}
    arguments = [*command, respondent, "--yes"] if not expired else command
    result = CliRunner(env=env).invoke(main, arguments)
    assert result.exit_code == 0, result.output
    assert marker.encode() not in cached_bytes(folder)


@pytest.mark.parametrize("command", [["respondents", "erase"], ["retention", "purge"]])
def test_erasure_removes_the_dashboards_stored_figures(
    own: tuple[Engine, str], tmp_path: Path, command: list[str]
) -> None:
    """Figures made of the erased answers (`mel.services.figure_store`) are not kept on disk."""
    engine, url = own
    stored = stored_figures(engine, url, tmp_path / "frames")
    expired = command[0] == "retention"
    respondent = add_response(engine, "x", "ref-x", expired=expired, status="complete")
    assert figure_store.load(stored, ("kpis", url)) is not None  # the test can fail
    env = {"MEL_DATABASE_URL": url, "MEL_FRAME_CACHE": str(tmp_path / "frames")}
    arguments = [*command, respondent, "--yes"] if not expired else command
    result = CliRunner(env=env).invoke(main, arguments)
    assert result.exit_code == 0, result.output
    assert not stored.exists() and list(stored.parent.iterdir()) == []


def test_every_sqlite_connection_deletes_securely(tmp_path: Path) -> None:
    # Debian builds SQLite with secure_delete on by default, most others do not: switch it
    # off as those builds start, and see mel's connection set-up switch it on.
    connection = sqlite3.connect(tmp_path / "x.sqlite")
    connection.execute("PRAGMA secure_delete=OFF")
    _sqlite_pragmas(connection, None, busy_s=1.0)
    assert connection.execute("PRAGMA secure_delete").fetchone() == (1,)
    connection.close()
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite'}")
    with engine.connect() as pooled:
        assert pooled.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    engine.dispose()


def test_a_transaction_older_than_the_erasure_is_named(
    engine: Engine, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL keeps deleted rows for older transactions")
    monkeypatch.setattr("mel.services.scrub.WAIT_FOR_OLDER_TRANSACTIONS_S", 0.5)
    respondent = add_response(engine, "ANTWOORD", "ref-1")
    with engine.connect() as reader:  # a long report, say, that began before the erasure
        reader.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        assert reader.execute(text("SELECT count(*) FROM response")).scalar() == 12
        result = cli.invoke(main, ["respondents", "erase", respondent, "--yes"])
        assert result.exit_code == 0, result.output
        assert "warning: transactions that began before the deletion were still running (" in (
            result.output
        )
        assert "run `VACUUM FULL response, invitation`" in result.output
        assert reader.execute(text("SELECT count(*) FROM response")).scalar() == 12
