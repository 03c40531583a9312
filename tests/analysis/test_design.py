"""Design construction, validation errors, domains and result objects."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from mel.analysis import Design, DesignError, DesignWarning, Estimate, EstimateTable, difference

from .helpers import assert_estimate, data, design
from .results import taylor as R


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weights": "nope"}, "weights column 'nope' is not in the data"),
        ({"weights": "pw", "strata": "stratum"}, "strata column 'stratum'"),
        ({"weights": "pw", "psu": "district"}, "psu column 'district'"),
        ({"weights": "pw", "fpc": "N"}, "fpc column 'N'"),
        ({"weights": "stype"}, "weights column 'stype' must be numeric"),
        ({"weights": "pw", "ssu": "snum"}, "ssu needs psu"),
        ({"weights": "pw", "psu": "dnum", "ssu": "snum", "fpc": "fpc"}, "one per stage"),
    ],
)
def test_bad_arguments_name_the_column(kwargs: dict, message: str) -> None:
    with pytest.raises(DesignError, match=message):
        Design(data("apistrat"), **kwargs)


def test_bad_values_name_the_column_and_problem() -> None:
    df = data("apistrat")
    df.loc[5, "stype"] = None
    with pytest.raises(DesignError, match=r"strata column 'stype' has 1 missing values"):
        Design(df, weights="pw", strata="stype")
    df = data("apistrat")
    df.loc[[3, 7], "pw"] = [0.0, -2.0]
    with pytest.raises(DesignError, match=r"'pw': 2 weights are zero, negative.*row 3"):
        Design(df, weights="pw", strata="stype")
    df = data("apistrat")
    df.loc[df.stype == "H", "fpc"] = 20
    with pytest.raises(
        DesignError,
        match=r"stratum 'H' has population size 20 but 50 "
        r"sampled units \(fpc smaller than the sample\)",
    ):
        Design(df, weights="pw", strata="stype", fpc="fpc")
    df = data("apistrat")
    df.loc[0, "fpc"] = 4000
    with pytest.raises(DesignError, match="varies within stratum 'E'"):
        Design(df, weights="pw", strata="stype", fpc="fpc")
    df = data("apistrat").astype({"fpc": float})
    df.loc[0, "fpc"] = 0.5
    with pytest.raises(DesignError, match="population sizes .* or all sampling fractions"):
        Design(df, weights="pw", strata="stype", fpc="fpc")
    df = data("apistrat")
    df["dnum"] = df["dnum"] % 7
    with pytest.raises(DesignError, match="nest=True"):
        Design(df, weights="pw", strata="stype", psu="dnum")


def test_lonely_psu_fails_by_default_naming_the_stratum() -> None:
    with pytest.raises(
        DesignError,
        match=r"stratum solo of 'lonely' has only one sampled "
        r"unit.*lonely_psu='adjust'",
    ):
        design("lonely")
    with pytest.raises(DesignError, match="lonely_psu must be one of"):
        Design(data("apiclus1"), weights="pw", psu="dnum", lonely_psu="drop")


def test_single_psu_and_missing_weights() -> None:
    df = data("apiclus1")
    with pytest.raises(DesignError, match="only one primary sampling unit"):
        Design(df[df.dnum == df.dnum.iloc[0]], weights="pw", psu="dnum")
    with pytest.warns(DesignWarning, match="equal probability"):
        d = Design(df, psu="dnum")
    assert np.all(d.weights == 1)


def test_fpc_as_fractions_equals_population_sizes() -> None:
    df = data("apistrat")
    n_h = df.groupby("stype")["stype"].transform("size")
    df["frac"] = n_h / df["fpc"]
    by_size = Design(df, weights="pw", strata="stype", fpc="fpc")
    by_frac = Design(df, weights="pw", strata="stype", fpc="frac")
    a, b = by_size.mean("api00"), by_frac.mean("api00")
    assert a.se == pytest.approx(b.se, rel=1e-12)
    two = data("apiclus2")
    two["f1"] = 40 / two["fpc1"]
    sizes = two.groupby("dnum")["snum"].transform("size")
    two["f2"] = sizes / two["fpc2"]
    d = Design(two, psu="dnum", ssu="snum", fpc=("f1", "f2"))
    assert_estimate(d.mean("api00"), R.clus2_mean_api00)


def test_nest_makes_psu_ids_unique_within_strata() -> None:
    df = data("apistrat")
    df["row_in_stratum"] = df.groupby("stype").cumcount()
    nested = Design(df, weights="pw", strata="stype", psu="row_in_stratum", fpc="fpc", nest=True)
    assert_estimate(nested.mean("api00"), R.strat_mean_api00)


def test_subset_keeps_rows_at_zero_weight() -> None:
    d = design("clus1")
    df = d.data
    sub = d.subset(df["sch_wide"] == "Yes")
    assert sub.n == d.n
    assert np.count_nonzero(sub.weights) == int((df["sch_wide"] == "Yes").sum())
    assert_estimate(sub.mean("api00"), R.clus1_mean_api00_by_sch_wide["Yes"])
    with_nan = pd.Series(np.where(df["sch_wide"] == "Yes", True, None))
    assert sub.mean("api00") == d.subset(with_nan).mean("api00")
    with pytest.raises(DesignError, match="183 rows"):
        d.subset([True, False])


def test_with_column_adds_a_domain_without_changing_the_design() -> None:
    d = design("clus1").poststratify("stype", {"E": 4421, "H": 755, "M": 1018})
    yes = np.where(d.data["sch_wide"] == "Yes", "ja", "nee")
    added = d.with_column("wide", yes)
    assert "wide" not in d.data  # the original keeps its data
    np.testing.assert_array_equal(added.weights, d.weights)
    assert added.df == d.df
    by_added = added.mean("api00", by="wide")
    by_original = d.mean("api00", by="sch_wide")
    for ours, theirs in (("ja", "Yes"), ("nee", "No")):
        assert by_added[ours].estimate == by_original[theirs].estimate
        assert by_added[ours].se == by_original[theirs].se
    with pytest.raises(DesignError, match="column 'wide' has 2 values for 183 rows"):
        d.with_column("wide", ["ja", "nee"])


def test_multiple_by_columns_give_tuple_keys() -> None:
    d = design("strat")
    table = d.mean("api00", by=["stype", "awards"])
    assert list(table) == [
        ("E", "No"),
        ("E", "Yes"),
        ("H", "No"),
        ("H", "Yes"),
        ("M", "No"),
        ("M", "Yes"),
    ]
    frame = table.to_frame()
    assert list(frame.columns) == [
        "stype",
        "awards",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "n",
        "df",
        "deff",
    ]
    df = d.data
    alone = d.subset((df.stype == "H") & (df.awards == "Yes")).mean("api00")
    assert table[("H", "Yes")].estimate == pytest.approx(alone.estimate, rel=1e-12)
    assert table[("H", "Yes")].se == pytest.approx(alone.se, rel=1e-12)


def test_estimate_table_mapping_and_frame() -> None:
    table = design("clus1").mean("api00", by="stype")
    assert isinstance(table, EstimateTable)
    assert list(table) == ["E", "H", "M"] and len(table) == 3
    assert list(table.to_frame().columns) == [
        "stype",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "n",
        "df",
        "deff",
    ]
    with pytest.raises(KeyError):
        table["X"]
    wider = table.with_alpha(0.01)
    assert wider["E"].ci_low < table["E"].ci_low
    with pytest.raises(DesignError, match="not in the table"):
        table.difference("E", "X")
    quantiles = design("clus1").quantile("api00", 0.5, by="stype")
    with pytest.raises(DesignError, match="no covariance"):
        quantiles.difference("E", "H")


def test_missing_values_and_types_are_reported() -> None:
    d = design("strat")
    with pytest.raises(DesignError, match="'acs_46' has missing values; pass na_rm=True"):
        d.mean("acs_46", na_rm=False)
    with pytest.raises(DesignError, match="'sname' is not numeric"):
        d.mean("sname")
    with pytest.raises(DesignError, match="column 'nope' is not in the data"):
        d.total("nope")
    with pytest.raises(DesignError, match="level 'Maybe' does not occur in column 'awards'"):
        d.proportion("awards", "Maybe")
    with pytest.raises(DesignError, match="give the level"):
        d.proportion("awards")
    with pytest.raises(DesignError, match="method must be one of"):
        d.proportion("awards", "Yes", method="agresti")
    with pytest.raises(DesignError, match=r"quantiles must lie in \[0, 1\]"):
        d.quantile("api00", 1.5)
    with pytest.raises(DesignError, match="alpha"):
        d.mean("api00").conf_int(1.5)


def test_proportion_default_level_for_binary_columns() -> None:
    df = data("apistrat")
    df["yes"] = (df["sch_wide"] == "Yes").astype(int)
    df["flag"] = df["sch_wide"] == "Yes"
    d = Design(df, weights="pw", strata="stype", fpc="fpc")
    ests = [d.proportion("yes"), d.proportion("flag"), d.proportion("sch_wide", "Yes")]
    assert len({(e.estimate, e.se, e.ci_low, e.ci_high, e.n, e.deff) for e in ests}) == 1


def test_wilson_is_the_score_interval_on_the_effective_sample_size() -> None:
    d = design("clus1")
    est = d.proportion("sch_wide", "Yes", method="wilson")
    n_eff = est.estimate * (1 - est.estimate) / est.se**2
    t = stats.t.ppf(0.975, est.df)
    low, high = proportion_confint(
        est.estimate * n_eff, n_eff, alpha=2 * stats.norm.sf(t), method="wilson"
    )
    assert (est.ci_low, est.ci_high) == pytest.approx((low, high), rel=1e-10)
    assert est.conf_int(0.5)[0] > est.ci_low
    table = d.proportion("sch_wide", "Yes", method="wilson", by="stype")
    assert all(e.ci_low < e.estimate < e.ci_high for e in table.values())


def test_several_quantiles_give_a_table() -> None:
    d = design("clus1")
    table = d.quantile("api00", [0.25, 0.5, 0.75])
    assert list(table) == [0.25, 0.5, 0.75]
    assert table[0.5].estimate == R.clus1_quantile_api00_q050["estimate"]
    by = d.quantile("api00", [0.25, 0.5], by="stype")
    assert list(by)[:3] == [(0.25, "E"), (0.25, "H"), (0.25, "M")]
    assert by[(0.5, "M")].estimate == R.clus1_quantile_api00_q050_by_stype["M"]["estimate"]
    assert list(by.to_frame().columns[:2]) == ["quantile", "stype"]
    beta = d.quantile("api00", 0.5, interval="beta")
    assert beta.ci_low <= beta.estimate <= beta.ci_high


def test_difference_between_independent_waves() -> None:
    a = design("strat").mean("api00")
    b = design("clus1").mean("api00")
    diff = difference(a, b)
    assert diff.estimate == pytest.approx(a.estimate - b.estimate)
    assert diff.se == pytest.approx(math.hypot(a.se, b.se))
    va, vb = a.se**2, b.se**2
    df = (va + vb) ** 2 / (va**2 / a.df + vb**2 / b.df)
    assert diff.df == pytest.approx(df)
    t = stats.t.ppf(0.975, df)
    assert diff.ci_low == pytest.approx(diff.estimate - t * diff.se)
    assert min(a.df, b.df) <= diff.df <= a.df + b.df
    assert diff.n == a.n + b.n and math.isnan(diff.deff)


def test_estimate_is_a_frozen_value() -> None:
    est = design("srs").mean("api00")
    assert isinstance(est, Estimate)
    with pytest.raises(AttributeError):
        est.se = 0  # type: ignore[misc]
    assert est.to_dict().keys() == {"estimate", "se", "ci_low", "ci_high", "n", "df", "deff"}
    assert est.var == est.se**2 and est.cv == est.se / est.estimate
    d = design("srs")
    assert "Design" in repr(d) and d.variance_method == "taylor"
    assert d.replicate("jk1").variance_method == "jk1"


def test_rows_with_a_missing_domain_value_are_in_no_domain() -> None:
    d = design("strat")
    table = d.mean("api00", by="acs46_big")
    assert list(table) == ["No", "Yes"]
    assert sum(e.n for e in table.values()) == int(d.data["acs46_big"].notna().sum())
    alone = d.subset(d.data["acs46_big"] == "Yes").mean("api00")
    assert table["Yes"].se == pytest.approx(alone.se, rel=1e-12)
    assert table["Yes"].df == alone.df
