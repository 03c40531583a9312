"""Any valid instrument can be simulated: generic answers per type, realism never breaks it."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mel.demo import SimulationError, simulate
from mel.demo.text import from_regex
from mel.models import FrameUnitPersons, InstrumentVersion, Response, Unit, Wave
from mel.surveys.publish import load_version
from tests.factories import programme_dict, survey_dict, write_catalogue
from tests.simulate.helpers import publish
from tests.simulate.validation import answer_problems

LABEL = {"nl": "Vraag", "en": "Question"}
POSTCODE = r"[1-9][0-9]{3} ?[A-Z]{2}"


def _q(name: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": kind, "label": LABEL, **extra}


def rich_survey(**overrides: Any) -> dict[str, Any]:
    """A survey with every question type, constraints and several kinds of skip logic."""
    scale = [{"value": v, "label": {"nl": str(v)}} for v in range(1, 6)]
    topics = [{"value": v, "label": {"nl": v}} for v in ("a", "b", "c", "d", "e")]
    yes_no = [{"value": v, "label": {"nl": v}} for v in ("ja", "nee")]
    return survey_dict(
        respondent="person",
        choices={"ja_nee": yes_no, "schaal": scale, "onderwerpen": topics},
        pages=[
            {
                "name": "start",
                "questions": [
                    _q("uitleg", "note"),
                    _q("cijfer", "rating", min=1, max=10, required=True),
                    _q("verder", "select_one", choices="ja_nee", required=True),
                    _q("aantal", "integer"),
                    _q("bedrag", "decimal", min=0, max=99.5),
                    _q("score", "nps"),
                    _q("datum", "date"),
                    _q("jaar", "integer", constraint={"min": 1990, "max": 2030}),
                    _q("postcode", "text", required=True, constraint={"regex": POSTCODE}),
                    _q(
                        "onderwerpen",
                        "select_multiple",
                        choices="onderwerpen",
                        required=True,
                        constraint={"min_selected": 2, "max_selected": 3},
                    ),
                ],
            },
            {
                "name": "vervolg",
                "relevant": {"question": "verder", "equals": "ja"},
                "questions": [
                    _q("toelichting", "text", constraint={"max_length": 20}),
                    _q(
                        "stellingen",
                        "likert",
                        choices="schaal",
                        required=True,
                        statements=[
                            {"name": "een", "label": LABEL},
                            {"name": "twee", "label": LABEL},
                            {"name": "drie", "label": LABEL, "reverse": True},
                        ],
                    ),
                    _q("akkoord", "yes_no", required=True),
                ],
            },
            {
                "name": "slot",
                "questions": [
                    _q(
                        "hoog",
                        "text",
                        relevant={
                            "all": [
                                {"question": "cijfer", "ge": 8},
                                {"question": "onderwerpen", "selected": "a"},
                            ]
                        },
                    ),
                    _q(
                        "niet_akkoord",
                        "integer",
                        min=0,
                        max=3,
                        required=True,
                        relevant={"not": {"question": "akkoord", "equals": True}},
                    ),
                    _q(
                        "een_van",
                        "yes_no",
                        required=True,
                        relevant={
                            "any": [
                                {"question": "score", "le": 5},
                                {"question": "aantal", "answered": False},
                            ]
                        },
                    ),
                ],
            },
        ],
        **overrides,
    )


def _responses(engine: Engine) -> list[tuple[Any, dict[str, Any], str]]:
    with Session(engine) as session:
        rows = session.exec(
            select(InstrumentVersion, Response.answers, Response.status).join(
                Response, Response.instrument_version_id == InstrumentVersion.id
            )
        ).all()
    return [(load_version(v), a, s) for v, a, s in rows]


def test_every_type_and_condition(fresh: Engine, tmp_path: Path) -> None:
    publish(fresh, write_catalogue(tmp_path / "cat", survey=rich_survey()))
    summary = simulate(fresh, seed=5, waves=(2024,))
    rows = _responses(fresh)
    assert summary.responses == len(rows) > 200
    for survey, answers, status in rows:
        assert answer_problems(survey, answers, complete=status == "complete") == []
    complete = [a for _, a, s in rows if s == "complete"]
    assert Counter(a["verder"] for a in complete).keys() == {"ja", "nee"}
    assert all(("stellingen__een" in a) == (a["verder"] == "ja") for a in complete)
    assert all(re.fullmatch(POSTCODE, a["postcode"]) for a in complete)
    assert {len(a["onderwerpen"]) for a in complete} == {2, 3}
    assert any("hoog" in a for a in complete) and any("niet_akkoord" in a for a in complete)
    assert any("een_van" in a for a in complete)
    with Session(fresh) as session:
        units = session.exec(select(Unit)).all()
        wave = session.exec(select(Wave)).one()
        persons = session.exec(select(FrameUnitPersons.persons)).all()
    assert len(units) == 40 and {u.kind for u in units} == {"unit"}
    assert (wave.code, wave.status) == ("meting-2024", "open")
    assert persons and all(m and m > 0 for m in persons)  # a person survey: two stages


def test_realism_survives_changed_questions(fresh: Engine, tmp_path: Path) -> None:
    """An instrument named like a known one but with other questions still simulates."""
    survey = rich_survey(instrument="dw-impactmonitor", programme="digitale-werkplaatsen")
    survey["choices"]["soort"] = [{"value": "x", "label": {"nl": "X"}}]
    survey["pages"][0]["questions"] += [
        _q("soort_traject", "select_one", choices="soort", required=True),  # other choices
        _q("aanbevelen", "select_one", choices="ja_nee", required=True),  # other type
        _q("vervolgstappen", "integer", min=0, max=2, required=True),
    ]
    programme = programme_dict(programme="digitale-werkplaatsen", kpis=[])
    publish(fresh, write_catalogue(tmp_path / "cat", survey=survey, programme=programme))
    simulate(fresh, seed=5, scale=0.2)
    rows = _responses(fresh)
    assert rows
    for definition, answers, status in rows:
        assert answer_problems(definition, answers, complete=status == "complete") == []


def test_scale_multiplies_responses(fresh: Engine, tmp_path: Path) -> None:
    publish(fresh)
    small = simulate(fresh, seed=1, scale=0.1, programmes=["digitale-werkplaatsen"])
    big = next(
        p for p in simulate(fresh, seed=1, scale=0.4, programmes=["techkwadraat"]).programmes
    )
    # At scale 1 about 1,040 (digitale-werkplaatsen) and 1,800 (techkwadraat) responses:
    # each simulated wave mails about 600 persons per person survey (mel.demo.fielding).
    assert small.programmes[0].responses < 0.2 * 1040 * 1.3
    assert big.responses > 0.4 * 1800 * 0.7


def test_refusals(fresh: Engine) -> None:
    publish(fresh)
    with pytest.raises(SimulationError, match="not published: nope"):
        simulate(fresh, programmes=["nope"])
    with pytest.raises(ValueError):
        simulate(fresh, scale=0)
    summary = simulate(fresh, scale=0.02, programmes=["katapult"])
    assert "katapult" in str(summary) and "responses" in str(summary)
    with pytest.raises(SimulationError, match="already has units"):
        simulate(fresh, scale=0.02, programmes=["katapult"])


@pytest.mark.parametrize(
    "pattern", [POSTCODE, r"\d{6,8}", r"[a-z]+@[a-z]+\.(nl|com)", r"(NL)?\d{2}-\w{3}", r"^ja|nee$"]
)
def test_text_from_a_pattern(pattern: str) -> None:
    rng = np.random.default_rng(0)
    for _ in range(20):
        text = from_regex(rng, pattern)
        assert text is not None and re.fullmatch(pattern, text)
