"""Calibration: post-stratification, raking and nonresponse weighting classes.

Each adjustment returns new weights and a *layer* that turns the scores of any estimate
into the residuals whose design variance is the variance of the calibrated estimator
(Lumley 2010, ch. 7; Deville & Särndal 1992; Särndal, Swensson & Wretman 1992, 7.6),
exactly as R ``survey``'s ``postStratify``, ``rake`` and ``svyrecvar`` do:

- post-stratification: residuals from the post-stratum means (g-weighted);
- raking: ten sweeps of projections onto the margins (R's approximation for ``rake``);
- weighting-class nonresponse adjustment (Oh & Scheuren 1983): respondents' weights are
  multiplied by (sampled weight)/(responding weight) of their class. Its variance uses the
  linearisation of Kim & Kim (2007): the estimator is sum_c N_c ybar_rc, whose influence
  for a sampled unit i in class c is d_i ybar_rc + r_i w_i (y_i - ybar_rc). Nonrespondents
  therefore keep a nonzero score (their class mean), which captures the variance of the
  estimated class sizes; response is treated as a second phase of Poisson sampling within
  classes, and the estimate is consistent under that model (ignorable nonresponse within
  classes). This is not an R function; the tests check it against R computing the same
  linearised variable.

References
----------
Deville, J.-C. and Särndal, C.-E. (1992). Calibration estimators in survey sampling.
*JASA* 87, 376-382.
Oh, H. L. and Scheuren, F. J. (1983). Weighting adjustment for unit nonresponse. In
*Incomplete Data in Sample Surveys*, vol. 2, 143-184.
Kim, J. K. and Kim, J. J. (2007). Nonresponse weighting adjustment using estimated
response probability. *Canadian Journal of Statistics* 35, 501-514.
Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*, ch. 7.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mel.analysis.errors import DesignError, DesignWarning


def _group_mean_cols(
    x: np.ndarray, codes: np.ndarray, weights: np.ndarray | None, n_groups: int
) -> np.ndarray:
    out = np.empty((n_groups, x.shape[1]))
    denom = np.bincount(codes, weights=weights, minlength=n_groups)
    for j in range(x.shape[1]):
        out[:, j] = np.bincount(codes, weights=x[:, j], minlength=n_groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        return out / denom[:, None]


@dataclass(frozen=True)
class PostStratLayer:
    """R ``svyrecvar`` for one ``postStratify`` call: x - psw * (post-stratum mean)."""

    cells: np.ndarray
    old_weights: np.ndarray
    new_weights: np.ndarray

    def residualize(self, x: np.ndarray) -> np.ndarray:
        psw = self.new_weights.copy()
        psw[(psw == 0) & (self.old_weights == 0)] = 1.0
        g = int(self.cells.max()) + 1
        with np.errstate(divide="ignore", invalid="ignore"):
            scaled = x * (self.old_weights / psw)[:, None]
        means = _group_mean_cols(scaled, self.cells, self.old_weights, g)
        return x - means[self.cells] * psw[:, None]


@dataclass(frozen=True)
class RakeLayer:
    """R ``svyrecvar`` for ``rake``: ten sweeps of x - psw * ave(x / psw, margin)."""

    margins: tuple[tuple[np.ndarray, np.ndarray], ...]

    def residualize(self, x: np.ndarray) -> np.ndarray:
        x = x.copy()
        for _ in range(10):
            for cells, psw in self.margins:
                g = int(cells.max()) + 1
                with np.errstate(divide="ignore", invalid="ignore"):
                    ratio = np.where(psw[:, None] > 0, x / psw[:, None], 0.0)
                x = x - psw[:, None] * _group_mean_cols(ratio, cells, None, g)[cells]
        return x


@dataclass(frozen=True)
class NonresponseLayer:
    """Kim & Kim linearisation: x + (d - w) * (class total of x / class total of d)."""

    classes: np.ndarray
    base_weights: np.ndarray
    new_weights: np.ndarray

    def residualize(self, x: np.ndarray) -> np.ndarray:
        g = int(self.classes.max()) + 1
        zbar = _group_mean_cols(x, self.classes, self.base_weights, g)
        return x + (self.base_weights - self.new_weights)[:, None] * zbar[self.classes]


def cell_codes(data: pd.DataFrame, by: Sequence[str]) -> tuple[np.ndarray, list[Any]]:
    """Codes of the cells of ``by`` (error on a missing column or value) and their keys."""
    cols = []
    for name in by:
        if name not in data.columns:
            raise DesignError(f"calibration column {name!r} is not in the data")
        col = data[name]
        if col.isna().any():
            raise DesignError(
                f"calibration column {name!r} has {int(col.isna().sum())} "
                "missing values; every row needs a cell"
            )
        cols.append(col.to_numpy())
    frame = pd.DataFrame(dict(enumerate(cols)))
    codes, uniques = pd.factorize(pd.MultiIndex.from_frame(frame), sort=True)
    keys = [k[0] if len(by) == 1 else tuple(k) for k in uniques]
    keys = [k.item() if hasattr(k, "item") else k for k in keys]
    return codes.astype(np.int64), keys


def poststratify_weights(
    w: np.ndarray,
    cells: np.ndarray,
    keys: list[Any],
    population: Mapping[Any, float],
    *,
    by: Sequence[str],
    partial: bool = False,
) -> np.ndarray:
    """New weights: w times (population count / weighted sample count) of each cell."""
    sample = np.bincount(cells, weights=w, minlength=len(keys))
    pop = np.full(len(keys), np.nan)
    for j, key in enumerate(keys):
        if key in population:
            pop[j] = float(population[key])
    missing = [k for j, k in enumerate(keys) if sample[j] > 0 and not pop[j] > 0]
    if missing:
        raise DesignError(f"population for {list(by)} lacks sampled cell(s) {missing[:5]}")
    unknown = [k for k in population if k not in keys or sample[keys.index(k)] == 0]
    unknown = [k for k in unknown if float(population[k]) > 0]
    if unknown and not partial:
        raise DesignError(
            f"population cell(s) {unknown[:5]} of {list(by)} have no sampled "
            "rows; pass partial=True to ignore them"
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(sample > 0, pop / sample, 1.0)
    return w * factor[cells]


def rake_weights(
    w: np.ndarray,
    margins: Sequence[tuple[np.ndarray, list[Any], Mapping]],
    names: Sequence[str],
    *,
    maxit: int,
    epsilon: float,
) -> tuple[np.ndarray, RakeLayer, int]:
    """Iterative proportional fitting as R ``rake`` (same stopping rule, same layer).

    Returns the weights, the variance layer and the number of sweeps made (replicate
    weights are raked with as many, as R's ``rake`` does for replicate designs).
    """
    eps = epsilon * w.sum() if epsilon < 1 else epsilon
    joint = np.zeros(len(w), np.int64)
    for cells, _, _ in margins:
        joint = joint * (int(cells.max()) + 1) + cells
    joint = pd.factorize(joint)[0]

    def table(weights: np.ndarray) -> np.ndarray:
        return np.bincount(joint, weights=weights)

    old = table(w)
    converged = False
    iteration = 0
    layer_margins: list[tuple[np.ndarray, np.ndarray]] = []
    while iteration < maxit:
        layer_margins = []
        for (cells, keys, pop), name in zip(margins, names, strict=True):
            w = poststratify_weights(w, cells, keys, pop, by=[name])
            layer_margins.append((cells, w))
        new = table(w)
        if np.max(np.abs(old - new)) < eps:
            converged = True
            break
        old = new
        iteration += 1
    if not converged:
        warnings.warn(
            f"raking did not converge after {iteration} iterations", DesignWarning, stacklevel=3
        )
    sweeps = iteration + 1 if converged else iteration
    return w, RakeLayer(tuple(layer_margins)), sweeps


def nonresponse_weights(
    w: np.ndarray,
    responded: np.ndarray,
    classes: np.ndarray,
    labels: list[Any],
    *,
    strict: bool = True,
) -> np.ndarray:
    """Respondents' weights times sampled/responding weight of their class; 0 otherwise.

    With ``strict`` a class with sampled but no responding weight is an error; without
    (for replicate weights) its weight is lost in that replicate.
    """
    g = len(labels)
    sampled = np.bincount(classes, weights=w, minlength=g)
    responding = np.bincount(classes, weights=w * responded, minlength=g)
    empty = np.flatnonzero((sampled > 0) & (responding == 0))
    if len(empty) and strict:
        raise DesignError(
            f"weighting class(es) {[labels[j] for j in empty[:5]]} have no "
            "respondents; collapse classes before adjusting"
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(responding > 0, sampled / responding, 0.0)
    return w * responded * factor[classes]
