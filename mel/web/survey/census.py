"""Census forms on the participant side: last year's answers, plausibility flags, corrections.

A census instrument (``census:`` in its file) starts from the unit's answers of last year
(see `mel.services.census`), flags numeric answers that change beyond their declared
plausible range and asks for a reason, and may be corrected after submission until the
wave closes. Everything else is the ordinary survey flow.
"""

from __future__ import annotations

from typing import Any

from flask import g

from mel.i18n import translate
from mel.models import Invitation, Wave
from mel.services import census as service
from mel.surveys.plausibility import Flag, Plausible, flags, reason_key, unexplained
from mel.surveys.schema import InstrumentDefinition
from mel.web.database import get_session
from mel.web.survey import entry, flow
from mel.web.survey.entry import Access
from mel.web.survey.forms import PageForm
from mel.web.survey.values import field_number


def rules(survey: InstrumentDefinition) -> dict[str, Plausible]:
    """Return the plausibility rules of a survey by question name (empty for most)."""
    return {q.name: q.plausible for q in survey.questions() if q.plausible is not None}


def previous(access: Access, survey: InstrumentDefinition) -> dict[str, Any]:
    """Return the unit's answers of last year (read once per request; empty if none)."""
    response = access.response
    if response is None or not rules(survey):
        return {}
    cached: dict[str, Any] | None = g.get("census_previous")
    if cached is None:
        db = get_session()
        instrument = entry.instrument_of(db, response.instrument_version_id)
        cached = g.census_previous = service.previous_answers(
            db, response.wave_id, response.unit_id, instrument
        )
    return cached


def start_answers(survey: InstrumentDefinition, invitation: Invitation) -> dict[str, Any]:
    """The answers a new response starts with: a census form's unit answers of last year
    (`census.prefill`), else none."""
    if survey.census is None or not survey.census.prefill:
        return {}
    previous = service.previous_answers(
        get_session(), invitation.wave_id, invitation.unit_id, invitation.instrument_id
    )
    return service.prefill(survey, previous)


def page_flags(access: Access, survey: InstrumentDefinition, form: PageForm) -> dict[str, Flag]:
    """Return the flags of the answers shown on a page (typed in, else stored)."""
    names = {h.question.name for h in form.handlers}
    page_rules = {name: rule for name, rule in rules(survey).items() if name in names}
    if not page_rules:
        return {}
    return flags(page_rules, {**form.stored, **form.answers()}, previous(access, survey))


def check(access: Access, survey: InstrumentDefinition, form: PageForm) -> bool:
    """Put an error on every flagged answer without a reason; return whether there were none."""
    flagged = g.census_flags = page_flags(access, survey, form)
    missing = unexplained(flagged, {**form.stored, **form.answers()})
    for name in missing:
        if not form.form[name].errors:
            form.form[name].errors = [
                translate("census_reason_needed", g.lang, address=survey.address)
            ]
    return not missing


def notes(access: Access, survey: InstrumentDefinition, form: PageForm) -> dict[str, dict]:
    """Return what the page shows under each flagged answer: why, and the reason box."""
    shown = {}
    # After a post, the flags found before the errors hid the flagged answers.
    found = g.get("census_flags")
    for name, flag in (page_flags(access, survey, form) if found is None else found).items():
        field = form.form[reason_key(name)]
        lang = g.lang
        if flag.rule == "between":
            text = translate(
                "census_flag_between",
                lang,
                address=survey.address,
                value=field_number(flag.value, lang),
                low=field_number(flag.low, lang),
                high=field_number(flag.high, lang),
            )
        else:
            text = translate(
                "census_flag_ratio",
                lang,
                address=survey.address,
                value=field_number(flag.value, lang),
                previous=field_number(flag.previous, lang),
            )
        shown[name] = {
            "text": text,
            "name": reason_key(name),
            "id": f"q-{reason_key(name)}",
            "value": field.data or "",
        }
    return shown


def wave_of(access: Access) -> Wave:
    """Return the wave of the response behind a link."""
    assert access.response is not None
    wave = get_session().get(Wave, access.response.wave_id)
    assert wave is not None
    return wave


def correctable(access: Access, survey: InstrumentDefinition) -> bool:
    """Whether the link's complete response may still be corrected (census, wave open)."""
    response = access.response
    return (
        survey.census is not None
        and response is not None
        and response.status == "complete"
        and service.correctable(survey, wave_of(access))
    )


def save_correction(
    access: Access, survey: InstrumentDefinition, index: int, merged: Any, back: bool
) -> int | None:
    """Store a corrected page of a complete response; return the page to show next
    (None: the thank-you page)."""
    response = access.response
    assert response is not None
    saved = service.correct(get_session(), response, merged, g.lang)
    if back:
        before = flow.previous_page(survey, index, saved.answers)
        return index if before is None else before
    return flow.next_page(survey, index, saved.answers)
