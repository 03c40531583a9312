"""Proportions with small-sample-aware intervals (R ``svyciprop``).

The estimate is the weighted mean of the indicator ``variable == level``; its standard
error is that of the mean. The interval methods (see :mod:`mel.analysis.intervals`) are
those of R ``survey`` 4.1 — ``logit`` (default; the Wald interval of the intercept of a
survey-weighted logistic model), ``likelihood`` (its profile likelihood), ``beta``
(Korn & Graubard 1998), ``xlogit``, ``asin`` and ``mean`` — plus ``wilson`` (Wilson score
with the Kish effective sample size; not in R) and ``auto``. Domains work as for means.

At the edges: p = 0 or 1 is an estimate like any other (a 0/1 or boolean column where
the counted value does not occur gives p = 0, no error). Its variance is zero, so the
intervals that divide by p(1 - p) -- ``logit``, ``xlogit``, ``asin``, ``likelihood`` --
are NaN there (R 4.1.1 gives NaN, or a logistic fit that does not converge), ``mean``
is (p, p), and ``beta`` (and ``wilson``) follow Korn & Graubard's rule (effective
sample size = the number of observations), a proper one-sided interval such as
[0, 0.07].

``auto`` chooses per estimate (see :func:`auto_method`): ``beta`` where p is 0 or 1 or
the effective sample size p(1 - p)/var is below :data:`AUTO_MIN_NEFF` (30, the minimum
effective sample size of the NCHS standards for proportions, Parker et al. 2017), else
``logit``. The Estimate's ``method`` says which was used.

A column with no observed values gives NaN (with a :class:`DesignWarning`), as does a
domain without observed values, never 0 with a zero standard error.

References
----------
Korn, E. L. and Graubard, B. I. (1998). Confidence intervals for proportions with small
expected number of positive counts estimated from survey data. *Survey Methodology* 24.
Rao, J. N. K. and Scott, A. J. (1984). On chi-squared tests for multiway contingency
tables with cell proportions estimated from survey data. *Annals of Statistics* 12.
Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*, 2.3.1.
Parker, J. D. et al. (2017). National Center for Health Statistics data presentation
standards for proportions. *Vital Health Stat* 2(175).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mel.analysis.core import Domains, Stat, design_effect, domain_df, domains
from mel.analysis.errors import DesignError
from mel.analysis.estimators import linear, no_values, package, valid_rows
from mel.analysis.intervals import (
    AsinInterval,
    BetaInterval,
    LogitInterval,
    TInterval,
    WilsonInterval,
    expit,
    logit,
)
from mel.analysis.profile import LikelihoodInterval, irls_intercept

if TYPE_CHECKING:
    from mel.analysis.design import Design
    from mel.analysis.questions import By

METHODS = ("logit", "likelihood", "beta", "wilson", "xlogit", "asin", "mean", "auto")

#: below this effective sample size ``method="auto"`` uses Korn–Graubard (NCHS: 30)
AUTO_MIN_NEFF = 30.0


def auto_method(p: float, var: float, *, min_neff: float = AUTO_MIN_NEFF) -> str:
    """The interval ``method="auto"`` uses: ``"beta"`` (Korn–Graubard) where ``p`` is 0
    or 1 or the effective sample size p(1 - p)/var is below ``min_neff``, else
    ``"logit"``. NaN estimates get ``"beta"`` too (their interval is NaN either way)."""
    if not 0 < p < 1:
        return "beta"
    n_eff = p * (1 - p) / var if var > 0 else math.inf
    return "beta" if n_eff < min_neff else "logit"


def indicator(design: Design, variable: str, level: Any) -> tuple[np.ndarray, Any]:
    """``variable == level`` as 0.0/1.0, NaN where the variable is missing."""
    data = design.data
    if variable not in data.columns:
        raise DesignError(f"column {variable!r} is not in the data")
    col = data[variable]
    values = pd.unique(col.dropna())
    binary = pd.api.types.is_bool_dtype(col) or (
        pd.api.types.is_numeric_dtype(col) and set(values) <= {0, 1}
    )
    if level is None:
        if binary:
            level = True if pd.api.types.is_bool_dtype(col) else 1
        else:
            raise DesignError(
                f"column {variable!r} is not 0/1: give the level to count "
                f"(values: {sorted(map(str, values))[:10]})"
            )
    # a 0/1 column without ones is p = 0, not a typo; so is a column without any value
    if not any(v == level for v in values) and len(values) and not (binary and level in (0, 1)):
        raise DesignError(
            f"level {level!r} does not occur in column {variable!r} "
            f"(values: {sorted(map(str, values))[:10]})"
        )
    y = (col == level).to_numpy(dtype=float)
    y[col.isna().to_numpy()] = np.nan
    return y, level


def _frame_counts(design: Design, dom: Domains) -> tuple[np.ndarray, list[np.ndarray]]:
    frame = design.frame_rows()
    if design.keeps_rows:
        masks = [frame for _ in range(dom.size)]
    else:
        masks = [frame & (dom.codes == d) for d in range(dom.size)]
    return np.array([int(m.sum()) for m in masks]), masks


def _likelihood(
    design: Design, y: np.ndarray, w: np.ndarray, frame: np.ndarray, se_logit: float, df: float
) -> LikelihoodInterval:
    """The profile inputs, as R's ``svyglm`` computes them for ``svyciprop``.

    ``w`` are the domain's weights and ``frame`` the rows of R's (subsetted) design;
    the model rows are those without a missing response. The model weights are the
    weights over their mean in ``frame``; the dispersion is that of R's
    ``summary.svyglm`` with its ``residuals(type = "pearson")``.
    """
    mean_frame = w[frame].mean()
    rows = frame & ~np.isnan(y)
    yr, wr = y[rows], w[rows]
    wtr = wr / mean_frame
    ones, zeros = float(wtr[yr == 1].sum()), float(wtr[yr == 0].sum())
    if not 0 < ones < ones + zeros:
        return LikelihoodInterval(
            ones, zeros, math.nan, math.nan, int(rows.sum()), se_logit, math.nan, df
        )
    beta0, naive = irls_intercept(yr, wtr)
    mu = expit(beta0)
    e2 = (yr - mu) ** 2 / (mu * (1 - mu))
    if design.replicate_weights is not None:
        dispersion = float((wr * e2).sum() / mean_frame)
    else:
        # rows of design[-nas, ]: the model rows, or all rows if R keeps them (calibrated)
        n_design = design.n if design.keeps_rows else int(rows.sum())
        c = (wr.sum() / n_design) / mean_frame
        presid = np.sqrt(e2 * c) * np.sign(yr - mu)
        nz = wr != 0
        n = int(nz.sum())
        centre = (wr * presid).sum() / wr.sum()
        dispersion = float((wr * (presid - centre) ** 2).sum() / wr.sum() * n / (n - 1))
    return LikelihoodInterval(ones, zeros, beta0, naive, int(rows.sum()), se_logit, dispersion, df)


def _se_logit(design: Design, stat: Stat, ses: np.ndarray) -> np.ndarray:
    p = stat.estimate
    with np.errstate(divide="ignore", invalid="ignore"):
        if design.replicate_weights is None or stat.replicates is None:
            return ses / (p * (1 - p))
        reps = np.vectorize(logit)(stat.replicates)
        return np.sqrt(np.diag(design.replicate_weights.variance(reps, np.vectorize(logit)(p))))


def proportion(
    design: Design,
    variable: str,
    level: Any = None,
    *,
    by: By = None,
    method: str = "logit",
    alpha: float = 0.05,
) -> Any:
    """Proportion of rows with ``variable == level`` (see the module docstring)."""
    if method not in METHODS:
        raise DesignError(f"method must be one of {METHODS}, got {method!r}")
    y, level = indicator(design, variable, level)
    dom = domains(design, by)
    ok = valid_rows(design, dom, y, na_rm=True, names=(variable,))
    lin = linear(design, y, None, dom, ok, "mean")
    stat, ses = lin.stat, lin.se
    deff = design_effect(ses**2, lin.s2, lin.wsum, lin.n, "mean")
    df = domain_df(design, design.support, dom)
    n_obs = lin.n.astype(int)
    name = f"proportion({variable} == {level!r})"
    stat, ses, deff = no_values(stat, ses, deff, n_obs, ok, name)
    p = stat.estimate
    se_logit = _se_logit(design, stat, ses)
    n_rows, frames = _frame_counts(design, dom)
    methods = [
        auto_method(float(p[d]), float(ses[d]) ** 2) if method == "auto" else method
        for d in range(dom.size)
    ]

    def rule(d: int) -> Any:
        pd_, se, v = np.float64(p[d]), np.float64(ses[d]), float(ses[d]) ** 2
        how = methods[d]
        with np.errstate(divide="ignore", invalid="ignore"):
            if how == "mean":
                return TInterval(pd_, se, df[d])
            if how in ("logit", "xlogit"):
                sl = se_logit[d] if how == "logit" else se / (pd_ * (1 - pd_))
                return LogitInterval(pd_, float(sl), df[d])
            if how == "asin":
                return AsinInterval(pd_, float(se / (2 * np.sqrt(pd_ * (1 - pd_)))), df[d])
            if how == "beta":
                return BetaInterval(float(pd_), v, int(n_rows[d]), df[d], int(n_obs[d]))
            if how == "wilson":
                return WilsonInterval(float(pd_), v, df[d], int(n_obs[d]))
            wd = design.weights_view
            if dom.by:
                wd = np.where(dom.codes == d, wd, 0.0)
            return _likelihood(design, y, wd, frames[d], float(se_logit[d]), df[d])

    return package(
        design,
        dom,
        stat,
        n_obs,
        df,
        deff,
        alpha=alpha,
        name=name,
        rules=rule,
        method=methods,
        se=ses,
    )
