"""Answering a page: check it, save it, move on; and complete the response exactly once."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Any

from flask import (
    current_app,
    flash,
    g,
    get_flashed_messages,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue

from mel.i18n import translate
from mel.services import responses as store
from mel.surveys.schema import InstrumentDefinition
from mel.web.database import get_session
from mel.web.language import survey_languages
from mel.web.security import error_page
from mel.web.survey import census, entry, flow, units
from mel.web.survey.entry import Access
from mel.web.survey.forms import PageForm, build_page_form, page_handlers
from mel.web.survey.repeat_field import ADD, REMOVE, RepeatHandler


def secret_key() -> str:
    """Return the key that signs submission ids."""
    return str(current_app.config["SECRET_KEY"])


def csrf_failed() -> bool:
    """Whether this POST is being shown again because its CSRF token was missing or stale."""
    return bool(g.get("csrf_failed"))


def redirect_to(url: str) -> ResponseReturnValue:
    """Redirect with 303 so that a reload never re-posts."""
    return redirect(url, 303)


def location(access: Access, survey: InstrumentDefinition, index: int | None) -> str:
    """Return the URL of page `index`, or of the final check when None."""
    if index is None:
        return url_for("survey.submit", kind=access.kind, token=access.token)
    return url_for(
        "survey.page", kind=access.kind, token=access.token, page_name=survey.pages[index].name
    )


def save_page(
    access: Access, survey: InstrumentDefinition, index: int, final: bool
) -> ResponseReturnValue:
    """Check a posted page; store it and go on, or show it again with what was wrong."""
    response = access.response
    assert response is not None
    form = build_page_form(survey, survey.pages[index], response.answers, g.lang, request.form)
    if csrf_failed():
        return render_page(access, survey, index, form, final, "csrf_expired", 400)
    if form.unknown_keys(request.form, final=final):
        return render_page(access, survey, index, form, final, "tampered", 400)
    valid = form.validate()
    valid = census.check(access, survey, form) and valid
    values = form.answers()

    def merged(row: Any) -> dict[str, Any]:
        """The stored answers with this page's answers applied, irrelevant ones dropped."""
        return flow.clean_answers(survey, {**row.answers, **values})

    switch = request.form.get("_language")
    if switch is not None:
        return switch_language(
            access, survey, index, final, switch, lambda row: (merged(row), row.current_page)
        )
    action = request.form.get("_action", "")
    if census.correctable(access, survey):  # a census response corrected until the wave closes
        if not valid and action != "back":
            return render_page(access, survey, index, form, final)
        following = census.save_correction(access, survey, index, merged, action == "back")
        if following is None:
            return redirect_to(url_for("survey.done", kind=access.kind, token=access.token))
        return redirect_to(location(access, survey, following))
    if action.startswith((ADD, REMOVE)):
        return change_rows(access, survey, index, final, action, values, merged)
    if action == "back":
        saved = store.save_answers(
            get_session(), response, lambda row: (merged(row), row.current_page), g.lang
        )
        back = flow.previous_page(survey, index, saved.answers)
        return redirect_to(location(access, survey, index if back is None else back))
    if not valid:
        return render_page(access, survey, index, form, final)
    if final:
        return finish(
            access,
            survey,
            merged,
            lambda: render_page(access, survey, index, form, final, "stale_form", 400),
        )

    def change(row: Any) -> tuple[dict[str, Any], int]:
        """New answers and the furthest page reached, for store.save_answers."""
        new = merged(row)
        following = flow.next_page(survey, index, new)
        return new, max(row.current_page, len(survey.pages) if following is None else following)

    saved = store.save_answers(get_session(), response, change, g.lang)
    if saved.status == "complete":
        return redirect_to(url_for("survey.done", kind=access.kind, token=access.token))
    return redirect_to(location(access, survey, flow.next_page(survey, index, saved.answers)))


def change_rows(
    access: Access,
    survey: InstrumentDefinition,
    index: int,
    final: bool,
    action: str,
    values: dict[str, Any],
    merged: Callable[[Any], dict[str, Any]],
) -> ResponseReturnValue:
    """Add a row to a repeat group, or remove one, and show the page again.

    What passed its checks is saved first (as when going back). After "add another" the
    page keeps everything typed, with one more row; after "remove" it shows the saved rows.
    """
    kind, _, rest = action.partition(":")
    name, _, row = rest.partition(":")
    handler = next(
        (
            h
            for h in form_handlers(survey, index)
            if isinstance(h, RepeatHandler) and h.adds and h.question.name == name
        ),
        None,
    )
    if handler is None:
        return error_page(400, "tampered")
    if kind + ":" == REMOVE:
        rows = list(values.get(name) or [])
        if not row.isdigit() or not 1 <= int(row) <= len(rows):
            return error_page(400, "tampered")
        del rows[int(row) - 1]
        values[name] = rows

    saved = store.save_answers(
        get_session(), access.response, lambda r: (merged(r), r.current_page), g.lang
    )
    if kind + ":" == REMOVE:
        form = build_page_form(survey, survey.pages[index], saved.answers, g.lang)
    else:
        shown = handler.row_count(saved.answers, request.form)
        rows = min(shown + 1, handler.question.row_limit())
        form = build_page_form(
            survey, survey.pages[index], saved.answers, g.lang, request.form, rows=rows
        )
    return render_page(access, survey, index, form, final, show_errors=False)


def form_handlers(survey: InstrumentDefinition, index: int) -> list[Any]:
    """Return the handlers of page `index` in the participant's language."""
    return page_handlers(survey, survey.pages[index], g.lang)


def switch_language(
    access: Access,
    survey: InstrumentDefinition,
    index: int,
    final: bool,
    language: str,
    keep: Callable[[Any], tuple[dict[str, Any], int]],
) -> ResponseReturnValue:
    """Show the same page in `language` with everything typed on it still filled in.

    Answers that pass their checks are saved (as when going back); the rest is shown again
    as typed, without error messages: the participant has not asked to go on yet.
    """
    if language not in survey_languages(survey):
        return error_page(400, "tampered")
    session["lang"] = g.lang = language
    response = store.save_answers(get_session(), access.response, keep, language)
    form = build_page_form(survey, survey.pages[index], response.answers, language, request.form)
    return render_page(access, survey, index, form, final, show_errors=False)


def finish(
    access: Access,
    survey: InstrumentDefinition,
    change: Callable[[Any], dict],
    stale: Callable[[], ResponseReturnValue],
) -> ResponseReturnValue:
    """Complete the response exactly once; a repeat of the same submission is a success."""
    response = access.response
    assert response is not None
    sid = request.form.get("_submission", "")
    expected = store.submission_id(secret_key(), response)
    if not hmac.compare_digest(sid.encode(), expected.encode()):
        return stale()
    db = get_session()
    # A unit answers a unit-level survey once per wave (the database holds it to that).
    once = survey.respondent == "unit" and response.unit_id is not None
    result = store.submit(
        db,
        response,
        change,
        sid=sid,
        language=g.lang,
        incomplete=lambda answers: flow.first_incomplete(survey, answers),
        unit_instrument=entry.instrument_of(db, response.instrument_version_id) if once else None,
    )
    if result.outcome == "conflict":
        return error_page(409)
    if result.outcome == "unit_answered":
        assert response.unit_id is not None
        return units.render_answered(db, survey, response.wave_id, response.unit_id, kept=True)
    if result.outcome == "incomplete":
        flash("incomplete")
        return redirect_to(location(access, survey, result.page))
    return redirect_to(url_for("survey.done", kind=access.kind, token=access.token))


def render_page(
    access: Access,
    survey: InstrumentDefinition,
    index: int,
    form: PageForm,
    final: bool,
    notice: str | None = None,
    status: int = 200,
    *,
    show_errors: bool = True,
) -> ResponseReturnValue:
    """Render a survey page with its progress, errors, notices and resume link."""
    response = access.response
    assert response is not None
    page_def = survey.pages[index]
    number, total = flow.progress(survey, index, response.answers)
    notices = [
        translate(key, g.lang, address=survey.address)
        for key in [notice, *get_flashed_messages()]
        if key
    ]
    resume_url = (
        url_for("survey.resume", token=access.token, _external=True) if access.kind == "r" else None
    )
    return render_template(
        "survey/page.html",
        survey=survey,
        page=page_def,
        items=form.items(),
        errors=form.errors() if request.method == "POST" and show_errors else [],
        notices=notices,
        number=number,
        total=total,
        final=final,
        resume_url=resume_url,
        has_previous=flow.previous_page(survey, index, response.answers) is not None,
        submission_id=store.submission_id(secret_key(), response) if final else None,
        title=page_def.title.get(g.lang) if page_def.title else survey.title.get(g.lang),
        plausibility=census.notes(access, survey, form),
        correcting=response.status == "complete",
    ), status


def render_confirm(
    access: Access, survey: InstrumentDefinition, notice: str | None = None, status: int = 200
) -> ResponseReturnValue:
    """Render the final check with the submission id and a way back to the last page."""
    response = access.response
    assert response is not None
    back = flow.previous_page(survey, len(survey.pages), response.answers)
    return render_template(
        "survey/confirm.html",
        survey=survey,
        notice=notice,
        back_url=location(access, survey, back) if back is not None else None,
        submission_id=store.submission_id(secret_key(), response),
    ), status
