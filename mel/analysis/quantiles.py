"""Quantiles with Woodruff intervals (R ``svyquantile``, survey >= 4.0 defaults).

The estimate is R's default ``qrule="math"``: the smallest value whose weighted
cumulative share reaches q, the inverse of the weighted empirical distribution function
(Hyndman & Fan 1996, definition 1). The interval is Woodruff's (1952): an interval for
the proportion of the population at or below the estimate (``interval="mean"``: a Wald
interval on the design df; also ``"xlogit"``, ``"asin"``, ``"beta"``) mapped back through
the same rule; its justification for complex samples is Francisco & Fuller (1991). The
standard error is R's: the interval width over 2 t(1 - alpha/2, df), with df the design
df after dropping missing values.

A variable (or domain) without observed values gets NaN (the variable also a
:class:`DesignWarning`). Cumulative weights are summed in extended precision, as R
does, so that ties of the cumulative share with q are resolved identically.

References
----------
Hyndman, R. J. and Fan, Y. (1996). Sample quantiles in statistical packages. *The
American Statistician* 50, 361-365.
Woodruff, R. S. (1952). Confidence intervals for medians and other position measures.
*JASA* 47, 635-646.
Francisco, C. A. and Fuller, W. A. (1991). Quantile estimation with a complex survey
design. *Annals of Statistics* 19, 454-469.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from mel.analysis.core import Domains, domain_df, domains, numeric_column
from mel.analysis.errors import DesignError, DesignWarning
from mel.analysis.estimators import linear, valid_rows
from mel.analysis.intervals import WoodruffInterval, qrule_math, t_quantile
from mel.analysis.results import Estimate, EstimateTable

if TYPE_CHECKING:
    from mel.analysis.design import Design
    from mel.analysis.questions import By

INTERVALS = ("mean", "xlogit", "asin", "beta")


def _sorted_domains(
    x: np.ndarray, w: np.ndarray, codes: np.ndarray, ok: np.ndarray, size: int
) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """Per domain: values sorted (stably), cumulative weights and total weight, the
    sums accumulated in long double in R's order."""
    rows = np.flatnonzero(ok)
    order = rows[np.lexsort((x[rows], codes[rows]))]
    bounds = np.searchsorted(codes[order], np.arange(size + 1))
    out = []
    for d in range(size):
        idx = order[bounds[d] : bounds[d + 1]]
        wl = w[idx].astype(np.longdouble)
        cumw = np.cumsum(wl).astype(float)
        in_order = np.sort(idx)  # R sums the weights in data order
        total = float(np.cumsum(w[in_order].astype(np.longdouble))[-1]) if len(idx) else 0.0
        out.append((x[idx], cumw, total))
    return out


def _one_quantile(
    design: Design,
    q: float,
    x: np.ndarray,
    dom: Domains,
    ok: np.ndarray,
    sorted_parts: list,
    df: np.ndarray,
    n_obs: np.ndarray,
    *,
    alpha: float,
    interval: str,
    name: str,
) -> list[Estimate]:
    codes = np.where(ok, dom.codes, 0)
    qhat = np.array([qrule_math(xs, cw, tot, q) for xs, cw, tot in sorted_parts])
    below = np.where(ok, x <= qhat[codes], False).astype(float)
    lin = linear(design, below, None, dom, ok, "mean")
    stat, var = lin.stat, lin.se**2
    frame = design.frame_rows()
    out = []
    for d, (xs, cumw, total) in enumerate(sorted_parts):
        n_rows = int(frame.sum()) if design.keeps_rows else int(n_obs[d])
        rule = WoodruffInterval(
            xs, cumw, total, float(stat.estimate[d]), float(var[d]), float(df[d]), n_rows, interval
        )
        low, high = rule(alpha)
        se = (high - low) / (2 * t_quantile(1 - alpha / 2, df[d]))
        out.append(
            Estimate(
                float(qhat[d]),
                float(se),
                float(low),
                float(high),
                int(n_obs[d]),
                float(df[d]),
                math.nan,
                alpha,
                "woodruff",
                name,
                rule,
            )
        )
    return out


def quantile(
    design: Design,
    variable: str,
    q: float | Sequence[float] = 0.5,
    *,
    by: By = None,
    alpha: float = 0.05,
    interval: str = "mean",
) -> Estimate | EstimateTable:
    """Quantile(s) ``q`` of ``variable``, overall or by domain.

    A single ``q`` gives an Estimate (or a table by domain); several give an
    EstimateTable keyed by q (or by (q, domain...)). Missing values are left out.
    Quantile tables carry no covariance matrix.
    """
    if interval not in INTERVALS:
        raise DesignError(f"interval must be one of {INTERVALS}, got {interval!r}")
    probs = [q] if isinstance(q, int | float) else list(q)
    if not probs or any(not 0 <= p <= 1 for p in probs):
        raise DesignError(f"quantiles must lie in [0, 1], got {q!r}")
    x = numeric_column(design, variable)
    dom = domains(design, by)
    ok = valid_rows(design, dom, x, na_rm=True, names=(variable,))
    if not ok.any():
        warnings.warn(
            f"quantile({variable}): no observed values among the rows with a "
            "weight, so the estimate is NaN",
            DesignWarning,
            stacklevel=3,
        )
    codes = np.where(ok, dom.codes, 0)
    parts = _sorted_domains(x, design.weights_view, codes, ok, dom.size)
    df = domain_df(design, ok, dom)
    n_obs = np.bincount(codes[ok], minlength=dom.size)
    results = {
        p: _one_quantile(
            design,
            p,
            x,
            dom,
            ok,
            parts,
            df,
            n_obs,
            alpha=alpha,
            interval=interval,
            name=f"quantile({variable}, {p:g})",
        )
        for p in probs
    }
    if isinstance(q, int | float):
        ests = results[q]
        if not dom.by:
            return ests[0]
        return EstimateTable(
            dom.by, dom.keys, tuple(ests), None, design.df, f"quantile({variable}, {q:g})"
        )
    keys: list[Any] = []
    ests = []
    for p in probs:
        for key, est in zip(dom.keys, results[p], strict=True):
            if dom.by:
                keys.append((p, *key) if isinstance(key, tuple) else (p, key))
            else:
                keys.append(p)
            ests.append(replace(est))
    return EstimateTable(
        ("quantile", *dom.by), tuple(keys), tuple(ests), None, design.df, f"quantile({variable})"
    )
