"""Unequal-probability sampling without replacement (pps): Brewer and Hartley–Rao variances.

A pps design gives every sampled unit its inclusion probability pi_i (for a two-stage
design, the PSU's and the element's probability given its PSU). The weights default to
1 / prod(pi) and the variance of a total of weighted scores t_i (unit totals) uses one of
R ``survey``'s approximations to the Horvitz–Thompson variance, which needs the joint
inclusion probabilities pi_ij that such samples rarely record:

- ``"brewer"`` (Brewer 2002, 9.12; R ``svydesign(..., pps = "brewer")``): the
  with-replacement variance with a finite-population factor per unit,

      V = sum_h n_h / (n_h - 1) * sum_i (1 - pi_i) (t_i - tbar_h)^2,

  which works stage by stage in multistage designs (the second stage weighted by the
  first stage's pi, as R does).
- ``"hartley-rao"`` (Hartley & Rao 1962; R ``pps = HR(psum)``): the Horvitz–Thompson
  variance sum_ij (1 - pi_i pi_j / pi_ij) t_i t_j with

      pi_ij ~ pi_i pi_j (n - 1) / (n - pi_i - pi_j + psum),

  psum being sum_U pi_k^2 / n over the stratum's population. Without it R (and mel) use
  the sample mean of pi, the Horvitz–Thompson estimate of that sum. As in R, a pair with
  pi_i + pi_j == 1 gets no joint term, a stratum with one unit contributes
  (1 - pi) t^2 (``lonely_psu`` does not apply), and there is one stage only (its units may
  be clusters).

Everything else (means, totals, ratios, proportions, domains, quantiles, calibration,
regression) works unchanged: estimators only hand their scores to the variance. Domains
keep every row, as R's ``subset`` of a pps design does. Replicate weights are not
available for pps designs (R's ``as.svrepdesign`` ignores the probabilities).

R 4.1.1 ignores calibration in the variance of Hartley–Rao designs (``ppsvar`` computes
the calibration residuals but does not use them); mel applies them, as for every other
design, so calibrated Hartley–Rao designs are not compared with R.

References
----------
Brewer, K. R. W. (1963). Ratio estimation and finite populations: some results deducible
from the assumption of an underlying stochastic process. *Australian J. Statistics* 5,
93-105.
Brewer, K. R. W. (2002). *Combined Survey Sampling Inference: Weighing Basu's
Elephants*. Arnold, ch. 9.
Hartley, H. O. and Rao, J. N. K. (1962). Sampling with unequal probabilities and without
replacement. *Annals of Mathematical Statistics* 33, 350-374.
Berger, Y. G. (2004). A simple variance estimator for unequal probability sampling
without replacement. *J. Applied Statistics* 31, 305-315.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from mel.analysis.errors import DesignError
from mel.analysis.structure import Stage, column
from mel.analysis.variance import Scores, apply_layers, crossprod, group_sums

#: the variance approximations (R's ``pps=`` choices that mel supports)
METHODS = ("brewer", "hartley-rao")


@dataclass(frozen=True)
class HartleyRao:
    """The Hartley–Rao approximation with an optional ``psum`` (R's ``HR(psum)``).

    Parameters
    ----------
    psum : float, mapping, str or None
        sum_U pi_k^2 / n per stratum: one number (every stratum), a mapping from stratum
        value to number, or the name of a column constant within strata. None: the mean
        of the sampled units' pi in each stratum (R's default).
    """

    psum: float | Mapping[Any, float] | str | None = None


PPS = str | HartleyRao


def parse(pps: PPS) -> HartleyRao | None:
    """``HartleyRao`` for that approximation, None for Brewer; error on anything else."""
    if isinstance(pps, HartleyRao):
        return pps
    if pps == "brewer":
        return None
    if pps == "hartley-rao":
        return HartleyRao()
    raise DesignError(f"pps must be one of {METHODS} or a HartleyRao(psum), got {pps!r}")


@dataclass(frozen=True)
class HRVariance:
    """The Hartley–Rao variance of a design: its ``psum`` per stratum."""

    pbar: np.ndarray

    def cov(self, x: Scores, stages: Sequence[Stage], layers: Sequence[Any]) -> np.ndarray:
        return hr_cov(x, stages[0], self.pbar, layers)


def probability_columns(probs: list[str] | None, fpc: list[str] | None) -> list[str]:
    """The inclusion-probability columns of a pps design: ``probs`` or (as R) ``fpc``."""
    if probs is not None and fpc is not None:
        raise DesignError(
            "a pps design takes its inclusion probabilities from probs= or "
            "(as R) from fpc=, not both"
        )
    columns = probs if probs is not None else fpc
    if columns is None:
        raise DesignError(
            "a pps design needs the inclusion probabilities: give probs= (one column per stage)"
        )
    return columns


def setup(
    data: pd.DataFrame,
    stages: tuple[Stage, ...],
    columns: Sequence[str],
    pps: PPS,
    strata: str | None,
) -> tuple[tuple[Stage, ...], HRVariance | None]:
    """The stages with their units' probabilities, and the Hartley–Rao variance if asked."""
    hr = parse(pps)
    if hr is not None and len(stages) > 1:
        raise DesignError(
            "Hartley-Rao is for one-stage pps samples (as R); use "
            "pps='brewer' for a two-stage design"
        )
    stages = with_probabilities(stages, probabilities(data, columns), columns)
    if hr is None:
        return stages, None
    return stages, HRVariance(hr_pbar(hr, stages[0], data, strata))


def probabilities(data: pd.DataFrame, columns: Sequence[str]) -> list[np.ndarray]:
    """The inclusion-probability columns, checked to lie in (0, 1]."""
    out = []
    for name in columns:
        col = column(data, name, "probs")
        if not pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
            raise DesignError(f"probs column {name!r} must be numeric, not {col.dtype}")
        values = col.to_numpy(dtype=float)
        bad = np.flatnonzero(~((values > 0) & (values <= 1)))
        if len(bad):
            raise DesignError(
                f"probs column {name!r}: inclusion probabilities must lie in "
                f"(0, 1] for pps sampling (row {int(bad[0])}: "
                f"{values[bad[0]]!r}); as in R, give probabilities, not "
                "population sizes"
            )
        out.append(values)
    return out


def with_probabilities(
    stages: Sequence[Stage], probs: Sequence[np.ndarray], names: Sequence[str]
) -> tuple[Stage, ...]:
    """The stages with each unit's inclusion probability (constant within units)."""
    if len(probs) != len(stages):
        raise DesignError(
            f"probs has {len(probs)} column(s) for {len(stages)} stage(s); "
            "give one per stage (psu, ssu)"
        )
    out = []
    for stage, values, name in zip(stages, probs, names, strict=True):
        first = np.empty(stage.n_units)
        first[stage.unit[::-1]] = values[::-1]
        varies = np.flatnonzero(values != first[stage.unit])
        if len(varies):
            raise DesignError(
                f"probs column {name!r} varies within a sampling unit (row "
                f"{int(varies[0])}); give each unit one inclusion probability"
            )
        out.append(replace(stage, unit_prob=first))
    return tuple(out)


def hr_pbar(spec: HartleyRao, stage: Stage, data: pd.DataFrame, strata: str | None) -> np.ndarray:
    """The Hartley–Rao ``psum`` of each stratum (R's ``p2bar``)."""
    assert stage.unit_prob is not None
    strat = stage.stratum_of_unit
    psum = spec.psum
    if psum is None:  # R: ave(prob[uid], strata[uid]), the mean pi of the sampled units
        return np.bincount(strat, weights=stage.unit_prob, minlength=stage.n_strata) / stage.sampled
    if isinstance(psum, int | float):
        return np.full(stage.n_strata, float(psum))
    if isinstance(psum, str):
        values = column(data, psum, "psum").to_numpy(dtype=float)
        out = np.full(stage.n_strata, np.nan)
        row_strat = strat[stage.unit]
        out[row_strat] = values
        if np.any(out[row_strat] != values):
            raise DesignError(f"psum column {psum!r} must be constant within strata")
        return out
    out = np.array(
        [
            float(psum[label]) if label in psum else np.nan
            for label in (x.item() if isinstance(x, np.generic) else x for x in stage.labels)
        ]
    )
    if np.isnan(out).any():
        missing = [stage.labels[j] for j in np.flatnonzero(np.isnan(out))][:5]
        raise DesignError(f"psum has no value for stratum/strata {missing} of {strata!r}")
    return out


def hr_cov(x: Scores, stage: Stage, pbar: np.ndarray, layers: Sequence[Any] = ()) -> np.ndarray:
    """Hartley–Rao covariance of the totals of the score columns (R ``ppsvar``, ``HR``).

    With t_i the unit totals, a_i = pi_i, and in each stratum h (n_h units, c_h = psum)
    D_ii = 1 - a_i and D_ij = (a_i + a_j - 1 - c_h) / (n_h - 1), the result is
    sum_ij D_ij t_i t_j', computed in O(n) from per-stratum sums rather than the n x n
    matrix R builds; pairs with a_i + a_j == 1 are then taken out, as R zeroes them.
    """
    x = apply_layers(x, layers)
    a = stage.unit_prob
    assert a is not None
    strat = stage.stratum_of_unit
    totals = group_sums(x, stage.unit, stage.n_units)
    n_h = stage.sampled
    with np.errstate(divide="ignore"):
        k = np.where(n_h > 1, 1 / (n_h - 1), 0.0)
    kk, c = k[strat], pbar[strat]
    diag = (1 - a) + kk * ((1 + c) - 2 * a)
    cov = crossprod(totals * diag[:, None], totals)
    big_t = group_sums(totals, strat, stage.n_strata)
    big_a = group_sums(totals * a[:, None], strat, stage.n_strata)
    cross = (big_a * k[:, None]).T @ big_t
    cov += cross + cross.T - (big_t * (k * (1 + pbar))[:, None]).T @ big_t
    return cov - _complementary_pairs(totals, a, strat, k, pbar)


def _complementary_pairs(
    totals: np.ndarray, a: np.ndarray, strat: np.ndarray, k: np.ndarray, pbar: np.ndarray
) -> np.ndarray:
    """sum over i != j in one stratum with a_i + a_j == 1 of D_ij t_i t_j'.

    Units are grouped by (stratum, a); for each group the few groups whose a could add up
    to exactly 1 are found by binary search (usually none match).
    """
    p = totals.shape[1]
    out = np.zeros((p, p))
    order = np.lexsort((a, strat))
    s_sorted, a_sorted = strat[order], a[order]
    new = np.r_[True, (np.diff(s_sorted) != 0) | (np.diff(a_sorted) != 0)]
    group_of = np.empty(len(a), np.int64)
    group_of[order] = np.cumsum(new) - 1
    g_strat, g_a = s_sorted[new], a_sorted[new]
    bounds = np.searchsorted(g_strat, np.arange(len(k) + 1))
    pairs = []
    for h in range(len(k)):
        lo, hi = bounds[h], bounds[h + 1]
        vals = g_a[lo:hi]
        if len(vals) == 0:
            continue
        near = np.searchsorted(vals, 1 - vals)
        for off in (-2, -1, 0, 1, 2):
            u = np.clip(near + off, 0, len(vals) - 1)
            hit = np.flatnonzero(
                (near + off >= 0) & (near + off < len(vals)) & (vals + vals[u] == 1)
            )
            pairs += [(lo + g, lo + int(u[g]), h) for g in hit]
    if not pairs:
        return out
    sums = group_sums(totals, group_of, len(g_a))
    for g, u, h in set(pairs):
        d = k[h] * (g_a[g] + g_a[u] - 1 - pbar[h])
        block = np.outer(sums[g], sums[u])
        if u == g:  # pairs within the group: all but i == j
            mine = totals[group_of == g]
            block = block - mine.T @ mine
        out += d * block
    return out
