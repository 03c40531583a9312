"""Units, waves and frames: strata, sample sizes and weights add up."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from mel.demo.profiles import PROFILES
from mel.models import (
    FrameUnit,
    FrameUnitPersons,
    Instrument,
    InstrumentVersion,
    Programme,
    Response,
    Unit,
    Wave,
    WaveInstrument,
    WaveStratum,
)


def test_units_per_programme(simulated: Engine) -> None:
    with Session(simulated) as session:
        units = session.exec(select(Programme.code, Unit).join(Unit)).all()
    kinds = Counter((code, unit.kind) for code, unit in units)
    assert kinds[("katapult", "pps")] == 450
    assert kinds[("katapult", "consortium")] == 15
    assert kinds[("digitale-werkplaatsen", "werkplaats")] == 20
    assert kinds[("techkwadraat", "school")] == 300
    assert kinds[("techkwadraat", "region")] == 12
    by_id = {u.id: u for _, u in units}
    members = Counter(by_id[u.parent_id].kind for _, u in units if u.parent_id)
    assert members["consortium"] == 90 and members["region"] == 300
    schools = [u for _, u in units if u.kind == "school"]
    assert len({u.province for u in schools}) == 12
    assert all(
        u.province and u.region and u.stratum
        for _, u in units
        if u.kind != "consortium" and u.kind != "region"
    )


def test_waves_and_instruments(simulated: Engine) -> None:
    with Session(simulated) as session:
        waves = session.exec(select(Programme.code, Wave).join(Wave).order_by(Wave.year)).all()
        links = session.exec(select(WaveInstrument.wave_id, Instrument.code).join(Instrument)).all()
    codes = {(p, w.code) for p, w in waves}
    # Katapult's yearly progress measurement has census waves of its own (2025, 2026).
    census = {w.code: w for p, w in waves if w.code.startswith("voortgang-")}
    waves = [(p, w) for p, w in waves if w.code not in census]
    assert {c: w.status for c, w in census.items()} == {
        "voortgang-2025": "closed",
        "voortgang-2026": "open",
    }
    assert ("katapult", "impactmeting-2025") in codes
    assert ("digitale-werkplaatsen", "monitor-2023") in codes
    assert ("techkwadraat", "meting-2025") in codes
    for programme, wave in waves:
        assert wave.fieldwork_start and wave.fieldwork_end
        assert (
            date(wave.year, 1, 1)
            <= wave.fieldwork_start
            < wave.fieldwork_end
            <= date(wave.year, 12, 31)
        )
        assert wave.status == ("open" if wave.year == 2025 else "closed")
        assert str(wave.year) in wave.label_nl and str(wave.year) in wave.label_en
        assert wave.code.startswith(PROFILES[programme].wave_prefix)
    fielded = defaultdict(set)
    for wave_id, code in links:
        fielded[wave_id].add(code)
    tk = next(w for p, w in waves if p == "techkwadraat")
    assert fielded[tk.id] == {"tk-leerlingen", "tk-docenten", "tk-scholen"}
    assert all(fielded[w.id] == {"katapult-voortgang"} for w in census.values())
    katapult = [w for p, w in waves if p == "katapult"]
    assert katapult and all(fielded[w.id] == {"katapult-impactmeting"} for w in katapult)


def test_frame_adds_up(simulated: Engine) -> None:
    with Session(simulated) as session:
        strata = session.exec(select(WaveStratum)).all()
        frame = session.exec(select(FrameUnit)).all()
    units: dict[tuple[int, str], list[FrameUnit]] = defaultdict(list)
    for row in frame:
        units[(row.wave_id, row.stratum)].append(row)
    assert {(s.wave_id, s.stratum) for s in strata} == set(units)
    for stratum in strata:
        rows = units[(stratum.wave_id, stratum.stratum)]
        sampled = [r for r in rows if r.sampled]
        assert len(rows) == stratum.population_size
        assert len(sampled) == stratum.sample_size >= min(2, stratum.population_size)
        assert sum(r.base_weight or 0 for r in sampled) == pytest.approx(stratum.population_size)
        assert all(r.base_weight is None for r in rows if not r.sampled)
        assert all(
            r.inclusion_probability == pytest.approx(stratum.sample_size / stratum.population_size)
            for r in rows
        )


def test_responses_come_from_sampled_units(simulated: Engine) -> None:
    with Session(simulated) as session:
        rows = session.exec(
            select(Response.wave_id, Response.unit_id, FrameUnit.sampled).join(
                FrameUnit,
                (FrameUnit.unit_id == Response.unit_id) & (FrameUnit.wave_id == Response.wave_id),
                isouter=True,
            )
        ).all()
    assert rows and all(sampled is True for _, _, sampled in rows)


def test_person_instruments_fit_in_their_unit(simulated: Engine) -> None:
    with Session(simulated) as session:
        counts = session.exec(
            select(Response.wave_id, Response.unit_id, Instrument.code, FrameUnitPersons.persons)
            .join(InstrumentVersion, InstrumentVersion.id == Response.instrument_version_id)
            .join(Instrument)
            .join(
                FrameUnitPersons,
                (FrameUnitPersons.unit_id == Response.unit_id)
                & (FrameUnitPersons.wave_id == Response.wave_id)
                & (FrameUnitPersons.instrument_id == Instrument.id),
                isouter=True,
            )
            .where(col(Instrument.code).in_(["dw-impactmonitor", "tk-leerlingen", "tk-docenten"]))
        ).all()
    per_unit = Counter((w, u, code) for w, u, code, _ in counts)
    population = {(w, u, code): m for w, u, code, m in counts}
    assert {code for _, _, code in per_unit} == {"dw-impactmonitor", "tk-leerlingen", "tk-docenten"}
    for key, n in per_unit.items():
        assert population[key] is not None and n <= population[key]


def test_every_person_instrument_has_its_own_persons(simulated: Engine) -> None:
    """Schools count pupils for tk-leerlingen and (fewer) teachers for tk-docenten.

    The draw stores M_i of the sampled units (`mel sample draw`), so only those are read.
    """
    with Session(simulated) as session:
        rows = session.exec(
            select(
                FrameUnitPersons.wave_id,
                FrameUnitPersons.unit_id,
                Instrument.code,
                FrameUnitPersons.persons,
            ).join(Instrument)
        ).all()
        frame_units = session.exec(
            select(FrameUnit.wave_id, FrameUnit.unit_id, Programme.code)
            .join(Wave, Wave.id == FrameUnit.wave_id)
            .join(Programme)
            .where(col(FrameUnit.sampled))
        ).all()
    persons = {(w, u, code): m for w, u, code, m in rows}
    assert {code for _, _, code, _ in rows} == {"dw-impactmonitor", "tk-leerlingen", "tk-docenten"}
    schools = [(w, u) for w, u, programme in frame_units if programme == "techkwadraat"]
    werkplaatsen = [
        (w, u) for w, u, programme in frame_units if programme == "digitale-werkplaatsen"
    ]
    assert schools and werkplaatsen
    assert all(persons[(w, u, "dw-impactmonitor")] > 0 for w, u in werkplaatsen)
    for w, u in schools:
        pupils, teachers = persons[(w, u, "tk-leerlingen")], persons[(w, u, "tk-docenten")]
        assert 3 <= teachers < pupils
    teachers = sum(persons[(w, u, "tk-docenten")] for w, u in schools)
    pupils = sum(persons[(w, u, "tk-leerlingen")] for w, u in schools)
    assert 5 < pupils / teachers < 30
    programme_of = {(w, u): programme for w, u, programme in frame_units}
    assert "katapult" not in {programme_of[(w, u)] for w, u, _ in persons}  # unit surveys


def test_unit_instruments_answer_once_per_unit(simulated: Engine) -> None:
    with Session(simulated) as session:
        rows = session.exec(
            select(Response.wave_id, Response.unit_id)
            .join(InstrumentVersion)
            .join(Instrument)
            .where(col(Instrument.code).in_(["katapult-impactmeting", "tk-scholen"]))
        ).all()
    assert rows and max(Counter(rows).values()) == 1
