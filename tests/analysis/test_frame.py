"""The analysis frame joins responses to the wave's frame with honest design variables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from mel.analysis import Design
from mel.data.frame import FrameError, frame
from mel.db import session_scope
from mel.models import (
    FrameUnit,
    FrameUnitPersons,
    Instrument,
    Response,
    Unit,
    Wave,
    WaveStratum,
)
from mel.reports.methodology import methodology


def test_one_row_per_complete_response(demo: Engine) -> None:
    data = frame(
        demo, programme="katapult", wave="impactmeting-2025", instrument="katapult-impactmeting"
    )
    with Session(demo) as session:
        complete = session.exec(
            select(func.count())
            .select_from(Response)
            .join(Wave)
            .where(Wave.code == "impactmeting-2025", Response.status == "complete")
        ).one()
    assert len(data) == complete > 0
    assert data["response_id"].is_unique


def test_unit_weights_add_up_to_the_population_per_stratum(demo: Engine) -> None:
    data = frame(
        demo, programme="katapult", wave="impactmeting-2025", instrument="katapult-impactmeting"
    )
    with Session(demo) as session:
        sizes = dict(
            session.exec(
                select(WaveStratum.stratum, WaveStratum.population_size)
                .join(Wave)
                .where(Wave.code == "impactmeting-2025")
            ).all()
        )
    totals = data.groupby("stratum")["weight"].sum()
    for stratum, total in totals.items():
        assert total == pytest.approx(sizes[stratum])
    assert "fpc_persons" not in data


def _persons(engine: Engine, wave: str, instrument: str) -> dict[str, int]:
    """The stored persons per unit code of an instrument in a wave."""
    with Session(engine) as session:
        return dict(
            session.exec(
                select(Unit.code, FrameUnitPersons.persons)
                .join(Unit)
                .join(Wave)
                .join(Instrument, Instrument.id == FrameUnitPersons.instrument_id)
                .where(Wave.code == wave, Instrument.code == instrument)
            ).all()
        )


def _per_unit(data: pd.DataFrame) -> pd.DataFrame:
    return data.groupby("unit").agg(
        w=("weight", "sum"),
        M=("fpc_persons", "first"),
        N=("fpc_units", "first"),
        stratum=("stratum", "first"),
        m=("respondent", "size"),
    )


def _sampled(engine: Engine, wave: str) -> dict[str, str]:
    """The stratum of each sampled unit code of a wave."""
    with Session(engine) as session:
        return dict(
            session.exec(
                select(Unit.code, FrameUnit.stratum)
                .join(Unit)
                .join(Wave)
                .where(Wave.code == wave, FrameUnit.sampled)
            ).all()
        )


def _check_two_stages(data: pd.DataFrame, persons: dict[str, int], sampled: dict[str, str]) -> None:
    """A unit's weight is proportional to its M_i within its stratum, and the strata's
    person weights add up to the known persons of all sampled units, sum N_h / n_h M_i."""
    per_unit = _per_unit(data)
    assert len(per_unit) > 0
    np.testing.assert_array_equal(per_unit["M"], [persons[unit] for unit in per_unit.index])
    assert (per_unit["M"] >= per_unit["m"]).all()
    ratio = per_unit["w"] / per_unit["M"]
    np.testing.assert_allclose(ratio, ratio.groupby(per_unit["stratum"]).transform("first"))
    n_h = pd.Series(sampled).value_counts()
    for stratum, group in per_unit.groupby("stratum"):
        known = sum(persons[u] for u, h in sampled.items() if h == stratum)
        expected = group["N"].iloc[0] / n_h[stratum] * known
        assert group["w"].sum() == pytest.approx(expected, rel=1e-12)


def test_person_weights_are_two_stage(demo: Engine) -> None:
    data = frame(
        demo, programme="digitale-werkplaatsen", wave="monitor-2025", instrument="dw-impactmonitor"
    )
    persons = _persons(demo, "monitor-2025", "dw-impactmonitor")
    _check_two_stages(data, persons, _sampled(demo, "monitor-2025"))


def test_teacher_weights_use_teacher_counts(demo: Engine) -> None:
    """tk-docenten and tk-leerlingen share their schools, each with its own persons."""
    teachers = _persons(demo, "meting-2025", "tk-docenten")
    pupils = _persons(demo, "meting-2025", "tk-leerlingen")
    docenten = frame(demo, programme="techkwadraat", wave="meting-2025", instrument="tk-docenten")
    leerlingen = frame(
        demo, programme="techkwadraat", wave="meting-2025", instrument="tk-leerlingen"
    )
    _check_two_stages(docenten, teachers, _sampled(demo, "meting-2025"))
    _check_two_stages(leerlingen, pupils, _sampled(demo, "meting-2025"))
    schools = set(docenten["unit"])
    assert all(teachers[s] < pupils[s] for s in schools)
    # The weights add up to each population's persons in the responding schools' strata.
    assert docenten["weight"].sum() < leerlingen["weight"].sum() / 3


@pytest.mark.parametrize(
    ("programme", "wave", "instrument", "rows", "weights", "persons"),
    [
        ("katapult", "impactmeting-2025", "katapult-impactmeting", 27, 450.0, None),
        ("digitale-werkplaatsen", "monitor-2025", "dw-impactmonitor", 54, 9697.0, 26984.0),
        ("techkwadraat", "meting-2025", "tk-leerlingen", 72, 82518.0, 21134.0),
        ("techkwadraat", "meting-2025", "tk-docenten", 73, 7283.5, 1703.0),
    ],
)
def test_frames_keep_their_figures(
    demo: Engine,
    programme: str,
    wave: str,
    instrument: str,
    rows: int,
    weights: float,
    persons: float | None,
) -> None:
    """Katapult, DW and pupils' frames are as before per-instrument persons; tk-docenten's
    weights used to add up to the pupils' 142,015.5 (fpc_persons summed to 92,939). Since
    the persons are calibrated to the known M_i of all sampled schools (answering or not)
    the pupils' weights add up to 125,338.2 (142,015.5 counted only responding schools).

    The figures are the simulation's: since each simulated wave goes the real way (units
    import, draw, contacts, about 600 persons mailed per person survey, answers through
    the invitations) they are those of that simulation (rows, persons invited, M_i from the
    units file), and were regenerated then."""
    data = frame(demo, programme=programme, wave=wave, instrument=instrument)
    assert len(data) == rows
    assert data["weight"].sum() == pytest.approx(weights, rel=1e-12)
    if persons is None:
        assert "fpc_persons" not in data
    else:
        assert data["fpc_persons"].sum() == persons


def test_missing_persons_are_named(demo: Engine) -> None:
    data = frame(demo, programme="techkwadraat", wave="meting-2025", instrument="tk-docenten")
    school = data["unit"].iloc[0]
    with session_scope(demo) as session:
        row = session.exec(
            select(FrameUnitPersons)
            .join(Unit)
            .join(Wave)
            .join(Instrument, Instrument.id == FrameUnitPersons.instrument_id)
            .where(
                Unit.code == school, Wave.code == "meting-2025", Instrument.code == "tk-docenten"
            )
        ).one()
        session.delete(row)
    with pytest.raises(
        FrameError,
        match=f"unit '{school}' has no persons for instrument 'tk-docenten' in wave 'meting-2025'",
    ):
        frame(demo, programme="techkwadraat", wave="meting-2025", instrument="tk-docenten")
    # The pupils' count of the same school does not stand in for its teachers', nor is
    # it affected: the pupils' frame still builds.
    assert (
        len(frame(demo, programme="techkwadraat", wave="meting-2025", instrument="tk-leerlingen"))
        > 0
    )


def test_answer_columns_are_typed_and_labelled(demo: Engine) -> None:
    data = frame(
        demo,
        programme="digitale-werkplaatsen",
        wave="monitor-2025",
        instrument="dw-impactmonitor",
        language="en",
    )
    assert data["cijfer_traject"].dtype == float
    assert set(data["aanbevelen"].dropna().unique()) <= {0.0, 1.0}
    dummies = [c for c in data.columns if c.startswith("onderwerpen__")]
    assert dummies and set(np.unique(data[dummies].dropna().to_numpy())) <= {0.0, 1.0}
    labels = data.attrs["variable_labels"]
    assert labels["cijfer_traject"] and data.attrs["respondent"] == "person"
    assert data.attrs["value_labels"]["aanbevelen"] == {1.0: "yes", 0.0: "no"}


def test_design_total_of_the_frame_matches_the_weighted_sum(demo: Engine) -> None:
    data = frame(
        demo, programme="katapult", wave="impactmeting-2025", instrument="katapult-impactmeting"
    )
    design = Design(
        data, weights="weight", strata="stratum", psu="unit", fpc="fpc_units", lonely_psu="adjust"
    )
    answered = data["docenten"].notna()
    expected = (data.loc[answered, "docenten"] * data.loc[answered, "weight"]).sum()
    assert design.total("docenten").estimate == pytest.approx(expected)


def test_unknown_wave_and_instrument_are_named(demo: Engine) -> None:
    with pytest.raises(FrameError, match="no wave 'nope' in programme 'katapult'"):
        frame(demo, programme="katapult", wave="nope", instrument="katapult-impactmeting")
    with pytest.raises(FrameError, match="no instrument 'dw-impactmonitor' in programme"):
        frame(demo, programme="katapult", wave="impactmeting-2025", instrument="dw-impactmonitor")


def test_wave_without_responses_gives_an_empty_frame(demo: Engine) -> None:
    with session_scope(demo) as session:
        session.exec(Response.__table__.delete())  # type: ignore[attr-defined]
    data = frame(
        demo, programme="katapult", wave="impactmeting-2025", instrument="katapult-impactmeting"
    )
    assert len(data) == 0 and "docenten" in data


def test_example_scripts_run_on_a_simulated_database(demo: Engine, monkeypatch, capsys) -> None:
    import runpy
    import sys

    scripts = Path(__file__).parents[2] / "analysis"
    monkeypatch.setenv("MEL_DATABASE_URL", demo.url.render_as_string(hide_password=False))
    monkeypatch.syspath_prepend(str(scripts))
    expected = {
        "katapult_totals.py": "studenten (95%-BI",
        "dw_impactmonitor.py": "gemiddeld cijfer",
        "techkwadraat_scale.py": "Cronbach's alpha (weighted)",
    }
    for name, text in expected.items():
        monkeypatch.setattr(sys, "argv", [name])
        runpy.run_path(str(scripts / name), run_name="__main__")
        assert text in capsys.readouterr().out


def test_answer_columns_match_the_stored_answers(demo: Engine) -> None:
    from sqlmodel import Session, select

    from mel.models import Response

    data = frame(
        demo, programme="digitale-werkplaatsen", wave="monitor-2025", instrument="dw-impactmonitor"
    ).set_index("response_id")
    with Session(demo) as session:
        stored = {
            r.public_id: r.answers
            for r in session.exec(select(Response).where(Response.status == "complete"))
            if r.public_id in data.index
        }
    assert len(stored) == len(data)
    for public_id, answers in stored.items():
        row = data.loc[public_id]
        mark = answers.get("cijfer_traject")
        assert (
            np.isnan(row["cijfer_traject"])
            if mark is None
            else row["cijfer_traject"] == float(mark)
        )
        chosen = answers.get("onderwerpen")
        assert row["onderwerpen__other_text"] == answers.get("onderwerpen__other")
        for column in (
            c
            for c in data.columns
            if c.startswith("onderwerpen__") and c != "onderwerpen__other_text"
        ):
            value = column.removeprefix("onderwerpen__")
            expected = np.nan if not isinstance(chosen, list) else float(value in chosen)
            assert row[column] == expected or (np.isnan(expected) and np.isnan(row[column]))
        assert row["opmerkingen"] == answers.get("opmerkingen")  # text; None when missing


def test_answers_decoded_in_chunks_give_the_same_frame(
    demo: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = {
        "programme": "digitale-werkplaatsen",
        "wave": "monitor-2025",
        "instrument": "dw-impactmonitor",
    }
    whole = frame(demo, **args)
    monkeypatch.setattr("mel.data.answers.DECODE_CHUNK", 7)
    chunked = frame(demo, **args)
    assert len(whole) > 7 * 3 and len(whole) % 7  # several chunks, the last one partial
    pd.testing.assert_frame_equal(chunked, whole)


def _drop_from_frame(engine: Engine, wave: str, unit_code: str) -> int:
    """Take a unit out of the wave's frame; return its complete responses in that wave."""
    with session_scope(engine) as session:
        wave_row = session.exec(select(Wave).where(Wave.code == wave)).one()
        unit = session.exec(select(Unit).where(Unit.code == unit_code)).one()
        session.delete(
            session.exec(
                select(FrameUnit).where(
                    FrameUnit.wave_id == wave_row.id, FrameUnit.unit_id == unit.id
                )
            ).one()
        )
        return session.exec(
            select(func.count())
            .select_from(Response)
            .where(
                Response.wave_id == wave_row.id,
                Response.unit_id == unit.id,
                Response.status == "complete",
            )
        ).one()


def test_responses_outside_the_frame_are_counted_not_silently_dropped(demo: Engine) -> None:
    args = {
        "programme": "katapult",
        "wave": "impactmeting-2025",
        "instrument": "katapult-impactmeting",
    }
    before = frame(demo, **args)
    assert before.attrs["outside_frame"] == 0
    unit = before["unit"].iloc[0]
    dropped = _drop_from_frame(demo, "impactmeting-2025", unit)
    after = frame(demo, **args)
    assert dropped > 0 and after.attrs["outside_frame"] == dropped
    assert len(after) == len(before) - dropped and unit not in set(after["unit"])
    # The report's methodology appendix says so, with the count.
    section = methodology({"katapult-impactmeting": after}, [], language="en", k=10)[0]
    assert any(f"left out: katapult-impactmeting ({dropped})" in p for p in section.paragraphs)
    section = methodology({"katapult-impactmeting": before}, [], language="en", k=10)[0]
    assert not any("left out" in p for p in section.paragraphs)
