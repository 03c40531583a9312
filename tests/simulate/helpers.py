"""Helpers for the simulation tests: migrated databases with the catalogue published."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from sqlalchemy.engine import Engine

from mel.db import make_engine, session_scope, upgrade
from mel.settings import project_path
from mel.surveys.loader import load_catalogue
from mel.surveys.publish import publish_catalogue
from tests.factories import postgres_schema

PG_URL = os.environ.get("MEL_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
SMALL = 0.05
SEED = 7


def publish(engine: Engine, folder: Path | None = None) -> None:
    """Publish the survey files under `folder` (default: the project's surveys)."""
    catalogue = load_catalogue([folder or project_path("surveys")])
    assert catalogue.ok, [str(p) for p in catalogue.problems]
    with session_scope(engine) as session:
        publish_catalogue(session, catalogue)


@contextmanager
def database(backend: str, folder: Path) -> Iterator[Engine]:
    """A migrated empty database: a SQLite file in `folder`, or a PostgreSQL schema."""
    with ExitStack() as stack:
        url = (
            f"sqlite:///{folder / 'sim.sqlite'}"
            if backend == "sqlite"
            else stack.enter_context(postgres_schema(PG_URL or "", "sim"))
        )
        engine = make_engine(url)
        stack.callback(engine.dispose)
        upgrade(engine)
        yield engine
