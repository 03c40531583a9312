"""Simulated yearly progress measurements: a census wave per year of every unit in the frame.

Each unit of a census instrument (``census:`` in its file, e.g. Katapult's progress
measurement) reports once a year. The demo makes two years (`YEARS`): every unit's figures
follow its own size and a growth of a few per cent a year, a few units change a lot (and
give a reason, as the form asks), and a share of the units does not report in a year
(`NOT_REPORTING`), so that coverage and imputation have something to show. The earlier
year is closed; the last is open, so a coordinator can still correct the return.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np
from sqlalchemy import insert
from sqlmodel import Session, select

from mel.demo.answers import choice_values
from mel.demo.design import SimulationError
from mel.demo.seeding import hex_ids, stream, uuids
from mel.demo.units import UnitDraft
from mel.models import FrameUnit, Response, Wave, WaveInstrument, WaveStratum
from mel.services.sampling.wavefile import WaveFile
from mel.surveys.plausibility import check, reason_key
from mel.surveys.schema import InstrumentDefinition, Question

YEARS = (2025, 2026)
NOT_REPORTING = {2025: 0.07, 2026: 0.13}
SHOCK = 0.006  # chance that a figure of a unit jumps (a merger, a new way of counting)
# Typical figures of a pps of average size, and which trait scales them.
LEVELS: dict[str, tuple[float, str]] = {
    "fte": (5.5, "size"),
    "budget_overheid": (210_000, "size"),
    "budget_onderwijs": (95_000, "size"),
    "budget_bedrijven": (70_000, "companies"),
    "budget_overig": (18_000, "size"),
    "bijeenkomsten": (11, "size"),
    "studenten": (290, "size"),
    "docenten": (19, "teachers"),
    "bedrijven": (28, "companies"),
    "minoren": (1.6, "size"),
    "llo_cursussen": (3.2, "companies"),
    "innovatieprojecten": (4.1, "companies"),
}
# Share of units that know distinct counts (else they give involvements).
DISTINCT = {"studenten_telwijze": 0.35, "docenten_telwijze": 0.6, "bedrijven_telwijze": 0.7}
REASONS = (
    "Twee nieuwe onderwijsinstellingen sloten aan bij de pps.",
    "Vorig jaar telden we alleen de eerstejaars; nu alle studenten.",
    "Een groot project is afgerond; de subsidie liep af.",
    "Fusie met een andere pps in de regio.",
)


def wave_code(instrument: str, year: int) -> str:
    """Return the code of the demo's census wave of an instrument in a year."""
    return f"{instrument.split('-', 1)[-1]}-{year}"


def simulate_census(
    session: Session,
    programme_id: int,
    programme: str,
    drafts: list[UnitDraft],
    unit_ids: list[int],
    instrument_id: int,
    version_id: int,
    survey: InstrumentDefinition,
    seed: int,
) -> tuple[int, int]:
    """Store the census waves of one instrument with their frames and returns.

    Returns (waves, responses) created.
    """
    members = [i for i, d in enumerate(drafts) if d.in_frame]
    rng = stream(seed, programme, survey.instrument, "census")
    growth = rng.lognormal(0.05, 0.08, size=len(drafts))  # a unit's yearly growth
    previous: dict[int, dict[str, Any]] = {}
    made = 0
    for year in YEARS:
        last = year == YEARS[-1]
        wave = _wave(session, programme_id, programme, survey, year, instrument_id, last=last)
        _frame(session, int(wave.id or 0), drafts, unit_ids, members)
        yearly = stream(seed, programme, survey.instrument, year)
        reporting = [i for i in members if yearly.random() >= NOT_REPORTING[year]]
        public, respondent = uuids(yearly, len(reporting)), uuids(yearly, len(reporting))
        submission = hex_ids(yearly, len(reporting))
        rows = []
        for k, i in enumerate(reporting):
            answers = _answers(yearly, survey, drafts[i], growth[i], previous.get(i, {}))
            previous[i] = answers
            day = date(year, 9, 15) + timedelta(days=int(yearly.integers(0, 60)))
            moment = datetime.combine(day, time(10), tzinfo=UTC) + timedelta(
                minutes=int(yearly.integers(0, 480))
            )
            rows.append(
                {
                    "public_id": public[k],
                    "wave_id": wave.id,
                    "instrument_version_id": version_id,
                    "unit_id": unit_ids[i],
                    "respondent_id": respondent[k],
                    "client_submission_id": submission[k],
                    "status": "complete",
                    "language": "nl",
                    "consent_version": survey.consent.version if survey.consent else None,
                    "current_page": len(survey.pages),
                    "lock_version": len(survey.pages) + 1,
                    "answers": answers,
                    "started_at": moment - timedelta(minutes=15),
                    "updated_at": moment,
                    "completed_at": moment,
                    "unit_once_instrument_id": instrument_id,
                }
            )
        if rows:
            session.execute(insert(Response), rows)
        made += len(rows)
    return len(YEARS), made


def _wave(
    session: Session,
    programme_id: int,
    programme: str,
    survey: InstrumentDefinition,
    year: int,
    instrument_id: int,
    *,
    last: bool,
) -> Wave:
    """Create the census wave of a year (closed, or open when it is the last)."""
    code = wave_code(survey.instrument, year)
    if session.exec(
        select(Wave.id).where(Wave.programme_id == programme_id, Wave.code == code)
    ).first():
        raise SimulationError(f"wave {code!r} exists already")
    start, end = date(year, 9, 1), date(year, 12, 15)
    label_nl = f"{survey.title.nl.split(' — ')[0]} {year}"
    label_en = f"{(survey.title.en or survey.title.nl).split(' — ')[0]} {year}"
    # The wave file `mel waves create` would have stored (pages and commands read its design).
    design = WaveFile.model_validate(
        {
            "wave": code,
            "programme": programme,
            "label": {"nl": label_nl, "en": label_en},
            "year": year,
            "fieldwork": {"start": start, "end": end},
            "instruments": [{"code": survey.instrument}],
            "design": {"method": "census"},
            "retention_until": date(year + 10, 12, 31),
        }
    ).model_dump(mode="json")
    wave = Wave(
        programme_id=programme_id,
        code=code,
        year=year,
        label_nl=label_nl,
        label_en=label_en,
        fieldwork_start=start,
        fieldwork_end=end,
        status="open" if last else "closed",
        retention_until=date(year + 10, 12, 31),
        created_at=datetime.combine(start - timedelta(days=14), time(9), tzinfo=UTC),
        design=design,
    )
    session.add(wave)
    session.flush()
    session.add(WaveInstrument(wave_id=wave.id, instrument_id=instrument_id))
    session.flush()
    return wave


def _frame(
    session: Session, wave_id: int, drafts: list[UnitDraft], unit_ids: list[int], members: list[int]
) -> None:
    """Every unit of the frame is in the census (inclusion probability 1)."""
    strata: dict[str, int] = {}
    for i in members:
        strata[drafts[i].stratum or "all"] = strata.get(drafts[i].stratum or "all", 0) + 1
    session.execute(
        insert(WaveStratum),
        [
            {"wave_id": wave_id, "stratum": h, "population_size": n, "sample_size": n}
            for h, n in sorted(strata.items())
        ],
    )
    session.execute(
        insert(FrameUnit),
        [
            {
                "wave_id": wave_id,
                "unit_id": unit_ids[i],
                "stratum": drafts[i].stratum or "all",
                "sampled": True,
                "base_weight": 1.0,
                "inclusion_probability": 1.0,
            }
            for i in members
        ],
    )


def _answers(
    rng: np.random.Generator,
    survey: InstrumentDefinition,
    draft: UnitDraft,
    factor: float,
    before: dict[str, Any],
) -> dict[str, Any]:
    """One unit's return: its figures this year, and a reason for every flagged change."""
    answers: dict[str, Any] = {}
    for q in survey.questions():
        value = _value(rng, survey, q, draft, factor, before)
        if value is not None:
            answers[q.name] = value
        if q.plausible is not None and value is not None:
            if check(q.name, q.plausible, value, before.get(q.name)) is not None:
                answers[reason_key(q.name)] = REASONS[int(rng.integers(len(REASONS)))]
    return answers


def _value(
    rng: np.random.Generator,
    survey: InstrumentDefinition,
    q: Question,
    draft: UnitDraft,
    factor: float,
    before: dict[str, Any],
) -> Any:
    """A plausible answer to one question (kept from last year where it rarely changes)."""
    if q.type in ("integer", "decimal"):
        level, trait = LEVELS.get(q.name, (5.0, "size"))
        last = before.get(q.name)
        # A unit's figures move with its own growth from last year's, with a little noise.
        fresh = not isinstance(last, int | float) or isinstance(last, bool)
        mean = level * float(draft.traits.get(trait, 1.0)) if fresh else float(last) * factor
        shocked = rng.random() < SHOCK
        if shocked:
            mean *= float(rng.choice([0.3, 2.8]))
        low, high = q.bounds()
        if q.type == "decimal":
            number: float = round(max(0.0, mean * rng.lognormal(0, 0.06)), 1)
            if level >= 1000:
                number = float(round(number, -3))
        elif fresh or shocked:
            number = int(rng.poisson(max(mean, 0.1)))
        else:
            number = int(round(mean * rng.lognormal(0, 0.06)))
        if low is not None:
            number = max(number, low if q.type == "decimal" else int(low))
        if high is not None:
            number = min(number, high if q.type == "decimal" else int(high))
        return number
    if q.type == "select_one" and q.choices:
        if q.name in before:
            return before[q.name]
        if q.name in DISTINCT:
            return "verschillend" if rng.random() < DISTINCT[q.name] else "betrokkenheden"
        values = choice_values(survey, q)
        return values[int(rng.integers(len(values)))]
    if q.type == "select_multiple" and q.choices:
        if q.name in before and rng.random() < 0.7:
            return before[q.name]
        values = choice_values(survey, q)
        return [v for v in values if rng.random() < 0.55] or [values[0]]
    return None
