"""The analysis frame joins responses to the wave's frame with honest design variables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from mel.analysis import Design
from mel.analysis.frame import FrameError, frame
from mel.db import session_scope
from mel.models import FrameUnit, Response, Wave, WaveStratum
from mel.simulate import simulate
from mel.surveys.loader import load_catalogue
from mel.surveys.publish import publish_catalogue


@pytest.fixture
def demo(engine: Engine, surveys_dir: Path) -> Engine:
    """A database with the real catalogue and a small simulated wave per programme."""
    with session_scope(engine) as session:
        publish_catalogue(session, load_catalogue([surveys_dir]))
    simulate(engine, seed=7, scale=0.1, waves=(2025,))
    return engine


def test_one_row_per_complete_response(demo: Engine) -> None:
    data = frame(demo, programme="katapult", wave="impactmeting-2025",
                 instrument="katapult-impactmeting")
    with Session(demo) as session:
        complete = session.exec(select(func.count()).select_from(Response).join(Wave).where(
            Wave.code == "impactmeting-2025", Response.status == "complete")).one()
    assert len(data) == complete > 0
    assert data["response_id"].is_unique


def test_unit_weights_add_up_to_the_population_per_stratum(demo: Engine) -> None:
    data = frame(demo, programme="katapult", wave="impactmeting-2025",
                 instrument="katapult-impactmeting")
    with Session(demo) as session:
        sizes = dict(session.exec(select(WaveStratum.stratum, WaveStratum.population_size)
                                  .join(Wave).where(Wave.code == "impactmeting-2025")).all())
    totals = data.groupby("stratum")["weight"].sum()
    for stratum, total in totals.items():
        assert total == pytest.approx(sizes[stratum])
    assert "fpc_persons" not in data


def test_person_weights_are_two_stage(demo: Engine) -> None:
    data = frame(demo, programme="digitale-werkplaatsen", wave="monitor-2025",
                 instrument="dw-impactmonitor")
    with Session(demo) as session:
        persons = dict(session.exec(select(FrameUnit.unit_id, FrameUnit.persons_population)
                                    .join(Wave).where(Wave.code == "monitor-2025")).all())
    assert len(persons) > 0
    per_unit = data.groupby("unit").agg(w=("weight", "sum"), M=("fpc_persons", "first"),
                                        N=("fpc_units", "first"), stratum=("stratum", "first"))
    units_in_stratum = per_unit.groupby("stratum")["w"].transform("size")
    expected = per_unit["M"] * per_unit["N"] / units_in_stratum
    np.testing.assert_allclose(per_unit["w"], expected)


def test_answer_columns_are_typed_and_labelled(demo: Engine) -> None:
    data = frame(demo, programme="digitale-werkplaatsen", wave="monitor-2025",
                 instrument="dw-impactmonitor", language="en")
    assert data["cijfer_traject"].dtype == float
    assert set(data["aanbevelen"].dropna().unique()) <= {0.0, 1.0}
    dummies = [c for c in data.columns if c.startswith("onderwerpen__")]
    assert dummies and set(np.unique(data[dummies].dropna().to_numpy())) <= {0.0, 1.0}
    labels = data.attrs["variable_labels"]
    assert labels["cijfer_traject"] and data.attrs["respondent"] == "person"
    assert data.attrs["value_labels"]["aanbevelen"] == {1.0: "yes", 0.0: "no"}


def test_design_total_of_the_frame_matches_the_weighted_sum(demo: Engine) -> None:
    data = frame(demo, programme="katapult", wave="impactmeting-2025",
                 instrument="katapult-impactmeting")
    design = Design(data, weights="weight", strata="stratum", psu="unit", fpc="fpc_units",
                    lonely_psu="adjust")
    answered = data["docenten"].notna()
    expected = (data.loc[answered, "docenten"] * data.loc[answered, "weight"]).sum()
    assert design.total("docenten").estimate == pytest.approx(expected)


def test_unknown_wave_and_instrument_are_named(demo: Engine) -> None:
    with pytest.raises(FrameError, match="no wave 'nope' in programme 'katapult'"):
        frame(demo, programme="katapult", wave="nope", instrument="katapult-impactmeting")
    with pytest.raises(FrameError, match="no instrument 'dw-impactmonitor' in programme"):
        frame(demo, programme="katapult", wave="impactmeting-2025",
              instrument="dw-impactmonitor")


def test_wave_without_responses_gives_an_empty_frame(demo: Engine) -> None:
    with session_scope(demo) as session:
        session.exec(Response.__table__.delete())  # type: ignore[attr-defined]
    data = frame(demo, programme="katapult", wave="impactmeting-2025",
                 instrument="katapult-impactmeting")
    assert len(data) == 0 and "docenten" in data


def test_example_scripts_run_on_a_simulated_database(demo: Engine, monkeypatch, capsys) -> None:
    import runpy
    import sys

    scripts = Path(__file__).parents[2] / "analysis"
    monkeypatch.setenv("MEL_DATABASE_URL", demo.url.render_as_string(hide_password=False))
    monkeypatch.syspath_prepend(str(scripts))
    expected = {"katapult_totals.py": "studenten (95%-BI",
                "dw_impactmonitor.py": "gemiddeld cijfer",
                "techkwadraat_scale.py": "Cronbach's alpha (weighted)"}
    for name, text in expected.items():
        monkeypatch.setattr(sys, "argv", [name])
        runpy.run_path(str(scripts / name), run_name="__main__")
        assert text in capsys.readouterr().out
