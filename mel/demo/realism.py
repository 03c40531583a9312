"""Programme realism by question name, layered over the generic answers.

Each override returns a column (or None to fall back to the generic answer), so an
instrument that lacks a question, or a question whose choices changed, never breaks the
simulation. Figures follow the PTvT annual reports 2021 and 2024 (see /shared/seeds).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.special import expit, ndtri

from mel.demo.answers import Batch, Column, Override, choice_values, fit_numeric, pick
from mel.surveys.schema import Question


@dataclass(frozen=True)
class Realism:
    """What an instrument adds to the generic answers: a preparation step and overrides."""

    prepare: Callable[[Batch], None] | None = None
    overrides: dict[str, Override] = field(default_factory=dict)


def known(batch: Batch, question: Question, values: np.ndarray | list[Any]) -> Column | None:
    """Return `values` as a column if every one is a choice of the question, else None."""
    allowed = {str(v): v for v in choice_values(batch.survey, question)}
    items = list(values)
    if not all(str(v) in allowed for v in items):
        return None
    return [allowed[str(v)] for v in items]


def pick_grouped(
    batch: Batch, question: Question, groups: np.ndarray, table: dict[str, dict[Any, float]]
) -> Column | None:
    """Draw choices with weights that depend on each respondent's group."""
    result: list[Any] = [None] * batch.n
    for group, weights in table.items():
        rows = np.flatnonzero(groups == group)
        if not len(rows):
            continue
        drawn = pick(batch, question, weights)
        if drawn is None:
            return None
        for i in rows.tolist():
            result[i] = drawn[i]
    return None if any(v is None for v in result) else result


def yes_share(batch: Batch, share: float | np.ndarray, loading: float = 0.35) -> Column:
    """Yes/no answers with probability `share` of yes, leaning with the latent attitude."""
    cut = ndtri(1 - np.clip(share, 0.001, 0.999))
    return (batch.noisy(loading) > cut).tolist()


def counts(batch: Batch, mean: np.ndarray | float, dispersion: float = 2.0) -> np.ndarray:
    """Overdispersed counts (gamma-Poisson) with the given means."""
    lam = np.broadcast_to(np.asarray(mean, dtype=float), (batch.n,))
    return batch.rng.poisson(lam * batch.rng.gamma(dispersion, 1 / dispersion, size=batch.n))


# --- Katapult impactmeting: one response per pps ---------------------------------------

BASE_YEAR = 2021  # jaarverslag 2021: ~124,000 students, 8,000 teachers, 12,000 companies
PER_PPS = {"students": 124_000 / 225, "teachers": 8_000 / 225, "companies": 12_000 / 225}
TYPE_PPS = {
    "mbo": {"rif_mbo": 0.52, "civ": 0.14, "llo_katalysator": 0.14, "cove": 0.06, "anders": 0.14},
    "hbo": {
        "centre_of_expertise": 0.5,
        "werkend_leren_hbo": 0.16,
        "llo_katalysator": 0.16,
        "cove": 0.04,
        "anders": 0.14,
    },
    "mbo_hbo": {
        "rif_mbo": 0.3,
        "centre_of_expertise": 0.25,
        "llo_katalysator": 0.2,
        "cove": 0.1,
        "anders": 0.15,
    },
}


def growth(year: int) -> float:
    """Reach grows about 5% a year from the 2021 impactmeting."""
    return 1.05 ** (year - BASE_YEAR)


def _wave_noise(batch: Batch) -> np.ndarray:
    return batch.rng.lognormal(-(0.15**2) / 2, 0.15, size=batch.n)


def _students(level: str) -> Override:
    def make(batch: Batch, q: Question, cols: dict[str, Column]) -> Column:
        levels = batch.trait("level", "mbo_hbo")
        share = np.where(
            levels == "mbo_hbo", batch.rng.beta(6, 4, size=batch.n), (levels == "mbo").astype(float)
        )
        share = share if level == "mbo" else 1 - share
        mean = PER_PPS["students"] * growth(batch.year) * batch.trait("size", 1.0)
        return fit_numeric(q, mean * share * _wave_noise(batch))

    return make


def _per_pps(kind: str, trait: str) -> Override:
    def make(batch: Batch, q: Question, cols: dict[str, Column]) -> Column:
        mean = PER_PPS[kind] * growth(batch.year) * batch.trait("size", 1.0)
        return fit_numeric(q, mean * batch.trait(trait, 1.0) * _wave_noise(batch))

    return make


def _sme(batch: Batch, q: Question, cols: dict[str, Column]) -> Column | None:
    companies = cols.get("bedrijven")
    if companies is None:
        return None
    share = np.clip(batch.trait("sme", 0.62) + 0.015 * (batch.year - 2023), 0, 1)
    total = np.array([-1 if c is None else c for c in companies])
    drawn = batch.rng.binomial(np.maximum(total, 0), share)
    return [None if t < 0 else int(d) for t, d in zip(total.tolist(), drawn.tolist(), strict=True)]


def _activity(mean: float) -> Override:
    def make(batch: Batch, q: Question, cols: dict[str, Column]) -> Column:
        size = np.sqrt(batch.trait("size", 1.0))
        return fit_numeric(q, counts(batch, mean * growth(batch.year) * size))

    return make


KATAPULT = Realism(
    overrides={
        "type_pps": lambda b, q, c: pick_grouped(b, q, b.trait("level", "mbo"), TYPE_PPS),
        "onderwijsniveau": lambda b, q, c: known(b, q, b.trait("level", "mbo")),
        "sector_pps": lambda b, q, c: known(b, q, b.attr("sector")),
        "startjaar": lambda b, q, c: fit_numeric(q, np.minimum(b.trait("start", 2018), b.year)),
        "hip_consortium": lambda b, q, c: [p is not None for p in b.attr("parent").tolist()],
        "internationaal": lambda b, q, c: yes_share(b, 0.27 + 0.025 * (b.year - 2023)),
        "studenten_mbo": _students("mbo"),
        "studenten_hbo": _students("hbo"),
        "docenten": _per_pps("teachers", "teachers"),
        "bedrijven": _per_pps("companies", "companies"),
        "bedrijven_mkb": _sme,
        "minoren": _activity(1.4),
        "keuzedelen": _activity(2.2),
        "llo_cursussen": _activity(3.6),
        "innovatieprojecten": _activity(4.6),
        "peer_review": lambda b, q, c: yes_share(b, 0.45),
        "aantal_landen": lambda b, q, c: fit_numeric(q, 1 + counts(b, 2.5)),
        "verdiepend_onderzoek": lambda b, q, c: yes_share(b, 0.55),
    }
)


# --- Digitale Werkplaatsen impactmonitor: entrepreneurs nested in werkplaatsen ---------

MARK_MEAN = 7.1  # impactmonitor August 2024
MARK_SD = 1.25


def _mark(batch: Batch, q: Question, cols: dict[str, Column]) -> Column:
    return fit_numeric(q, MARK_MEAN + 0.02 + MARK_SD * batch.noisy(0.9))


def _marks(batch: Batch, cols: dict[str, Column]) -> np.ndarray:
    marks = cols.get("cijfer_traject")
    if marks is None:
        return MARK_MEAN + MARK_SD * batch.latent
    return np.array([MARK_MEAN if m is None else m for m in marks], dtype=float)


def _recommend(batch: Batch, q: Question, cols: dict[str, Column]) -> Column:
    p = expit(2.0 + 1.15 * (_marks(batch, cols) - MARK_MEAN))
    return (batch.rng.random(batch.n) < p).tolist()


def _nps(batch: Batch, q: Question, cols: dict[str, Column]) -> Column:
    return fit_numeric(q, _marks(batch, cols) - 0.3 + batch.rng.normal(0, 1.0, size=batch.n))


DW = Realism(
    overrides={
        "soort_traject": lambda b, q, c: pick(
            b, q, {"korte_vraag": 0.55, "traject": 0.34, "masterclass": 0.11}
        ),
        "cijfer_traject": _mark,
        "aanbevelen": _recommend,
        "aanbeveling_score": _nps,
        "vervolgstappen": lambda b, q, c: yes_share(b, 0.85, 0.3),
        "bedrijfsgrootte": lambda b, q, c: pick(
            b, q, {"zzp": 0.36, "micro": 0.40, "klein": 0.17, "middelgroot": 0.07}
        ),
    }
)


def realism_for(instrument: str) -> Realism:
    """Return the realism of an instrument (none for instruments mel does not know)."""
    from mel.demo.realism_tk import TK_REALISM

    return {"katapult-impactmeting": KATAPULT, "dw-impactmonitor": DW, **TK_REALISM}.get(
        instrument, Realism()
    )
