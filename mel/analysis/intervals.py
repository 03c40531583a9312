"""Confidence-interval rules: each recomputes an interval for any ``alpha``.

An :class:`~mel.analysis.results.Estimate` carries one of these so that
``estimate.conf_int(0.10)`` gives a 90% interval by the same method as the 95% one it was
created with. The rules follow R ``survey`` (Lumley 2010, ch. 2; ``svyciprop``):

- ``t``: estimate ± t(df) · se, the Wald interval on the design degrees of freedom.
- ``logit`` / ``xlogit``: a Wald interval on the logit scale, transformed back.
- ``asin``: a Wald interval for asin(sqrt(p)), transformed back (not clipped, as R).
- ``beta``: Korn & Graubard (1998): Clopper–Pearson with the effective sample size
  p(1-p)/var, itself scaled by (t(n-1)/t(df))². At p = 0 or 1 (variance zero) the
  effective sample size is the number of observations, as Korn & Graubard (1998) and
  NCHS (Parker et al. 2017) prescribe; R 4.1.1 returns NaN there (0/0).
- ``log``: exp(log T ± t · se / T), the delta-method interval for log T transformed
  back, for nonnegative totals and counts (R: ``confint(svycontrast(total,
  quote(log(x))))``, exponentiated); it never goes below zero.
- ``wilson``: the Wilson (1927) score interval with the Kish effective sample size
  p(1-p)/var and the t(df) quantile (Dean & Pagano 2015). R ``survey`` 4.1 has no Wilson
  method; this one is documented rather than R-verified.
- ``likelihood``: the profile likelihood of the intercept-only quasi-binomial model with
  the Rao–Scott scaled deviance (see :mod:`mel.analysis.profile`).
- ``woodruff``: Woodruff (1952) intervals for quantiles: an interval for the proportion
  below the estimated quantile, mapped back through the estimated distribution function
  (Francisco & Fuller 1991 justify it for complex samples).

References
----------
Korn, E. L. and Graubard, B. I. (1998). Confidence intervals for proportions with small
expected number of positive counts estimated from survey data. *Survey Methodology* 24.
Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
*JASA* 22, 209-212.
Parker, J. D. et al. (2017). National Center for Health Statistics data presentation
standards for proportions. *Vital Health Stat* 2(175).
Dean, N. and Pagano, M. (2015). Evaluating confidence interval methods for binomial
proportions in clustered surveys. *J. Survey Stat. Methodol.* 3, 484-503.
Woodruff, R. S. (1952). Confidence intervals for medians and other position measures.
*JASA* 47, 635-646.
Francisco, C. A. and Fuller, W. A. (1991). Quantile estimation with a complex survey
design. *Annals of Statistics* 19, 454-469.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

from mel.analysis import dist

__all__ = [
    "t_quantile",
    "TInterval",
    "LogitInterval",
    "AsinInterval",
    "BetaInterval",
    "WilsonInterval",
    "WoodruffInterval",
    "LogInterval",
    "expit",
    "logit",
]


def t_quantile(q: float, df: float) -> float:
    """Quantile of Student's t (normal when ``df`` is infinite; NaN when ``df <= 0``)."""
    if math.isnan(df) or df <= 0:
        return math.nan
    if math.isinf(df):
        return float(dist.norm_ppf(q))
    return float(dist.t_ppf(q, df))


def expit(x: float) -> float:
    """Inverse logit, written as R's ``exp(x) / (1 + exp(x))`` (NaN-safe)."""
    return float(special.expit(x))


def logit(p: float) -> float:
    """log(p / (1 - p)); infinite at 0 and 1."""
    with np.errstate(divide="ignore"):
        return float(special.logit(p))


@dataclass(frozen=True)
class TInterval:
    """estimate ± t(1 - alpha/2, df) · se."""

    estimate: float
    se: float
    df: float

    def __call__(self, alpha: float) -> tuple[float, float]:
        t = t_quantile(1 - alpha / 2, self.df)
        return self.estimate - t * self.se, self.estimate + t * self.se


@dataclass(frozen=True)
class LogInterval:
    """exp(log T ± t · se / T): a positive interval for a positive total T (NaN if T <= 0,
    where the log is undefined, as in R)."""

    estimate: float
    se: float
    df: float

    def __call__(self, alpha: float) -> tuple[float, float]:
        if not self.estimate > 0:
            return math.nan, math.nan
        half = t_quantile(1 - alpha / 2, self.df) * self.se / self.estimate
        return self.estimate * math.exp(-half), self.estimate * math.exp(half)


@dataclass(frozen=True)
class LogitInterval:
    """expit(logit(p) ± t · se_logit)."""

    p: float
    se_logit: float
    df: float

    def __call__(self, alpha: float) -> tuple[float, float]:
        t = t_quantile(1 - alpha / 2, self.df)
        centre = logit(self.p)
        return expit(centre - t * self.se_logit), expit(centre + t * self.se_logit)


@dataclass(frozen=True)
class AsinInterval:
    """sin(asin(sqrt(p)) ± t · se_asin)², as R (no clipping at 0 or pi/2)."""

    p: float
    se_asin: float
    df: float

    def __call__(self, alpha: float) -> tuple[float, float]:
        t = t_quantile(1 - alpha / 2, self.df)
        centre = math.asin(math.sqrt(self.p)) if 0 <= self.p <= 1 else math.nan
        return (math.sin(centre - t * self.se_asin) ** 2, math.sin(centre + t * self.se_asin) ** 2)


def _effective_n(p: float, var: float) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.float64(p * (1 - p)) / np.float64(var))


@dataclass(frozen=True)
class BetaInterval:
    """Korn–Graubard: Clopper–Pearson on the df-adjusted effective sample size.

    ``n_rows`` are the rows of R's design (for the t ratio), ``n_obs`` the observations
    behind p, the effective sample size when p is 0 or 1 (default ``n_rows``).
    """

    p: float
    var: float
    n_rows: int
    df: float
    n_obs: int | None = None

    def __call__(self, alpha: float) -> tuple[float, float]:
        n_eff = _effective_n(self.p, self.var)
        if self.p in (0.0, 1.0) and self.var == 0:
            n_eff = float(self.n_rows if self.n_obs is None else self.n_obs)
        ratio = t_quantile(alpha / 2, self.n_rows - 1) / t_quantile(alpha / 2, self.df)
        n_eff *= ratio**2
        p = self.p
        with np.errstate(all="ignore"):
            low = float(dist.beta_ppf(alpha / 2, n_eff * p, n_eff * (1 - p) + 1))
            high = float(dist.beta_ppf(1 - alpha / 2, n_eff * p + 1, n_eff * (1 - p)))
        # scipy has no Beta(0, b) (a point mass at 0); R's qbeta returns its quantile 0
        if p == 0 and n_eff > 0:
            low = 0.0
        if p == 1 and n_eff > 0:
            high = 1.0
        return low, high


@dataclass(frozen=True)
class WilsonInterval:
    """Wilson score interval with the Kish effective sample size and t(df); at p = 0 or 1
    (variance zero) the effective sample size is ``n_obs``, as for Korn–Graubard."""

    p: float
    var: float
    df: float
    n_obs: int | None = None

    def __call__(self, alpha: float) -> tuple[float, float]:
        n = _effective_n(self.p, self.var)
        if self.p in (0.0, 1.0) and self.var == 0 and self.n_obs is not None:
            n = float(self.n_obs)
        z = t_quantile(1 - alpha / 2, self.df)
        if not n > 0 or math.isinf(n):
            return (self.p, self.p) if math.isinf(n) else (math.nan, math.nan)
        centre = (self.p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(self.p * (1 - self.p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        return centre - half, centre + half


def qrule_math(x_sorted: np.ndarray, cumw: np.ndarray, total: float, p: float) -> float:
    """R ``survey``'s default quantile rule ``qrule_math`` on pre-sorted data.

    The quantile is the smallest x whose cumulative weight share reaches p, i.e. the
    inverse of the weighted empirical distribution function (Hyndman & Fan 1996 type 1).
    ``cumw`` must be the running sum of the weights in the order of ``x_sorted`` and
    ``total`` their sum, both accumulated in extended precision as R does.
    """
    if math.isnan(p) or len(x_sorted) == 0:
        return math.nan
    # pos: the last index with cumw <= p * total, or the first element if there is none
    pos = int(np.searchsorted(cumw, p * total, side="right")) - 1
    if pos < 0:
        pos = 0
    posnext = min(pos + 1, len(x_sorted) - 1)
    wlow = p - cumw[pos] / total
    return float(x_sorted[pos] if wlow == 0 else x_sorted[posnext])


@dataclass(frozen=True)
class WoodruffInterval:
    """Woodruff interval for a quantile from an interval for the proportion below it.

    ``method`` is the interval for that proportion: ``"mean"`` (R's default), ``"xlogit"``,
    ``"asin"`` or ``"beta"``; ``pmed`` and ``var`` are its estimate and variance.
    """

    x_sorted: np.ndarray
    cumw: np.ndarray
    total: float
    pmed: float
    var: float
    df: float
    n_rows: int
    method: str = "mean"

    def proportion_interval(self, alpha: float) -> tuple[float, float]:
        """The interval for the proportion of the population at or below the quantile."""
        se = math.sqrt(self.var)
        p = self.pmed
        if self.method == "mean":
            return TInterval(p, se, self.df)(alpha)
        if self.method == "xlogit":
            return LogitInterval(p, se / (p * (1 - p)), self.df)(alpha)
        if self.method == "asin":
            return AsinInterval(p, se / (2 * math.sqrt(p * (1 - p))), self.df)(alpha)
        return BetaInterval(p, self.var, self.n_rows, self.df)(alpha)

    def __call__(self, alpha: float) -> tuple[float, float]:
        with np.errstate(divide="ignore", invalid="ignore"):
            plow, phigh = self.proportion_interval(alpha)
        low = (
            math.nan
            if math.isnan(plow) or plow < 0
            else qrule_math(self.x_sorted, self.cumw, self.total, plow)
        )
        high = (
            math.nan
            if math.isnan(phigh) or phigh > 1
            else qrule_math(self.x_sorted, self.cumw, self.total, phigh)
        )
        return low, high

    def se(self, alpha: float) -> float:
        """R's quantile 'SE': the interval width divided by 2 t(1 - alpha/2, df)."""
        low, high = self(alpha)
        return (high - low) / (2 * t_quantile(1 - alpha / 2, self.df))
