"""Peer reviews and reflection meetings: coding findings into themes, theme counts, quotes.

Staff of the programme (every role) code passages of completed reviews with the codes of
the programme's code book (``surveys/<programme>/codebook.yaml``) and see per theme how many
units and passages were coded so, per wave, with quotes by unit pseudonym.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlmodel import col, select

from mel.i18n import translate
from mel.models import Programme, User
from mel.services.privacy import record
from mel.services.reviews import report as reviews_report
from mel.services.reviews.coding import add_codings, codings_of, remove_coding
from mel.services.reviews.followup import agreed, followed_up, previous_review
from mel.services.reviews.passages import PassageError, codable
from mel.services.reviews.pseudonyms import pseudonyms
from mel.services.reviews.store import ReviewResponse, review_responses
from mel.services.reviews.themes import BREAKDOWNS
from mel.surveys.codebook import CodeBook
from mel.surveys.yamlfile import FileProblems
from mel.web.database import get_session
from mel.web.staff.auth import PostForm, actor, current_user, programme_or_404, staff_required
from mel.web.staff.dashboard import k, lang, stop
from mel.web.staff.output import download

bp = Blueprint("reviews", __name__, url_prefix="/staff/p/<code>/reviews")
ROLES = ("admin", "researcher", "staff")
MAX_EXCERPT = 5000
QUOTES_SHOWN = 300  # quotes on the themes page; the CSV has them all


def _book(programme: Programme) -> CodeBook:
    """The programme's code book, or a page saying why there is none (409)."""
    surveys = current_app.extensions["mel.settings"].surveys
    try:
        return reviews_report.codebook_for(surveys, programme.code)
    except reviews_report.NoCodeBook as exc:
        stop(409, programme, translate("review_err_no_codebook", lang(), path=str(exc)))
    except FileProblems as exc:
        stop(409, programme, str(exc))


def _secret() -> str:
    return str(current_app.config["SECRET_KEY"])


def _review(programme: Programme, public_id: str) -> ReviewResponse:
    assert programme.id is not None
    found = review_responses(get_session(), programme.id, public_id=public_id)
    if not found:
        abort(404)
    return found[0]


@bp.get("/")
@staff_required(*ROLES)
def index(code: str) -> ResponseReturnValue:
    """The programme's completed reviews, with how many codings each has."""
    programme = programme_or_404(code)
    assert programme.id is not None
    session = get_session()
    reviews = review_responses(session, programme.id)
    counts: dict[int, int] = {}
    for coding in codings_of(session, [r.id for r in reviews]):
        counts[coding.response_id] = counts.get(coding.response_id, 0) + 1
    return render_template(
        "staff/reviews.html",
        programme=programme,
        reviews=reviews,
        counts=counts,
        names=pseudonyms(session, programme.id, _secret()),
        filters=None,
    )


@bp.get("/r/<public_id>")
@staff_required(*ROLES)
def review(code: str, public_id: str) -> ResponseReturnValue:
    """One review: its answers per theme with their codings, and forms to code passages."""
    programme = programme_or_404(code)
    return _render_review(programme, _review(programme, public_id))


def _render_review(
    programme: Programme, found: ReviewResponse, error: str | None = None, status: int = 200
) -> ResponseReturnValue:
    session = get_session()
    book = _book(programme)
    codings = codings_of(session, [found.id])
    users = {
        u.id: u.email
        for u in session.exec(
            select(User).where(col(User.id).in_({c.coded_by for c in codings if c.coded_by}))
        )
    }
    previous = None
    if found.unit_id is not None and found.review.follow_up is not None:
        before = previous_review(session, found.survey, found.wave_id, found.unit_id)
        previous = before[0].completed_at if before else None
    assert programme.id is not None
    return render_template(
        "staff/review.html",
        programme=programme,
        review=found,
        answers=codable(found.survey, found.answers),
        actions=agreed(found.survey, found.answers, lang()),
        followed=followed_up(found.survey, found.answers, lang()),
        codings=codings,
        users=users,
        book=book,
        known=book.codes(),
        pseudonym=pseudonyms(session, programme.id, _secret()).get(found.unit_id or -1, "–"),
        previous=previous,
        error=error,
        form=PostForm(),
        filters=None,
    ), status


@bp.post("/r/<public_id>/code")
@staff_required(*ROLES)
def code_passage(code: str, public_id: str) -> ResponseReturnValue:
    """Give one or several codes to a passage (a whole answer or a part of it)."""
    programme = programme_or_404(code)
    found = _review(programme, public_id)
    if not PostForm().validate_on_submit():
        abort(400)
    excerpt = request.form.get("excerpt", "")
    if len(excerpt) > MAX_EXCERPT:
        abort(400)
    start = request.form.get("start", "")
    session = get_session()
    user = current_user()
    try:
        added = add_codings(
            session,
            review=found,
            answer_key=request.form.get("answer", ""),
            excerpt=excerpt,
            codes=request.form.getlist("codes"),
            book=_book(programme),
            user_id=user.id if user else None,
            start=int(start) if start.isdigit() else None,
        )
    except PassageError as exc:
        session.rollback()
        return _render_review(programme, found, translate(exc.key, lang(), **exc.values), 400)
    session.commit()
    flash(translate("review_saved", lang(), n=len(added)))
    return redirect(url_for("reviews.review", code=programme.code, public_id=public_id), 303)


@bp.post("/r/<public_id>/remove/<int:coding_id>")
@staff_required(*ROLES)
def remove(code: str, public_id: str, coding_id: int) -> ResponseReturnValue:
    """Remove one coding of this review."""
    programme = programme_or_404(code)
    found = _review(programme, public_id)
    if not PostForm().validate_on_submit():
        abort(400)
    if not remove_coding(get_session(), response_id=found.id, coding_id=coding_id):
        abort(404)
    get_session().commit()
    flash(translate("review_removed", lang()))
    return redirect(url_for("reviews.review", code=programme.code, public_id=public_id), 303)


def _by(programme: Programme) -> str | None:
    by = request.args.get("by") or None
    if by is not None and by not in BREAKDOWNS:
        choices = ", ".join(BREAKDOWNS)
        stop(400, programme, translate("review_err_by", lang(), value=by, choices=choices))
    return by


def _report(programme: Programme) -> reviews_report.ThemeReport:
    return reviews_report.theme_report(
        get_session(),
        programme,
        _book(programme),
        secret=_secret(),
        k=k(),
        by=_by(programme),
        lang=lang(),
    )


@bp.get("/themes")
@staff_required(*ROLES)
def themes(code: str) -> ResponseReturnValue:
    """Theme counts across units and waves (small groups hidden) and pseudonymous quotes."""
    programme = programme_or_404(code)
    return render_template(
        "staff/review_themes.html",
        programme=programme,
        report=_report(programme),
        known=_book(programme).codes(),
        shown=QUOTES_SHOWN,
        by=_by(programme),
        breakdowns=BREAKDOWNS,
        k=k(),
        filters=None,
    )


@bp.get("/<any(counts, quotes):table>.csv")
@staff_required(*ROLES)
def themes_file(code: str, table: str) -> ResponseReturnValue:
    """The theme counts or the quotes as CSV (audited)."""
    programme = programme_or_404(code)
    built = _report(programme)
    write = reviews_report.counts_csv if table == "counts" else reviews_report.quotes_csv
    content = write(built, lang())
    record(
        get_session(),
        actor(),
        "export",
        programme=programme.code,
        target=f"reviews/{table}",
        format="csv",
        rows=len(built.quotes) if table == "quotes" else len(built.rows) * len(built.groups),
    )
    get_session().commit()
    return download(content, f"mel-{programme.code}-review-{table}.csv")
