"""Coding review findings: one or several codes of the programme's book on a passage."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlmodel import Session, col, select

from mel.models import ReviewCoding
from mel.services.reviews.passages import PassageError, answer, locate
from mel.services.reviews.store import ReviewResponse
from mel.surveys.codebook import CodeBook


def add_codings(
    session: Session,
    *,
    review: ReviewResponse,
    answer_key: str,
    excerpt: str,
    codes: Sequence[str],
    book: CodeBook,
    user_id: int | None,
    start: int | None = None,
) -> list[ReviewCoding]:
    """Give `codes` to a passage of an answer (all of it when `excerpt` is empty).

    Returns the codings added; a code the passage already has is not added twice. Raises
    PassageError (a message key) for an unknown answer, no code, an unknown code or an
    excerpt that is not part of the answer.
    """
    found = answer(review.survey, review.answers, answer_key)
    if found is None:
        raise PassageError("review_err_answer")
    if not codes:
        raise PassageError("review_err_no_code")
    known = book.codes()
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise PassageError("review_err_code", code=", ".join(unknown))
    span_start, span_end = locate(found.text, excerpt, start)
    have = set(
        session.exec(
            select(ReviewCoding.code).where(
                ReviewCoding.response_id == review.id,
                ReviewCoding.answer_key == answer_key,
                ReviewCoding.span_start == span_start,
                ReviewCoding.span_end == span_end,
            )
        ).all()
    )
    added = []
    for code in dict.fromkeys(codes):
        if code in have:
            continue
        coding = ReviewCoding(
            response_id=review.id,
            answer_key=answer_key,
            span_start=span_start,
            span_end=span_end,
            code=code,
            coded_by=user_id,
        )
        session.add(coding)
        added.append(coding)
    session.flush()
    return added


def remove_coding(session: Session, *, response_id: int, coding_id: int) -> bool:
    """Remove one coding of a response; False when the response has no such coding."""
    coding = session.get(ReviewCoding, coding_id)
    if coding is None or coding.response_id != response_id:
        return False
    session.delete(coding)
    session.flush()
    return True


def codings_of(session: Session, response_ids: Iterable[int]) -> list[ReviewCoding]:
    """Return the codings of the given responses, in passage order."""
    ids = list(response_ids)
    if not ids:
        return []
    return list(
        session.exec(
            select(ReviewCoding)
            .where(col(ReviewCoding.response_id).in_(ids))
            .order_by(
                col(ReviewCoding.response_id),
                col(ReviewCoding.answer_key),
                col(ReviewCoding.span_start),
                col(ReviewCoding.span_end),
                col(ReviewCoding.code),
            )
        ).all()
    )
