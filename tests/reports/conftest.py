"""Fixtures for report tests: a small filled database (two waves) and its definitions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from mel.db import make_engine, upgrade
from mel.surveys.programme_schema import ProgrammeDefinition
from tests.reports import factory


@dataclass
class Filled:
    """A database filled by the factory, with the definitions it was filled from."""

    engine: Engine
    programme: ProgrammeDefinition
    instruments: dict[str, Any]
    surveys: Path


def _filled(engine: Engine, folder: Path, **options: Any) -> Filled:
    loaded = factory.fill(engine, folder, **options)
    return Filled(engine, loaded.programmes["werk"][1], factory.instruments(loaded), folder)


@pytest.fixture
def two_waves(engine: Engine, tmp_path: Path) -> Filled:
    """Waves 2023 and 2025, every unit responded."""
    return _filled(engine, tmp_path / "surveys")


@pytest.fixture
def one_empty_wave(engine: Engine, tmp_path: Path) -> Filled:
    """Waves 2023 (responses) and 2025 (a frame but no responses)."""
    return _filled(engine, tmp_path / "surveys", empty=(2025,))


@dataclass
class Built:
    """A report built once per test session from a two-wave database, and its files."""

    filled: Filled
    report: Any
    html: str
    files: list[Path]


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """The Dutch report of wave 2025 of the test programme, written with its PDF."""
    from mel.reports.build import build_report
    from mel.reports.render import write_report

    folder = tmp_path_factory.mktemp("built")
    eng = make_engine(f"sqlite:///{folder / 'db.sqlite'}")
    upgrade(eng)
    filled = _filled(eng, folder / "surveys")
    report = build_report(eng, filled.programme, filled.instruments, "meting-2025")
    files = write_report(report, folder / "out")
    yield Built(filled, report, files[0].read_text(encoding="utf-8"), files)
    eng.dispose()
