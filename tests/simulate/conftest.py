"""Fixtures: migrated databases with the catalogue published, simulated once per session.

`simulated` is one small simulation of every programme (scale 0.05) shared by the
read-only tests, on SQLite and, when MEL_TEST_DATABASE_URL is set, on PostgreSQL in a
fresh schema that is dropped afterwards. `published` is a fresh database per test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from mel.demo import simulate
from mel.demo.reviews import demo_reviews
from mel.settings import project_path
from tests.simulate.helpers import BACKENDS, SEED, SMALL, database, publish


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Engine]:
    """An empty migrated SQLite database (for tests that publish their own files)."""
    with database("sqlite", tmp_path) as engine:
        yield engine


@pytest.fixture(params=BACKENDS)
def published(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated database with the project's catalogue published, on every backend."""
    with database(request.param, tmp_path) as engine:
        publish(engine)
        yield engine


@pytest.fixture(scope="session", params=BACKENDS)
def simulated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """Every programme simulated at a small scale (read-only: do not change it)."""
    with database(request.param, tmp_path_factory.mktemp("simulated")) as engine:
        publish(engine)
        simulate(engine, seed=SEED, scale=SMALL)
        yield engine


@pytest.fixture(scope="session", params=BACKENDS)
def simulated_with_reviews(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """As `simulated`, with the demo's review rounds: every shipped instrument is fielded."""
    with database(request.param, tmp_path_factory.mktemp("reviewed")) as engine:
        publish(engine)
        simulate(engine, seed=SEED, scale=SMALL)
        demo_reviews(engine, project_path("surveys"), seed=SEED, coder=None)
        yield engine
