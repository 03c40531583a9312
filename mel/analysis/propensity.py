"""Nonresponse adjustment by estimated response propensities.

The response propensity p_i of every sampled unit is estimated by a survey-weighted
logistic regression of the response indicator on frame variables known for respondents
and nonrespondents alike (R: ``svyglm(responded ~ x, design, family = quasibinomial())``;
Rosenbaum & Rubin 1983; Valliant, Dever & Kreuter 2013, ch. 13). Then either

- ``classes=None``: respondents' weights are divided by their own p_i (inverse propensity
  weighting), nonrespondents get weight zero; or
- ``classes=k``: the sampled units are grouped into k classes by the (unweighted) k-quantiles
  of p_i (quintiles for k = 5; R's ``cut(p, quantile(p, 0:k/k), include.lowest = TRUE)``)
  and the weights adjusted within each class by its sampled over its responding weight
  (Little 1986), which is less sensitive to a misspecified model and to very small p_i.

Variance -- what is and is not accounted for:

- Inverse propensities, Taylor designs: the p_i are treated as *fixed*; the respondents
  are a domain of the sample (nonrespondents keep their PSU and stratum with a zero
  score, and count in the degrees of freedom). The variance of who responds is included
  only as far as the design variance of the weighted respondent totals reflects it, and
  the estimation of the model is ignored. Kim & Kim (2007) show that accounting for it
  usually lowers the variance, so this is often, not always, conservative. It equals R's
  variance for ``subset(svydesign(..., weights = ~ pw / phat), responded == 1)``.
- Inverse propensities, replicate designs: the model is re-fitted in every replicate, so
  the replicate variance does include its estimation (Wolter 2007, 4.4).
- Propensity classes: the classes are taken as fixed and the class response rates as
  estimated, with the linearisation of the weighting-class adjustment
  (:class:`~mel.analysis.calibration.NonresponseLayer`, Kim & Kim 2007); replicate designs
  re-weight the same classes in every replicate.

The tests check the weights and variances against R computing the same quantities.

References
----------
Rosenbaum, P. R. and Rubin, D. B. (1983). The central role of the propensity score in
observational studies for causal effects. *Biometrika* 70, 41-55.
Little, R. J. A. (1986). Survey nonresponse adjustments for estimates of means.
*International Statistical Review* 54, 139-157.
Kim, J. K. and Kim, J. J. (2007). Nonresponse weighting adjustment using estimated
response probability. *Canadian Journal of Statistics* 35, 501-514.
Valliant, R., Dever, J. A. and Kreuter, F. (2013). *Practical Tools for Designing and
Weighting Survey Samples*. Springer, ch. 13.
Wolter, K. M. (2007). *Introduction to Variance Estimation*, 2nd ed. Springer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from mel.analysis import calibration as cal
from mel.analysis.adjust import response, reweighted
from mel.analysis.errors import DesignError
from mel.analysis.glmfit import irls_logistic
from mel.analysis.profile import _linkinv

if TYPE_CHECKING:
    from mel.analysis.design import Design


def _model_matrix(design: Design, covariates: str | Sequence[str]) -> np.ndarray:
    from formulaic import model_matrix  # imported here: it takes a second to load

    rhs = covariates if isinstance(covariates, str) else " + ".join(covariates)
    data = design.data.reset_index(drop=True)
    try:
        mm = model_matrix(rhs, data, na_action="drop")
    except Exception as exc:  # formulaic raises many types; name the formula
        raise DesignError(f"cannot build the propensity model {rhs!r}: {exc}") from exc
    if len(mm) != len(data):
        raise DesignError(
            f"the propensity covariates {rhs!r} are missing for "
            f"{len(data) - len(mm)} rows; every sampled unit needs them"
        )
    return mm.to_numpy(dtype=float)


def propensities(x: np.ndarray, r: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Fitted response probabilities of the weighted logistic regression of ``r`` on
    ``x`` over the rows with a positive weight (R's ``fitted(svyglm(...))``)."""
    fit = w > 0
    if np.linalg.matrix_rank(x[fit]) < x.shape[1]:
        raise DesignError("the propensity covariates are collinear among the sampled units")
    beta, _ = irls_logistic(r[fit], x[fit], w[fit] / w[fit].mean())
    return _linkinv(x @ beta)


def classes_of(p: np.ndarray, rows: np.ndarray, k: int) -> np.ndarray:
    """Class codes 0..k-1 by the unweighted k-quantiles of ``p`` over ``rows`` (type 7,
    right-closed, lowest included: R's ``cut(p, quantile(p, 0:k/k), include.lowest=TRUE)``)."""
    breaks = np.quantile(p[rows], np.linspace(0, 1, k + 1))
    if np.any(np.diff(breaks) == 0):
        raise DesignError(
            f"the {k}-quantiles of the propensities are not distinct (many "
            "tied propensities); use fewer classes"
        )
    return np.searchsorted(breaks[1:-1], p, side="left").astype(np.int64)


def adjust_propensity(
    design: Design, responded: str, covariates: str | Sequence[str], *, classes: int | None = None
) -> Design:
    """Weights adjusted by estimated response propensities (see the module docstring).

    Parameters
    ----------
    design : Design
        The design of the whole sample, respondents and nonrespondents, before any
        nonresponse adjustment.
    responded : str
        A 0/1 or boolean column: whether the unit responded.
    covariates : str or sequence of str
        The model's predictors: column names, or a formula right-hand side such as
        ``"stype + meals"`` (strings are categorical). Known for every sampled unit.
    classes : int, optional
        Adjust within this many propensity classes (5: quintiles) instead of by each
        respondent's own propensity.

    Returns
    -------
    Design
        Respondents carry the adjusted weights; nonrespondents have weight zero but stay
        in the design (their PSUs and strata count for the variance and df).
    """
    r = response(design, responded)
    x = _model_matrix(design, covariates)
    w0 = design.weights_view
    p = propensities(x, r, w0)
    if classes is None:
        with np.errstate(divide="ignore", invalid="ignore"):
            w = np.where(r > 0, w0 / p, 0.0)

        def per_replicate(a: np.ndarray) -> np.ndarray:
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where(r > 0, a / propensities(x, r, a), 0.0)

        return reweighted(design, w, None, per_replicate)
    if not isinstance(classes, int) or classes < 1:
        raise DesignError(f"classes must be a positive number of classes, got {classes!r}")
    cells = classes_of(p, w0 > 0, classes)
    labels = list(range(classes))
    w = cal.nonresponse_weights(w0, r, cells, labels)
    return reweighted(
        design,
        w,
        cal.NonresponseLayer(cells, w0, w),
        lambda a: cal.nonresponse_weights(a, r, cells, labels, strict=False),
    )
