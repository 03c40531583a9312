"""The questions a design answers: the estimation methods of :class:`Design`.

Kept apart from the design's construction so that each reads on its own; every method
delegates to the module that implements it (and whose docstring gives the references).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from mel.analysis.results import Estimate, EstimateTable

if TYPE_CHECKING:
    from mel.analysis.design import Design
    from mel.analysis.regression import RegressionResult
    from mel.analysis.tables import RaoScottResult

By = str | Sequence[str] | None


class Questions:
    """Mixin of :class:`~mel.analysis.design.Design`: means, totals, ratios, proportions,
    quantiles, regression and tables, overall or by domain."""

    def mean(
        self, variable: str, *, by: By = None, na_rm: bool = True, alpha: float = 0.05
    ) -> Estimate | EstimateTable:
        """Weighted mean (R ``svymean``; with ``by``, ``svyby(..., svymean)``).

        Parameters
        ----------
        variable : str
            A numeric (or boolean) column.
        by : str or sequence of str, optional
            Domain column(s). Rows outside a domain keep their PSU and stratum.
        na_rm : bool
            Leave out rows with a missing value (R's ``na.rm = TRUE``); if False, missing
            values raise a :class:`DesignError`.
        alpha : float
            The interval is ``1 - alpha``, t-based on the domain's design df.

        Returns
        -------
        Estimate or EstimateTable
            With ``by``, a table keyed by domain with the covariance of the domain means.
        """
        from mel.analysis import estimators

        return estimators.mean(cast("Design", self), variable, by=by, na_rm=na_rm, alpha=alpha)

    def total(
        self,
        variable: str,
        *,
        by: By = None,
        na_rm: bool = True,
        alpha: float = 0.05,
        interval: str = "t",
    ) -> Estimate | EstimateTable:
        """Estimated population total (R ``svytotal``); arguments as :meth:`mean`.

        ``interval="log"`` gives exp(log T ± t se/T), which cannot go below zero (for
        nonnegative variables; R: ``svycontrast(total, quote(log(x)))``, exponentiated).
        """
        from mel.analysis import estimators

        return estimators.total(
            cast("Design", self), variable, by=by, na_rm=na_rm, alpha=alpha, interval=interval
        )

    def count(
        self,
        variable: str,
        level: Any = None,
        *,
        by: By = None,
        alpha: float = 0.05,
        interval: str = "log",
    ) -> Estimate | EstimateTable:
        """Estimated number of population units with ``variable == level`` (R
        ``svytotal(~I(variable == level))``), with the log interval by default
        (``interval="t"`` for the symmetric one); ``level`` as in :meth:`proportion`."""
        from mel.analysis import estimators

        return estimators.count(
            cast("Design", self), variable, level, by=by, alpha=alpha, interval=interval
        )

    def ratio(
        self,
        numerator: str,
        denominator: str,
        *,
        by: By = None,
        na_rm: bool = True,
        alpha: float = 0.05,
    ) -> Estimate | EstimateTable:
        """Ratio of the totals of two columns (R ``svyratio``), over their complete
        cases; other arguments as :meth:`mean`."""
        from mel.analysis import estimators

        return estimators.ratio(
            cast("Design", self), numerator, denominator, by=by, na_rm=na_rm, alpha=alpha
        )

    def proportion(
        self,
        variable: str,
        level: Any = None,
        *,
        by: By = None,
        method: str = "logit",
        alpha: float = 0.05,
    ) -> Estimate | EstimateTable:
        """Proportion of rows with ``variable == level`` (R ``svyciprop``).

        Parameters
        ----------
        variable : str
            Any column; missing values are left out.
        level : optional
            The value counted; defaults to 1/True for 0/1 and boolean columns. In such
            columns a value that does not occur gives p = 0; in others a level that
            does not occur raises a :class:`DesignError` (it is probably misspelt).
        by : str or sequence of str, optional
            Domain column(s).
        method : {"logit", "likelihood", "beta", "wilson", "xlogit", "asin", "mean", "auto"}
            The interval (see :mod:`mel.analysis.intervals`); ``beta`` is
            Korn–Graubard. ``auto`` takes ``beta`` where p is 0 or 1 or the effective
            sample size p(1 - p)/var is below 30, else ``logit`` (see
            :func:`mel.analysis.proportions.auto_method`). At p = 0 or 1 only ``beta``,
            ``wilson`` and ``mean`` give an interval (the others are NaN).
        alpha : float
            1 minus the confidence level.

        Returns
        -------
        Estimate or EstimateTable
        """
        from mel.analysis import proportions

        return proportions.proportion(
            cast("Design", self), variable, level, by=by, method=method, alpha=alpha
        )

    def quantile(
        self,
        variable: str,
        q: float | Sequence[float] = 0.5,
        *,
        by: By = None,
        alpha: float = 0.05,
        interval: str = "mean",
    ) -> Estimate | EstimateTable:
        """Quantile(s) with Woodruff intervals (R ``svyquantile``, default rule).

        Parameters
        ----------
        variable : str
            A numeric column; missing values are left out.
        q : float or sequence of float
            Probabilities in [0, 1]. Several give a table keyed by q (and domain).
        by : str or sequence of str, optional
            Domain column(s).
        alpha : float
            1 minus the confidence level.
        interval : {"mean", "xlogit", "asin", "beta"}
            Interval for the proportion below the quantile (R's ``interval.type``).

        Returns
        -------
        Estimate or EstimateTable
            ``se`` is R's: the interval width over 2 t(1 - alpha/2, df).
        """
        from mel.analysis import quantiles

        return quantiles.quantile(
            cast("Design", self), variable, q, by=by, alpha=alpha, interval=interval
        )

    def contrast(
        self,
        variable: str,
        by: str | Sequence[str],
        coefficients: Mapping[Any, float],
        *,
        statistic: str = "mean",
        level: Any = None,
        alpha: float = 0.05,
    ) -> Estimate:
        """A linear combination of domain estimates, e.g. ``{2025: 1, 2024: -1}``.

        The domain estimates (``statistic``: ``"mean"``, ``"total"``, ``"proportion"``
        or ``"count"`` of ``level``) share PSUs, so their covariance enters the
        variance (R: ``svycontrast(svyby(..., covmat = TRUE), ...)``); the interval is
        t on the design df. For waves stacked in one design (see
        :mod:`mel.analysis.change`) this is the change with its panel covariance.
        """
        from mel.analysis import change

        return change.contrast(
            cast("Design", self),
            variable,
            by,
            coefficients,
            statistic=statistic,
            level=level,
            alpha=alpha,
        )

    def difference_by(
        self,
        variable: str,
        by: str | Sequence[str],
        a: Any,
        b: Any,
        *,
        statistic: str = "mean",
        level: Any = None,
        alpha: float = 0.05,
    ) -> Estimate:
        """Domain ``a`` minus domain ``b`` of ``by`` (e.g. the wave column of a stacked
        design: the change from wave ``b`` to wave ``a``); see :meth:`contrast`."""
        from mel.analysis import change

        return change.difference_by(
            cast("Design", self), variable, by, a, b, statistic=statistic, level=level, alpha=alpha
        )

    def glm(
        self, formula: str, *, family: str = "gaussian", alpha: float = 0.05
    ) -> RegressionResult:
        """Survey-weighted linear or logistic regression; see
        :func:`mel.analysis.regression.svyglm`."""
        from mel.analysis.regression import svyglm

        return svyglm(cast("Design", self), formula, family=family, alpha=alpha)

    def chisq(self, row: str, col: str, *, statistic: str = "F") -> RaoScottResult:
        """Rao–Scott test of independence of two categorical columns; see
        :func:`mel.analysis.tables.rao_scott`."""
        from mel.analysis.tables import rao_scott

        return rao_scott(cast("Design", self), row, col, statistic=statistic)
