"""`mel demo` holds one round of Katapult peer reviews with coded findings."""

from __future__ import annotations

from collections import Counter

from click.testing import CliRunner
from sqlmodel import Session, select

from mel.cli import main
from mel.data.wave_kinds import review_wave_ids
from mel.db import make_engine
from mel.models import Programme, ReviewCoding, User, Wave
from mel.services.reviews.store import review_responses
from mel.services.waves import resolve_wave_code


def test_demo_reviews_a_dozen_pps_with_coded_findings(db_url: str) -> None:
    result = CliRunner().invoke(
        main, ["demo", "--no-serve", "--scale", "0.05", "--database-url", db_url]
    )
    assert result.exit_code == 0, result.output
    assert "katapult-peerreview: 12 pps reviewed in peerreview-2026" in result.output
    assert "tk-reflectie: 12 region reviewed in reflectie-2026" in result.output
    engine = make_engine(db_url)
    with Session(engine) as session:
        katapult = session.exec(select(Programme).where(Programme.code == "katapult")).one()
        reviews = review_responses(session, katapult.id or 0)
        assert len(reviews) == 12 and {r.wave_code for r in reviews} == {"peerreview-2026"}
        assert len({r.unit_id for r in reviews}) == 12
        codings = session.exec(select(ReviewCoding)).all()
        coder = session.exec(select(User).where(User.email == "researcher@demo.mel.invalid")).one()
        assert codings and {c.coded_by for c in codings} == {coder.id}
        passages = Counter((c.response_id, c.answer_key, c.span_start, c.span_end) for c in codings)
        assert max(passages.values()) >= 2  # several codes on one passage
        texts = {r.id: r.answers for r in reviews}
        assert any(
            c.span_end - c.span_start < len(texts[c.response_id][c.answer_key])
            for c in codings
            if "." not in c.answer_key
        )  # a part of an answer
        # the review round is no measurement: `latest` and the dashboards skip it
        wave = session.exec(select(Wave).where(Wave.code == "peerreview-2026")).one()
        assert review_wave_ids(session, katapult.id or 0) == {wave.id}
        assert resolve_wave_code(session, "katapult", "latest") == "impactmeting-2025"
        # no review was simulated into the measurement waves of any programme
        assert all(
            r.wave_code in ("peerreview-2026", "reflectie-2026")
            for p in session.exec(select(Programme)).all()
            for r in review_responses(session, p.id or 0)
        )
    engine.dispose()
