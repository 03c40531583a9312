"""The demo's review rounds: a dozen Katapult pps peer-reviewed in 2026 and Techkwadraat's
twelve regions in their 2026 reflection meeting, the findings coded.

Each reviewed unit gets a completed review (self evaluation, finding and score per theme,
one to three agreed actions) and its findings are coded with the programme's code book the
way a researcher would (several codes on a passage, parts of answers), attributed to
`coder`. The round's frame is its units (all reviewed). Seeded: the same seed, the same
reviews.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from mel.db import session_scope
from mel.demo import review_texts as texts
from mel.demo.seeding import stream, uuids
from mel.models import (
    FrameUnit,
    Instrument,
    InstrumentVersion,
    Programme,
    Response,
    Unit,
    User,
    Wave,
    WaveInstrument,
    WaveStratum,
)
from mel.services.reviews.coding import add_codings
from mel.services.reviews.store import review_responses
from mel.surveys.codebook import CODEBOOK_FILE
from mel.surveys.loader import load_codebook
from mel.surveys.publish import load_version
from mel.surveys.schema import InstrumentDefinition

STRATUM = "review"
Passage = tuple[str, str, list[str]]  # answer key, excerpt (empty: all of it), codes


@dataclass(frozen=True)
class Round:
    """A review round the demo makes."""

    programme: str
    instrument: str
    wave: str
    label: tuple[str, str]
    kind: str
    units: int
    own: dict[str, list[str]]
    findings: dict[str, list[texts.Finding]]
    actions: list[tuple[str, str, str]]


ROUNDS = (
    Round(
        "katapult",
        "katapult-peerreview",
        "peerreview-2026",
        ("Peer review 2026", "Peer review 2026"),
        "pps",
        12,
        texts.SELF,
        texts.FINDINGS,
        texts.ACTIONS,
    ),
    Round(
        "techkwadraat",
        "tk-reflectie",
        "reflectie-2026",
        ("Reflectiebijeenkomsten 2026", "Reflection meetings 2026"),
        "region",
        12,
        texts.TK_SELF,
        texts.TK_FINDINGS,
        texts.TK_ACTIONS,
    ),
)


@dataclass(frozen=True)
class DemoReviews:
    """What the demo made of one review round."""

    instrument: str
    wave: str
    kind: str
    reviews: int
    codings: int

    def __str__(self) -> str:
        return (
            f"{self.instrument}: {self.reviews} {self.kind} reviewed in {self.wave}, "
            f"{self.codings} codings"
        )


def _answers(
    rng: np.random.Generator, survey: InstrumentDefinition, plan: Round
) -> tuple[dict[str, Any], list[Passage]]:
    """A review's answers and the passages to code."""
    review = survey.review
    assert review is not None
    answers: dict[str, Any] = {"datum_bijeenkomst": "2026-03-10"}
    answers["panelleden"] = int(rng.integers(3, 6))
    if review.follow_up and review.follow_up.earlier:
        answers[review.follow_up.earlier] = False
    coding: list[Passage] = []
    for theme in review.themes:
        own = plan.own[theme.name]
        text, passages = plan.findings[theme.name][
            int(rng.integers(len(plan.findings[theme.name])))
        ]
        answers[theme.self_evaluation] = own[int(rng.integers(len(own)))]
        answers[theme.finding] = text
        answers[theme.score] = int(rng.integers(1, 5))
        coding += [(theme.finding, excerpt, codes) for excerpt, codes in passages]
    spec = review.actions
    picks = sorted(int(p) for p in rng.choice(len(plan.actions), int(rng.integers(1, 4)), False))
    rows = []
    for n, i in enumerate(picks):
        action, about, owner = plan.actions[i]
        row = {spec.action: action, spec.owner: owner}
        row[spec.due] = (date(2026, 12, 31) + timedelta(days=90 * n)).isoformat()
        if spec.theme:
            row[spec.theme] = about
        rows.append(row)
    answers[spec.group] = rows
    return answers, coding


def _round(
    session: Session, plan: Round, surveys: Path, rng: np.random.Generator, user: int | None
) -> DemoReviews | None:
    found = session.exec(
        select(Instrument, InstrumentVersion)
        .join(InstrumentVersion, col(InstrumentVersion.instrument_id) == Instrument.id)
        .where(Instrument.code == plan.instrument)
        .order_by(col(InstrumentVersion.version).desc())
    ).first()
    programme = session.exec(select(Programme).where(Programme.code == plan.programme)).first()
    book_file = surveys / plan.programme / CODEBOOK_FILE
    if found is None or programme is None or not book_file.is_file():
        return None
    instrument, version = found
    survey, book = load_version(version), load_codebook(book_file)
    units = session.exec(
        select(Unit)
        .where(Unit.programme_id == programme.id, Unit.kind == plan.kind)
        .order_by(col(Unit.code))
    ).all()
    chosen = [
        units[int(i)] for i in sorted(rng.choice(len(units), min(plan.units, len(units)), False))
    ]
    wave = Wave(
        programme_id=programme.id or 0,
        code=plan.wave,
        label_nl=plan.label[0],
        label_en=plan.label[1],
        year=2026,
        status="closed",
        fieldwork_start=date(2026, 2, 1),
        fieldwork_end=date(2026, 4, 30),
    )
    session.add(wave)
    session.flush()
    wave_id, instrument_id = int(wave.id or 0), int(instrument.id or 0)
    session.add(WaveInstrument(wave_id=wave_id, instrument_id=instrument_id))
    # The round's frame: the units planned for review, all reviewed (a census of them).
    size = len(chosen)
    session.add(
        WaveStratum(wave_id=wave_id, stratum=STRATUM, population_size=size, sample_size=size)
    )
    ids = uuids(rng, 2 * size)
    plans: dict[int, list[Passage]] = {}
    for n, unit in enumerate(chosen):
        session.add(
            FrameUnit(
                wave_id=wave_id,
                unit_id=int(unit.id or 0),
                stratum=STRATUM,
                base_weight=1.0,
                inclusion_probability=1.0,
            )
        )
        answers, coding = _answers(rng, survey, plan)
        done = datetime(2026, 3, 2, 15, tzinfo=UTC) + timedelta(days=4 * n)
        response = Response(
            public_id=ids[2 * n],
            respondent_id=ids[2 * n + 1],
            wave_id=wave_id,
            instrument_version_id=int(version.id or 0),
            unit_id=unit.id,
            status="complete",
            answers=answers,
            client_submission_id=ids[2 * n].replace("-", ""),
            started_at=done - timedelta(hours=2),
            updated_at=done,
            completed_at=done,
            unit_once_instrument_id=instrument_id,
        )
        session.add(response)
        session.flush()
        plans[int(response.id or 0)] = coding
    count = 0
    for review in review_responses(session, programme.id or 0):
        for key, excerpt, codes in plans.get(review.id, []):
            count += len(
                add_codings(
                    session,
                    review=review,
                    answer_key=key,
                    excerpt=excerpt,
                    codes=codes,
                    book=book,
                    user_id=user,
                )
            )
    return DemoReviews(plan.instrument, plan.wave, plan.kind, size, count)


def demo_reviews(
    engine: Engine, surveys: Path, *, seed: int, coder: str | None
) -> list[DemoReviews]:
    """Make the review rounds whose instrument is published and whose code book exists."""
    made = []
    with session_scope(engine) as session:
        user = session.exec(select(User).where(User.email == coder)).first() if coder else None
        for plan in ROUNDS:
            rng = stream(seed, plan.programme, plan.instrument)
            found = _round(session, plan, surveys, rng, user.id if user else None)
            if found is not None:
                made.append(found)
    return made
