"""Nonresponse adjustment: weighting classes and response propensities against R
(results/nonresponse.py; the response indicator `resp` of apinr is random, see the R script)."""

from __future__ import annotations

import numpy as np
import pytest

from mel.analysis import Design, DesignError

from .helpers import assert_estimate, assert_table, data
from .results import nonresponse as R

NO_DF = ("estimate", "se", "deff")


def _design() -> Design:
    return Design(data("apinr"), weights="pw", strata="stype", fpc="fpc")


def test_weighting_classes_match_r() -> None:
    d = _design().adjust_nonresponse("resp", "stype")
    np.testing.assert_allclose(d.weights, R.class_weights["weights"], rtol=1e-12)
    est = d.mean("api00")
    assert_estimate(est, R.class_mean_api00)
    # R's postStratify of the respondents to the sample's class sizes: the same weights
    # and estimate (and, with classes equal to strata, the same variance)
    ps = R.class_ps_weights["weights"]
    np.testing.assert_allclose(d.weights[d.weights > 0], ps, rtol=1e-12)
    assert_estimate(est, R.class_ps_mean_api00, fields=NO_DF)
    # nonrespondents stay in the design for the df: 200 schools - 3 strata
    assert est.df == 197 and est.n == R.class_mean_api00["n"]


def test_response_propensities_match_svyglm() -> None:
    from mel.analysis.propensity import _model_matrix, propensities

    d = _design()
    x = _model_matrix(d, "stype + meals")
    p = propensities(x, d.data["resp"].to_numpy(float), d.weights)
    np.testing.assert_allclose(p, R.propensity_phat["phat"], rtol=1e-8)


def test_inverse_propensity_weights_match_r() -> None:
    d = _design().adjust_propensity("resp", ["stype", "meals"])
    np.testing.assert_allclose(d.weights, R.propensity_weights["weights"], rtol=1e-8)
    assert not d.is_calibrated and d.n == 200
    # propensities taken as fixed: R's subset(svydesign(weights = ~pw / phat), resp == 1);
    # the df stays that of the whole sample (as for weighting classes)
    assert_estimate(d.mean("api00"), R.propensity_mean_api00)
    assert_estimate(d.total("enroll"), R.propensity_total_enroll)
    assert_table(d.mean("api00", by="awards"), R.propensity_mean_api00_by_awards, fields=NO_DF)


def test_propensity_classes_match_r() -> None:
    d = _design().adjust_propensity("resp", "stype + meals", classes=5)
    np.testing.assert_allclose(d.weights, R.pclass_weights["weights"], rtol=1e-8)
    assert_estimate(d.mean("api00"), R.pclass_mean_api00)
    assert d.is_calibrated  # its variance uses the weighting-class linearisation


def test_replicates_refit_the_propensity_model() -> None:
    d = _design().replicate("jkn").adjust_propensity("resp", "stype + meals")
    ref = R.propensity_rep_mean_api00
    assert_estimate(d.mean("api00"), ref, fields=("estimate", "se"))
    fixed = _design().adjust_propensity("resp", "stype + meals").mean("api00")
    assert d.mean("api00").se < fixed.se  # estimating the model lowers the variance here


def test_propensity_errors_name_the_problem() -> None:
    d = _design()
    with pytest.raises(DesignError, match="responded column 'nope'"):
        d.adjust_propensity("nope", "meals")
    with pytest.raises(DesignError, match="0/1 or boolean"):
        d.adjust_propensity("stype", "meals")
    with pytest.raises(DesignError, match="missing for 66 rows"):
        d.adjust_propensity("resp", "acs_46")
    with pytest.raises(DesignError, match="cannot build the propensity model"):
        d.adjust_propensity("resp", "nope + meals")
    with pytest.raises(DesignError, match="positive number of classes"):
        d.adjust_propensity("resp", "meals", classes=0)
    with pytest.raises(DesignError, match="not distinct"):
        d.adjust_propensity("resp", "stype", classes=5)
