"""General calibration to population totals: GREG (linear) and raking, with bounds.

The calibrated weights w_i g_i meet known population totals of a model matrix X
(Deville & Särndal 1992): sum_i w_i g_i x_i = T_x, with g_i = F(x_i' lambda) for the
calibration function F: ``linear`` (F(u) = 1 + u, the generalised regression or GREG
estimator; Särndal, Swensson & Wretman 1992, 6.5) or ``raking`` (F(u) = exp(u), the
multiplicative raking ratio of Deming & Stephan 1940 generalised to any X). ``bounds``
truncate g to [L, U] (Deville & Särndal's truncated linear and bounded exponential
distances). The computations are R ``survey``'s ``calibrate`` (``regcalibrate`` for
unbounded linear calibration, ``grake``'s Newton iteration with a generalised inverse
otherwise, with its stopping rule |misfit| / (1 + |T|) < epsilon) so that weights agree.

The model matrix is built from the population totals: a categorical margin (totals of
every level of a column, or of every cell of several columns) becomes an intercept plus
dummies for all levels but the first, as R's ``model.matrix`` with treatment contrasts; a
number is the total of a numeric column. Without categorical margins there is an
intercept only when the population size is given. Which level is left out changes
neither the weights nor the variance (the same column space).

Variance (Deville & Särndal 1992, section 3; Lumley 2010, 7.3): the scores z_i of any
estimate are replaced by the residuals g_i w_i e_i of the weighted least-squares
regression of z_i / (g_i w_i) on x_i with weights w_i -- the calibration residuals, as
R's ``svyrecvar`` computes them from the stored QR decomposition. Replicate designs
re-calibrate every replicate (R ``calibrate.svyrep.design``).

References
----------
Deville, J.-C. and Särndal, C.-E. (1992). Calibration estimators in survey sampling.
*JASA* 87, 376-382.
Deville, J.-C., Särndal, C.-E. and Sautory, O. (1993). Generalized raking procedures in
survey sampling. *JASA* 88, 1013-1020.
Deming, W. E. and Stephan, F. F. (1940). On a least squares adjustment of a sampled
frequency table when the expected marginal totals are known. *Ann. Math. Stat.* 11.
Särndal, C.-E., Swensson, B. and Wretman, J. (1992). *Model Assisted Survey Sampling*.
Springer.
Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*, ch. 7.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import linalg

from mel.analysis.calibration import cell_codes
from mel.analysis.errors import DesignError, DesignWarning

CALFUNS = ("linear", "raking")
Population = Mapping[Any, float | Mapping[Any, float]]


@dataclass(frozen=True)
class Model:
    """The calibration model matrix, its population totals and column names."""

    matrix: np.ndarray
    totals: np.ndarray
    names: tuple[str, ...]


def _numeric(data: pd.DataFrame, name: str) -> np.ndarray:
    if name not in data.columns:
        raise DesignError(f"calibration column {name!r} is not in the data")
    col = data[name]
    if not pd.api.types.is_numeric_dtype(col):
        raise DesignError(
            f"calibration column {name!r} is not numeric ({col.dtype}): give "
            "its population total per level as a mapping"
        )
    values = col.to_numpy(dtype=float, na_value=np.nan)
    if np.isnan(values).any():
        raise DesignError(
            f"calibration column {name!r} has {int(np.isnan(values).sum())} "
            "missing values; every row needs a value"
        )
    return values


def model_matrix(data: pd.DataFrame, population: Population, size: float | None) -> Model:
    """The model matrix and totals of ``population`` (see the module docstring)."""
    if not population:
        raise DesignError("calibrate needs at least one population total")
    margins = {k: v for k, v in population.items() if isinstance(v, Mapping)}
    categorical = list(margins)
    sizes = {k: math.fsum(float(c) for c in margin.values()) for k, margin in margins.items()}
    if size is None and categorical:
        size = sizes[categorical[0]]
    for key, total in sizes.items():
        if size is not None and not math.isclose(total, size, rel_tol=1e-9):
            raise DesignError(
                f"the margin {key!r} sums to {total:g}, but the population "
                f"size is {size:g}; every margin must sum to the same size"
            )
    columns: list[np.ndarray] = []
    totals: list[float] = []
    names: list[str] = []
    if size is not None:
        columns.append(np.ones(len(data)))
        totals.append(float(size))
        names.append("(Intercept)")
    for key, value in population.items():
        if not isinstance(value, Mapping):
            columns.append(_numeric(data, key))
            totals.append(float(value))
            names.append(str(key))
            continue
        by = list(key) if isinstance(key, tuple) else [key]
        cells, levels = cell_codes(data, by)
        unknown = [lv for lv in levels if lv not in value]
        if unknown:
            raise DesignError(f"population for {key!r} lacks sampled level(s) {unknown[:5]}")
        empty = [lv for lv, c in value.items() if lv not in levels and float(c) != 0]
        if empty:
            raise DesignError(
                f"level(s) {empty[:5]} of {key!r} have a population total "
                "but no sampled rows; collapse them before calibrating"
            )
        for j, level in enumerate(levels[1:], start=1):
            columns.append((cells == j).astype(float))
            totals.append(float(value[level]))
            names.append(f"{key}={level}")
    return Model(np.column_stack(columns), np.array(totals), tuple(names))


def _fm1(u: np.ndarray, calfun: str, lower: float, upper: float) -> np.ndarray:
    """R's ``calfun$Fm1``: g - 1 as a function of u = x' lambda."""
    base = u + 1 if calfun == "linear" else np.exp(u)
    return np.minimum(np.maximum(base, lower), upper) - 1


def _df(u: np.ndarray, calfun: str, lower: float, upper: float) -> np.ndarray:
    """R's ``calfun$dF`` (zero outside the bounds, tested on u as R does for both)."""
    inside = (u < upper - 1) & (u > lower - 1)
    return np.where(inside, 1.0 if calfun == "linear" else np.exp(u), 0.0)


def _grake(
    mm: np.ndarray,
    ww: np.ndarray,
    population: np.ndarray,
    calfun: str,
    bounds: tuple[float, float],
    epsilon: float,
    maxit: int,
) -> tuple[np.ndarray, float]:
    """R's ``grake``: the g-weights and the misfit left (0 when it converged)."""
    lower, upper = bounds
    sample_total = mm.T @ ww
    eta = np.zeros(mm.shape[1])
    xeta = mm @ eta
    iteration = 1
    with np.errstate(divide="ignore", invalid="ignore"):
        scales = population / sample_total
    scale = None
    if np.min(scales) > 20:  # R's SOMETHRESHOLD: weights far below the population scale
        scale = float(np.mean(scales))
        ww, sample_total = ww * scale, sample_total * scale
        if np.isfinite([lower, upper]).any():
            warnings.warn(
                f"bounds are applied after rescaling the weights by {scale:.3g} (as R)",
                DesignWarning,
                stacklevel=4,
            )
    failed = 0.0
    while True:
        deriv = _df(xeta, calfun, lower, upper)
        tmat = (mm * (ww * deriv)[:, None]).T @ mm
        misfit = population - sample_total - mm.T @ (ww * _fm1(xeta, calfun, lower, upper))
        deta = np.linalg.pinv(tmat, rcond=256 * np.finfo(float).eps) @ misfit
        eta = eta + deta
        xeta = mm @ eta
        with np.errstate(over="ignore", invalid="ignore"):
            while iteration < maxit and not (
                np.isfinite(_fm1(xeta, calfun, lower, upper)).all()
                and np.isfinite(_df(xeta, calfun, lower, upper)).all()
            ):
                iteration += 1  # step halving, as R
                deta = deta / 2
                eta = eta - deta
                xeta = mm @ eta
        misfit = population - sample_total - mm.T @ (ww * _fm1(xeta, calfun, lower, upper))
        relative = np.abs(misfit) / (1 + np.abs(population))
        if np.all(relative < epsilon):
            break
        iteration += 1
        if iteration > maxit:
            failed = float(relative.max())
            break
    g = 1 + _fm1(xeta, calfun, lower, upper)
    return (g * scale if scale is not None else g), failed


def calibration_factors(
    mm: np.ndarray,
    ww: np.ndarray,
    population: np.ndarray,
    *,
    calfun: str,
    bounds: tuple[float, float],
    epsilon: float,
    maxit: int,
) -> tuple[np.ndarray, float]:
    """The g-weights (new weight / old weight) and the misfit left (0 if converged)."""
    if calfun == "linear" and bounds == (-math.inf, math.inf):
        tmat = (mm * ww[:, None]).T @ mm  # R's regcalibrate: one linear solve
        try:
            lam = np.linalg.solve(tmat, population - mm.T @ ww)
        except np.linalg.LinAlgError:
            raise DesignError(
                "the calibration variables are collinear in the sample (or "
                "a level has no sampled rows)"
            ) from None
        return 1 + mm @ lam, 0.0
    return _grake(mm, ww, population, calfun, bounds, epsilon, maxit)


@dataclass(frozen=True)
class GregLayer:
    """R ``svyrecvar`` for a ``calibrate`` step: g w-scaled residuals of the scores from
    the weighted least-squares fit on the model matrix."""

    basis: np.ndarray  # orthonormal basis of the columns of X sqrt(w_old)
    scale: np.ndarray  # g sqrt(w_old)

    @classmethod
    def build(cls, mm: np.ndarray, old: np.ndarray, g: np.ndarray) -> GregLayer:
        whalf = np.sqrt(old)
        q, r, _ = linalg.qr(mm * whalf[:, None], mode="economic", pivoting=True)
        diag = np.abs(np.diag(r))
        rank = int(np.count_nonzero(diag > 1e-7 * diag[0])) if len(diag) else 0
        return cls(q[:, :rank], g * whalf)

    def residualize(self, x: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(self.scale[:, None] != 0, x / self.scale[:, None], 0.0)
        resid = z - self.basis @ (self.basis.T @ z)
        return resid * self.scale[:, None]
