"""Result objects: one vocabulary for every estimate mel shows or exports.

An :class:`Estimate` holds ``estimate, se, ci_low, ci_high, n, df, deff`` (and the
``alpha`` of its interval); an :class:`EstimateTable` holds one per domain, with their
covariance matrix where the estimator provides one (as R's ``svyby(..., covmat = TRUE)``),
so that differences between domains get the right standard error (Lumley 2010, 3.3.2).
:func:`difference` compares estimates from independent samples (e.g. two waves).

References
----------
Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley.
Satterthwaite, F. E. (1946). An approximate distribution of estimates of variance
components. *Biometrics Bulletin* 2, 110-114.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mel.analysis.errors import DesignError
from mel.analysis.intervals import TInterval

if TYPE_CHECKING:
    from mel.analysis.quality import Quality

COLUMNS = ["estimate", "se", "ci_low", "ci_high", "n", "df", "deff"]

IntervalRule = Callable[[float], tuple[float, float]]


@dataclass(frozen=True)
class Estimate:
    """A design-based estimate with its standard error and confidence interval.

    Attributes
    ----------
    estimate, se : float
        The estimate and its standard error.
    ci_low, ci_high : float
        The ``1 - alpha`` confidence interval (method in ``method``).
    n : int
        Respondents behind the estimate (rows with a nonzero weight and a value).
    df : float
        Degrees of freedom of the interval (design df: #PSUs - #strata).
    deff : float
        Design effect (Kish), NaN where it is not defined (quantiles, contrasts).
    alpha : float
        1 minus the confidence level of ``ci_low``/``ci_high``.
    method : str
        How the interval was made: ``t``, ``logit``, ``xlogit``, ``asin``, ``beta``,
        ``wilson``, ``likelihood``, ``woodruff``.
    name : str
        What was estimated, e.g. ``"mean(api00)"``.
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    n: int
    df: float
    deff: float = math.nan
    alpha: float = 0.05
    method: str = "t"
    name: str = ""
    rule: IntervalRule | None = field(default=None, repr=False, compare=False)

    @property
    def var(self) -> float:
        """The variance, ``se ** 2``."""
        return self.se**2

    @property
    def cv(self) -> float:
        """Coefficient of variation, ``se / |estimate|``."""
        return self.se / abs(self.estimate) if self.estimate else math.nan

    def conf_int(self, alpha: float | None = None) -> tuple[float, float]:
        """The ``1 - alpha`` interval by this estimate's method (default: its own alpha)."""
        if alpha is None or alpha == self.alpha:
            return self.ci_low, self.ci_high
        if not 0 < alpha < 1:
            raise DesignError(f"alpha must be between 0 and 1, got {alpha!r}")
        rule = self.rule or TInterval(self.estimate, self.se, self.df)
        low, high = rule(alpha)
        return float(low), float(high)

    def with_alpha(self, alpha: float) -> Estimate:
        """The same estimate with its interval recomputed for another ``alpha``."""
        low, high = self.conf_int(alpha)
        return replace(self, ci_low=low, ci_high=high, alpha=alpha)

    def to_dict(self) -> dict[str, Any]:
        """The seven result columns as a plain dict."""
        return {c: getattr(self, c) for c in COLUMNS}

    def quality(self, **thresholds: Any) -> Quality:
        """The quality grade A–E of this estimate; see :func:`mel.analysis.quality.grade`
        for the table and the ``thresholds`` it takes."""
        from mel.analysis.quality import grade

        return grade(self, **thresholds)


@dataclass(frozen=True, eq=False)
class EstimateTable(Mapping[Any, Estimate]):
    """Estimates by domain: a read-only mapping from domain value to :class:`Estimate`.

    Keys are the domain values (tuples when there are several ``by`` variables), in
    sorted order. ``cov`` is the covariance matrix of the estimates in that order, when
    the estimator provides it; ``df`` is the design df used for contrasts.
    """

    by: tuple[str, ...]
    keys_: tuple[Any, ...]
    estimates: tuple[Estimate, ...]
    cov: np.ndarray | None = field(default=None, repr=False)
    df: float = math.nan
    name: str = ""

    def __getitem__(self, key: Any) -> Estimate:
        try:
            return self.estimates[self.keys_.index(key)]
        except ValueError:
            raise KeyError(key) from None

    def __iter__(self) -> Iterator[Any]:
        return iter(self.keys_)

    def __len__(self) -> int:
        return len(self.keys_)

    def to_frame(self) -> pd.DataFrame:
        """A DataFrame: the ``by`` column(s), then ``estimate, se, ci_low, ci_high, n, df,
        deff``."""
        rows = []
        for key, est in zip(self.keys_, self.estimates, strict=True):
            values = key if len(self.by) > 1 else (key,)
            rows.append({**dict(zip(self.by, values, strict=True)), **est.to_dict()})
        return pd.DataFrame(rows, columns=[*self.by, *COLUMNS])

    def with_alpha(self, alpha: float) -> EstimateTable:
        """The same table with every interval recomputed for another ``alpha``."""
        return replace(self, estimates=tuple(e.with_alpha(alpha) for e in self.estimates))

    def contrast(self, coefficients: Mapping[Any, float], *, alpha: float = 0.05) -> Estimate:
        """A linear combination of the domain estimates, e.g. ``{"E": 1, "H": -1}``.

        Its variance uses the full covariance matrix (domains share PSUs, so their
        estimates are correlated). The interval is t-based on the design df.
        """
        if self.cov is None:
            raise DesignError(
                f"{self.name or 'this table'} has no covariance matrix; "
                "contrasts need one (quantiles do not provide it)"
            )
        c = np.zeros(len(self.keys_))
        for key, coef in coefficients.items():
            if key not in self.keys_:
                raise DesignError(f"domain {key!r} is not in the table ({list(self.keys_)})")
            c[self.keys_.index(key)] = coef
        est = float(c @ np.array([e.estimate for e in self.estimates]))
        se = float(math.sqrt(max(c @ self.cov @ c, 0.0)))
        low, high = TInterval(est, se, self.df)(alpha)
        n = sum(
            e.n for k, e in zip(self.keys_, self.estimates, strict=True) if coefficients.get(k, 0)
        )
        label = " ".join(f"{v:+g}*{k}" for k, v in coefficients.items())
        return Estimate(
            est, se, low, high, n, self.df, math.nan, alpha, "t", f"{self.name}: {label}"
        )

    def difference(self, a: Any, b: Any, *, alpha: float = 0.05) -> Estimate:
        """Domain ``a`` minus domain ``b``, with the covariance between them."""
        return self.contrast({a: 1.0, b: -1.0}, alpha=alpha)


def difference(a: Estimate, b: Estimate, *, alpha: float = 0.05) -> Estimate:
    """``a - b`` for estimates from independent samples (e.g. two waves).

    The variance is the sum of the variances (independent samples have no covariance;
    do not use this for overlapping samples such as panels, or for domains of one design:
    use :meth:`EstimateTable.difference`). The interval is t-based with the
    Welch–Satterthwaite degrees of freedom ``(v_a + v_b)^2 / (v_a^2/df_a + v_b^2/df_b)``,
    which lies between min(df_a, df_b) and df_a + df_b.
    """
    est = a.estimate - b.estimate
    va, vb = a.se**2, b.se**2
    se = math.sqrt(va + vb)
    denom = (va**2 / a.df if a.df > 0 else math.inf) + (vb**2 / b.df if b.df > 0 else math.inf)
    df = (va + vb) ** 2 / denom if denom > 0 else min(a.df, b.df)
    low, high = TInterval(est, se, df)(alpha)
    name = f"{a.name} - {b.name}" if a.name or b.name else ""
    return Estimate(est, se, low, high, a.n + b.n, df, math.nan, alpha, "t", name)
