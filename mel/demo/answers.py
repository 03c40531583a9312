"""Generic answers for any instrument, generated column by column from a latent attitude.

Every respondent has a latent positivity `g` (standard normal, shared within a unit). Each
question type turns it, plus noise, into valid answers: choices from an ordinal model,
Likert rows from one factor per scale (so items correlate; reverse items are mirrored),
numbers within their bounds. Skip logic is applied afterwards (see `assemble`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
from scipy.special import ndtri

from mel.demo.seeding import stream
from mel.demo.text import texts
from mel.demo.units import UnitDraft
from mel.surveys.schema import InstrumentDefinition, Question

Column = list[Any]  # one value per respondent; None means not answered
MISSING = {
    "select_one": 0.03,
    "select_multiple": 0.04,
    "integer": 0.06,
    "decimal": 0.06,
    "rating": 0.03,
    "nps": 0.03,
    "yes_no": 0.02,
    "date": 0.10,
    "likert": 0.02,
    "text": 0.70,
}


@dataclass
class Batch:
    """The respondents of one instrument in one wave, whose answers are generated together."""

    survey: InstrumentDefinition
    programme: str
    year: int
    seed: int
    rng: np.random.Generator
    drafts: list[UnitDraft]
    unit_of: np.ndarray  # index into `drafts` per respondent
    latent: np.ndarray
    language: list[str]
    reference: date  # start of fieldwork
    hidden: dict[str, Any] = field(default_factory=dict)

    @property
    def n(self) -> int:
        """Number of respondents."""
        return len(self.unit_of)

    def trait(self, name: str, default: Any = 0.0) -> np.ndarray:
        """Return a hidden unit trait per respondent."""
        values = np.array([d.traits.get(name, default) for d in self.drafts])
        return values[self.unit_of] if len(values) else values

    def attr(self, name: str) -> np.ndarray:
        """Return a unit attribute (province, region, sector, ...) per respondent."""
        values = np.array([getattr(d, name) for d in self.drafts], dtype=object)
        return values[self.unit_of] if len(values) else values

    def question_rng(self, name: str) -> np.random.Generator:
        """A stream fixed per question across waves (its typical marginals)."""
        return stream(self.seed, self.programme, self.survey.instrument, "question", name)

    def noisy(self, loading: float) -> np.ndarray:
        """Return loading * latent + independent noise, with unit variance."""
        return loading * self.latent + np.sqrt(1 - loading**2) * self.rng.normal(size=self.n)


Override = Callable[[Batch, Question, dict[str, Column]], Column | dict[str, Column] | None]


def choice_values(survey: InstrumentDefinition, question: Question) -> list[Any]:
    """Return the stored values of a question's choice list."""
    return [c.value for c in survey.choices.get(question.choices or "", [])]


def ordinal(batch: Batch, probs: np.ndarray, loading: float = 0.45) -> np.ndarray:
    """Category indexes with marginals `probs`, ordered along the latent attitude."""
    cuts = ndtri(np.clip(np.cumsum(probs)[:-1] / probs.sum(), 1e-9, 1 - 1e-9))
    return np.searchsorted(cuts, batch.noisy(loading))


def pick(
    batch: Batch, question: Question, weights: dict[Any, float], loading: float = 0.0
) -> Column | None:
    """Draw values from `weights` restricted to the question's choices (None if none fit)."""
    allowed = {str(v): v for v in choice_values(batch.survey, question)}
    pairs = [(allowed[str(k)], w) for k, w in weights.items() if str(k) in allowed and w > 0]
    if not pairs:
        return None
    values = [v for v, _ in pairs]
    probs = np.array([w for _, w in pairs], dtype=float)
    index = (
        ordinal(batch, probs, loading)
        if loading
        else batch.rng.choice(len(values), size=batch.n, p=probs / probs.sum())
    )
    return [values[i] for i in index.tolist()]


def fit_numeric(question: Question, values: np.ndarray) -> Column:
    """Clip numbers to the question's bounds; whole numbers unless the type is decimal."""
    low, high = question.bounds()
    clipped = np.clip(values, -np.inf if low is None else low, np.inf if high is None else high)
    if question.type == "decimal":
        lo, hi = (-np.inf if low is None else low), (np.inf if high is None else high)
        return np.clip(np.round(clipped, 1), lo, hi).tolist()
    ints = np.rint(clipped)
    if low is not None:
        ints = np.where(ints < low, np.ceil(low), ints)
    if high is not None:
        ints = np.where(ints > high, np.floor(high), ints)
    return ints.astype(np.int64).tolist()


def _select_one(batch: Batch, q: Question) -> Column:
    values = choice_values(batch.survey, q)
    probs = batch.question_rng(q.name).dirichlet(np.full(len(values), 2.0))
    return [values[i] for i in ordinal(batch, probs).tolist()]


def _select_multiple(batch: Batch, q: Question) -> Column:
    values = choice_values(batch.survey, q)
    k = len(values)
    p = batch.question_rng(q.name).beta(2.0, 3.5, size=k)
    score = (
        0.35 * batch.latent[:, None] + np.sqrt(1 - 0.35**2) * batch.rng.normal(size=(batch.n, k))
    ) - ndtri(1 - p)[None, :]
    c = q.constraint
    low = max(1, c.min_selected or 1) if c else 1
    high = min(k, c.max_selected or k) if c else k
    count = np.clip((score > 0).sum(axis=1), low, high)
    ranks = np.argsort(np.argsort(-score, axis=1), axis=1)
    codes = ((ranks < count[:, None]) * (1 << np.arange(k))).sum(axis=1)
    cache: dict[int, list[Any]] = {}
    for code in np.unique(codes).tolist():
        cache[code] = [values[j] for j in range(k) if code >> j & 1]
    return [list(cache[code]) for code in codes.tolist()]


def likert(
    batch: Batch, q: Question, loading: float = 0.70, centre: float = 0.62
) -> dict[str, Column]:
    """Rows of one scale: a common factor per scale, mirrored for reverse statements.

    Item loadings of 0.7 give Cronbach's alpha of about 0.8 for five 5-point items.
    """
    values = choice_values(batch.survey, q)
    top = len(values) - 1
    qrng = batch.question_rng(q.name)
    factor = np.sqrt(0.6) * batch.latent + np.sqrt(0.4) * batch.rng.normal(size=batch.n)
    result: dict[str, Column] = {}
    for statement in q.statements or []:
        x = loading * factor + np.sqrt(1 - loading**2) * batch.rng.normal(size=batch.n)
        position = top * centre + 1.1 * top / 4 * x + qrng.normal(0, 0.25)
        if statement.reverse:
            position = top - position
        index = np.clip(np.rint(position), 0, top).astype(np.int64)
        result[f"{q.name}__{statement.name}"] = [values[i] for i in index.tolist()]
    return result


def _numeric(batch: Batch, q: Question) -> Column:
    low, high = q.bounds()
    rng = batch.rng
    if q.type in ("rating", "nps"):
        lo, hi = (0.0 if low is None else low), (10.0 if high is None else high)
        return fit_numeric(q, lo + (hi - lo) * np.clip(0.7 + 0.17 * batch.noisy(0.6), 0, 1))
    if low is not None and high is not None and low >= 1900 and high <= 2100:
        return fit_numeric(q, batch.year - np.floor(rng.exponential(4.0, size=batch.n)))
    if low is not None and high is not None and high - low <= 20:
        return fit_numeric(q, low + (high - low) * rng.beta(2.0, 4.0, size=batch.n))
    base = low if low is not None else min(0.0, np.inf if high is None else high)
    typical = 5.0 if high is None else min(20.0, max(1.0, (high - base) / 20))
    spread = rng.lognormal(np.log(typical), 0.8, size=batch.n) * np.exp(0.2 * batch.latent)
    return fit_numeric(q, base + spread)


def _yes_no(batch: Batch, q: Question) -> Column:
    p = batch.question_rng(q.name).uniform(0.35, 0.8)
    return (batch.noisy(0.4) > ndtri(1 - p)).tolist()


def _date(batch: Batch, q: Question) -> Column:
    days = batch.rng.integers(14, 540, size=batch.n).tolist()
    return [(batch.reference - timedelta(days=d)).isoformat() for d in days]


def _text(batch: Batch, q: Question) -> Column:
    return texts(batch.rng, q, batch.language)


def _time(batch: Batch, q: Question) -> Column:
    minutes = batch.rng.integers(7 * 60, 19 * 60, size=batch.n).tolist()
    return [f"{m // 60:02d}:{m % 60 // 5 * 5:02d}" for m in minutes]


def _datetime(batch: Batch, q: Question) -> Column:
    days, clocks = _date(batch, q), _time(batch, q)
    return [f"{d}T{c}" for d, c in zip(days, clocks, strict=True)]


def _range(batch: Batch, q: Question) -> Column:
    steps = q.steps() or [0.0]
    picked = batch.rng.integers(0, len(steps), size=batch.n).tolist()
    return [int(v) if float(v).is_integer() else v for v in (steps[i] for i in picked)]


def _calculate(batch: Batch, q: Question) -> Column:
    return [None] * batch.n  # computed from the other answers when assembled


FAMILY = "Bakker De_Vries Jansen Visser Smit Mulder De_Boer Bos Dekker Peters Hendriks Kok"
TRADE = "Techniek Installaties Zorggroep Bouw Logistiek ICT Metaal Food Energie Water Design"


def _company_names(batch: Batch, n: int) -> list[str]:
    """Company names as a roster lists them ("Visser Installaties BV"): a few dozen, so
    companies recur across partnerships, as in practice."""
    family = [f.replace("_", " ") for f in FAMILY.split()]
    trade = TRADE.split()
    a = batch.rng.integers(0, len(family), size=n).tolist()
    b = batch.rng.integers(0, len(trade), size=n).tolist()
    return [f"{family[i]} {trade[j]} BV" for i, j in zip(a, b, strict=True)]


def _repeat(batch: Batch, q: Question) -> Column:
    """Rows of a repeat group: mostly 0 to 4 rows per respondent, each row's answers drawn
    as for a question of its type."""
    if isinstance(q.repeat_count, int):
        counts = [q.repeat_count] * batch.n
    else:  # chosen by the participant (or from an answer: drawn alike, as a simplification)
        counts = np.minimum(batch.rng.poisson(1.6, size=batch.n), min(q.row_limit(), 6)).tolist()
    most = max(counts, default=0)
    drawn = [
        {
            inner.name: _company_names(batch, batch.n)
            if inner.type == "text" and "naam" in inner.name
            else GENERATORS[inner.type](batch, inner)
            for inner in q.questions or []
            if inner.type != "note"
        }
        for _ in range(most)
    ]
    return [
        [{name: column[i] for name, column in drawn[row].items()} for row in range(count)]
        for i, count in enumerate(counts)
    ]


GENERATORS: dict[str, Callable[[Batch, Question], Column]] = {
    "time": _time,
    "datetime": _datetime,
    "range": _range,
    "calculate": _calculate,
    "repeat": _repeat,
    "select_one": _select_one,
    "select_multiple": _select_multiple,
    "integer": _numeric,
    "decimal": _numeric,
    "rating": _numeric,
    "nps": _numeric,
    "yes_no": _yes_no,
    "date": _date,
    "text": _text,
}


def generate(batch: Batch, overrides: dict[str, Override]) -> dict[str, Column]:
    """Generate every answer column of the batch's instrument (realism first, then generic)."""
    columns: dict[str, Column] = {}
    for q in batch.survey.questions():
        if q.type == "note":
            continue
        if q.type in ("calculate", "repeat"):
            columns[q.name] = GENERATORS[q.type](batch, q)
            continue
        made = _override(batch, q, columns, overrides.get(q.name))
        if made is None:
            made = likert(batch, q) if q.type == "likert" else GENERATORS[q.type](batch, q)
        produced = made if isinstance(made, dict) else {q.name: made}
        if not q.required:
            rate = MISSING.get(q.type, 0.05)
            for key, column in produced.items():
                gaps = (batch.rng.random(batch.n) < rate).tolist()
                produced[key] = [None if gap else v for v, gap in zip(column, gaps, strict=True)]
        columns.update(produced)
    return columns


def _override(
    batch: Batch, q: Question, columns: dict[str, Column], override: Override | None
) -> Column | dict[str, Column] | None:
    """Run a realism override; None (use the generic answers) if it does not fit `q`."""
    if override is None:
        return None
    try:
        made = override(batch, q, columns)
    except (TypeError, ValueError, KeyError, IndexError):  # e.g. a question changed type
        return None
    if made is None:
        return None
    produced = made if isinstance(made, dict) else {q.name: made}
    if set(produced) != set(q.columns()):
        return None
    check = _checker(batch.survey, q)
    for column in produced.values():
        if len(column) != batch.n or not all(check(v) for v in column if v is not None):
            return None
        if q.required and any(v is None for v in column):
            return None
    return made


def _checker(survey: InstrumentDefinition, q: Question) -> Callable[[Any], bool]:
    """A test of one value against the question's type, choices and bounds."""
    if q.type in ("select_one", "likert", "select_multiple"):
        allowed = {(type(v), v) for v in choice_values(survey, q)}
        if q.type == "select_multiple":
            c = q.constraint
            low, high = (
                (c.min_selected or 1, c.max_selected or len(allowed)) if c else (1, len(allowed))
            )
            return lambda v: (
                isinstance(v, list)
                and low <= len(v) <= high
                and all((type(x), x) in allowed for x in v)
            )
        return lambda v: (type(v), v) in allowed
    if q.type == "yes_no":
        return lambda v: isinstance(v, bool)
    if q.type in ("integer", "decimal", "rating", "nps"):
        low, high = q.bounds()
        kinds = (int, float) if q.type == "decimal" else (int,)
        return lambda v: (
            isinstance(v, kinds)
            and not isinstance(v, bool)
            and (low is None or v >= low)
            and (high is None or v <= high)
        )
    return lambda v: isinstance(v, str) and bool(v)
