"""The opt-out page of a mail's link: ``/optout/<token>`` (GET shows, POST with CSRF confirms).

The token is the case's invitation token; opting out stops further mail to the case's
contacts and records the outcome ``opted_out``. Nothing about the person is shown.
"""

from __future__ import annotations

from flask import Blueprint, abort, g, render_template
from flask.typing import ResponseReturnValue

from mel.models import Invitation
from mel.services.fieldwork import optout as service
from mel.web.database import get_session
from mel.web.security import error_page
from mel.web.staff.auth import PostForm
from mel.web.survey.views import use_language

bp = Blueprint("optout", __name__)


@bp.after_request
def never_cache(response):  # type: ignore[no-untyped-def]
    """The page belongs to one person's link: keep it out of caches and history."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/optout/<token>", methods=["GET", "POST"])
def optout(token: str) -> ResponseReturnValue:
    """Explain and offer the opt-out (GET); record it (POST with a valid CSRF token)."""
    session = get_session()
    case = service.case_of_token(session, token)
    if case is None:
        return error_page(404, "err_token_unknown")
    invitation = session.get(Invitation, case.invitation_id)
    use_language(invitation.language if invitation else "nl")
    survey, programme = service.survey_names(session, case)
    g.address = service.address_form(session, case.instrument_id)  # "je" as the survey does
    form = PostForm()
    done = service.is_opted_out(session, case)
    if form.is_submitted():
        if not form.validate():
            abort(400)
        service.opt_out(session, case)
        session.commit()
        done = True
    i = 1 if g.lang == "en" else 0
    return render_template(
        "survey/optout.html", form=form, done=done, survey=survey[i], programme=programme[i]
    )
