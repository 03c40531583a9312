"""`mel waves create` and `mel sample draw`: stored designs, reproducible stored samples."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from mel.db import session_scope
from mel.models import (
    AuditEvent,
    Case,
    FrameUnit,
    FrameUnitPersons,
    Unit,
    Wave,
    WaveInstrument,
    WaveStratum,
)
from mel.services.sampling import SamplingError
from mel.services.sampling.draw import stratified
from mel.services.sampling.store import find_wave, freeze_sample
from tests.services.helpers import mel
from tests.services.sampling.conftest import (
    PROGRAMME,
    unit_rows,
    wave_dict,
    write_units,
    write_wave,
)


@pytest.fixture
def with_units(published: Engine, db_url: str, tmp_path: Path) -> Engine:
    """The published test programme with 17 units in strata a (10), b (5), c (2)."""
    path = write_units(tmp_path / "units.csv", unit_rows({"a": 10, "b": 5, "c": 2}))
    assert mel(db_url, "units", "import", "--programme", PROGRAMME, str(path)).exit_code == 0
    return published


def create(db_url: str, surveys: Path, data: dict[str, Any]) -> Any:
    return mel(db_url, "waves", "create", str(write_wave(surveys / PROGRAMME, data)))


def sample(engine: Engine) -> list[tuple[str, str, bool, float]]:
    """(unit code, stratum, sampled, π) of the frame, by code."""
    with Session(engine) as session:
        rows = session.exec(
            select(Unit.code, FrameUnit.stratum, FrameUnit.sampled, FrameUnit.inclusion_probability)
            .join(Unit, col(Unit.id) == FrameUnit.unit_id)
            .order_by(col(Unit.code))
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_bad_wave_file_is_located_and_stores_nothing(
    published: Engine, db_url: str, surveys: Path
) -> None:
    data = wave_dict(method="stratified", allocation="neyman", sample_size=4)
    data["fieldwork"] = {"start": "2027-05-01", "end": "2027-03-01"}
    data["instruments"] = [{"code": "test-survey", "persons": {"size": "x", "select": "sample"}}]
    data["instrumets"] = []
    path = write_wave(surveys / PROGRAMME, data)
    result = mel(db_url, "waves", "create", str(path))
    assert result.exit_code == 1
    lines = result.output
    assert f"{path}:7: fieldwork: fieldwork ends before it starts" in lines
    assert "instruments[0].persons: select: sample needs 'per_unit'" in lines
    assert "design: allocation neyman goes with 'neyman'" in lines
    assert "instrumets: unknown field 'instrumets'" in lines
    assert "no wave stored" in lines and "Traceback" not in lines
    data = wave_dict()
    data["instruments"] = [{"code": "elders"}]
    unknown = create(db_url, surveys, data)
    assert "instruments[0].code: no published instrument 'elders'" in unknown.output
    with Session(published) as session:
        assert session.exec(select(Wave)).all() == []


def test_create_draw_reproducibly_refuse_after_freeze(
    with_units: Engine, db_url: str, surveys: Path
) -> None:
    created = create(db_url, surveys, wave_dict())
    assert created.exit_code == 0, created.output
    assert "wave w2027 (2027, design stratified): created" in created.output
    assert "unchanged" in create(db_url, surveys, wave_dict()).output
    with Session(with_units) as session:
        wave = session.exec(select(Wave)).one()
        assert wave.design["design"]["sample_size"] == 6 and len(wave.content_hash or "") == 64
        assert str(wave.fieldwork_start) == "2027-03-01" and wave.retention_until is None
        assert session.exec(select(WaveInstrument)).one().wave_id == wave.id
    drawn = mel(db_url, "sample", "draw", "--wave", "w2027", "--seed", "42")
    assert drawn.exit_code == 0, drawn.output
    assert (
        "drew 6 of 17 units" in drawn.output and "sum of inclusion probabilities 6" in drawn.output
    )
    first = sample(with_units)
    assert len(first) == 17 and sum(r[2] for r in first) == 6
    assert sum(r[3] for r in first) == pytest.approx(6)
    # 6 over 10/5/2 proportionally with a minimum of one: 3.5, 1.8, 0.7 → 3, 2, 1.
    assert {r[1]: r[3] for r in first} == {"a": 0.3, "b": 0.4, "c": 0.5}
    # The sample the pure draw gives for units sorted by code: the same on every database.
    expected = stratified([r[1] for r in first], {"a": 3, "b": 2, "c": 1}, 42)
    assert [r[2] for r in first] == expected.sampled.tolist()
    assert mel(db_url, "sample", "draw", "--wave", "w2027", "--seed", "42").exit_code == 0
    assert sample(with_units) == first  # redrawn with the same seed: the same sample
    mel(db_url, "sample", "draw", "--wave", "w2027", "--seed", "43")
    assert sample(with_units) != first
    mel(db_url, "sample", "draw", "--wave", "w2027", "--seed", "42")
    with Session(with_units) as session:
        strata = session.exec(
            select(
                WaveStratum.stratum, WaveStratum.population_size, WaveStratum.sample_size
            ).order_by(col(WaveStratum.stratum))
        ).all()
        assert [tuple(s) for s in strata] == [("a", 10, 3), ("b", 5, 2), ("c", 2, 1)]
        cases = session.exec(select(Case).order_by(col(Case.key))).all()
        assert len(cases) == 6 and all(c.key == f"u:{c.unit_id}" for c in cases)
        assert sum(c.inclusion_probability or 0 for c in cases) == pytest.approx(
            3 * 0.3 + 2 * 0.4 + 0.5
        )
        actions = session.exec(select(AuditEvent.action).order_by(col(AuditEvent.id))).all()
        assert actions.count("sample_drawn") == 4 and "wave_created" in actions
    with session_scope(with_units) as session:
        freeze_sample(session, find_wave(session, "w2027"))
    refused = mel(db_url, "sample", "draw", "--wave", "w2027", "--seed", "43")
    assert refused.exit_code == 1
    assert (
        "drawn with seed 42 was frozen" in refused.output
        and "cannot be drawn again" in refused.output
    )
    assert sample(with_units) == first
    late = create(db_url, surveys, {**wave_dict(), "retention_until": "2027-01-01"})
    assert "retention_until lies before the end of fieldwork" in late.output
    changed = create(db_url, surveys, {**wave_dict(), "year": 2028})
    assert changed.exit_code == 1 and "can no longer change" in changed.output
    # how nonresponse is adjusted is an analysis choice: it may change after the freeze
    model = {"groups": "classes", "variables": ["region"], "within_strata": False}
    analysed = create(db_url, surveys, {**wave_dict(), "nonresponse": model})
    assert analysed.exit_code == 0 and "updated" in analysed.output, analysed.output
    with Session(with_units) as session:
        stored = session.exec(select(Wave)).one().design["nonresponse"]
    assert stored == {**model, "classes": None}
    assert sample(with_units) == first
    wrong = create(db_url, surveys, {**wave_dict(), "nonresponse": {"groups": "classes"}})
    assert wrong.exit_code == 1 and "nonresponse" in wrong.output
    assert "needs 'variables'" in wrong.output


def test_changed_design_discards_an_unfrozen_sample(
    with_units: Engine, db_url: str, surveys: Path
) -> None:
    create(db_url, surveys, wave_dict())
    mel(db_url, "sample", "draw", "--wave", "w2027", "--seed", "1")
    relabelled = {**wave_dict(), "label": {"nl": "Andere naam"}, "retention_until": "2032-12-31"}
    kept = create(db_url, surveys, relabelled)
    assert "updated" in kept.output and "discarded" not in kept.output
    with Session(with_units) as session:
        wave = session.exec(select(Wave)).one()
        assert (wave.label_en, str(wave.retention_until)) == ("Andere naam", "2032-12-31")
    assert len(sample(with_units)) == 17
    census = create(db_url, surveys, {**relabelled, "design": {"method": "census"}})
    assert "discarded" in census.output and sample(with_units) == []
    with session_scope(with_units) as session:
        with pytest.raises(SamplingError, match="no drawn sample to freeze"):
            freeze_sample(session, find_wave(session, "w2027"))
    mel(db_url, "sample", "draw", "--wave", "w2027", "--seed", "1")
    assert all(r[2] and r[3] == 1.0 for r in sample(with_units))


def test_pps_with_persons_stores_m_i(with_units: Engine, db_url: str, surveys: Path) -> None:
    from tests.factories import publish_survey, survey_dict

    with session_scope(with_units) as session:
        publish_survey(session, survey_dict(instrument="test-persons", respondent="person"))
    data = wave_dict(method="pps", sample_size=5, size="students", selection="brewer")
    data["instruments"] = [
        {"code": "test-survey"},
        {
            "code": "test-persons",
            "persons": {"size": "students", "select": "sample", "per_unit": 3},
        },
    ]
    assert create(db_url, surveys, data).exit_code == 0
    result = mel(db_url, "sample", "draw", "--wave", "w2027", "--seed", "5")
    assert result.exit_code == 0, result.output
    frame = sample(with_units)
    # Sizes 10..170 sum to 1530: 5·170/1530 < 1, so nobody is certain.
    assert {r[1] for r in frame} == {"pps"}
    assert sum(r[3] for r in frame) == pytest.approx(5)
    assert frame[16][3] == pytest.approx(5 * 170 / 1530)
    with Session(with_units) as session:
        persons = session.exec(select(func.sum(FrameUnitPersons.persons))).one()
        codes = {r[0] for r in frame if r[2]}
        sizes = session.exec(select(Unit.sizes).where(col(Unit.code).in_(codes))).all()
        assert persons == sum(s["students"] for s in sizes)
        assert len(session.exec(select(Case)).all()) == 5  # unit cases of the unit survey only
    data["instruments"][1]["persons"] = None
    missing = create(db_url, surveys, data)
    assert "instruments[1]: 'test-persons' asks persons" in missing.output


def test_missing_stratum_and_no_units(
    published: Engine, db_url: str, surveys: Path, tmp_path: Path
) -> None:
    create(db_url, surveys, wave_dict())
    none = mel(db_url, "sample", "draw", "--wave", "w2027", "--seed", "1")
    assert none.exit_code == 1 and "no active units" in none.output
    rows = unit_rows({"a": 3})
    rows[1][5] = ""
    write_units(tmp_path / "u.csv", rows)
    mel(db_url, "units", "import", "--programme", PROGRAMME, str(tmp_path / "u.csv"))
    lacking = mel(db_url, "sample", "draw", "--wave", "w2027", "--seed", "1")
    assert (
        lacking.exit_code == 1
        and "units without a stratum" in lacking.output
        and "u-002" in lacking.output
    )
    assert mel(db_url, "sample", "draw", "--wave", "nope", "--seed", "1").output.endswith(
        "unknown wave 'nope'\n"
    )


def test_draw_orders_units_by_code_point_on_every_database(
    published: Engine, db_url: str, surveys: Path, tmp_path: Path
) -> None:
    # Codes a collation orders differently from code points (case, '-', '_', digits).
    codes = ["b-10", "B1", "b_2", "b-2", "a10", "A-1", "a2", "b1", "a-1", "Z9", "z-0", "a_1"]
    rows = [[c, f"Eenheid {c}", "school", "", "", "s", 1] for c in codes]
    write_units(tmp_path / "units.csv", rows)
    mel(db_url, "units", "import", "--programme", PROGRAMME, str(tmp_path / "units.csv"))
    create(db_url, surveys, wave_dict(method="stratified", sample_size=5))
    assert mel(db_url, "sample", "draw", "--wave", "w2027", "--seed", "11").exit_code == 0
    ordered = sorted(codes)
    expected = stratified(["s"] * len(codes), {"s": 5}, 11).sampled
    chosen = {code for code, keep in zip(ordered, expected, strict=True) if keep}
    assert {r[0] for r in sample(published) if r[2]} == chosen


def test_show_prints_design_and_writes_the_sample(
    with_units: Engine, db_url: str, surveys: Path, tmp_path: Path
) -> None:
    create(db_url, surveys, wave_dict())
    before = mel(db_url, "sample", "show", "--wave", "w2027")
    assert "method           stratified" in before.output and "no sample drawn yet" in before.output
    empty = mel(db_url, "sample", "show", "--wave", "w2027", "--out", str(tmp_path / "s.csv"))
    assert empty.exit_code == 1 and "no drawn sample to write" in empty.output
    mel(db_url, "sample", "draw", "--wave", "w2027", "--seed", "42")
    out = tmp_path / "sample.csv"
    shown = mel(db_url, "sample", "show", "--wave", "w2027", "--out", str(out))
    assert shown.exit_code == 0, shown.output
    assert "seed 42 (not frozen" in shown.output and "wrote 6 sampled units" in shown.output
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[:2] == ["# wave: w2027", "# seed: 42"]
    assert lines[2].startswith(
        "code,name,kind,region,province,sector,stratum,inclusion_probability"
    )
    codes = {line.split(",")[0] for line in lines[3:]}
    assert codes == {r[0] for r in sample(with_units) if r[2]}
