"""Fixtures of the analysis tests: a small simulated database with the real catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from mel.db import session_scope
from mel.demo import simulate
from mel.surveys.loader import load_catalogue
from mel.surveys.publish import publish_catalogue


@pytest.fixture
def demo(engine: Engine, surveys_dir: Path) -> Engine:
    """A database with the real catalogue and a small simulated wave per programme."""
    with session_scope(engine) as session:
        publish_catalogue(session, load_catalogue([surveys_dir]))
    simulate(engine, seed=7, scale=0.1, waves=(2025,))
    return engine
