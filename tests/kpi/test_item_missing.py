"""Item missing stated per KPI, "don't know" out of the denominator, proportions at 0 and 1,
quality grades, and totals whose intervals stay at or above 0."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from mel.analysis.quality import Quality
from mel.data.frame import frame
from mel.db import session_scope
from mel.kpi import evaluate_kpis
from mel.kpi.frames import design_for
from mel.models import Response, Wave
from tests.reports import factory

PLANS = {
    "name": "plannen",
    "type": "select_one",
    "choices": "ja_nee_wn",
    "label": {"nl": "Plannen?", "en": "Plans?"},
}
EXTRA_KPIS = [
    factory._kpi(
        "deelnemers_nvt", "total", "bereik", question="deelnemers", missing="not_applicable"
    ),
    factory._kpi("deelnemers_imp", "total", "bereik", question="deelnemers", missing="impute"),
    factory._kpi("plannen_ja", "proportion", "beter", question="plannen", level="ja"),
    factory._kpi(
        "plannen_ja_wn", "proportion", "beter", question="plannen", level="ja", dont_know="count"
    ),
    factory._kpi(
        "allemaal", "proportion", "beter", question="aanbevelen", disaggregations=["stratum"]
    ),
    factory._kpi("leeg_totaal", "total", "groei", question="leeg"),
]


@pytest.fixture
def evaluated(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    survey, programme = factory.survey, factory.programme

    def with_plans() -> dict[str, Any]:
        spec = survey()
        spec["choices"]["ja_nee_wn"] = [
            {"value": v, "label": {"nl": v, "en": v}} for v in ("ja", "nee", "weet_niet")
        ]
        spec["pages"][0]["questions"] = [*spec["pages"][0]["questions"], PLANS]
        return spec

    def with_kpis() -> dict[str, Any]:
        spec = programme()
        spec["kpis"] = [*spec["kpis"], *EXTRA_KPIS]
        return spec

    monkeypatch.setattr(factory, "survey", with_plans)
    monkeypatch.setattr(factory, "programme", with_kpis)
    loaded = factory.fill(engine, tmp_path / "surveys", years=(2025,))
    rng = np.random.default_rng(3)
    with session_scope(engine) as session:
        wave = session.exec(select(Wave).where(Wave.code == "meting-2025")).one()
        for i, r in enumerate(session.exec(select(Response).where(Response.wave_id == wave.id))):
            answers = dict(r.answers)
            if i % 4 == 0:
                del answers["deelnemers"]  # item nonresponse on a count
            answers["plannen"] = ["ja", "nee", "weet_niet"][int(rng.integers(3))]
            answers["aanbevelen"] = True  # p = 1 overall and in every stratum
            r.answers = answers
            session.add(r)
    results = evaluate_kpis(
        engine, loaded.programmes["werk"][1], factory.instruments(loaded), "meting-2025"
    )
    data = frame(engine, programme="werk", wave="meting-2025", instrument="werk-monitor")
    return {r.kpi.code: r for r in results}, data


def test_a_total_with_item_missing_is_n_times_the_mean(evaluated) -> None:  # type: ignore[no-untyped-def]
    results, data = evaluated
    total = results["deelnemers"]
    answered = data["deelnemers"].notna()
    assert 0 < answered.sum() < len(data)
    mean = np.average(data.loc[answered, "deelnemers"], weights=data.loc[answered, "weight"])
    assert total.estimate.estimate == pytest.approx(data["weight"].sum() * mean, rel=1e-12)
    assert total.answered == answered.sum() and total.responding == len(data)
    assert total.item_response == pytest.approx(answered.mean())
    # not_applicable: a missing count is 0; impute: the stratum's mean among those who answered
    skipped = results["deelnemers_nvt"].estimate.estimate
    assert skipped == pytest.approx((data["weight"] * data["deelnemers"].fillna(0)).sum())
    assert skipped < total.estimate.estimate
    imputed = data["deelnemers"].copy()
    for _, group in data.groupby("stratum"):
        ok = group["deelnemers"].notna()
        fill = np.average(group.loc[ok, "deelnemers"], weights=group.loc[ok, "weight"])
        imputed[group.index[~ok]] = fill
    assert results["deelnemers_imp"].estimate.estimate == pytest.approx(
        (data["weight"] * imputed).sum()
    )
    # the adjustment is in the variance, and a count's interval stays above 0
    design = design_for(data)
    assert total.estimate.se != pytest.approx(design.total("deelnemers").se)
    assert total.estimate.ci_low > 0 and total.estimate.method == "log"


def test_dont_know_is_out_of_the_denominator_unless_counted(evaluated) -> None:  # type: ignore[no-untyped-def]
    results, data = evaluated
    answers = data["plannen"]
    w = data["weight"]
    known = answers != "weet_niet"
    share = w[answers == "ja"].sum() / w[known].sum()
    assert results["plannen_ja"].estimate.estimate == pytest.approx(share, rel=1e-12)
    assert results["plannen_ja"].answered == known.sum()
    counted = w[answers == "ja"].sum() / w.sum()
    assert results["plannen_ja_wn"].estimate.estimate == pytest.approx(counted, rel=1e-12)


def test_proportions_of_one_get_an_interval(evaluated) -> None:  # type: ignore[no-untyped-def]
    results, _ = evaluated
    all_yes = results["allemaal"]
    est = all_yes.estimate
    assert est.estimate == 1.0 and est.method == "beta"
    assert 0 < est.ci_low < 1 and est.ci_high == 1.0
    for domain in all_yes.by["stratum"].values():
        assert domain.estimate == 1.0 and math.isfinite(domain.ci_low)


def test_every_result_has_a_grade(evaluated) -> None:  # type: ignore[no-untyped-def]
    results, _ = evaluated
    for code in ("deelnemers", "cijfer", "allemaal"):
        assert isinstance(results[code].quality, Quality)
    assert set(results["allemaal"].by_quality["stratum"]) == set(results["allemaal"].by["stratum"])
    # a variable nobody answered has no estimate (never 0)
    assert results["leeg_totaal"].estimate is None and results["leeg_totaal"].note == "no answers"


# R (survey 4.1), tests/kpi/data/impute.R on item.csv: the imputed total
# sum_h N_h * Y_ah / A_h and mean (that over N) by svycontrast on
#   svydesign(ids = ~unit, strata = ~stratum, fpc = ~fpc_units, weights = ~weight)
R_IMPUTED_TOTAL = (3252.0, 587.9664893449)
R_IMPUTED_MEAN = (108.4, 19.5988829782)


@pytest.mark.parametrize(
    ("estimator", "expected"), [("total", R_IMPUTED_TOTAL), ("mean", R_IMPUTED_MEAN)]
)
def test_imputed_figures_carry_the_imputation_in_their_variance(
    estimator: str, expected: tuple[float, float]
) -> None:
    import pandas as pd

    from mel.kpi.frames import estimate_kpi
    from mel.kpi.variables import add_kpi_variable
    from mel.surveys.programme_schema import Kpi

    rows = pd.read_csv(Path(__file__).parent / "data" / "item.csv")
    kpi = Kpi.model_validate(
        {
            "code": "y",
            "label": {"nl": "y"},
            "definition": {"nl": "y"},
            "node": "p.n",
            "estimator": estimator,
            "instrument": "i",
            "question": "y",
            "missing": "impute",
        }
    )
    data = add_kpi_variable(rows, kpi, None)  # type: ignore[arg-type]
    result = estimate_kpi(design_for(data), kpi)
    assert (result.estimate, result.se) == pytest.approx(expected, rel=1e-9)
    # the same figure as filling in each stratum's weighted mean of those who answered
    filled = rows["y"].copy()
    for _, group in rows.groupby("stratum"):
        ok = group["y"].notna()
        filled[group.index[~ok]] = np.average(group.loc[ok, "y"], weights=group.loc[ok, "weight"])
    figure = (rows["weight"] * filled).sum()
    if estimator == "mean":
        figure /= rows["weight"].sum()
    assert result.estimate == pytest.approx(figure, rel=1e-12)
    # treating the filled-in values as observed would understate the SE
    naive = design_for(rows.assign(y=filled))
    naive_se = (naive.total if estimator == "total" else naive.mean)("y").se
    assert naive_se < result.se
