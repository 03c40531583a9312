"""What the themes page and its downloads show: counts per theme and group, and quotes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlmodel import Session, col, select

from mel.i18n import translate
from mel.models import Contact, Programme, Unit, Wave
from mel.services.exports import to_csv
from mel.services.reviews.coding import codings_of
from mel.services.reviews.pseudonyms import pseudonyms
from mel.services.reviews.redact import looks_like_name
from mel.services.reviews.store import ReviewResponse, review_responses
from mel.services.reviews.themes import CountRow, Group, Quote, quotes, theme_counts
from mel.surveys.codebook import CODEBOOK_FILE, CodeBook
from mel.surveys.loader import load_codebook


class NoCodeBook(LookupError):
    """The programme has no code book file."""


@dataclass(frozen=True)
class ThemeReport:
    """Theme counts per group and the pseudonymous quotes of a programme's reviews."""

    groups: list[Group]
    rows: list[CountRow]
    quotes: list[Quote]


def codebook_for(surveys: Path, programme: str) -> CodeBook:
    """Load ``<surveys>/<programme>/codebook.yaml``; NoCodeBook if there is none.

    A code book with problems raises FileProblems (each located, as `mel surveys validate`).
    """
    path = surveys / programme / CODEBOOK_FILE
    if not path.is_file():
        raise NoCodeBook(str(path))
    return load_codebook(path)


def names_to_redact(
    session: Session, programme_id: int, reviews: list[ReviewResponse]
) -> list[str]:
    """Personal names known to mel: contacts of the programme's waves, action owners."""
    found = set(
        session.exec(
            select(Contact.name)
            .join(Wave, col(Wave.id) == Contact.wave_id)
            .where(Wave.programme_id == programme_id, col(Contact.name).is_not(None))
        ).all()
    )
    for review in reviews:
        parts = [(review.review.actions.group, review.review.actions.owner)]
        follow = review.review.follow_up
        if follow is not None and follow.owner:
            parts.append((follow.group, follow.owner))
        for group, owner in parts:
            rows = review.answers.get(group)
            for row in rows if isinstance(rows, list) else []:
                value = row.get(owner) if isinstance(row, dict) else None
                if isinstance(value, str) and looks_like_name(value):
                    found.add(value)
    return sorted(n for n in found if n)


def theme_report(
    session: Session,
    programme: Programme,
    book: CodeBook,
    *,
    secret: str,
    k: int,
    by: str | None = None,
    lang: str = "nl",
) -> ThemeReport:
    """Counts per theme and code in every group (disclosure-controlled), and quotes."""
    assert programme.id is not None
    reviews = review_responses(session, programme.id)
    codings = codings_of(session, [r.id for r in reviews])
    groups, rows = theme_counts(reviews, codings, book, k=k, by=by)
    names = pseudonyms(session, programme.id, secret)
    units = {
        name: names[unit_id]
        for unit_id, name in session.exec(
            select(Unit.id, Unit.name).where(Unit.programme_id == programme.id)
        )
        if unit_id in names
    }
    found = quotes(
        reviews,
        codings,
        book,
        pseudonyms=names,
        names=names_to_redact(session, programme.id, reviews),
        unit_names=units,
        lang=lang,
    )
    return ThemeReport(groups, rows, found)


def counts_csv(report: ThemeReport, lang: str) -> bytes:
    """The counts as CSV: one row per theme or code and group; hidden counts empty."""
    records = []
    for row in report.rows:
        for i, group in enumerate(report.groups):
            records.append(
                {
                    "wave": group.wave_code,
                    "year": group.year,
                    "group": group.value if group.value is not None else "",
                    "reviewed_units": None if group.hidden else group.reviewed,
                    "theme": row.theme,
                    "code": row.code or "",
                    "label": row.label.get(lang) or row.label["nl"],
                    "units": row.units[i],
                    "passages": row.passages[i],
                    "suppressed": group.hidden,
                }
            )
    frame = pd.DataFrame.from_records(records)
    for column in ("reviewed_units", "units", "passages"):
        if column in frame:
            frame[column] = frame[column].astype("Int64")
    return to_csv(frame)


def quotes_csv(report: ThemeReport, lang: str) -> bytes:
    """The quotes as CSV: wave, unit pseudonym, themes, codes, part of the review, text."""
    records = [
        {
            "wave": q.wave_code,
            "unit": q.unit,
            "themes": " ".join(q.themes),
            "codes": " ".join(q.codes),
            "part": translate(f"review_part_{q.part}", lang),
            "quote": q.text,
        }
        for q in report.quotes
    ]
    columns = ["wave", "unit", "themes", "codes", "part", "quote"]
    return to_csv(pd.DataFrame.from_records(records, columns=columns))
