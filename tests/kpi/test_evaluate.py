"""KPI evaluation checked against mel.analysis directly, with change, history and gaps."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from mel.analysis.change import stack_waves
from mel.analysis.design import Design
from mel.analysis.results import difference
from mel.data.frame import frame
from mel.kpi import Status, evaluate_kpis
from mel.kpi.variables import scale_index
from tests.reports import factory


def _design(data) -> Design:  # type: ignore[no-untyped-def]
    return Design(
        data, weights="weight", strata="stratum", psu="unit", fpc="fpc_units", lonely_psu="adjust"
    )


@pytest.fixture
def evaluated(engine: Engine, tmp_path: Path):  # type: ignore[no-untyped-def]
    loaded = factory.fill(engine, tmp_path / "surveys")
    programme = loaded.programmes["werk"][1]
    results = evaluate_kpis(engine, programme, factory.instruments(loaded), "meting-2025")
    return loaded, {r.kpi.code: r for r in results}


def _same(a, b) -> None:  # type: ignore[no-untyped-def]
    for name in ("estimate", "se", "ci_low", "ci_high", "n", "df"):
        assert getattr(a, name) == pytest.approx(getattr(b, name), rel=1e-12), name


def test_estimates_match_the_engine(engine: Engine, evaluated) -> None:  # type: ignore[no-untyped-def]
    loaded, results = evaluated
    data = frame(engine, programme="werk", wave="meting-2025", instrument="werk-monitor")
    design = _design(data)
    _same(results["cijfer"].estimate, design.mean("cijfer"))
    _same(results["deelnemers"].estimate, design.total("deelnemers", interval="log"))
    _same(results["aanbevelen"].estimate, design.proportion("aanbevelen", level=1.0, method="auto"))
    survey = factory.instruments(loaded)["werk-monitor"]
    scaled = data.assign(index=scale_index(data, survey, "tevreden"))
    _same(results["tevreden"].estimate, _design(scaled).mean("index"))
    by = design.mean("cijfer", by="province").to_frame()
    ours = results["cijfer"].by["province"].to_frame()
    assert ours["estimate"].tolist() == pytest.approx(by["estimate"].tolist())
    assert results["cijfer"].answered == len(data) == 41


def test_status_target_and_go_no_go(evaluated) -> None:  # type: ignore[no-untyped-def]
    _, results = evaluated
    cijfer = results["cijfer"]
    assert cijfer.target == 7.0 and cijfer.year == 2025
    est = cijfer.estimate
    expected = (
        Status.MET if est.ci_low >= 7 else Status.NOT_MET if est.ci_high < 7 else Status.UNCERTAIN
    )
    assert cijfer.status is expected
    assert results["tevreden"].decision is not None
    assert results["leeg"].status is None and results["leeg"].target is None


def test_change_since_previous_wave(engine: Engine, evaluated) -> None:  # type: ignore[no-untyped-def]
    _, results = evaluated
    change = results["cijfer"].change
    assert change is not None and change.previous_wave == "meting-2023"
    before = _design(
        frame(engine, programme="werk", wave="meting-2023", instrument="werk-monitor")
    ).mean("cijfer")
    _same(change.previous, before)
    # every unit answered in both waves: the change uses the overlap (the stacked design,
    # units as PSUs; R: svycontrast(svyby(~cijfer, ~wave, stacked, svymean, covmat = TRUE)))
    waves = {
        w: frame(engine, programme="werk", wave=w, instrument="werk-monitor")[
            ["unit", "stratum", "fpc_units", "weight", "cijfer"]
        ]
        for w in ("meting-2025", "meting-2023")
    }
    stacked = Design(  # without fpc: the union of both waves' samples is no one sample
        stack_waves(waves), weights="weight", strata="stratum", psu="unit", lonely_psu="adjust"
    )
    paired = stacked.difference_by("cijfer", "wave", "meting-2025", "meting-2023")
    assert change.paired and change.common_units == 41
    for name in ("estimate", "se", "df"):
        assert getattr(change.difference, name) == pytest.approx(getattr(paired, name), rel=1e-12)
    independent = difference(results["cijfer"].estimate, before)
    assert change.difference.estimate == pytest.approx(independent.estimate, rel=1e-12)
    assert change.p_holm is not None and change.p_holm >= change.p
    assert change.significant == (change.p_holm < 0.05)
    assert [h[0] for h in results["cijfer"].history] == ["meting-2023"]


def test_kpi_without_answers_has_a_note_not_an_error(evaluated) -> None:  # type: ignore[no-untyped-def]
    _, results = evaluated
    empty = results["leeg"]
    assert empty.estimate is None and empty.note == "no answers" and empty.answered == 0
    assert empty.change is None and empty.history == (("meting-2023", 2023, None),)


def test_wave_without_responses(engine: Engine, tmp_path: Path) -> None:
    loaded = factory.fill(engine, tmp_path / "surveys", empty=(2025,))
    results = evaluate_kpis(
        engine, loaded.programmes["werk"][1], factory.instruments(loaded), "meting-2025"
    )
    assert all(r.estimate is None and r.answered == 0 for r in results)
    # the earlier wave still gives the trend
    assert results[0].history[0][2] is not None and not math.isnan(results[0].history[0][2].se)


def test_unknown_wave(engine: Engine, tmp_path: Path) -> None:
    loaded = factory.fill(engine, tmp_path / "surveys", years=(2025,))
    with pytest.raises(LookupError, match="no wave 'meting-2031'"):
        evaluate_kpis(
            engine, loaded.programmes["werk"][1], factory.instruments(loaded), "meting-2031"
        )
