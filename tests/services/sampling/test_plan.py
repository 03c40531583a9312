"""`mel sample plan`: CI half-widths from the previous wave, or from a stated assumption."""

from __future__ import annotations

import json
import math
import statistics
import uuid
from pathlib import Path

import pytest
from scipy.stats import t
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from mel.db import session_scope
from mel.kpi.evaluate import evaluate_kpis
from mel.models import InstrumentVersion, Response, Unit, Wave, WaveStratum
from mel.services.sampling.allocation import allocate
from mel.surveys.loader import load_catalogue
from tests.services.helpers import mel
from tests.services.sampling.conftest import (
    PROGRAMME,
    unit_rows,
    wave_dict,
    write_units,
    write_wave,
)

STRATA = 3  # a, b and c: the design df of n' responding units is n' − 3


def t95(respondents: float) -> float:
    """t(0.975) on the design df of `respondents` responding units in three strata."""
    return float(t.ppf(0.975, max(1, math.floor(respondents) - STRATA)))


MARKS = [6, 7, 8, 7, 9, 5, 8, 7]
ANSWERING = [0, 1, 2, 3, 4, 10, 11, 12]  # five units of stratum a, three of b, none of c


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
        answering = [units[i] for i in ANSWERING]
        for unit, mark in zip(answering, MARKS, strict=True):
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
    assert row["half_width"] == pytest.approx(t95(4.2) * math.sqrt(k * (1 / 4.2 - 1 / 17)))
    assert row["target"] == 7.6 and row["target_year"] == 2027
    assert row["distance"] == pytest.approx(abs(last - 7.6))
    assert row["decides"] is (row["half_width"] < row["distance"])

    def half(n: int) -> float:
        return t95(0.7 * n) * math.sqrt(k * (1 / (0.7 * n) - 1 / 17))

    needed = row["needed_sample_size"]
    assert needed is not None and half(needed) < row["distance"]
    # the smallest such n: one fewer would not decide (2 units is the least a plan offers)
    assert needed == 2 or row["distance"] <= half(needed - 1)
    assert "previous wave w2025: se" in row["basis"] and "8 responding units of 17" in row["basis"]
    assert row["basis"].endswith("t on 1 df (3 strata)")
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
    assert row["half_width"] == pytest.approx(t95(4.2) * math.sqrt(2.25**2 * (1 / 4.2 - 1 / 17)))
    assert row["last_estimate"] == 7.1 and row["last_from"] == "baseline 2024"
    assert "assumption: SD = range/4 = 2.25 on the 1–10 scale" in row["basis"]
    with Session(published) as session:
        assert session.exec(select(Wave).where(Wave.code == "w2027")).one().sample_drawn_at is None


def test_neyman_allocation_takes_stratum_sds_from_the_previous_wave(
    waves: Path, published: Engine, db_url: str
) -> None:
    design = {
        "method": "stratified",
        "sample_size": 8,
        "allocation": "neyman",
        "neyman": {"wave": "w2025", "kpi": "cijfer"},
        "minimum_per_stratum": 1,
    }
    path = write_wave(waves / PROGRAMME, {**wave_dict(**design), "wave": "w2028", "year": 2028})
    env = {"MEL_SURVEYS_DIR": str(waves)}
    assert mel(db_url, "waves", "create", str(path), env=env).exit_code == 0
    result = mel(db_url, "sample", "draw", "--wave", "w2028", "--seed", "4", env=env)
    assert result.exit_code == 0, result.output
    sd_a, sd_b = statistics.stdev(MARKS[:5]), statistics.stdev(MARKS[5:])
    sd_c = statistics.stdev(MARKS)  # no answers in c: the pooled SD
    expected = allocate(
        {"a": 10, "b": 5, "c": 2}, 8, "neyman", sd={"a": sd_a, "b": sd_b, "c": sd_c}, minimum=1
    )
    with Session(published) as session:
        wave = session.exec(select(Wave).where(Wave.code == "w2028")).one()
        drawn = session.exec(select(WaveStratum).where(WaveStratum.wave_id == wave.id)).all()
    assert {s.stratum: s.sample_size for s in drawn} == expected
    # N_h S_h = 11.4, 7.6, 2.5: c (0.93 of 8) is held at 1, a and b share 7 → 4.2, 2.8
    assert expected == {"a": 4, "b": 3, "c": 1}
