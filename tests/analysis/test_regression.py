"""Survey-weighted GLMs against R ``svyglm`` (results/regression.py)."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pytest

from mel.analysis import Design, DesignError, svyglm

from .helpers import calibrated, data, design
from .results import regression as R

LINEAR_ELL_MEALS = "api00 ~ ell + meals"
LOGISTIC = 'I(sch_wide == "Yes") ~ ell + meals'

CASES: dict[str, tuple[Callable[[], Design], str, str]] = {
    "strat_linear": (lambda: design("strat"), "api00 ~ ell + meals + mobility", "gaussian"),
    "strat_wr_linear": (lambda: design("strat_wr"), "api00 ~ ell + meals + mobility", "gaussian"),
    "clus1_linear": (lambda: design("clus1"), "api00 ~ ell + meals + stype", "gaussian"),
    "clus2_linear": (lambda: design("clus2"), "api00 ~ ell + meals + stype", "gaussian"),
    "clus2_wr_linear": (lambda: design("clus2_wr"), "api00 ~ ell + meals + stype", "gaussian"),
    "stratclus_linear": (lambda: design("stratclus"), LINEAR_ELL_MEALS, "gaussian"),
    "srs_linear": (lambda: design("srs"), LINEAR_ELL_MEALS, "gaussian"),
    "strat_na_linear": (lambda: design("strat"), "api00 ~ acs_46 + meals", "gaussian"),
    "clus1_ps_linear": (lambda: calibrated("clus1_ps"), LINEAR_ELL_MEALS, "gaussian"),
    "clus1_rake_linear": (lambda: calibrated("clus1_rake"), LINEAR_ELL_MEALS, "gaussian"),
    "clus1_domain_linear": (
        lambda: design("clus1").subset(data("apiclus1")["stype"] == "E"),
        LINEAR_ELL_MEALS,
        "gaussian",
    ),
    "clus1_logistic": (lambda: design("clus1"), LOGISTIC, "binomial"),
    "strat_logistic": (
        lambda: design("strat"),
        'I(sch_wide == "Yes") ~ ell + meals + stype',
        "binomial",
    ),
    "clus2_logistic": (lambda: design("clus2"), LOGISTIC, "binomial"),
    "rclus1_linear": (lambda: design("clus1").replicate("jk1"), LINEAR_ELL_MEALS, "gaussian"),
    "rclus1_logistic": (lambda: design("clus1").replicate("jk1"), LOGISTIC, "binomial"),
    "rstrat_linear": (
        lambda: design("strat").replicate("jkn"),
        "api00 ~ ell + meals + mobility",
        "gaussian",
    ),
}


def r_term(term: str) -> str:
    """formulaic's term name in R's spelling: Intercept -> (Intercept), stype[T.H] -> stypeH."""
    if term == "Intercept":
        return "(Intercept)"
    m = re.fullmatch(r"(\w+)\[T\.(.+)\]", term)
    return m.group(1) + m.group(2) if m else term


@pytest.mark.parametrize("name", list(CASES))
def test_matches_r(name: str) -> None:
    make, formula, family = CASES[name]
    ref = getattr(R, name)
    fit = svyglm(make(), formula, family=family)
    assert [r_term(t) for t in fit.terms] == [
        t.replace('I(sch_wide == "Yes")', "") for t in ref["terms"]
    ]
    np.testing.assert_allclose(fit.params, ref["coef"], rtol=1e-6)
    np.testing.assert_allclose(fit.se, ref["se"], rtol=1e-6)
    np.testing.assert_allclose(fit.cov.ravel(), ref["vcov"], rtol=1e-6, atol=1e-12)
    assert fit.df == ref["df"]
    ci = fit.conf_int()
    np.testing.assert_allclose(ci["ci_low"], ref["ci_low"], rtol=1e-6)
    np.testing.assert_allclose(ci["ci_high"], ref["ci_high"], rtol=1e-6)


def test_result_vocabulary() -> None:
    fit = design("strat").glm("api00 ~ ell + meals")
    frame = fit.to_frame()
    assert list(frame.columns) == ["term", "estimate", "se", "ci_low", "ci_high", "n", "df", "deff"]
    assert fit.coefficients["ell"].estimate == pytest.approx(fit.params[1])
    summary = fit.summary_frame()
    assert summary["p_value"].between(0, 1).all()
    wide = fit.conf_int(0.10)
    assert (
        wide["ci_high"] - wide["ci_low"] < frame["ci_high"].to_numpy() - frame["ci_low"].to_numpy()
    ).all()


def test_bad_models_are_refused() -> None:
    d = design("strat")
    with pytest.raises(DesignError, match="family"):
        svyglm(d, "api00 ~ ell", family="poisson")
    with pytest.raises(DesignError, match="cannot build"):
        svyglm(d, "api00 ~ nonexistent")
    with pytest.raises(DesignError, match=r"\[0, 1\]"):
        svyglm(d, "api00 ~ ell", family="binomial")
    df = data("apistrat")
    df["ell2"] = df["ell"] * 2
    with pytest.raises(DesignError, match="collinear"):
        Design(df, weights="pw", strata="stype").glm("api00 ~ ell + ell2")
