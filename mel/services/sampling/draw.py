"""Drawing samples of units: stratified SRS and PPS (systematic, Brewer), reproducibly.

Units arrive sorted by code, and every draw uses one ``numpy.random.Generator(PCG64(seed))``
stepping through the strata in sorted order, so the same seed gives the same sample on any
database. Inclusion probabilities: n_h / N_h for SRS; for PPS n·x_i / X, with units whose
probability would reach one taken with certainty and the rest recomputed, repeatedly
(Särndal, Swensson and Wretman, *Model Assisted Survey Sampling*, 3.6). Brewer's method
(Brewer 1975; Tillé, *Sampling Algorithms*, 7.2) draws n units one by one with
probabilities that give exactly these inclusion probabilities.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mel.services.sampling import SamplingError

CERTAINTY = "take-all"


@dataclass(frozen=True)
class Drawn:
    """A drawn sample: for every frame unit its stratum, whether sampled, and π_i.

    Strata are held as `names` (sorted) and each unit's position in them (`index`).
    """

    names: tuple[str, ...]
    index: np.ndarray  # position of each frame unit's stratum in `names`
    sampled: np.ndarray  # bool per frame unit
    probability: np.ndarray  # inclusion probability per frame unit

    @property
    def strata(self) -> np.ndarray:
        """The stratum name of each frame unit."""
        return np.asarray(self.names, dtype=object)[self.index]

    def population(self) -> dict[str, tuple[int, int]]:
        """N_h and n_h by stratum, sorted by stratum name."""
        big = np.bincount(self.index, minlength=len(self.names))
        small = np.bincount(self.index, weights=self.sampled, minlength=len(self.names))
        return {h: (int(big[i]), int(small[i])) for i, h in enumerate(self.names)}


def factorize(labels: Sequence[str]) -> tuple[tuple[str, ...], np.ndarray]:
    """Sorted distinct labels and each label's position among them."""
    index, names = pd.factorize(pd.Series(labels, dtype=object), sort=True)
    return tuple(str(h) for h in names), index.astype(np.intp)


def generator(seed: int) -> np.random.Generator:
    """The random generator every draw uses (PCG64, the same stream on every platform)."""
    return np.random.Generator(np.random.PCG64(seed))


def stratified(strata: Sequence[str], sizes: dict[str, int], seed: int) -> Drawn:
    """Draw n_h units without replacement in each stratum (units in frame order)."""
    names, where = factorize(strata)
    rng = generator(seed)
    sampled = np.zeros(len(where), dtype=bool)
    probability = np.zeros(len(where))
    order = np.argsort(where, kind="stable")
    bounds = np.searchsorted(where[order], np.arange(len(names) + 1))
    for i, name in enumerate(names):
        members = order[bounds[i] : bounds[i + 1]]
        n = sizes.get(name, 0)
        if n > len(members):
            raise SamplingError(
                f"stratum {name!r}: sample size {n} exceeds its {len(members)} units"
            )
        chosen = members[rng.choice(len(members), size=n, replace=False)] if n else members[:0]
        sampled[chosen] = True
        probability[members] = n / len(members)
    return Drawn(names, where, sampled, probability)


def pps_probabilities(size: np.ndarray, n: int) -> np.ndarray:
    """π_i = n·x_i / X, certainty units (π_i ≥ 1) set to one and the rest recomputed."""
    size = np.asarray(size, dtype=float)
    if n > len(size):
        raise SamplingError(f"sample size {n} exceeds the {len(size)} units of the frame")
    if np.any(size <= 0) or not np.all(np.isfinite(size)):
        raise SamplingError("every unit needs a positive size measure for PPS")
    certain = np.zeros(len(size), dtype=bool)
    while True:
        rest = n - certain.sum()
        pi = np.where(certain, 1.0, rest * size / size[~certain].sum())
        newly = (pi >= 1.0) & ~certain
        if not newly.any():
            return np.minimum(pi, 1.0)
        certain |= newly


def pps(size: Sequence[float], n: int, seed: int, selection: str) -> Drawn:
    """Draw n units with probability proportional to `size`, systematically or by Brewer."""
    pi = pps_probabilities(np.asarray(size, dtype=float), n)
    rng = generator(seed)
    certain = pi >= 1.0 - 1e-12
    rest = np.flatnonzero(~certain)
    m = n - int(certain.sum())
    sampled = certain.copy()
    if m > 0:
        picks = _systematic(pi[rest], m, rng) if selection == "systematic" else None
        if selection == "brewer":
            picks = _brewer(pi[rest], m, rng)
        if picks is None:
            raise SamplingError(f"unknown PPS selection {selection!r}")
        sampled[rest[picks]] = True
    names, where = factorize(np.where(certain, CERTAINTY, "pps").tolist())
    return Drawn(names, where, sampled, pi)


def _systematic(pi: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Systematic PPS: a random start in [0, 1) and steps of one along cumulated π."""
    cumulated = np.concatenate([[0.0], np.cumsum(pi)])
    cumulated *= n / cumulated[-1]  # guard against rounding in the sum
    points = rng.uniform() + np.arange(n)
    return np.searchsorted(cumulated, points, side="right") - 1


def _brewer(pi: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Brewer's draw-by-draw method: step i picks k ∝ π_k(n−a−π_k)/(n−a−π_k(n−i+1)).

    a is the sum of π over the units already chosen; their weight is set to zero. The
    arithmetic runs in place in two buffers (a step costs a few passes over the frame).
    """
    chosen: list[int] = []
    a = 0.0
    weight = np.empty_like(pi)
    scratch = np.empty_like(pi)
    for step in range(1, n + 1):
        c = n - a
        np.subtract(c, pi, out=weight)
        weight *= pi
        np.multiply(pi, n - step + 1, out=scratch)
        np.subtract(c, scratch, out=scratch)
        weight /= scratch
        weight[chosen] = 0.0
        np.clip(weight, 0.0, None, out=weight)
        np.cumsum(weight, out=scratch)
        k = int(np.searchsorted(scratch, rng.uniform() * scratch[-1], side="right"))
        k = min(k, len(pi) - 1)
        chosen.append(k)
        a += float(pi[k])
    return np.sort(np.asarray(chosen, dtype=np.intp))
