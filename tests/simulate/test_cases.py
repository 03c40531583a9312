"""Simulated waves go the real way: sampled cases, mailed invitations, AAPOR outcomes."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from mel.data.frame import frame
from mel.data.wave_kinds import census_wave_ids
from mel.demo import simulate
from mel.models import (
    Case,
    Contact,
    FrameUnit,
    Instrument,
    InstrumentVersion,
    Mail,
    Response,
    Wave,
    WaveStratum,
)
from mel.services.fieldwork.outcomes import OUTCOMES, respondent_cases
from mel.services.fieldwork.rates import rates_row


def test_every_simulated_case_has_an_outcome(simulated: Engine) -> None:
    seen: Counter[str] = Counter()
    everyone: list[str | None] = []
    with Session(simulated) as session:
        # The yearly progress returns (census waves of Katapult's progress instrument) are
        # simulated as returns without cases (mel.demo.progress), so they are not here.
        census = {
            w
            for p in session.exec(select(Wave.programme_id).distinct()).all()
            for w in census_wave_ids(session, p)
        }
        waves = [w for w in session.exec(select(Wave)).all() if w.id not in census]
        assert len(waves) == 6  # three programmes, two years
        for wave in waves:
            assert wave.design and wave.sample_seed is not None and wave.frozen_at is not None
            cases = respondent_cases(session, wave)
            assert cases, wave.code
            outcomes = [c.outcome for c in cases]
            # The fieldwork of every simulated wave is over: no case is pending.
            assert all(o in OUTCOMES for o in outcomes), (wave.code, Counter(outcomes))
            seen.update(o for o in outcomes if o)
            rates = rates_row(outcomes)
            # At this small scale a stratum may sample 2 units, both kept as respondents.
            assert 0 < float(rates["RR1"] or 0) <= 1, (wave.code, rates)  # type: ignore[arg-type]
            everyone.extend(outcomes)
            # Every contact got exactly one invitation, sent (to the outbox).
            mails = session.exec(
                select(Mail.contact_id, Mail.kind, Mail.status)
                .join(Contact, col(Contact.id) == Mail.contact_id)
                .where(Contact.wave_id == wave.id)
            ).all()
            contacts = session.exec(select(Contact.id).where(Contact.wave_id == wave.id)).all()
            assert sorted(m[0] for m in mails) == sorted(contacts)
            assert {(k, s) for _, k, s in mails} == {("invitation", "sent")}
    assert 0 < float(rates_row(everyone)["RR1"] or 0) < 0.9  # type: ignore[arg-type]
    assert {"complete", "partial", "refusal", "undeliverable", "opted_out", "non_contact"} <= set(
        seen
    )


def test_every_response_belongs_to_a_sampled_case(simulated: Engine) -> None:
    with Session(simulated) as session:
        responses = session.exec(
            select(Response, InstrumentVersion.instrument_id).join(
                InstrumentVersion, col(InstrumentVersion.id) == Response.instrument_version_id
            )
        ).all()
        cases = {c.invitation_id: c for c in session.exec(select(Case)).all()}
        sampled = {
            (f.wave_id, f.unit_id)
            for f in session.exec(select(FrameUnit).where(col(FrameUnit.sampled))).all()
        }
        person = set(
            session.exec(select(Instrument.id).where(Instrument.respondent == "person")).all()
        )
        census = {  # progress returns: simulated without cases (see above)
            w
            for p in session.exec(select(Wave.programme_id).distinct()).all()
            for w in census_wave_ids(session, p)
        }
    responses = [r for r in responses if r[0].wave_id not in census]
    assert responses
    complete: Counter[int] = Counter()
    for response, instrument_id in responses:
        case = cases.get(response.invitation_id)
        assert case is not None, response.public_id  # answered through a case's invitation
        assert (case.wave_id, case.instrument_id) == (response.wave_id, instrument_id)
        assert case.unit_id == response.unit_id
        assert (case.wave_id, case.unit_id) in sampled
        assert case.inclusion_probability and 0 < case.inclusion_probability <= 1
        assert case.key.startswith("c:" if instrument_id in person else "u:")
        if response.status == "complete":
            assert case.outcome == "complete"
            complete[case.id or 0] += 1
    assert max(complete.values()) == 1  # one complete response per case
    assert sum(c.outcome == "complete" for c in cases.values()) == len(complete)


def test_weights_account_for_nonresponding_cases(published: Engine) -> None:
    """Only complete cases enter the frame; their weights still add up to the frame's units."""
    simulate(published, seed=3, programmes=["katapult"], waves=(2025,))
    data = frame(
        published,
        programme="katapult",
        wave="impactmeting-2025",
        instrument="katapult-impactmeting",
    )
    with Session(published) as session:
        wave = session.exec(select(Wave).where(Wave.code == "impactmeting-2025")).one()
        strata = session.exec(select(WaveStratum).where(WaveStratum.wave_id == wave.id)).all()
        outcomes = Counter(c.outcome for c in respondent_cases(session, wave))
    population = sum(s.population_size for s in strata)
    sampled = sum(s.sample_size for s in strata)
    assert population == 450 and sum(outcomes.values()) == sampled  # half the pps'en
    assert len(data) == outcomes["complete"] < sampled
    assert outcomes["complete"] / sampled == pytest.approx(0.85, abs=0.06)  # the profile's
    assert data["weight"].sum() == pytest.approx(population)
