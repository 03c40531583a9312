"""The demo's round of peer reviews: a dozen Katapult pps reviewed in 2026, findings coded.

Each reviewed pps gets a completed peer review (self evaluation, finding and score per
theme, one to three agreed actions) and its findings are coded with the code book the way
a researcher would (several codes on a passage, parts of answers), attributed to `coder`.
Seeded: the same seed gives the same reviews.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from mel.db import session_scope
from mel.demo.review_texts import ACTIONS, FINDINGS, SELF
from mel.demo.seeding import stream, uuids
from mel.models import (
    Instrument,
    InstrumentVersion,
    Programme,
    Response,
    Unit,
    User,
    Wave,
    WaveInstrument,
)
from mel.services.reviews.coding import add_codings
from mel.services.reviews.store import review_responses
from mel.surveys.codebook import CodeBook
from mel.surveys.publish import load_version

INSTRUMENT = "katapult-peerreview"
WAVE = "peerreview-2026"
REVIEWED = 12


@dataclass(frozen=True)
class DemoReviews:
    """What the demo's review round made."""

    wave: str
    reviews: int
    codings: int

    def __str__(self) -> str:
        return f"peer reviews: {self.reviews} pps reviewed in {self.wave}, {self.codings} codings"


def _answers(rng, themes: list[str]) -> tuple[dict, list[tuple[str, str, list[str]]]]:  # noqa: ANN001
    """A review's answers and the passages to code: (answer key, excerpt, codes)."""
    answers: dict = {"datum_bijeenkomst": "2026-03-10", "panelleden": int(rng.integers(3, 6))}
    answers["eerdere_review"] = False
    coding = []
    for theme in themes:
        own = SELF[theme][int(rng.integers(len(SELF[theme])))]
        text, passages = FINDINGS[theme][int(rng.integers(len(FINDINGS[theme])))]
        answers[f"zelf_{theme}"] = own
        answers[f"bevinding_{theme}"] = text
        answers[f"score_{theme}"] = int(rng.integers(1, 5))
        coding += [(f"bevinding_{theme}", excerpt, codes) for excerpt, codes in passages]
    picks = rng.choice(len(ACTIONS), size=int(rng.integers(1, 4)), replace=False)
    answers["acties"] = [
        {
            "actie": ACTIONS[i][0],
            "actie_thema": ACTIONS[i][1],
            "actie_eigenaar": ACTIONS[i][2],
            "actie_datum": (date(2026, 12, 31) + timedelta(days=90 * n)).isoformat(),
        }
        for n, i in enumerate(sorted(int(p) for p in picks))
    ]
    if answers["acties"] and ACTIONS[int(sorted(picks)[0])][1] == "borging":
        coding.append(("acties.1.actie", "", ["financiering_onzeker"]))
    return answers, coding


def demo_reviews(engine: Engine, book: CodeBook, *, seed: int, coder: str | None) -> DemoReviews:
    """Make the review round for Katapult (nothing when its peer review is not published)."""
    rng = stream(seed, "katapult", "peerreview")
    with session_scope(engine) as session:
        found = session.exec(
            select(Instrument, InstrumentVersion)
            .join(InstrumentVersion, col(InstrumentVersion.instrument_id) == Instrument.id)
            .where(Instrument.code == INSTRUMENT)
            .order_by(col(InstrumentVersion.version).desc())
        ).first()
        programme = session.exec(select(Programme).where(Programme.code == "katapult")).first()
        if found is None or programme is None or programme.id is None:
            return DemoReviews(WAVE, 0, 0)
        instrument, version = found
        survey = load_version(version)
        assert survey.review is not None
        themes = [t.name for t in survey.review.themes]
        units = session.exec(
            select(Unit)
            .where(Unit.programme_id == programme.id, Unit.kind == "pps")
            .order_by(col(Unit.code))
        ).all()
        chosen = sorted(rng.choice(len(units), size=min(REVIEWED, len(units)), replace=False))
        wave = Wave(
            programme_id=programme.id,
            code=WAVE,
            label_nl="Peer review 2026",
            label_en="Peer review 2026",
            year=2026,
            status="closed",
            fieldwork_start=date(2026, 2, 1),
            fieldwork_end=date(2026, 4, 30),
        )
        session.add(wave)
        session.flush()
        session.add(WaveInstrument(wave_id=wave.id, instrument_id=instrument.id))
        ids = uuids(rng, 2 * len(chosen))
        plans = {}
        for n, i in enumerate(chosen):
            answers, coding = _answers(rng, themes)
            done = datetime(2026, 3, 2, 15, tzinfo=UTC) + timedelta(days=4 * n)
            response = Response(
                public_id=ids[2 * n],
                respondent_id=ids[2 * n + 1],
                wave_id=wave.id,
                instrument_version_id=version.id,
                unit_id=units[int(i)].id,
                status="complete",
                answers=answers,
                client_submission_id=ids[2 * n].replace("-", ""),
                started_at=done - timedelta(hours=2),
                updated_at=done,
                completed_at=done,
                unit_once_instrument_id=instrument.id,
            )
            session.add(response)
            session.flush()
            plans[response.id] = coding
        user = session.exec(select(User).where(User.email == coder)).first() if coder else None
        count = 0
        for review in review_responses(session, programme.id):
            for key, excerpt, codes in plans.get(review.id, []):
                added = add_codings(
                    session,
                    review=review,
                    answer_key=key,
                    excerpt=excerpt,
                    codes=codes,
                    book=book,
                    user_id=user.id if user else None,
                )
                count += len(added)
        return DemoReviews(WAVE, len(chosen), count)
