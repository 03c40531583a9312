"""Replicate-weight variance: delete-one-PSU jackknives and the Rao–Wu bootstrap.

A replicate design re-computes every estimate with each column of replicate weights and
takes ``scale * sum_r rscale_r (theta_r - mean(theta))^2`` as its variance (Wolter 2007,
ch. 4-5; Lumley 2010, 2.4). The weights are built as R ``survey``'s ``as.svrepdesign``:

- ``jk1`` (unstratified; Wolter 4.2): replicate r drops PSU r and scales the others by
  n/(n-1); ``scale = (1 - n/N)(n - 1)/n`` with the first-stage fpc.
- ``jkn`` (stratified; Wolter 4.5): one replicate per PSU, re-weighting its stratum h
  only; ``rscale_r = (1 - n_h/N_h)(n_h - 1)/n_h``; fully sampled strata get none.
- ``bootstrap`` (Rao & Wu 1988; Canty & Davison 1999): each replicate resamples n_h PSUs
  with replacement in every stratum (without replacement from N_h/n_h copies of the
  sample when fpc is known) and multiplies weights by the counts; ``scale =
  n̄/((n̄ - 1)(R - 1))`` with n̄ the harmonic mean PSUs per stratum. It uses numpy's
  generator, so it cannot reproduce R's random draws; a ``seed`` makes it repeatable.

Degrees of freedom are R's ``degf`` for replicate designs: the rank of the replicate
weight matrix minus one (LINPACK's limited-pivoting rank rule, tolerance 1e-5).

References
----------
Wolter, K. M. (2007). *Introduction to Variance Estimation*, 2nd ed. Springer.
Rao, J. N. K. and Wu, C. F. J. (1988). Resampling inference with complex survey data.
*JASA* 83, 231-241.
Canty, A. J. and Davison, A. C. (1999). Resampling-based variance estimation for labour
force surveys. *The Statistician* 48, 379-391.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse

from mel.analysis.errors import DesignError
from mel.analysis.structure import Stage
from mel.analysis.variance import OneHot, Scores

METHODS = ("jk1", "jkn", "bootstrap")


@dataclass(frozen=True)
class ReplicateWeights:
    """Replicate factors: analysis weight of row i in replicate r = w_i * factor[i, r].

    ``factors`` has one row per PSU (``index`` maps rows to it) while the factors are
    constant within PSUs, and one row per data row after calibration.
    """

    method: str
    factors: np.ndarray
    index: np.ndarray | None
    scale: float
    rscales: np.ndarray
    weights: np.ndarray
    mse: bool = False

    @property
    def count(self) -> int:
        return self.factors.shape[1]

    def row_factors(self) -> np.ndarray:
        return self.factors[self.index] if self.index is not None else self.factors

    def totals(self, x: Scores) -> np.ndarray:
        """Replicate totals of weighted scores, shape (replicates, columns)."""
        if self.index is not None:
            n_psu = self.factors.shape[0]
            if isinstance(x, OneHot) and x.cols is None:
                psu_totals = np.bincount(self.index, weights=x.values, minlength=n_psu)[:, None]
            elif isinstance(x, OneHot):
                flat = np.bincount(
                    self.index * x.p + x.cols, weights=x.values, minlength=n_psu * x.p
                )
                psu_totals = flat.reshape(n_psu, x.p)
            else:
                psu_totals = np.column_stack(
                    [
                        np.bincount(self.index, weights=x[:, j], minlength=n_psu)
                        for j in range(x.shape[1])
                    ]
                )
            return self.factors.T @ psu_totals
        if isinstance(x, OneHot) and x.cols is None:
            return (x.values @ self.factors)[:, None]
        if isinstance(x, OneHot):
            m = sparse.csr_matrix(
                (x.values, (np.arange(len(x.values)), x.cols)), shape=(len(x.values), x.p)
            )
            return np.asarray((m.T @ self.factors).T)
        return self.factors.T @ x

    def variance(self, reps: np.ndarray, estimate: np.ndarray) -> np.ndarray:
        """R's ``svrVar``: scale * sum_r rscale_r (theta_r - centre)(...)'."""
        reps = np.atleast_2d(reps)
        finite = ~np.isnan(reps)
        if finite.all():
            centre = estimate if self.mse else reps[self.rscales > 0].mean(axis=0)
            dev = (reps - centre) * np.sqrt(self.rscales)[:, None]
            return dev.T @ dev * self.scale
        # replicates with no value for a quantity (an empty domain in that replicate) are
        # left out for it, as R's svrVar discards them (per domain, as svyby computes)
        p = reps.shape[1]
        out = np.full((p, p), np.nan)
        for i in range(p):
            for j in range(i, p):
                rows = finite[:, i] & finite[:, j]
                if not rows.any():
                    continue
                sub, rs = reps[rows][:, [i, j]], self.rscales[rows]
                centre = np.asarray(estimate)[[i, j]] if self.mse else sub[rs > 0].mean(axis=0)
                dev = (sub - centre) * np.sqrt(rs)[:, None]
                out[i, j] = out[j, i] = float(dev[:, 0] @ dev[:, 1]) * self.scale
        return out

    def df(self, rows: np.ndarray) -> float:
        """R's ``degf``: rank of the analysis weights on ``rows`` minus 1."""
        w2 = np.where(rows, self.weights, 0.0) ** 2
        if self.index is not None:
            s = np.bincount(self.index, weights=w2, minlength=self.factors.shape[0])
            gram = (self.factors * s[:, None]).T @ self.factors
        else:
            f = self.factors[rows]
            gram = (f * w2[rows][:, None]).T @ f
        return float(qr_rank(gram) - 1)

    def with_weights(self, weights: np.ndarray) -> ReplicateWeights:
        return replace(self, weights=weights)


def qr_rank(gram: np.ndarray, tol: float = 1e-5) -> int:
    """Rank of A from G = A'A, by LINPACK ``dqrdc2``'s rule (R's ``qr(A, tol)``).

    Columns are taken in order; one whose norm, after projecting out the accepted ones,
    is below ``tol`` times its original norm is set aside, as dqrdc2 moves it to the end.
    The projections are an incremental Cholesky factorisation of G.
    """
    size = gram.shape[0]
    diag = np.diag(gram).astype(float)
    orig = np.sqrt(np.where(diag > 0, diag, 1.0))
    resid2 = diag.copy()  # squared norm of each column after the accepted projections
    basis = np.zeros((size, size))
    rank = 0
    for j in range(size):
        res = math.sqrt(resid2[j]) if resid2[j] > 0 else 0.0
        if res > 0 and res >= tol * orig[j]:
            coef = (gram[j + 1 :, j] - basis[j + 1 :, :rank] @ basis[j, :rank]) / res
            basis[j + 1 :, rank] = coef
            basis[j, rank] = res
            resid2[j + 1 :] -= coef**2
            rank += 1
    return rank


def _jk1(stage: Stage, strata_given: bool, has_fpc: bool) -> tuple[np.ndarray, float, np.ndarray]:
    if strata_given and stage.n_strata > 1:
        raise DesignError(
            "jk1 is for unstratified designs; use replicate('jkn') for a "
            "stratified one (R: as.svrepdesign(type='JKn'))"
        )
    n = stage.n_units
    f = 1.0
    if has_fpc:
        assert stage.popsize is not None
        f = float((stage.popsize[0] - n) / stage.popsize[0])
    factors = np.full((n, n), n / (n - 1))
    np.fill_diagonal(factors, 0.0)
    if f == 0:  # a census: R drops every replicate (survey.drop.replicates)
        factors = np.zeros((n, 0))
    return factors, f * (n - 1) / n, np.ones(factors.shape[1])


def _jkn(stage: Stage, lonely_psu: str) -> tuple[np.ndarray, float, np.ndarray]:
    f = stage.fraction_remaining() if stage.popsize is not None else np.ones(stage.n_strata)
    cols, rscales = [], []
    n_psu = stage.n_units
    for h in range(stage.n_strata):
        members = np.flatnonzero(stage.stratum_of_unit == h)
        n_h = len(members)
        if f[h] == 0:
            continue
        if n_h == 1:
            if lonely_psu == "fail":
                raise DesignError(
                    f"stratum {stage.labels[h]!r} has only one PSU; choose a "
                    "lonely_psu rule for the design"
                )
            if lonely_psu == "adjust":
                col = np.full(n_psu, stage.n_strata / (stage.n_strata - 1))
                col[members] = 0.0
                cols.append(col)
                rscales.append((stage.n_strata - 1) / stage.n_strata)
            continue
        for m in members:
            col = np.ones(n_psu)
            col[members] = n_h / (n_h - 1)
            col[m] = 0.0
            cols.append(col)
            rscales.append(f[h] * (n_h - 1) / n_h)
    if not cols:
        raise DesignError("all strata were fully sampled: there is no sampling variance")
    scale = 1.0
    if lonely_psu == "average" and len(cols) < n_psu:
        scale = n_psu / len(cols)
    return np.column_stack(cols), scale, np.array(rscales)


def _bootstrap(
    stage: Stage, replicates: int, rng: np.random.Generator
) -> tuple[np.ndarray, float, np.ndarray]:
    factors = np.zeros((stage.n_units, replicates))
    sizes = []
    for h in range(stage.n_strata):
        members = np.flatnonzero(stage.stratum_of_unit == h)
        n_h = len(members)
        sizes.append(n_h)
        pop = None if stage.popsize is None else stage.popsize[h]
        for r in range(replicates):
            if pop is None or math.isinf(pop):
                draw = rng.integers(0, n_h, size=n_h)
            else:
                # without replacement from the sample repeated to the population size
                pseudo = np.resize(rng.permutation(n_h), int(pop))
                draw = rng.choice(pseudo, size=n_h, replace=False)
            factors[members, r] = np.bincount(draw, minlength=n_h)
    nbar = 1 / np.mean(1 / np.array(sizes, dtype=float))
    return factors, float(nbar / ((nbar - 1) * (replicates - 1))), np.ones(replicates)


def make_replicates(
    stages: Sequence[Stage],
    weights: np.ndarray,
    *,
    method: str,
    strata_given: bool,
    has_fpc: bool,
    lonely_psu: str,
    replicates: int,
    seed: int | None,
) -> ReplicateWeights:
    """Replicate weights for the first stage of a design (later-stage fpc are ignored)."""
    if method not in METHODS:
        raise DesignError(f"replicate method must be one of {METHODS}, got {method!r}")
    stage = stages[0]
    if method == "jk1":
        factors, scale, rscales = _jk1(stage, strata_given, has_fpc)
    elif method == "jkn":
        factors, scale, rscales = _jkn(stage, lonely_psu)
    else:
        if replicates < 2:
            raise DesignError("bootstrap needs at least 2 replicates")
        rng = np.random.default_rng(seed)
        factors, scale, rscales = _bootstrap(stage, replicates, rng)
    return ReplicateWeights(method, factors, stage.unit, float(scale), rscales, weights)
