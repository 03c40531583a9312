"""Means, totals and ratios, overall or by domain (R ``svymean``, ``svytotal``,
``svyratio``, ``svyby``).

All three are ratios of weighted totals (Horvitz & Thompson 1952; Cochran 1977, ch. 6 and
2.13 for domains) computed for every domain in one pass; variances come from
:func:`mel.analysis.core.ratio_stat`. Intervals are t-based on the design degrees of
freedom of the domain (R's ``degf`` of the subset), design effects are R's ``deff=TRUE``
(the SRS variance *without* replacement from a population of the weight total).

Missing values: with ``na_rm=True`` (default) rows with a missing analysis value drop out
of the estimate but keep their PSU and stratum, as ``svymean(..., na.rm = TRUE)``; ``n``
counts the rows that contributed. A domain without observed values gets NaN (R gives a
total of 0 with SE 0 there), and a variable without any observed value also a
:class:`DesignWarning`.

Totals may take ``interval="log"``: exp(log T ± t se/T), which stays above zero for a
nonnegative variable (see :mod:`mel.analysis.intervals`).

References
----------
Horvitz, D. G. and Thompson, D. J. (1952). A generalization of sampling without
replacement from a finite universe. *JASA* 47, 663-685.
Cochran, W. G. (1977). *Sampling Techniques*, 3rd ed. Wiley.
Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*, ch. 2-3.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from mel.analysis import dist
from mel.analysis.core import (
    Domains,
    Stat,
    design_effect,
    domain_df,
    domains,
    gsum,
    numeric_column,
    ratio_stat,
    take,
)
from mel.analysis.errors import DesignError, DesignWarning
from mel.analysis.intervals import LogInterval
from mel.analysis.results import Estimate, EstimateTable
from mel.analysis.variance import OneHot

INTERVALS = ("t", "log")

if TYPE_CHECKING:
    from mel.analysis.design import Design
    from mel.analysis.questions import By


def valid_rows(
    design: Design, dom: Domains, *columns: np.ndarray, na_rm: bool, names: tuple[str, ...]
) -> np.ndarray:
    """Rows in a domain, with a nonzero weight and (with ``na_rm``) no missing value."""
    base = (dom.codes >= 0) & design.positive if dom.by else design.positive
    ok = base.copy()
    for values, name in zip(columns, names, strict=True):
        missing = np.isnan(values)
        if not na_rm and np.any(missing & base):
            raise DesignError(
                f"column {name!r} has missing values; pass na_rm=True to leave them out"
            )
        ok &= ~missing
    return ok


def no_values(
    stat: Stat, se: np.ndarray, deff: np.ndarray, n: np.ndarray, ok: np.ndarray, name: str
) -> tuple[Stat, np.ndarray, np.ndarray]:
    """NaN estimate, SE and deff for domains without an observed value (never 0 with
    SE 0); a :class:`DesignWarning` when the variable has no observed value at all."""
    empty = n == 0
    if not empty.any():
        return stat, se, deff
    if not ok.any():
        warnings.warn(
            f"{name}: no observed values among the rows with a weight, so the estimate is NaN",
            DesignWarning,
            stacklevel=5,
        )
    est = np.where(empty, np.nan, stat.estimate)
    cov = stat.cov.copy()
    cov[empty, :] = np.nan
    cov[:, empty] = np.nan
    return (
        replace(stat, estimate=est, cov=cov),
        np.where(empty, np.nan, se),
        np.where(empty, np.nan, deff),
    )


def package(
    design: Design,
    dom: Domains,
    stat: Stat,
    n: np.ndarray,
    df: np.ndarray,
    deff: np.ndarray,
    *,
    alpha: float,
    name: str,
    rules: Callable[[int], Any] | None = None,
    method: str | Sequence[str] = "t",
    se: np.ndarray | None = None,
) -> Estimate | EstimateTable:
    """Wrap per-domain results into an Estimate (no ``by``) or an EstimateTable.

    Without ``rules`` the intervals are t intervals on each domain's df; ``method`` may
    name each domain's interval method.
    """
    ses = np.sqrt(np.diag(stat.cov)) if se is None else se
    if rules is None:
        with np.errstate(invalid="ignore"):
            t = np.where(df > 0, dist.t_ppf(1 - alpha / 2, np.where(df > 0, df, 1)), np.nan)
        lows, highs = stat.estimate - t * ses, stat.estimate + t * ses
    out = []
    for d in range(dom.size):
        rule = rules(d) if rules is not None else None
        low, high = rule(alpha) if rule is not None else (lows[d], highs[d])
        how = method if isinstance(method, str) else method[d]
        out.append(
            Estimate(
                float(stat.estimate[d]),
                float(ses[d]),
                float(low),
                float(high),
                int(n[d]),
                float(df[d]),
                float(deff[d]),
                alpha,
                how,
                name,
                rule,
            )
        )
    if not dom.by:
        return out[0]
    return EstimateTable(dom.by, dom.keys, tuple(out), stat.cov, design.df, name)


@dataclass(frozen=True)
class Linear:
    """A ratio of totals per domain: estimates, covariance, SEs and deff ingredients."""

    stat: Stat
    se: np.ndarray
    s2: np.ndarray
    wsum: np.ndarray
    n: np.ndarray


def linear(
    design: Design, y: np.ndarray, x: np.ndarray | None, dom: Domains, ok: np.ndarray, kind: str
) -> Linear:
    """Estimate ``kind`` ("mean", "ratio" or "total") of ``y`` (over ``x``) per domain.

    The influence values are w (y - ybar) / W for a mean, w (y - R x) / X for a ratio and
    w y for a total; the design effect uses R's svyvar of y, (y - R x)/X and y.
    """
    size = dom.size
    full = bool(ok.all())  # the common case: no missing values, zero weights or domains
    codes = (dom.codes if full else np.where(ok, dom.codes, 0)) if dom.by else None
    w = design.weights_view if full else np.where(ok, design.weights_view, 0.0)
    yv = y if full else np.where(ok, y, 0.0)
    wy = w * yv
    wsum = gsum(codes, w, size)
    # Per-domain divisors (W or X) are applied to per-domain results, not to every row:
    # the influence values of domain d are wdev / X_d, so their covariance is that of
    # wdev scaled by 1 / (X_d X_e).
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "total":
            est = gsum(codes, wy, size)
            dev = yv - take(est / wsum, codes)
            scale = np.ones(size)
        else:
            xv = None if x is None else (x if full else np.where(ok, x, 0.0))
            tden = wsum if xv is None else gsum(codes, w * xv, size)
            est = gsum(codes, wy, size) / tden
            dev = yv - take(est, codes) if xv is None else yv - take(est, codes) * xv
            scale = 1 / tden
        wdev = w * dev
        if codes is None:
            n = np.array([float(np.count_nonzero(ok))])
            ss = np.array([np.einsum("i,i->", wdev, dev)])  # not BLAS: see variance.py
        else:
            n = np.bincount(codes if full else codes[ok], minlength=size).astype(float)
            ss = np.bincount(codes, weights=wdev * dev, minlength=size)
        s2 = ss / wsum * n / (n - 1) * (scale**2 if kind == "ratio" else 1.0)
    infl = wy if kind == "total" else wdev
    rep = design.replicate_weights
    if rep is None:
        cov = design.taylor_cov(OneHot(infl, codes, size), None if dom.by else ok)
        with np.errstate(invalid="ignore"):
            stat = Stat(est, cov * np.outer(scale, scale))
    else:
        stat = ratio_stat(
            design,
            OneHot(wy, codes, size),
            None if kind == "total" else OneHot(w if x is None else w * xv, codes, size),
        )
    se = np.sqrt(np.diag(stat.cov))
    if design.lonely_psu == "average" and rep is None and dom.by:
        se = se.copy()  # R counts the strata present in each domain's subset
        for d in range(size):
            one = OneHot(np.where(codes == d, infl, 0.0), None, 1)
            se[d] = math.sqrt(design.taylor_cov(one, ok & (dom.codes == d))[0, 0]) * scale[d]
    if kind == "ratio" and rep is not None:
        # R's deff for a ratio is that of the total of num - R den, whose replicate
        # variance differs from the ratio's (it equals it under linearisation)
        var = np.diag(ratio_stat(design, OneHot(wdev, codes, size), None).cov) * scale**2
        return Linear(stat, se, s2 * se**2 / var, wsum, n)  # so that deff = var / vsrs
    return Linear(stat, se, s2, wsum, n)


def _estimate(
    design: Design,
    y: np.ndarray,
    x: np.ndarray | None,
    dom: Domains,
    ok: np.ndarray,
    kind: str,
    *,
    alpha: float,
    name: str,
    interval: str = "t",
) -> Estimate | EstimateTable:
    lin = linear(design, y, x, dom, ok, kind)
    deff = design_effect(lin.se**2, lin.s2, lin.wsum, lin.n, "mean" if kind == "mean" else "total")
    stat, se, deff = no_values(lin.stat, lin.se, deff, lin.n, ok, name)
    df = domain_df(design, design.support, dom)
    rules = None
    if interval == "log":

        def rules(d: int) -> LogInterval:
            return LogInterval(float(stat.estimate[d]), float(se[d]), float(df[d]))

    return package(
        design,
        dom,
        stat,
        lin.n.astype(int),
        df,
        deff,
        alpha=alpha,
        name=name,
        se=se,
        rules=rules,
        method=interval,
    )


def mean(
    design: Design, variable: str, *, by: By = None, na_rm: bool = True, alpha: float = 0.05
) -> Estimate | EstimateTable:
    """Weighted mean of ``variable`` (overall, or per domain of ``by``)."""
    y = numeric_column(design, variable)
    dom = domains(design, by)
    ok = valid_rows(design, dom, y, na_rm=na_rm, names=(variable,))
    return _estimate(design, y, None, dom, ok, "mean", alpha=alpha, name=f"mean({variable})")


def total(
    design: Design,
    variable: str,
    *,
    by: By = None,
    na_rm: bool = True,
    alpha: float = 0.05,
    interval: str = "t",
) -> Estimate | EstimateTable:
    """Estimated population total of ``variable`` (``interval``: "t" or "log")."""
    if interval not in INTERVALS:
        raise DesignError(f"interval must be one of {INTERVALS}, got {interval!r}")
    y = numeric_column(design, variable)
    dom = domains(design, by)
    ok = valid_rows(design, dom, y, na_rm=na_rm, names=(variable,))
    if interval == "log" and np.any(y[ok] < 0):
        raise DesignError(
            f"column {variable!r} has negative values: the log interval is for nonnegative totals"
        )
    return _estimate(
        design, y, None, dom, ok, "total", alpha=alpha, name=f"total({variable})", interval=interval
    )


def count(
    design: Design,
    variable: str,
    level: Any = None,
    *,
    by: By = None,
    alpha: float = 0.05,
    interval: str = "log",
) -> Estimate | EstimateTable:
    """Estimated number of population units with ``variable == level`` (R ``svytotal``
    of the indicator); missing values are left out."""
    from mel.analysis.proportions import indicator

    if interval not in INTERVALS:
        raise DesignError(f"interval must be one of {INTERVALS}, got {interval!r}")
    y, level = indicator(design, variable, level)
    dom = domains(design, by)
    ok = valid_rows(design, dom, y, na_rm=True, names=(variable,))
    return _estimate(
        design,
        y,
        None,
        dom,
        ok,
        "total",
        alpha=alpha,
        name=f"count({variable} == {level!r})",
        interval=interval,
    )


def ratio(
    design: Design,
    numerator: str,
    denominator: str,
    *,
    by: By = None,
    na_rm: bool = True,
    alpha: float = 0.05,
) -> Estimate | EstimateTable:
    """Ratio of the totals of ``numerator`` and ``denominator`` (complete cases)."""
    y = numeric_column(design, numerator)
    x = numeric_column(design, denominator)
    dom = domains(design, by)
    ok = valid_rows(design, dom, y, x, na_rm=na_rm, names=(numerator, denominator))
    return _estimate(
        design, y, x, dom, ok, "ratio", alpha=alpha, name=f"ratio({numerator}/{denominator})"
    )
