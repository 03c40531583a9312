"""`mel sample plan`: CI half-widths from the previous wave, or from a stated assumption."""

from __future__ import annotations

import json
import math
import uuid
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from mel.db import session_scope
from mel.kpi.evaluate import evaluate_kpis
from mel.models import InstrumentVersion, Response, Unit, Wave
from mel.surveys.loader import load_catalogue
from tests.services.helpers import mel
from tests.services.sampling.conftest import (
    PROGRAMME,
    unit_rows,
    wave_dict,
    write_units,
    write_wave,
)

Z = 1.959963984540054
MARKS = [6, 7, 8, 7, 9, 5, 8, 7]  # of the first eight units (strata a and b)


@pytest.fixture
def waves(published: Engine, db_url: str, surveys: Path, tmp_path: Path) -> Path:
    """17 units; census wave w2025 where eight units answered; stratified w2027 (n = 6)."""
    env = {"MEL_SURVEYS_DIR": str(surveys)}
    write_units(tmp_path / "units.csv", unit_rows({"a": 10, "b": 5, "c": 2}))
    mel(db_url, "units", "import", "--programme", PROGRAMME, str(tmp_path / "units.csv"))
    before = {**wave_dict(method="census"), "wave": "w2025", "year": 2025}
    before["fieldwork"] = {"start": "2025-03-01", "end": "2025-05-31"}
    for data in (before, wave_dict()):
        path = write_wave(surveys / PROGRAMME, data)
        assert mel(db_url, "waves", "create", str(path), env=env).exit_code == 0
    assert mel(db_url, "sample", "draw", "--wave", "w2025", "--seed", "1").exit_code == 0
    with session_scope(published) as session:
        wave = session.exec(select(Wave).where(Wave.code == "w2025")).one()
        version = session.exec(select(InstrumentVersion)).one()
        units = session.exec(select(Unit).order_by(col(Unit.code))).all()
        for unit, mark in zip(units, MARKS, strict=False):
            session.add(
                Response(
                    public_id=str(uuid.uuid4()),
                    respondent_id=str(uuid.uuid4()),
                    wave_id=wave.id or 0,
                    instrument_version_id=version.id or 0,
                    unit_id=unit.id,
                    status="complete",
                    answers={"cijfer": mark},
                    unit_once_instrument_id=version.instrument_id,
                )
            )
    return surveys


def test_plan_from_the_previous_wave(waves: Path, published: Engine, db_url: str) -> None:
    env = {"MEL_SURVEYS_DIR": str(waves)}
    result = mel(db_url, "sample", "plan", "--wave", "w2027", "--json", env=env)
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)
    catalogue = load_catalogue([waves])
    programme = catalogue.programmes[PROGRAMME][1]
    instruments = {code: survey for code, (_, survey) in catalogue.instruments.items()}
    (previous,) = [r for r in evaluate_kpis(published, programme, instruments, "w2025")]
    assert previous.estimate is not None
    se, last = previous.estimate.se, previous.estimate.estimate
    assert last == pytest.approx(row["last_estimate"]) and row["last_from"] == "wave w2025"
    k = se**2 / (1 / 8 - 1 / 17)  # eight responding units of a frame of 17
    assert row["sample_size"] == 6 and row["population"] == 17
    assert row["expected_respondents"] == pytest.approx(4.2)
    assert row["half_width"] == pytest.approx(Z * math.sqrt(k * (1 / 4.2 - 1 / 17)))
    assert row["target"] == 7.6 and row["target_year"] == 2027
    assert row["distance"] == pytest.approx(abs(last - 7.6))
    assert row["decides"] is (row["half_width"] < row["distance"])

    def half(n: int) -> float:
        return Z * math.sqrt(k * (1 / (0.7 * n) - 1 / 17))

    needed = row["needed_sample_size"]
    assert needed is not None and half(needed) < row["distance"] <= half(needed - 1)
    assert "previous wave w2025: se" in row["basis"] and "8 responding units of 17" in row["basis"]
    table = mel(db_url, "sample", "plan", "--wave", "w2027", env=env)
    assert table.exit_code == 0 and "±95% CI" in table.output
    assert f"{needed:>9}" in table.output.splitlines()[2]


def test_plan_without_a_previous_wave_states_its_assumption(
    waves: Path, published: Engine, db_url: str
) -> None:
    with session_scope(published) as session:
        for response in session.exec(select(Response)).all():
            session.delete(response)
    result = mel(
        db_url,
        "sample",
        "plan",
        "--wave",
        "w2027",
        "--json",
        env={"MEL_SURVEYS_DIR": str(waves)},
    )
    (row,) = json.loads(result.output)
    # A mark from 1 to 10: SD assumed (10 − 1)/4 = 2.25; last known value is the baseline.
    assert row["half_width"] == pytest.approx(Z * math.sqrt(2.25**2 * (1 / 4.2 - 1 / 17)))
    assert row["last_estimate"] == 7.1 and row["last_from"] == "baseline 2024"
    assert "assumption: SD = range/4 = 2.25 on the 1–10 scale" in row["basis"]
    with Session(published) as session:
        assert session.exec(select(Wave).where(Wave.code == "w2027")).one().sample_drawn_at is None
