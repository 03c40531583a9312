"""Design-based estimation for complex surveys, agreeing with R's ``survey`` package.

Define the design once, then ask it questions::

    from mel.analysis import Design
    d = Design(df, weights="pw", strata="stype", fpc="fpc")
    d.mean("api00")                      # Estimate(estimate, se, ci_low, ci_high, n, df, deff)
    d.mean("api00", by="stype")          # EstimateTable; .to_frame()
    d.proportion("sch_wide", "Yes", method="beta")
    d.poststratify("stype", {"E": 4421, "H": 755, "M": 1018}).total("enroll")
    d.replicate("jkn").quantile("api00", [0.25, 0.5, 0.75])
    d.calibrate({"stype": {"E": 4421, "H": 755, "M": 1018}, "enroll": 3811472})
    Design(election, probs="p", pps="brewer").total("Bush", interval="log")
    stacked.difference_by("y", "wave", 2025, 2024)   # change with the panel covariance
    d.mean("api00").quality()                        # grade A-E

References: Lumley (2010) *Complex Surveys*; Cochran (1977) *Sampling Techniques*;
Wolter (2007) *Introduction to Variance Estimation*; Rao & Scott (1984); Korn & Graubard
(1998); Hyndman & Fan (1996); Francisco & Fuller (1991); Brewer (1963, 2002) and Hartley
& Rao (1962) for pps samples (:mod:`~mel.analysis.pps`); Deville & Särndal (1992) for
calibration (:mod:`~mel.analysis.greg`); Holm (1979) (:mod:`~mel.analysis.change`). See
each module's docstring.
"""

from mel.analysis.change import holm, p_value, stack_waves
from mel.analysis.design import Design
from mel.analysis.errors import DesignError, DesignWarning
from mel.analysis.pps import HartleyRao
from mel.analysis.quality import Quality, grade, quality_frame
from mel.analysis.regression import RegressionResult, svyglm
from mel.analysis.results import Estimate, EstimateTable, difference
from mel.analysis.scales import cronbach_alpha, likert_index
from mel.analysis.tables import RaoScottResult, rao_scott

__all__ = [
    "Design",
    "DesignError",
    "DesignWarning",
    "Estimate",
    "EstimateTable",
    "HartleyRao",
    "Quality",
    "RaoScottResult",
    "RegressionResult",
    "cronbach_alpha",
    "difference",
    "grade",
    "holm",
    "likert_index",
    "p_value",
    "quality_frame",
    "rao_scott",
    "stack_waves",
    "svyglm",
]
