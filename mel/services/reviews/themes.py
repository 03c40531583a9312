"""Theme counts across units and waves (disclosure-controlled) and pseudonymous quotes.

A unit counts for a theme in a wave when a passage of its review of that wave carries a
code of the theme. Groups are waves (and optionally a unit's region within a wave); a
group with 1 to k-1 reviewed units is hidden with all its counts, and so is what could be
derived from it (`mel.disclosure.protect`: each wave's breakdown is one table whose
margin, the wave's total, is shown).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from mel.disclosure.rules import protect
from mel.models import ReviewCoding
from mel.services.reviews.passages import Answer, codable
from mel.services.reviews.redact import Redactor
from mel.services.reviews.store import ReviewResponse
from mel.surveys.codebook import CodeBook

BREAKDOWNS = ("region",)
TOTAL = "*"


@dataclass(frozen=True)
class Group:
    """A column of the table: a wave, or a wave's units in one region."""

    wave_code: str
    wave_label: Mapping[str, str]
    year: int
    value: str | None  # None: all units of the wave
    reviewed: int
    hidden: bool


@dataclass(frozen=True)
class CountRow:
    """A theme (or one of its codes) with its counts per group; None where hidden."""

    theme: str
    code: str | None
    label: Mapping[str, str]
    units: tuple[int | None, ...]
    passages: tuple[int | None, ...]


@dataclass(frozen=True)
class Quote:
    """A coded passage as a pseudonymous quote."""

    wave_code: str
    wave_label: Mapping[str, str]
    unit: str
    themes: tuple[str, ...]
    codes: tuple[str, ...]
    part: str
    text: str


def _unit_key(review: ReviewResponse) -> str:
    return f"u{review.unit_id}" if review.unit_id is not None else f"r{review.id}"


def groups_of(
    reviews: Sequence[ReviewResponse], *, k: int, by: str | None = None
) -> list[tuple[Group, set[str]]]:
    """Return the table's groups with the units (keys) each holds, hidden ones marked."""
    if by is not None and by not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {by!r}")
    waves: dict[str, list[ReviewResponse]] = defaultdict(list)
    for review in reviews:
        waves[review.wave_code].append(review)
    found = []
    for code, members in sorted(waves.items(), key=lambda item: (item[1][0].year, item[0])):
        first = members[0]
        units = {_unit_key(r) for r in members}
        total = pd.Series([len(units)], index=pd.Index([TOTAL], name=TOTAL))
        hidden = bool(protect(total, k).iloc[0])
        found.append((Group(code, first.wave_label, first.year, None, len(units), hidden), units))
        if by is None:
            continue
        parts: dict[str, set[str]] = defaultdict(set)
        for review in members:
            parts[getattr(review, by) or "–"].add(_unit_key(review))
        sizes = pd.Series({value: len(keys) for value, keys in sorted(parts.items())})
        hide = protect(sizes, k)
        for value, keys in sorted(parts.items()):
            group = Group(code, first.wave_label, first.year, value, len(keys), bool(hide[value]))
            found.append((group, keys))
    return found


def theme_counts(
    reviews: Sequence[ReviewResponse],
    codings: Iterable[ReviewCoding],
    book: CodeBook,
    *,
    k: int,
    by: str | None = None,
) -> tuple[list[Group], list[CountRow]]:
    """Count units and passages per theme and code in every group (None where hidden)."""
    by_response = {r.id: r for r in reviews}
    codes = book.codes()
    # theme (code None) or code -> (wave, unit) -> its passages as (response, answer, span)
    found: dict[tuple[str, str | None], dict[tuple[str, str], set[tuple[int, str, int, int]]]]
    found = defaultdict(lambda: defaultdict(set))
    for coding in codings:
        review = by_response.get(coding.response_id)
        if review is None or coding.code not in codes:
            continue
        name = codes[coding.code][0].theme
        passage = (coding.response_id, coding.answer_key, coding.span_start, coding.span_end)
        where = (review.wave_code, _unit_key(review))
        levels: tuple[tuple[str, str | None], ...] = ((name, None), (name, coding.code))
        for level in levels:
            found[level][where].add(passage)
    groups = groups_of(reviews, k=k, by=by)
    rows = []
    for theme in book.themes:
        keys: list[tuple[str | None, Mapping[str, str]]] = [(None, theme.label.model_dump())]
        keys += [(c.code, c.label.model_dump()) for c in theme.codes]
        for code, label in keys:
            cells = found.get((theme.theme, code), {})
            unit_counts: list[int | None] = []
            passage_counts: list[int | None] = []
            for group, members in groups:
                if group.hidden:
                    unit_counts.append(None)
                    passage_counts.append(None)
                    continue
                coded = [
                    cells[(group.wave_code, u)] for u in members if (group.wave_code, u) in cells
                ]
                unit_counts.append(len(coded))
                passage_counts.append(sum(len(p) for p in coded))
            rows.append(
                CountRow(theme.theme, code, label, tuple(unit_counts), tuple(passage_counts))
            )
    return [g for g, _ in groups], rows


def quotes(
    reviews: Sequence[ReviewResponse],
    codings: Iterable[ReviewCoding],
    book: CodeBook,
    *,
    pseudonyms: Mapping[int, str],
    names: Iterable[str] = (),
    unit_names: Mapping[str, str] | None = None,
    lang: str = "nl",
) -> list[Quote]:
    """Every coded passage as a quote: unit by pseudonym, names and contact details out.

    Sorted by theme, wave and pseudonym (never by when it was written or coded).
    """
    by_response = {r.id: r for r in reviews}
    codes = book.codes()
    passages: dict[tuple[int, str, int, int], list[str]] = defaultdict(list)
    for coding in codings:
        if coding.response_id in by_response:
            spot = (coding.response_id, coding.answer_key, coding.span_start, coding.span_end)
            passages[spot].append(coding.code)
    scrub = Redactor(names=names, units=unit_names, lang=lang)
    answers: dict[int, dict[str, Answer]] = {}
    found = []
    for (response_id, key, start, end), coded in passages.items():
        review = by_response[response_id]
        if response_id not in answers:
            answers[response_id] = {a.key: a for a in codable(review.survey, review.answers)}
        text = answers[response_id].get(key)
        if text is None:
            continue  # emptied at retention: nothing left to quote
        passage = text.text[start:end].strip()
        if not passage:
            continue
        themes = tuple(dict.fromkeys(codes[c][0].theme for c in coded if c in codes))
        unit = pseudonyms.get(review.unit_id, "–") if review.unit_id is not None else "–"
        found.append(
            Quote(
                review.wave_code,
                review.wave_label,
                unit,
                themes,
                tuple(sorted(coded)),
                text.part,
                scrub(passage),
            )
        )
    order = {t.theme: i for i, t in enumerate(book.themes)}
    found.sort(
        key=lambda q: (min((order.get(t, 99) for t in q.themes), default=99), q.wave_code, q.unit)
    )
    return found
