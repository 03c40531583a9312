"""Census instruments answered once a year per unit: last year's answers, and corrections.

A census instrument (``census:`` in its file, e.g. Katapult's progress measurement) is
answered by every unit of the programme each year. Its form starts from the unit's answers
in the previous wave that fielded the instrument (`previous_answers`), and a submitted
response may be corrected until the wave closes (`correct`): the response stays complete
throughout, so it always counts, and the last correction is what counts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlmodel import Session, col

from mel.models import Response, Wave, WaveInstrument, utcnow
from mel.services.response_rows import BY_ID, ResponseRow, read_row, updated
from mel.services.responses import ATTEMPTS, Answers, Row, StaleResponse, answers_digest
from mel.surveys.plausibility import REASON_SUFFIX
from mel.surveys.schema import InstrumentDefinition

_TABLE = Response.__table__  # type: ignore[attr-defined]
# A correction writes a complete row only, guarded like every write (`lock_version`).
_CORRECT = (
    update(_TABLE)
    .where(
        _TABLE.c.id == bindparam("row_id"),
        _TABLE.c.status == "complete",
        _TABLE.c.lock_version == bindparam("read_version"),
    )
    .values(
        {
            name: bindparam(name)
            for name in ("answers", "submission_hash", "language", "lock_version", "updated_at")
        }
    )
)


def previous_answers(
    session: Session, wave_id: int, unit_id: int | None, instrument_id: int
) -> dict[str, Any]:
    """Return the unit's complete answers to the instrument in the latest earlier wave.

    "Earlier" is by year (then by wave id) among the programme's waves that field the
    instrument; an empty dict when the unit has none (a new unit, or no earlier wave).
    """
    if unit_id is None:
        return {}
    wave = session.get(Wave, wave_id)
    if wave is None:
        return {}
    earlier = (
        select(Response.answers)
        .join(Wave, col(Wave.id) == Response.wave_id)
        .join(
            WaveInstrument,
            (col(WaveInstrument.wave_id) == Wave.id)
            & (col(WaveInstrument.instrument_id) == instrument_id),
        )
        .where(
            Response.unit_id == unit_id,
            Response.status == "complete",
            Wave.programme_id == wave.programme_id,
            col(Wave.year) < wave.year,
        )
        .order_by(col(Wave.year).desc(), col(Wave.id).desc())
        .limit(1)
    )
    found = session.connection().execute(earlier).first()
    return dict(found[0]) if found is not None else {}


def prefill(survey: InstrumentDefinition, previous: dict[str, Any]) -> dict[str, Any]:
    """Return the answers a census form starts with: last year's, without last year's
    reasons for flagged changes (a reason explains one year's change, not the next)."""
    if survey.census is None or not survey.census.prefill:
        return {}
    keys = set(survey.columns()) | {f"{q.name}__other" for q in survey.questions() if q.has_other}
    return {k: v for k, v in previous.items() if k in keys and not k.endswith(REASON_SUFFIX)}


def correctable(survey: InstrumentDefinition, wave: Wave) -> bool:
    """Whether a complete response to `survey` in `wave` may still be corrected."""
    return survey.census is not None and survey.census.corrections and wave.status == "open"


def correct(
    session: Session, response: Row, change: Callable[[Row], Answers], language: str
) -> ResponseRow:
    """Store corrected answers (`change`: row → answers) in a complete response.

    The submission hash follows the answers, so a repeat of the final submission with the
    corrected answers is still recognised as the same submission. Retries on a race.
    """
    assert response.id is not None
    for _ in range(ATTEMPTS):
        answers = change(response)
        values = {
            "answers": answers,
            "submission_hash": answers_digest(answers),
            "language": language,
            "lock_version": response.lock_version + 1,
            "updated_at": utcnow(),
        }
        params = {**values, "row_id": response.id, "read_version": response.lock_version}
        if session.connection().execute(_CORRECT, params).rowcount == 1:
            session.commit()
            return updated(response, values)
        session.rollback()
        fresh = read_row(session, BY_ID, response.id)
        if fresh is None or fresh.status != "complete":
            raise StaleResponse(response.public_id)
        response = fresh
    raise StaleResponse(response.public_id)
