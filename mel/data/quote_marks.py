"""Read staff marks on open answers (`mel.models.QuoteMark`): the publishable digests."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mel.models import QuoteMark


def publishable(engine: Engine, wave_id: int) -> dict[tuple[str, str], set[str]]:
    """Digests marked publishable in a wave, by (instrument, question)."""
    found: dict[tuple[str, str], set[str]] = {}
    with Session(engine) as session:
        rows = session.exec(
            select(QuoteMark).where(QuoteMark.wave_id == wave_id, QuoteMark.publishable)
        ).all()
    for row in rows:
        found.setdefault((row.instrument, row.question), set()).add(row.digest)
    return found
