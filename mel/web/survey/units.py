"""The unit a participant answers for: chosen on an open link, checked against answers.

An open link in a wave with a frame asks for the unit, chosen from the wave's sample (the
units the wave stands for). A unit-level instrument (``respondent: unit``) is answered
once per unit and wave; a second respondent of that unit gets a page that says so.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from flask import g, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlmodel import Session, col, select

from mel.i18n import known, translate
from mel.models import FrameUnit, Programme, Unit, Wave
from mel.services.responses import unit_answered
from mel.surveys.schema import InstrumentDefinition

RADIO_LIMIT = 25  # up to this many units as radio buttons; more as a select list
QUERY_LIMIT = 100  # characters of a search kept


@dataclass(frozen=True)
class UnitChoice:
    """A unit of the wave's sample as the participant sees it."""

    id: int
    code: str
    name: str
    kind: str
    place: str | None


def sample(session: Session, wave_id: int) -> list[UnitChoice]:
    """The sampled units of the wave's frame, by name."""
    rows = session.exec(
        select(Unit.id, Unit.code, Unit.name, Unit.kind, Unit.province)
        .join(FrameUnit, col(FrameUnit.unit_id) == Unit.id)
        .where(FrameUnit.wave_id == wave_id, col(FrameUnit.sampled))
        .order_by(col(Unit.name), col(Unit.code))
    ).all()
    return [UnitChoice(*row) for row in rows]


def chosen(session: Session, wave_id: int, code: str | None) -> UnitChoice | None:
    """The sampled unit of the wave with `code`, or None."""
    if not code:
        return None
    row = session.exec(
        select(Unit.id, Unit.code, Unit.name, Unit.kind, Unit.province)
        .join(FrameUnit, col(FrameUnit.unit_id) == Unit.id)
        .where(FrameUnit.wave_id == wave_id, col(FrameUnit.sampled), Unit.code == code)
    ).first()
    return UnitChoice(*row) if row is not None else None


def kind_word(kinds: list[str], lang: str) -> str:
    """What to call the units: their (most common) kind, translated; 'unit' otherwise."""
    kind = Counter(kinds).most_common(1)[0][0] if kinds else ""
    key = f"kind_{kind}" if known(f"kind_{kind}") else "kind_unit"
    return translate(key, lang)


def matching(units: list[UnitChoice], query: str) -> list[UnitChoice]:
    """Units whose name, code or province contains every word of `query` (any case)."""
    words = query.casefold().split()
    return [
        u for u in units if all(w in f"{u.name} {u.code} {u.place or ''}".casefold() for w in words)
    ]


def render_choice(
    session: Session, wave: Wave, survey: InstrumentDefinition, *, invalid: bool = False
) -> ResponseReturnValue:
    """The page that asks which unit the answers belong to (works without JavaScript).

    Two GET forms: a search (``?q=``) that narrows the list, and the list itself (radio
    buttons, or a select list when long) that goes on to the consent page with ``?unit=``.
    """
    units = sample(session, wave.id or 0)
    query = request.args.get("q", "").strip()[:QUERY_LIMIT]
    shown = matching(units, query) if query else units
    kind = kind_word([u.kind for u in units], g.lang)
    return render_template(
        "survey/unit_choice.html",
        survey=survey,
        units=shown,
        total=len(units),
        query=query,
        kind=kind,
        heading=translate(
            f"unit_heading_{survey.respondent}", g.lang, address=survey.address, kind=kind
        ),
        as_radios=len(shown) <= RADIO_LIMIT,
        searchable=len(units) > RADIO_LIMIT,
        invalid=invalid,
        action=request.path,
    ), 400 if invalid else 200


def render_answered(
    session: Session,
    survey: InstrumentDefinition,
    wave_id: int,
    unit_id: int,
    *,
    kept: bool,
    change_url: str | None = None,
) -> ResponseReturnValue:
    """The page for a respondent whose unit has already completed this unit-level survey.

    `kept`: the respondent's own answers were saved (not counted); `change_url`: the open
    link's unit choice, to pick another unit.
    """
    unit = session.get(Unit, unit_id)
    wave = session.get(Wave, wave_id)
    programme = session.get(Programme, wave.programme_id) if wave is not None else None
    kind = kind_word([unit.kind] if unit is not None else [], g.lang)
    label = (programme.label_en if g.lang == "en" else programme.label_nl) if programme else ""
    return render_template(
        "survey/unit_answered.html",
        survey=survey,
        kind=kind,
        unit=unit.name if unit is not None else "",
        programme=label,
        kept=kept,
        change_url=change_url,
    ), 409


def answered_page_if_taken(
    session: Session,
    survey: InstrumentDefinition,
    wave_id: int,
    unit_id: int | None,
    instrument_id: int,
    change_url: str | None = None,
) -> ResponseReturnValue | None:
    """The 'already answered' page when the unit has completed this unit-level survey."""
    if survey.respondent != "unit" or unit_id is None:
        return None
    if not unit_answered(session, wave_id, unit_id, instrument_id):
        return None
    return render_answered(session, survey, wave_id, unit_id, kept=False, change_url=change_url)


def choice_url(instrument_code: str, wave_code: str) -> str:
    """The open link's unit choice (no unit chosen yet)."""
    return url_for("survey.open_start", instrument_code=instrument_code, wave_code=wave_code)
