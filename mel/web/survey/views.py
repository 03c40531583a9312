"""Participants: consent, one page per definition page, resume, and exactly-once submission.

Routes (tokens in the URL are the participant's key; only their hashes are stored):

- ``/s/<instrument>/<wave>``: open link (consent, then a new response with a resume token)
- ``/i/<token>``: invitation (consent, or continue where the participant stopped)
- ``/r/<token>``: resume an open-link response
- ``/<i|r>/<token>/p/<page>``: a survey page; ``…/submit``: final check; ``…/done``: thanks
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    g,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from mel.i18n import DEFAULT_LANGUAGE, translate
from mel.models import Wave
from mel.services import responses as store
from mel.services.reviews import followup
from mel.surveys.schema import InstrumentDefinition
from mel.web import ratelimit
from mel.web.database import get_session, use_autocommit
from mel.web.language import chosen_language, offer_languages, survey_languages
from mel.web.security import error_page
from mel.web.survey import cached_html, census, entry, flow, units
from mel.web.survey.answering import (
    csrf_failed,
    finish,
    location,
    redirect_to,
    render_confirm,
    render_page,
    save_page,
    secret_key,
)
from mel.web.survey.entry import Access, Unavailable
from mel.web.survey.forms import build_page_form

bp = Blueprint("survey", __name__)


def survey_view(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
    """Show unavailable links as friendly pages; allow re-showing a page after CSRF expiry."""

    @functools.wraps(view)
    def wrapper(**kwargs: Any) -> ResponseReturnValue:
        try:
            return view(**kwargs)
        except Unavailable as exc:
            return error_page(exc.status, exc.key)
        except store.StaleResponse:
            return error_page(409, "stale_form")
        except HTTPException as exc:
            return exc.response or error_page(exc.code or 500)

    wrapper.recovers_from_csrf = True  # type: ignore[attr-defined]
    return wrapper


def use_language(default: str, survey: InstrumentDefinition | None = None) -> None:
    """Show the page in the visitor's choice, else the response's or invitation's language.

    A survey's pages offer its own languages (e.g. tr or ar besides nl and en).
    """
    offered = survey_languages(survey)
    offer_languages(offered)
    g.lang = chosen_language(offered) or (default if default in offered else DEFAULT_LANGUAGE)


@bp.after_request
def never_cache(response: Any) -> Any:
    """Survey pages hold personal answers: keep them out of shared caches and history."""
    response.headers["Cache-Control"] = "no-store"
    return response


# Every participant write is one guarded statement (see `store`): no transactions needed.
bp.before_request(use_autocommit)


@bp.route("/s/<instrument_code>/<wave_code>", methods=["GET", "POST"])
@survey_view
def open_start(instrument_code: str, wave_code: str) -> ResponseReturnValue:
    """An open link: which unit (when the wave has a frame), then consent; agreeing starts.

    The unit travels as ``?unit=<code>`` from the choice page to the consent form (which
    posts to its own address), so that choosing needs no JavaScript and no session.
    """
    session = get_session()
    link = entry.open_link(session, instrument_code, wave_code)
    wave_id = link.wave_id
    survey = entry.definition(session, link.version_id)
    use_language(g.lang, survey)
    unit = None
    if link.ask_unit:
        unit = units.chosen(session, wave_id, request.args.get("unit"))
        if unit is None:
            wave = session.get(Wave, wave_id)
            assert wave is not None
            return units.render_choice(session, wave, survey, invalid="unit" in request.args)
        change = units.choice_url(instrument_code, wave_code)
        taken = units.answered_page_if_taken(
            session, survey, wave_id, unit.id, link.instrument_id, change
        )
        if taken is not None:
            return taken
    if request.method == "POST" and consent_given(survey):
        first = flow.next_page(survey, -1, {})
        # The consent form's nonce fixes the resume token: a double click or a retried
        # POST of the same form finds the response the first one started.
        token = store.resume_token_for(
            secret_key(), request.form.get("_start"), f"{wave_id}:{link.instrument_id}"
        )
        entry.check_not_erased(session, token)
        try:
            token = store.create_response(
                session,
                wave_id=wave_id,
                version_id=link.version_id,
                language=g.lang,
                consent_version=entry.consent_version(survey),
                current_page=first or 0,
                resume_token=token,
                unit_id=unit.id if unit is not None else None,
                answers=followup.starting_answers(
                    session, survey, wave_id, unit.id if unit is not None else None
                ),
            )
        except IntegrityError:
            session.rollback()
        assert token is not None
        return redirect_to(location(Access("r", token, None), survey, first))
    if unit is not None:
        return render_consent(
            survey, "r", unit=unit.name, change_url=units.choice_url(instrument_code, wave_code)
        )
    return render_consent(survey, "r")


@bp.route("/i/<token>", methods=["GET", "POST"])
@survey_view
def invitation_start(token: str) -> ResponseReturnValue:
    """Consent page of an invitation, or straight back to where the participant stopped."""
    session = get_session()
    access = entry.invitation_access(session, token)
    invitation = access.invitation
    assert invitation is not None and invitation.id is not None
    if access.response is not None:
        return continue_response(access)
    use_language(invitation.language)
    wave = session.get(Wave, invitation.wave_id)
    assert wave is not None
    entry.check_wave_open(wave)
    version_id = entry.latest_version(session, invitation.instrument_id)
    survey = entry.definition(session, version_id)
    use_language(invitation.language, survey)
    taken = units.answered_page_if_taken(
        session, survey, invitation.wave_id, invitation.unit_id, invitation.instrument_id
    )
    if taken is not None:
        return taken
    if request.method == "POST" and consent_given(survey):
        # a census starts from last year's answers; a review from the actions to follow up
        start = {
            **census.start_answers(survey, invitation),
            **followup.starting_answers(session, survey, wave.id or 0, invitation.unit_id),
        }
        try:
            store.create_response(
                session,
                wave_id=wave.id or 0,
                version_id=version_id,
                language=g.lang,
                consent_version=entry.consent_version(survey),
                unit_id=invitation.unit_id,
                invitation_id=invitation.id,
                current_page=flow.next_page(survey, -1, start) or 0,
                answers=start,
            )
        except IntegrityError:  # a second tab started this invitation at the same moment
            session.rollback()
        return continue_response(entry.invitation_access(session, token))
    return render_consent(survey, "i")


@bp.get("/r/<token>")
@survey_view
def resume(token: str) -> ResponseReturnValue:
    """Continue an open-link response where the participant stopped."""
    return continue_response(entry.resume_access(get_session(), token))


def continue_response(access: Access) -> ResponseReturnValue:
    """Redirect to the furthest page reached, or say the survey was already completed."""
    response = access.response
    assert response is not None
    survey = entry.definition(get_session(), response.instrument_version_id)
    if response.status == "complete":
        use_language(response.language, survey)
        if census.correctable(access, survey):
            return redirect_to(url_for(".done", kind=access.kind, token=access.token))
        raise Unavailable(410, "err_completed")
    return redirect_to(
        location(access, survey, flow.resume_page(survey, response.current_page, response.answers))
    )


def consent_given(survey: InstrumentDefinition) -> bool:
    """Whether a consent POST may start a response (valid token, text not changed)."""
    return not csrf_failed() and request.form.get("_consent") == entry.consent_version(survey)


def render_consent(
    survey: InstrumentDefinition,
    kind: str,
    *,
    unit: str | None = None,
    change_url: str | None = None,
) -> ResponseReturnValue:
    """Show the consent/privacy page (again, with a notice, after a failed POST).

    With `unit` (an open link's chosen unit) the page says which, with `change_url`.
    """
    notice = None
    if request.method == "POST":
        key = "csrf_expired" if csrf_failed() else "stale_form"
        notice = translate(key, g.lang, address=survey.address)
    text = survey.consent.text.get(g.lang) if survey.consent else None
    nonce = secrets.token_urlsafe(24) if kind == "r" else None
    return render_template(
        "survey/consent_unit.html" if unit is not None else "survey/consent.html",
        unit_name=unit,
        change_url=change_url,
        survey=survey,
        consent_text=text,
        consent_version=entry.consent_version(survey),
        kind=kind,
        notice=notice,
        start_nonce=nonce,
    ), 400 if notice else 200


def started(kind: str, token: str) -> tuple[Access, InstrumentDefinition]:
    """Resolve a token to a started response and its pinned survey version."""
    session = get_session()
    access = entry.access(session, kind, token)
    if access.response is None:
        abort(redirect_to(url_for(".invitation_start", token=token)))
    survey = entry.definition(session, access.response.instrument_version_id)
    use_language(access.response.language, survey)
    return access, survey


@bp.route("/<any(i, r):kind>/<token>/p/<page_name>", methods=["GET", "POST"])
@survey_view
def page(kind: str, token: str, page_name: str) -> ResponseReturnValue:
    """Show a survey page, or save it and move on."""
    access, survey = started(kind, token)
    response = access.response
    assert response is not None
    index = flow.page_index(survey, page_name)
    if index is None:
        abort(404)
    answers = response.answers
    final = flow.is_final(survey, index, answers)
    if response.status == "complete" and census.correctable(access, survey):
        if not flow.shows(survey.pages[index], answers):
            return redirect_to(url_for(".done", kind=kind, token=token))
        if request.method == "GET":
            form = build_page_form(survey, survey.pages[index], answers, g.lang)
            return render_page(access, survey, index, form, final)
        return save_page(access, survey, index, final)
    if response.status == "complete":
        if request.method == "POST" and final and not csrf_failed():
            return save_page(access, survey, index, final)
        return redirect_to(url_for(".done", kind=kind, token=token))
    target = flow.resume_page(survey, response.current_page, answers)
    furthest = len(survey.pages) if target is None else target
    if index > furthest or not flow.shows(survey.pages[index], answers):
        return redirect_to(location(access, survey, target))
    if request.method == "GET":
        form = build_page_form(survey, survey.pages[index], answers, g.lang)
        return render_page(access, survey, index, form, final)
    return save_page(access, survey, index, final)


@bp.route("/<any(i, r):kind>/<token>/submit", methods=["GET", "POST"])
@survey_view
def submit(kind: str, token: str) -> ResponseReturnValue:
    """Final check after a last page that could not know it was last; submitting completes."""
    access, survey = started(kind, token)
    response = access.response
    assert response is not None
    answers = response.answers
    if response.status != "complete":
        target = flow.resume_page(survey, response.current_page, answers)
        if target is not None:
            return redirect_to(location(access, survey, target))
    elif request.method == "GET":
        return redirect_to(url_for(".done", kind=kind, token=token))

    if request.method == "GET":
        return render_confirm(access, survey)
    if csrf_failed():
        return render_confirm(access, survey, "csrf_expired", 400)
    return finish(
        access,
        survey,
        lambda row: flow.clean_answers(survey, row.answers),
        lambda: render_confirm(access, survey, "stale_form", 400),
    )


@bp.get("/<any(i, r):kind>/<token>/done")
@survey_view
def done(kind: str, token: str) -> ResponseReturnValue:
    """Thank the participant once the response is complete."""
    access, survey = started(kind, token)
    assert access.response is not None
    if access.response.status != "complete":
        return continue_response(access)
    correct_url = None
    if census.correctable(access, survey):
        first = flow.next_page(survey, -1, access.response.answers)
        correct_url = location(access, survey, first) if first is not None else None
    return render_template("survey/done.html", survey=survey, correct_url=correct_url)


def init_app(app: Flask) -> None:
    """Register the blueprint, with a rate limit on its POSTs."""
    app.register_blueprint(bp)
    cached_html.init_app(app)
    ratelimit.init_app(app, bp)
    from mel.web.survey import optout  # the opt-out link of invitation mails

    app.register_blueprint(optout.bp)
