"""Change between waves, contrasts of domains, and Holm's adjustment of p-values.

Two waves that share units are analysed as one *stacked* design: both waves' rows in one
DataFrame with a wave column, the units as PSUs (the same unit in both waves is one PSU,
in the same stratum), each row with its own wave's weight. The wave estimates are then
domain estimates of one design, and their covariance comes from the PSUs they share
(Kish 1965, 12.4; Lumley 2010, 3.3.2), exactly as R's
``svyby(~y, ~wave, stacked, svymean, covmat = TRUE)`` followed by
``svycontrast(..., c(-1, 1))``. A panel's positive correlation between waves makes the
change far more precise than :func:`mel.analysis.results.difference`, which is for
independent samples (no common units) and adds the variances.

When several changes or contrasts are tested together, :func:`holm` controls the
familywise error rate (Holm 1979) without assuming independence; it is R's
``p.adjust(p, "holm")``.

References
----------
Holm, S. (1979). A simple sequentially rejective multiple test procedure. *Scandinavian
Journal of Statistics* 6, 65-70.
Kish, L. (1965). *Survey Sampling*. Wiley, 12.4 (overlapping samples).
Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*, 3.3.2.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, overload

import numpy as np
import pandas as pd

from mel.analysis import dist
from mel.analysis.errors import DesignError
from mel.analysis.results import Estimate, EstimateTable

if TYPE_CHECKING:
    from mel.analysis.design import Design

STATISTICS = ("mean", "total", "proportion", "count")


def stack_waves(frames: Mapping[Any, pd.DataFrame], *, wave: str = "wave") -> pd.DataFrame:
    """One DataFrame of several waves' rows, with their wave in column ``wave``.

    Give the result to :class:`~mel.analysis.design.Design` with the units as ``psu``
    (ids shared across waves) and each wave's own weights, then compare waves with
    :meth:`Design.difference_by` (or ``by=wave`` and ``EstimateTable.difference``).
    """
    if not frames:
        raise DesignError("stack_waves needs at least one wave")
    parts = []
    for key, frame in frames.items():
        if wave in frame.columns:
            raise DesignError(f"wave {key!r} already has a column {wave!r}")
        parts.append(frame.assign(**{wave: key}))
    return pd.concat(parts, ignore_index=True)


def domain_table(
    design: Design,
    variable: str,
    by: str | Sequence[str],
    *,
    statistic: str,
    level: Any,
    alpha: float,
) -> EstimateTable:
    """The estimates of ``statistic`` of ``variable`` per domain of ``by``."""
    if statistic not in STATISTICS:
        raise DesignError(f"statistic must be one of {STATISTICS}, got {statistic!r}")
    if statistic == "mean":
        table = design.mean(variable, by=by, alpha=alpha)
    elif statistic == "total":
        table = design.total(variable, by=by, alpha=alpha)
    elif statistic == "count":
        table = design.count(variable, level, by=by, alpha=alpha, interval="t")
    else:
        table = design.proportion(variable, level, by=by, alpha=alpha, method="mean")
    assert isinstance(table, EstimateTable)
    return table


def contrast(
    design: Design,
    variable: str,
    by: str | Sequence[str],
    coefficients: Mapping[Any, float],
    *,
    statistic: str = "mean",
    level: Any = None,
    alpha: float = 0.05,
) -> Estimate:
    """A linear combination of domain estimates with their full covariance (R
    ``svycontrast`` of ``svyby(..., covmat = TRUE)``); see :meth:`Design.contrast`."""
    table = domain_table(design, variable, by, statistic=statistic, level=level, alpha=alpha)
    return table.contrast(coefficients, alpha=alpha)


def difference_by(
    design: Design,
    variable: str,
    by: str | Sequence[str],
    a: Any,
    b: Any,
    *,
    statistic: str = "mean",
    level: Any = None,
    alpha: float = 0.05,
) -> Estimate:
    """Domain ``a`` minus domain ``b``; see :meth:`Design.difference_by`."""
    return contrast(
        design, variable, by, {a: 1.0, b: -1.0}, statistic=statistic, level=level, alpha=alpha
    )


def p_value(estimate: Estimate, null: float = 0.0) -> float:
    """Two-sided p-value of the t test of ``estimate == null`` on the estimate's df."""
    if not estimate.se > 0 or not estimate.df > 0:
        return math.nan
    t = abs(estimate.estimate - null) / estimate.se
    return float(2 * dist.t_sf(t, estimate.df))


@overload
def holm(pvalues: Mapping[Any, float]) -> dict[Any, float]: ...
@overload
def holm(pvalues: Sequence[float] | np.ndarray) -> np.ndarray: ...


def holm(
    pvalues: Mapping[Any, float] | Sequence[float] | np.ndarray,
) -> dict[Any, float] | np.ndarray:
    """Holm's (1979) step-down adjusted p-values, as R ``p.adjust(p, method = "holm")``.

    The i-th smallest of m p-values becomes max_{j <= i} min(1, (m - j + 1) p_(j)).
    Missing (NaN) p-values stay NaN and do not count in m, as in R.

    Parameters
    ----------
    pvalues : sequence of float, or mapping
        The family of p-values (a mapping keeps its keys).

    Returns
    -------
    ndarray or dict
        The adjusted p-values in the same order (or under the same keys).
    """
    if isinstance(pvalues, Mapping):
        keys = list(pvalues)
        return dict(zip(keys, holm([pvalues[k] for k in keys]).tolist(), strict=True))
    p = np.asarray(pvalues, dtype=float)
    if np.any((p < 0) | (p > 1)):
        raise DesignError("p-values must lie in [0, 1]")
    out = np.full(p.shape, math.nan)
    ok = ~np.isnan(p)
    q = p[ok]
    m = len(q)
    order = np.argsort(q, kind="stable")
    adjusted = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * q[order]))
    result = np.empty(m)
    result[order] = adjusted
    out[ok] = result
    return out
