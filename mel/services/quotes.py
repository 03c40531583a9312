"""Mark open answers publishable (or not) for the report, by the digest of their text."""

from __future__ import annotations

from sqlmodel import Session, select

from mel.models import QuoteMark, Wave, utcnow


def set_mark(
    session: Session,
    *,
    wave: Wave,
    instrument: str,
    question: str,
    digest: str,
    publishable: bool,
    actor: str,
) -> QuoteMark:
    """Record that the answer text of `digest` may (or may not) be quoted; caller commits."""
    mark = session.exec(
        select(QuoteMark).where(
            QuoteMark.wave_id == wave.id,
            QuoteMark.instrument == instrument,
            QuoteMark.question == question,
            QuoteMark.digest == digest,
        )
    ).first()
    if mark is None:
        assert wave.id is not None
        mark = QuoteMark(
            wave_id=wave.id,
            instrument=instrument,
            question=question,
            digest=digest,
            marked_by=actor,
        )
    mark.publishable = publishable
    mark.marked_by = actor
    mark.marked_at = utcnow()
    session.add(mark)
    return mark


def marked(session: Session, wave: Wave, instrument: str, question: str) -> set[str]:
    """Digests of the question's answers marked publishable."""
    rows = session.exec(
        select(QuoteMark.digest).where(
            QuoteMark.wave_id == wave.id,
            QuoteMark.instrument == instrument,
            QuoteMark.question == question,
            QuoteMark.publishable,
        )
    ).all()
    return set(rows)
