"""Survey-weighted linear and logistic regression (R ``svyglm``).

The coefficients solve the weighted estimating equations sum_i w_i x_i (y_i - mu_i) = 0
(a pseudo-likelihood fit: statsmodels' GLM with the weights as variance weights for linear
models, R's ``glm.fit`` iteration for logistic ones, see below);
their covariance is the design-based sandwich A^-1 V A^-1 (Binder 1983), where V is the
design variance of the totals of the estimating functions, computed by the same
linearisation (or replicate refits) as every other estimate. Degrees of freedom are R's:
design df + 1 - number of coefficients; intervals are t-based on them. Rows with a missing
value in the model are left out (keeping their PSU and stratum); with domains
(``design.subset``) rows outside have weight zero.

Logistic fits follow R's ``glm.fit`` iteration (starting values, convergence rule) so that
the model-based matrix in the sandwich uses the same working weights as R (those of the
last iteration, one step behind the coefficients): with the exactly converged weights,
as statsmodels would give, standard errors differ from R's by up to ~5e-6 relative.

References
----------
Binder, D. A. (1983). On the variances of asymptotically normal estimators from complex
surveys. *International Statistical Review* 51, 279-292.
Lumley, T. and Scott, A. (2017). Fitting regression models to survey data. *Statistical
Science* 32, 265-278.
Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*, ch. 5-6.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mel.analysis import dist
from mel.analysis.errors import DesignError
from mel.analysis.glmfit import irls_logistic
from mel.analysis.intervals import TInterval
from mel.analysis.results import Estimate, EstimateTable

if TYPE_CHECKING:
    from mel.analysis.design import Design

FAMILIES = ("gaussian", "binomial")


@dataclass(frozen=True)
class RegressionResult:
    """Coefficients of a survey-weighted GLM with design-based standard errors.

    Attributes
    ----------
    formula, family : str
        The model.
    terms : tuple of str
        Coefficient names (formulaic's: ``Intercept``, ``stype[T.H]``, ...).
    params : ndarray
        The coefficients.
    cov : ndarray
        Their design-based covariance matrix.
    df : float
        Residual degrees of freedom (design df + 1 - number of coefficients).
    n : int
        Rows used in the fit.
    naive_cov : ndarray
        The model-based covariance (R's ``naive.cov``), for design effects.
    """

    formula: str
    family: str
    terms: tuple[str, ...]
    params: np.ndarray
    cov: np.ndarray
    df: float
    n: int
    naive_cov: np.ndarray = field(repr=False)
    alpha: float = 0.05

    @property
    def se(self) -> np.ndarray:
        return np.sqrt(np.diag(self.cov))

    def conf_int(self, alpha: float | None = None) -> pd.DataFrame:
        """t intervals on the residual df, one row per term: ``ci_low``, ``ci_high``."""
        a = self.alpha if alpha is None else alpha
        rows = [TInterval(b, s, self.df)(a) for b, s in zip(self.params, self.se, strict=True)]
        return pd.DataFrame(rows, index=list(self.terms), columns=["ci_low", "ci_high"])

    @property
    def coefficients(self) -> EstimateTable:
        """The coefficients as an EstimateTable keyed by term (with their covariance)."""
        ci = self.conf_int().to_numpy(dtype=float)
        ests = tuple(
            Estimate(
                float(b),
                float(s),
                float(ci[i, 0]),
                float(ci[i, 1]),
                self.n,
                self.df,
                math.nan,
                self.alpha,
                "t",
                t,
            )
            for i, (t, b, s) in enumerate(zip(self.terms, self.params, self.se, strict=True))
        )
        return EstimateTable(("term",), self.terms, ests, self.cov, self.df, self.formula)

    def to_frame(self) -> pd.DataFrame:
        """``term, estimate, se, ci_low, ci_high, n, df, deff`` per coefficient."""
        return self.coefficients.to_frame()

    def summary_frame(self) -> pd.DataFrame:
        """:meth:`to_frame` plus the t statistic and its two-sided p-value."""
        frame = self.to_frame()
        frame["t"] = frame["estimate"] / frame["se"]
        frame["p_value"] = 2 * dist.t_sf(np.abs(frame["t"]), self.df)
        return frame


def _design_matrices(
    design: Design, formula: str, family: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[str, ...]]:
    from formulaic import model_matrix  # imported here: it takes a second to load

    data = design.data.reset_index(drop=True)
    try:
        mm = model_matrix(formula, data, na_action="drop")
    except Exception as exc:  # formulaic raises many types; name the formula
        raise DesignError(f"cannot build the model {formula!r}: {exc}") from exc
    lhs, rhs = mm.lhs, mm.rhs
    rows = np.asarray(rhs.index, dtype=np.int64)
    y = lhs.to_numpy(dtype=float)
    if y.ndim == 2 and y.shape[1] == 2 and family == "binomial":
        y = y[:, 1]  # a two-level factor response: the second level is "success", as R
    elif y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    else:
        raise DesignError(f"the response of {formula!r} must be one numeric column")
    if family == "binomial" and np.any((y < 0) | (y > 1)):
        raise DesignError(f"a binomial response must lie in [0, 1] ({formula!r})")
    return y, rhs.to_numpy(dtype=float), rows, tuple(map(str, rhs.columns))


def _fit_linear(y: np.ndarray, x: np.ndarray, wt: np.ndarray) -> np.ndarray:
    import statsmodels.api as sm  # imported here: it takes seconds to load

    res = sm.GLM(y, x, family=sm.families.Gaussian(), var_weights=wt).fit()
    return np.asarray(res.params)


def _mu(x: np.ndarray, beta: np.ndarray, family: str) -> np.ndarray:
    eta = x @ beta
    return eta if family == "gaussian" else 1 / (1 + np.exp(-eta))


def svyglm(
    design: Design, formula: str, *, family: str = "gaussian", alpha: float = 0.05
) -> RegressionResult:
    """Fit ``formula`` (formulaic syntax, e.g. ``"api00 ~ ell + C(stype)"``) to a design.

    Parameters
    ----------
    design : Design
        The survey design (Taylor or replicate variance).
    formula : str
        Response ~ predictors. Strings are categorical with the first level as baseline.
        For logistic regression the response is 0/1, boolean, an expression such as
        ``I(sch_wide == "Yes")``, or a two-level category (second level = 1).
    family : {"gaussian", "binomial"}
        Linear (identity link) or logistic (logit link) regression.
    alpha : float
        For the intervals in :attr:`RegressionResult.coefficients`.
    """
    family = "binomial" if family in ("logistic", "quasibinomial") else family
    if family not in FAMILIES:
        raise DesignError(f"family must be one of {FAMILIES}, got {family!r}")
    y, x, rows, terms = _design_matrices(design, formula, family)
    w_all = design.weights_view
    w = w_all[rows]
    if np.any(w < 0):
        raise DesignError(
            f"{formula!r}: the design has negative weights (from "
            "calibration); regression needs nonnegative ones (as R's svyglm)"
        )
    fit_rows = w > 0
    if fit_rows.sum() <= x.shape[1]:
        raise DesignError(f"{formula!r}: {int(fit_rows.sum())} rows for {x.shape[1]} coefficients")
    if np.linalg.matrix_rank(x[fit_rows]) < x.shape[1]:
        raise DesignError(f"{formula!r}: the predictors are collinear in the data used")
    scale = w[fit_rows].mean()
    if family == "binomial":
        beta, working = irls_logistic(y[fit_rows], x[fit_rows], w[fit_rows] / scale)
        full_working = np.zeros(len(y))
        full_working[fit_rows] = working * scale
    else:
        beta = _fit_linear(y[fit_rows], x[fit_rows], w[fit_rows] / scale)
        full_working = w.copy()
    mu = _mu(x, beta, family)
    a = (x * full_working[:, None]).T @ x
    a_inv = np.linalg.inv(a)
    resid = y - mu
    if family == "binomial":
        with np.errstate(divide="ignore", invalid="ignore"):
            resid = np.where(full_working > 0, resid / (mu * (1 - mu)) * full_working / w, 0)
    estfun = x * (resid * w)[:, None]
    rep = design.replicate_weights
    df_rows = np.zeros(design.n, bool)
    df_rows[rows] = True
    if rep is None:
        infl = np.zeros((design.n, x.shape[1]))
        infl[rows] = estfun @ a_inv
        cov = design.taylor_cov(infl)
        df = _taylor_df(design, df_rows & design.support)
    else:
        factors = rep.row_factors()[rows]
        betas = np.empty((factors.shape[1], x.shape[1]))
        for r in range(factors.shape[1]):
            wr = w * factors[:, r]
            keep = wr > 0
            if family == "gaussian":
                root = np.sqrt(wr[keep])
                betas[r] = np.linalg.lstsq(x[keep] * root[:, None], y[keep] * root, rcond=None)[0]
            else:
                betas[r] = irls_logistic(y[keep], x[keep], wr[keep] / wr[keep].sum(), beta)[0]
        cov = rep.variance(betas, beta)
        df = design.df
    df = df + 1 - x.shape[1]
    naive = a_inv * scale
    return RegressionResult(
        formula, family, terms, beta, cov, float(df), int(fit_rows.sum()), naive, alpha
    )


def _taylor_df(design: Design, rows: np.ndarray) -> float:
    from mel.analysis.structure import degrees_of_freedom

    return float(degrees_of_freedom(design.stages[0], rows))
