"""`simulate()`: fill units, waves, frames and responses for the published programmes.

Every simulated wave goes the way of a real one (`mel.demo.fielding`): a units file is
imported, the wave's file created, its sample drawn with the seed, the contacts of the
sampled units imported and invited through the outbox; then the invited answer, refuse,
bounce, opt out or stay silent (`mel.demo.behaviour`), and mel sets each case's outcome.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from mel.db import session_scope
from mel.demo import fielding as office_path
from mel.demo.behaviour import (
    Returns,
    expected_persons,
    person_returns,
    record_quiet,
    responding_units,
    unit_returns,
)
from mel.demo.closing import finish_wave
from mel.demo.design import SimulationError, fieldwork, stratum_sizes
from mel.demo.fielding import Office
from mel.demo.profiles import Profile, profile_for
from mel.demo.progress import simulate_census
from mel.demo.responses import Fielding, Returned, insert_responses
from mel.demo.seeding import stream
from mel.demo.units import UnitDraft
from mel.models import (
    Instrument,
    InstrumentVersion,
    Programme,
    Unit,
)
from mel.surveys.publish import load_version
from mel.surveys.schema import InstrumentDefinition

SECRET = "mel-simulation"  # links of a simulation without a secret key of its own


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
    folder: Path | None = None,
    instance_path: Path | None = None,
    secret: str = SECRET,
    base_url: str = "http://127.0.0.1:5000",
) -> SimulationSummary:
    """Simulate units, waves with their frames, and responses for published programmes.

    The units, wave and contacts files go to `folder` and the invitations to the outbox
    under `instance_path` (both a temporary folder, removed afterwards, when not given);
    `secret` makes the personal links (the app's secret key, for links that work).
    """
    if not scale > 0:
        raise ValueError(f"scale must be positive, not {scale!r}")
    years = tuple(sorted(set(waves)))
    if not years:
        raise ValueError("give at least one wave year")
    with Session(engine) as session:
        found = {p.code: int(p.id or 0) for p in session.exec(select(Programme))}
    wanted = sorted(found) if programmes is None else programmes
    missing = [code for code in wanted if code not in found]
    if missing:
        raise SimulationError(
            f"programme(s) not published: {', '.join(missing)}; run `mel surveys publish` first"
        )
    with tempfile.TemporaryDirectory(prefix="mel-simulate-") as scratch:
        office = Office(
            folder=folder or Path(scratch),
            instance_path=instance_path or Path(scratch),
            secret=secret,
            base_url=base_url,
        )
        results = [
            _programme(engine, code, found[code], seed, scale, years, office) for code in wanted
        ]
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
    engine: Engine,
    code: str,
    programme_id: int,
    seed: int,
    scale: float,
    years: tuple[int, ...],
    office: Office,
) -> ProgrammeSummary:
    profile = profile_for(code)
    with Session(engine, expire_on_commit=False) as session:
        if session.exec(select(Unit.id).where(Unit.programme_id == programme_id)).first():
            raise SimulationError(
                "the programme already has units; simulate into a database "
                "that has the catalogue published but no fieldwork yet"
            )
        every = _instruments(session, programme_id)
    # A census instrument (a yearly return of every unit) has waves of its own.
    instruments = [row for row in every if row[2].census is None]
    census = [row for row in every if row[2].census is not None]
    drafts = profile.build_units(stream(seed, code, "units"))
    responses = complete = 0
    for year in years:
        made, done = _wave(engine, code, profile, drafts, instruments, year, seed, scale, office)
        made_last = year == years[-1]
        finish_wave(
            engine,
            made,
            fieldwork(profile, year),
            last=made_last,
            person=[int(i.id or 0) for i, _, s in instruments if s.respondent == "person"],
        )
        responses, complete = responses + done[0], complete + done[1]
    waves = len(years)
    if census:
        with session_scope(engine) as session:
            ids = dict(
                session.exec(
                    select(Unit.code, Unit.id).where(Unit.programme_id == programme_id)
                ).all()
            )
            unit_ids = [int(ids[d.code] or 0) for d in drafts]
            for instrument, version, survey in census:
                made_waves, made = simulate_census(
                    session,
                    programme_id,
                    code,
                    drafts,
                    unit_ids,
                    int(instrument.id or 0),
                    int(version.id or 0),
                    survey,
                    seed,
                )
                waves, responses, complete = waves + made_waves, responses + made, complete + made
    return ProgrammeSummary(code, len(drafts), waves, responses, complete)


def _wave(
    engine: Engine,
    code: str,
    profile: Profile,
    drafts: list[UnitDraft],
    instruments: list[tuple[Instrument, InstrumentVersion, InstrumentDefinition]],
    year: int,
    seed: int,
    scale: float,
    office: Office,
) -> tuple[int, tuple[int, int]]:
    """One wave through the real path; its id and (responses, complete)."""
    person = [i.code for i, _, s in instruments if s.respondent == "person"]
    plans = office_path.person_plans(profile, drafts, person, year, scale)
    units_file = office_path.write_units_file(
        office.folder / "units" / f"{code}-{year}.csv", drafts, plans
    )
    office_path.import_register(engine, code, units_file)
    wave_code = f"{profile.wave_prefix}-{year}"
    wave_file = office_path.write_wave_file(
        office.folder / "waves" / code / f"{wave_code}.yaml",
        profile,
        code,
        year,
        drafts,
        [(i.code, s.respondent) for i, _, s in instruments],
        plans,
        scale,
    )
    wave_id, ids = office_path.create_and_draw(engine, wave_file, seed)
    unit_ids = [ids[d.code] for d in drafts]
    index_of = {unit_id: i for i, unit_id in enumerate(unit_ids)}
    with Session(engine) as session:
        sampled = sorted(index_of[u] for u in office_path.sampled_units(session, wave_id))
    files = {
        int(instrument.id or 0): office_path.write_contacts_file(
            office.folder / "contacts" / f"{code}-{wave_code}-{instrument.code}.csv",
            drafts,
            sampled,
            plans.get(instrument.code),
            stream(seed, code, year, instrument.code, "contacts"),
            profile.english,
        )
        for instrument, _, _ in instruments
    }
    office_path.import_contact_files(engine, wave_id, files)
    office_path.send_invitations(engine, wave_id, wave_code, office)
    by_stratum: dict[str, list[int]] = {}
    for i in sampled:
        by_stratum.setdefault(drafts[i].stratum or "all", []).append(i)
    taking = responding_units(
        stream(seed, code, year, "take part"), by_stratum, profile.unit_response
    )
    full, drawn = stratum_sizes(drafts, profile, 1.0), stratum_sizes(drafts, profile, scale)
    factor = {h: scale * full[h][1] / drawn[h][1] for h in drawn}
    start, end = fieldwork(profile, year)
    responses = complete = 0
    with session_scope(engine) as session:
        cases = office_path.fielded_cases(session, wave_id, index_of)
        for instrument, version, survey in instruments:
            mine = [c for c in cases if c.instrument_id == instrument.id]
            rng = stream(seed, code, year, instrument.code, "respondents")
            if survey.respondent == "unit":
                returns = unit_returns(rng, mine, taking)
            else:
                expected = expected_persons(profile, drafts, sampled, year, instrument.code, factor)
                returns = person_returns(rng, mine, taking, expected, profile.in_progress)
            fielding = Fielding(
                code,
                survey,
                int(version.id or 0),
                wave_id,
                year,
                start,
                end,
                profile.english,
                0.75 if survey.respondent == "unit" else 0.3,
                profile.trend * (year - profile.base_year),
                int(instrument.id or 0) if survey.respondent == "unit" else None,
            )
            responses += _store(session, fielding, seed, drafts, unit_ids, returns)
            complete += sum(returns.complete)
            record_quiet(session, wave_id, returns)
    return wave_id, (responses, complete)


def _store(
    session: Session,
    fielding: Fielding,
    seed: int,
    drafts: list[UnitDraft],
    unit_ids: list[int],
    returns: Returns,
) -> int:
    """Store the responses of `returns`, each through its case's invitation."""
    return insert_responses(
        session,
        fielding,
        seed,
        drafts,
        unit_ids,
        np.array(returns.unit_of, dtype=np.int64),
        np.array(returns.complete, dtype=bool),
        Returned(returns.invitation, returns.language, returns.refused),
    )
