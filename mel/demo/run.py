"""`simulate()`: fill units, waves, frames and responses for the published programmes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from mel.demo.design import (
    SimulationError,
    WaveSample,
    draw_sample,
    fieldwork,
    scaled_population,
    store_frame,
    store_units,
    store_wave,
)
from mel.demo.profiles import Profile, profile_for
from mel.demo.progress import simulate_census
from mel.demo.responses import Fielding, insert_responses
from mel.demo.seeding import stream
from mel.demo.units import UnitDraft
from mel.models import Instrument, InstrumentVersion, Programme
from mel.surveys.publish import load_version
from mel.surveys.schema import InstrumentDefinition


@dataclass(frozen=True)
class ProgrammeSummary:
    """What was created for one programme."""

    programme: str
    units: int
    waves: int
    responses: int
    complete: int

    @property
    def in_progress(self) -> int:
        """Responses started but not completed."""
        return self.responses - self.complete


@dataclass(frozen=True)
class SimulationSummary:
    """What `simulate` created, per programme; str() gives a short table."""

    programmes: tuple[ProgrammeSummary, ...]
    seed: int
    scale: float

    @property
    def responses(self) -> int:
        """Responses created in total."""
        return sum(p.responses for p in self.programmes)

    def __str__(self) -> str:
        width = max([len("programme"), *(len(p.programme) for p in self.programmes)])
        lines = [
            f"simulated (seed {self.seed}, scale {self.scale:g})",
            f"{'programme':<{width}}  {'units':>6}  {'waves':>5}  {'responses':>9}  "
            f"{'complete':>8}  {'in progress':>11}",
        ]
        for p in self.programmes:
            lines.append(
                f"{p.programme:<{width}}  {p.units:>6}  {p.waves:>5}  "
                f"{p.responses:>9,}  {p.complete:>8,}  {p.in_progress:>11,}"
            )
        return "\n".join(lines)


def simulate(
    engine: Engine,
    *,
    seed: int = 2025,
    scale: float = 1.0,
    programmes: list[str] | None = None,
    waves: tuple[int, ...] = (2023, 2025),
) -> SimulationSummary:
    """Simulate units, waves with their frames, and responses for published programmes."""
    if not scale > 0:
        raise ValueError(f"scale must be positive, not {scale!r}")
    years = tuple(sorted(set(waves)))
    if not years:
        raise ValueError("give at least one wave year")
    results = []
    with Session(engine, expire_on_commit=False) as session:
        found = {p.code: p for p in session.exec(select(Programme).order_by(Programme.code))}
        wanted = list(found) if programmes is None else programmes
        missing = [code for code in wanted if code not in found]
        if missing:
            raise SimulationError(
                f"programme(s) not published: {', '.join(missing)}; run `mel surveys publish` first"
            )
        for code in wanted:
            try:
                results.append(_programme(session, found[code], seed, scale, years))
                session.commit()
            except BaseException:
                session.rollback()
                raise
    return SimulationSummary(tuple(results), seed, scale)


def _instruments(
    session: Session, programme_id: int
) -> list[tuple[Instrument, InstrumentVersion, InstrumentDefinition]]:
    """The programme's instruments (not reviews) with their latest published version."""
    result = []
    for instrument in session.exec(
        select(Instrument).where(Instrument.programme_id == programme_id).order_by(Instrument.code)
    ):
        version = session.exec(
            select(InstrumentVersion)
            .where(InstrumentVersion.instrument_id == instrument.id)
            .order_by(col(InstrumentVersion.version).desc())
        ).first()
        # Reviews (peer reviews, reflection meetings) are not simulated into the measurement
        # waves: `mel demo` makes a review round of its own (mel.demo.reviews).
        if version is not None and (survey := load_version(version)).review is None:
            result.append((instrument, version, survey))
    return result


def _programme(
    session: Session, programme: Programme, seed: int, scale: float, years: tuple[int, ...]
) -> ProgrammeSummary:
    profile = profile_for(programme.code)
    every = _instruments(session, int(programme.id or 0))
    # A census instrument (a yearly return of every unit) has waves of its own.
    instruments = [row for row in every if row[2].census is None]
    census = [row for row in every if row[2].census is not None]
    drafts = profile.build_units(stream(seed, programme.code, "units"))
    unit_ids = store_units(session, int(programme.id or 0), drafts)
    person = [i for i, _, s in instruments if s.respondent == "person"]
    responses = complete = 0
    for year in years:
        wave = store_wave(
            session,
            int(programme.id or 0),
            profile,
            year,
            last=year == years[-1],
            instrument_ids=[int(i.id or 0) for i, _, _ in instruments],
            # Persons (entrepreneurs, pupils, teachers) come through an open link that asks
            # for their unit; a unit-level survey is sent to each unit by invitation.
            open_links=frozenset(int(i.id or 0) for i in person),
        )
        sample = draw_sample(stream(seed, programme.code, year, "sample"), drafts, profile, scale)
        # Every person instrument has its own second stage: pupils and teachers of a school.
        persons = {
            (i, int(instrument.id or 0)): scaled_population(
                profile.persons(d, year, instrument.code)[0], scale
            )
            for instrument in person
            for i, d in enumerate(drafts)
            if d.in_frame
        }
        store_frame(session, int(wave.id or 0), drafts, unit_ids, sample, persons)
        start, end = fieldwork(profile, year)
        for instrument, version, survey in instruments:
            rng = stream(seed, programme.code, year, instrument.code, "respondents")
            unit_of, done = _respondents(rng, profile, drafts, sample, survey, year, scale)
            fielding = Fielding(
                programme.code,
                survey,
                int(version.id or 0),
                int(wave.id or 0),
                year,
                start,
                end,
                profile.english,
                0.75 if survey.respondent == "unit" else 0.3,
                profile.trend * (year - profile.base_year),
                int(instrument.id or 0) if survey.respondent == "unit" else None,
            )
            responses += insert_responses(session, fielding, seed, drafts, unit_ids, unit_of, done)
            complete += int(done.sum())
    waves = len(years)
    for instrument, version, survey in census:
        made_waves, made = simulate_census(
            session,
            int(programme.id or 0),
            programme.code,
            drafts,
            unit_ids,
            int(instrument.id or 0),
            int(version.id or 0),
            survey,
            seed,
        )
        waves, responses, complete = waves + made_waves, responses + made, complete + made
    return ProgrammeSummary(programme.code, len(drafts), waves, responses, complete)


def _respondents(
    rng: np.random.Generator,
    profile: Profile,
    drafts: list[UnitDraft],
    sample: WaveSample,
    survey: InstrumentDefinition,
    year: int,
    scale: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Unit index and completion of every respondent of an instrument in a wave."""
    if survey.respondent == "unit":
        lapsed = sorted(set(sample.sampled) - set(sample.responding))
        started = [i for i in lapsed if rng.random() < 0.5]
        unit_of = np.array(sample.responding + started, dtype=np.int64)
        done = np.arange(len(unit_of)) < len(sample.responding)
        return unit_of, done
    units, finished = [], []
    share = profile.in_progress / (1 - profile.in_progress)
    for i in sample.responding:
        population, expected = profile.persons(drafts[i], year, survey.instrument)
        population = scaled_population(population, scale)
        factor = sample.persons_factor[drafts[i].stratum or "all"]
        m = int(np.clip(rng.poisson(expected * factor), min(2, population), population))
        extra = int(min(population - m, rng.binomial(m, share)))
        units.extend([i] * (m + extra))
        finished.extend([True] * m + [False] * extra)
    return np.array(units, dtype=np.int64), np.array(finished, dtype=bool)
