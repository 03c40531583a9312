"""Simulated responses respect their instrument and look like real fieldwork."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from mel.data.wave_kinds import census_wave_ids
from mel.demo.text import PHRASES
from mel.models import Instrument, InstrumentVersion, Response, Wave
from mel.surveys.publish import load_version
from tests.simulate.validation import answer_problems


def test_every_answer_is_valid_for_its_instrument(simulated_with_reviews: Engine) -> None:
    with Session(simulated_with_reviews) as session:
        versions = {v.id: load_version(v) for v in session.exec(select(InstrumentVersion))}
        rows = session.exec(
            select(Response.instrument_version_id, Response.answers, Response.status)
        ).all()
    seen: Counter[str] = Counter()
    problems = []
    for version_id, answers, status in rows:
        survey = versions[version_id]
        seen[survey.instrument] += 1
        for problem in answer_problems(survey, answers, complete=status == "complete"):
            problems.append(f"{survey.instrument}: {problem}")
    assert not problems, problems[:20]
    assert set(seen) == {s.instrument for s in versions.values()}


def test_skip_logic_is_exercised_both_ways(simulated: Engine) -> None:
    with Session(simulated) as session:
        answers = session.exec(
            select(Response.answers)
            .join(InstrumentVersion)
            .join(Instrument)
            .where(Instrument.code == "dw-impactmonitor", Response.status == "complete")
        ).all()
    steps = [a for a in answers if a.get("vervolgstappen") is True]
    no_steps = [a for a in answers if a.get("vervolgstappen") is False]
    assert steps and no_steps
    assert all("reden_geen_stappen" not in a for a in steps)
    assert all("welke_stappen" not in a for a in no_steps)
    assert all("welke_stappen" in a for a in steps)  # required when relevant


def test_optional_questions_have_some_nonresponse(simulated: Engine) -> None:
    with Session(simulated) as session:
        answers = session.exec(
            select(Response.answers)
            .join(InstrumentVersion)
            .join(Instrument)
            .where(Instrument.code == "dw-impactmonitor", Response.status == "complete")
        ).all()
    share = sum("aanbeveling_score" in a for a in answers) / len(answers)
    texts = sum("opmerkingen" in a for a in answers) / len(answers)
    assert 0.9 < share < 1.0
    assert 0.1 < texts < 0.5
    assert all("cijfer_traject" in a for a in answers)


def test_response_metadata(simulated: Engine) -> None:
    with Session(simulated) as session:
        rows = session.exec(
            select(Response, InstrumentVersion, Wave).join(InstrumentVersion).join(Wave)
        ).all()
        latest = dict(
            session.exec(
                select(InstrumentVersion.instrument_id, func.max(InstrumentVersion.id)).group_by(
                    InstrumentVersion.instrument_id
                )
            ).all()
        )
        census = {  # yearly progress returns: nearly all complete, by design
            w
            for p in session.exec(select(Wave.programme_id).distinct()).all()
            for w in census_wave_ids(session, p)
        }
    statuses = Counter(r.status for r, _, _ in rows)
    assert set(statuses) == {"complete", "in_progress"}
    surveys = [r for r, _, w in rows if w.id not in census]
    in_progress = sum(r.status == "in_progress" for r in surveys)
    assert 0.03 < in_progress / len(surveys) < 0.12
    assert len({r.public_id for r, _, _ in rows}) == len(rows)
    assert len({r.respondent_id for r, _, _ in rows}) == len(rows)
    submissions = [r.client_submission_id for r, _, _ in rows if r.status == "complete"]
    assert None not in submissions and len(set(submissions)) == len(submissions)
    languages = Counter(r.language for r, _, _ in rows)
    assert set(languages) == {"nl", "en"} and languages["nl"] > 0.85 * len(rows)
    for response, version, wave in rows:
        survey = load_version(version)
        assert version.id == latest[version.instrument_id]
        assert response.unit_id is not None
        assert response.consent_version == (survey.consent.version if survey.consent else None)
        start = datetime.combine(wave.fieldwork_start, time(), tzinfo=UTC)
        end = datetime.combine(wave.fieldwork_end + timedelta(days=1), time(), tzinfo=UTC)
        assert start <= response.started_at <= response.updated_at < end
        if response.status == "complete":
            assert response.completed_at == response.updated_at
            assert response.current_page == len(survey.pages)
        else:
            assert response.completed_at is None and response.client_submission_id is None
            assert response.current_page < len(survey.pages)


def test_text_answers_follow_the_language(simulated: Engine) -> None:
    with Session(simulated) as session:
        rows = session.exec(select(Response.language, Response.answers)).all()
    phrases = {lang: set(bank) for lang, bank in PHRASES.items()}
    texts = [
        (lang, v)
        for lang, answers in rows
        for v in answers.values()
        if isinstance(v, str) and (v in phrases["nl"] or v in phrases["en"])
    ]
    assert {lang for lang, _ in texts} == {"nl", "en"}
    assert all(v in phrases[lang] for lang, v in texts)


def test_the_analysis_frame_reads_simulated_waves(simulated: Engine) -> None:
    analysis = pytest.importorskip("mel.data.frame")
    with Session(simulated) as session:
        complete = session.exec(
            select(func.count())
            .select_from(Response)
            .join(InstrumentVersion)
            .join(Instrument)
            .join(Wave, Wave.id == Response.wave_id)
            .where(
                Instrument.code == "dw-impactmonitor",
                Wave.code == "monitor-2025",
                Response.status == "complete",
            )
        ).one()
    data = analysis.frame(
        simulated,
        programme="digitale-werkplaatsen",
        wave="monitor-2025",
        instrument="dw-impactmonitor",
    )
    assert len(data) == complete and (data["weight"] > 0).all()
    assert data["cijfer_traject"].between(1, 10).all()
