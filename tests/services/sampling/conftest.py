"""Fixtures for sampling: a published test programme, units files and wave files."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from mel.db import session_scope
from mel.surveys.loader import load_catalogue
from mel.surveys.publish import publish_catalogue
from tests.factories import programme_dict, survey_dict, write_catalogue, write_yaml

PROGRAMME = "test-programme"
HEADER = ["code", "name", "kind", "parent", "region", "stratum", "size_students"]


def unit_rows(strata: dict[str, int]) -> list[list[Any]]:
    """Rows of a units file: N_h werkplaatsen per stratum, sizes 10, 20, 30, ..."""
    rows, k = [], 0
    for stratum, count in strata.items():
        for _ in range(count):
            k += 1
            rows.append(
                [f"u-{k:03d}", f"Werkplaats {k}", "werkplaats", "", "west", stratum, 10 * k]
            )
    return rows


def write_units(path: Path, rows: list[list[Any]], header: list[str] = HEADER) -> Path:
    """Write a units CSV file and return its path."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def wave_dict(**design: Any) -> dict[str, Any]:
    """A wave file of the test programme with the given design."""
    return {
        "wave": "w2027",
        "programme": PROGRAMME,
        "label": {"nl": "Meting 2027", "en": "Measurement 2027"},
        "year": 2027,
        "fieldwork": {"start": "2027-03-01", "end": "2027-05-31"},
        "instruments": [{"code": "test-survey"}],
        "design": design or {"method": "stratified", "sample_size": 6, "minimum_per_stratum": 1},
    }


def write_wave(folder: Path, data: dict[str, Any]) -> Path:
    """Write a wave file under `folder`/waves and return its path."""
    return write_yaml(folder / "waves" / f"{data['wave']}.yaml", data)


@pytest.fixture
def surveys(tmp_path: Path) -> Path:
    """A surveys folder with the test programme (one unit-level survey)."""
    programme = programme_dict(
        kpis=[
            {
                **programme_dict()["kpis"][0],
                "targets": [{"year": 2025, "value": 7.2}, {"year": 2027, "value": 7.6}],
            }
        ]
    )
    write_catalogue(tmp_path / "surveys" / PROGRAMME, survey_dict(), programme)
    return tmp_path / "surveys"


@pytest.fixture
def published(engine: Engine, surveys: Path) -> Engine:
    """The engine, with the test programme and survey published."""
    catalogue = load_catalogue([surveys])
    assert catalogue.ok, catalogue.problems
    with session_scope(engine) as session:
        publish_catalogue(session, catalogue)
    return engine
