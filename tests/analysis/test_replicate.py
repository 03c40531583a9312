"""Replicate-weight designs: jackknives against R (results/replicate.py), bootstrap checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from mel.analysis import Design, DesignError, DesignWarning

from .helpers import assert_matches, design
from .results import replicate as R

POP_TYPES = {"E": 4421, "H": 755, "M": 1018}
POP_SCHWIDE = {"No": 1072, "Yes": 5122}


def _clus2_jk1() -> Design:
    with pytest.warns(DesignWarning, match="first-stage fpc"):
        return design("clus2").replicate("jk1")


REPLICATED: dict[str, Callable[[], Design]] = {
    "rclus1": lambda: design("clus1").replicate("jk1"),
    "rclus1_wr": lambda: design("clus1_wr").replicate("jk1"),
    "rsrs": lambda: design("srs").replicate("jk1"),
    "rclus2": _clus2_jk1,
    "rclus2_wr": lambda: design("clus2_wr").replicate("jk1"),
    "rstrat": lambda: design("strat").replicate("jkn"),
    "rstratclus": lambda: design("stratclus").replicate("jkn"),
    "rclus1_ps": lambda: design("clus1").replicate("jk1").poststratify("stype", POP_TYPES),
    "rclus1_rake": lambda: (
        design("clus1").replicate("jk1").rake({"stype": POP_TYPES, "sch_wide": POP_SCHWIDE})
    ),
}
Ask = Callable[[Design], Any]


def _cases() -> list[tuple[str, str, Ask]]:
    cases: list[tuple[str, str, Ask]] = []
    for dn in REPLICATED:
        cases += [
            (dn, f"{dn}_mean_api00", lambda d: d.mean("api00")),
            (dn, f"{dn}_mean_api00_by_stype", lambda d: d.mean("api00", by="stype")),
            (dn, f"{dn}_total_enroll", lambda d: d.total("enroll")),
            (dn, f"{dn}_total_enroll_by_stype", lambda d: d.total("enroll", by="stype")),
            (dn, f"{dn}_ratio_api_stu_enroll", lambda d: d.ratio("api_stu", "enroll")),
            (
                dn,
                f"{dn}_ratio_api_stu_enroll_by_stype",
                lambda d: d.ratio("api_stu", "enroll", by="stype"),
            ),
        ]
        for m in ("logit", "likelihood", "beta", "mean", "xlogit", "asin"):
            cases += [
                (
                    dn,
                    f"{dn}_prop_sch_wide_{m}",
                    lambda d, m=m: d.proportion("sch_wide", "Yes", method=m),
                ),
                (
                    dn,
                    f"{dn}_prop_sch_wide_{m}_by_stype",
                    lambda d, m=m: d.proportion("sch_wide", "Yes", method=m, by="stype"),
                ),
            ]
        for q, tag in ((0.25, "025"), (0.5, "050")):
            cases += [
                (dn, f"{dn}_quantile_api00_q{tag}", lambda d, q=q: d.quantile("api00", q)),
                (
                    dn,
                    f"{dn}_quantile_api00_q{tag}_by_stype",
                    lambda d, q=q: d.quantile("api00", q, by="stype"),
                ),
            ]
    for dn in ("rclus1", "rclus2", "rstrat"):
        cases += [
            (dn, f"{dn}_mean_acs_46", lambda d: d.mean("acs_46")),
            (dn, f"{dn}_mean_acs_46_by_stype", lambda d: d.mean("acs_46", by="stype")),
        ]
    return cases


CASES = _cases()


@pytest.mark.parametrize(("design_name", "ref_name", "ask"), CASES, ids=[c[1] for c in CASES])
def test_matches_r(design_name: str, ref_name: str, ask: Ask) -> None:
    ref = getattr(R, ref_name)
    result = ask(REPLICATED[design_name]())
    assert_matches(result, ref, ref_name)


@pytest.mark.parametrize("name", list(REPLICATED))
def test_replicate_scales_and_df_match_r(name: str) -> None:
    d = REPLICATED[name]()
    ref = getattr(R, f"{name}_scale")
    rep = d.replicate_weights
    assert rep is not None
    assert rep.scale == pytest.approx(ref["scale"], rel=1e-12)
    rscales = np.atleast_1d(ref["rscales"])
    np.testing.assert_allclose(np.sort(rep.rscales), np.sort(rscales), rtol=1e-12)
    assert d.df == ref["df"]


@pytest.mark.parametrize("name", list(REPLICATED))
def test_domain_covariance_matches_r(name: str) -> None:
    table = REPLICATED[name]().mean("api00", by="stype")
    ref = np.array(getattr(R, f"{name}_mean_api00_by_stype_vcov")["vcov"])
    # covariances that are zero up to rounding (domains in separate strata) compare
    # absolutely, against the scale of the variances
    np.testing.assert_allclose(table.cov.ravel(), ref, rtol=1e-6, atol=1e-12 * ref.max())


def test_jk1_refuses_stratified_designs() -> None:
    with pytest.raises(DesignError, match="jkn"):
        design("strat").replicate("jk1")
    with pytest.raises(DesignError, match="calibrate"):
        design("clus1").poststratify("stype", POP_TYPES).replicate("jk1")


def test_bootstrap_is_reproducible_and_close_to_linearisation() -> None:
    base = design("strat")
    a = base.replicate("bootstrap", replicates=400, seed=7)
    b = base.replicate("bootstrap", replicates=400, seed=7)
    c = base.replicate("bootstrap", replicates=400, seed=8)
    ma, mb, mc = a.mean("api00"), b.mean("api00"), c.mean("api00")
    assert ma == mb
    assert ma.se != mc.se
    taylor = base.mean("api00")
    assert ma.estimate == pytest.approx(taylor.estimate, rel=1e-12)
    # bootstrap SEs are random; 400 replicates put them within ~10% of the Taylor SE
    for m in (ma, mc):
        assert m.se == pytest.approx(taylor.se, rel=0.15)
    ta, tt = a.total("enroll", by="stype"), base.total("enroll", by="stype")
    for key in tt:
        assert ta[key].se == pytest.approx(tt[key].se, rel=0.2)
    qa = a.quantile("api00", 0.5)
    assert qa.estimate == base.quantile("api00", 0.5).estimate
    pa = a.proportion("sch_wide", "Yes", method="beta")
    assert pa.ci_low < pa.estimate < pa.ci_high


def test_bootstrap_with_clusters_and_no_fpc() -> None:
    d = design("clus1_wr").replicate("bootstrap", replicates=300, seed=1)
    taylor = design("clus1_wr").mean("api00")
    assert d.mean("api00").se == pytest.approx(taylor.se, rel=0.2)
    assert d.df == 14
