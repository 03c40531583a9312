"""The few distribution functions mel needs, straight from scipy.special.

``scipy.stats`` computes the same values with these functions but takes most of a second to
import; every `mel` command that estimates would pay that. Each function here returns
exactly what its ``scipy.stats`` namesake returns (tests/analysis check it).
"""

from __future__ import annotations

from typing import Any

from scipy import special


def t_ppf(q: Any, df: Any) -> Any:
    """Quantile of Student's t (``stats.t.ppf``)."""
    return special.stdtrit(df, q)


def t_isf(q: Any, df: Any) -> Any:
    """Upper-tail quantile of Student's t (``stats.t.isf``)."""
    return -special.stdtrit(df, q)


def t_sf(x: Any, df: Any) -> Any:
    """Upper-tail probability of Student's t (``stats.t.sf``)."""
    return special.stdtr(df, -x)


def norm_ppf(q: Any) -> Any:
    """Standard normal quantile (``stats.norm.ppf``)."""
    return special.ndtri(q)


def norm_cdf(x: Any) -> Any:
    """Standard normal distribution function (``stats.norm.cdf``)."""
    return special.ndtr(x)


def beta_ppf(q: Any, a: Any, b: Any) -> Any:
    """Quantile of the beta distribution (``stats.beta.ppf``)."""
    return special.betaincinv(a, b, q)


def chi2_sf(x: Any, k: Any) -> Any:
    """Upper-tail probability of chi-squared (``stats.chi2.sf``)."""
    return special.chdtrc(k, x)


def f_sf(x: Any, d1: Any, d2: Any) -> Any:
    """Upper-tail probability of F (``stats.f.sf``)."""
    return special.fdtrc(d1, d2, x)
