"""Staff: open answers of a wave (searchable, paged) and marking quotes publishable.

Every role of the programme reads the answers of a selection of at least k respondents;
administrators and programme staff mark an answer publishable for the report (a POST with
its CSRF token, checked against the question's answers, leaving an audit entry).
"""

from __future__ import annotations

import re

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from mel.i18n import translate
from mel.services import quotes
from mel.services import texts as staff_texts
from mel.services.filters import FilterError
from mel.services.privacy import record
from mel.web.database import get_session
from mel.web.staff.auth import PostForm, actor, current_user, programme_or_404, staff_required
from mel.web.staff.dashboard import filter_context, filters_or_400, k, lang, stop

bp = Blueprint("texts", __name__, url_prefix="/staff")
MARKERS = ("admin", "staff")  # roles that may mark quotes publishable
DIGEST = re.compile(r"^[0-9a-f]{64}$")


def _page_number() -> int:
    """The requested page (1 when missing or not a number)."""
    value = request.args.get("page", "1")
    return int(value) if value.isdigit() else 1


@bp.get("/p/<code>/texts")
@staff_required()
def page(code: str) -> ResponseReturnValue:
    """Open answers to a text question, only for a selection of at least k respondents."""
    row = programme_or_404(code)
    filters = filters_or_400(row)
    try:
        texts = staff_texts.open_answers(
            get_session(),
            row,
            filters,
            k(),
            request.args.get("question"),
            lang(),
            search=request.args.get("q", "")[:200],
            page=_page_number(),
        )
    except FilterError as exc:
        stop(400, row, str(exc))
    return render_template(
        "staff/texts.html",
        texts=texts,
        form=PostForm(),
        may_mark=_may_mark(),
        **filter_context(row, filters),
    )


def _may_mark() -> bool:
    """Whether this account may mark quotes publishable."""
    user = current_user()
    return user is not None and user.role in MARKERS


@bp.post("/p/<code>/texts/mark")
@staff_required(*MARKERS)
def mark(code: str) -> ResponseReturnValue:
    """Mark one answer text of a question publishable (or take the mark back)."""
    if not PostForm().validate_on_submit():
        abort(400)
    row = programme_or_404(code)
    filters = filters_or_400(row)
    question = request.form.get("question", "")
    digest = request.form.get("digest", "")
    choices = {c for c, _ in staff_texts.text_questions(get_session(), filters)}
    if (
        question not in choices
        or not DIGEST.match(digest)
        or digest not in staff_texts.answer_digests(get_session(), row, filters, question)
    ):
        stop(400, row, translate("staff_quote_unknown", lang(), question=question))
    publishable = request.form.get("publishable") == "1"
    instrument, name = question.split(":", 1)
    quotes.set_mark(
        get_session(),
        wave=filters.wave,
        instrument=instrument,
        question=name,
        digest=digest,
        publishable=publishable,
        actor=actor(),
    )
    record(
        get_session(),
        actor(),
        "quote_publishable" if publishable else "quote_not_publishable",
        programme=row.code,
        target=f"{filters.wave.code} {question} {digest[:12]}",
    )
    get_session().commit()
    back = {**filters.params(), "question": question}
    for key in ("q", "page"):
        if request.form.get(key):
            back[key] = request.form[key]
    return redirect(url_for("texts.page", code=row.code, **back) + f"#a-{digest[:12]}", 303)
