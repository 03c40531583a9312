"""Actions followed up at the next review: the previous review's actions, pre-filled.

When a unit's review starts, the follow-up group of the instrument is filled with the
actions agreed at the unit's latest earlier review of the same instrument (its action,
owner and due date, the status left to answer), and the `earlier` question with yes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from mel.models import Instrument, InstrumentVersion, Response, Wave
from mel.surveys.publish import load_version
from mel.surveys.schema import InstrumentDefinition


def _text(value: Any) -> str | None:
    if value in (None, ""):
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def previous_review(
    session: Session, survey: InstrumentDefinition, wave_id: int, unit_id: int
) -> tuple[Response, InstrumentDefinition] | None:
    """The unit's latest complete review of this instrument in an earlier wave, if any."""
    wave = session.get(Wave, wave_id)
    if wave is None:
        return None
    row = session.exec(
        select(Response, InstrumentVersion)
        .join(InstrumentVersion, col(InstrumentVersion.id) == Response.instrument_version_id)
        .join(Instrument, col(Instrument.id) == InstrumentVersion.instrument_id)
        .join(Wave, col(Wave.id) == Response.wave_id)
        .where(
            Instrument.code == survey.instrument,
            Response.unit_id == unit_id,
            Response.status == "complete",
            Response.wave_id != wave_id,
            Wave.year <= wave.year,
        )
        .order_by(col(Wave.year).desc(), col(Response.completed_at).desc())
    ).first()
    if row is None:
        return None
    response, version = row
    return response, load_version(version)


def previous_actions(
    session: Session, survey: InstrumentDefinition, wave_id: int, unit_id: int
) -> list[dict[str, Any]] | None:
    """Rows of the follow-up group for the previous review's actions (None: no review)."""
    review, follow = survey.review, survey.review.follow_up if survey.review else None
    if review is None or follow is None:
        return None
    found = previous_review(session, survey, wave_id, unit_id)
    if found is None:
        return None
    response, before = found
    then = before.review.actions if before.review else review.actions
    rows = response.answers.get(then.group) if response.answers else None
    result = []
    for row in rows if isinstance(rows, list) else []:
        if not isinstance(row, dict) or not _text(row.get(then.action)):
            continue
        filled: dict[str, Any] = {follow.action: _text(row.get(then.action))}
        if follow.owner:
            filled[follow.owner] = _text(row.get(then.owner))
        if follow.due:
            filled[follow.due] = _text(row.get(then.due))
        result.append(filled)
    return result


def starting_answers(
    session: Session, survey: InstrumentDefinition, wave_id: int, unit_id: int | None
) -> dict[str, Any]:
    """The answers a new response starts with: a review's follow-up of earlier actions."""
    follow = survey.review.follow_up if survey.review else None
    if follow is None or unit_id is None:
        return {}
    rows = previous_actions(session, survey, wave_id, unit_id)
    answers: dict[str, Any] = {}
    if follow.earlier:
        answers[follow.earlier] = rows is not None
    if rows:
        answers[follow.group] = rows
    return answers


def _label(survey: InstrumentDefinition, group: str, name: str, value: Any, lang: str) -> str:
    """The label of a choice answered in a repeat row (the value itself if none)."""
    try:
        inner = next(q for q in survey.question(group).questions or [] if q.name == name)
    except (KeyError, StopIteration):
        return "" if value is None else str(value)
    for choice in survey.choices.get(inner.choices or "", []):
        if str(choice.value) == str(value):
            return choice.label.get(lang)
    return "" if value is None else str(value)


def followed_up(survey: InstrumentDefinition, answers: dict[str, Any], lang: str) -> list[dict]:
    """The previous actions as answered in this review: action, owner, due, status."""
    follow = survey.review.follow_up if survey.review else None
    rows = answers.get(follow.group) if follow else None
    if follow is None or not isinstance(rows, list):
        return []
    return [
        {
            "action": row.get(follow.action) or "",
            "owner": row.get(follow.owner) if follow.owner else None,
            "due": row.get(follow.due) if follow.due else None,
            "status": row.get(follow.status),
            "status_label": _label(
                survey, follow.group, follow.status, row.get(follow.status), lang
            ),
        }
        for row in rows
        if isinstance(row, dict)
    ]


def agreed(survey: InstrumentDefinition, answers: dict[str, Any], lang: str) -> list[dict]:
    """The actions agreed in this review: answer key, action, theme, owner and due date."""
    actions = survey.review.actions if survey.review else None
    rows = answers.get(actions.group) if actions else None
    if actions is None or not isinstance(rows, list):
        return []
    found = []
    for i, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            continue
        theme = row.get(actions.theme) if actions.theme else None
        found.append(
            {
                "key": f"{actions.group}.{i}.{actions.action}",
                "action": row.get(actions.action) or "",
                "theme": _label(survey, actions.group, actions.theme, theme, lang)
                if actions.theme
                else "",
                "owner": row.get(actions.owner),
                "due": _text(row.get(actions.due)),
            }
        )
    return found
