"""count(), sum(), max() … of a repeat group on later pages, as the participant answers."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from tests.factories import open_survey
from tests.web.conftest import DATA, Participant, only_response


def test_aggregates_decide_a_page_a_constraint_and_calculations(
    engine: Engine, participant: Participant
) -> None:
    participant.start(open_survey(engine, DATA / "aggregates.yaml"))
    assert 'name="partners__1__verschil"' not in participant.html  # position(..) = 1
    participant.post(
        {"partners__1__bedrijf": "Bakker BV", "partners__1__stagiairs": "2"},
        action="add:partners",
    )
    assert 'name="partners__2__verschil"' in participant.html  # asked from row 2 on
    assert 'name="partners__1__verschil"' not in participant.html
    participant.post(
        {
            "partners__2__bedrijf": "Smit",
            "partners__2__stagiairs": "3",
            "partners__2__verschil": "groter",
        }
    )
    assert participant.path.endswith("/p/vervolg")  # two rows: count(${partners}) >= 2
    participant.post({"begeleid": "4"})  # more than max(${stagiairs}) = 3
    assert participant.path.endswith("/p/vervolg")
    assert "Dit antwoord past niet bij de voorwaarden van de vraag" in participant.html
    participant.post({"begeleid": "3"})
    assert participant.path.endswith("/p/slot")
    participant.post({"opmerking": "geen"})
    answers = only_response(engine).answers
    assert answers["aantal"] == 2
    assert answers["totaal"] == 5
    assert answers["ingevuld"] == 2
    assert answers["tweede"] == "Smit"
    assert answers["namen"] == "Bakker BV, Smit"
    assert answers["begeleid"] == 3
    assert answers["partners"] == [
        {"bedrijf": "Bakker BV", "stagiairs": 2},
        {"bedrijf": "Smit", "stagiairs": 3, "verschil": "groter"},
    ]


def test_one_row_skips_the_page_that_needs_two(engine: Engine, participant: Participant) -> None:
    participant.start(open_survey(engine, DATA / "aggregates.yaml"))
    participant.post({"partners__1__bedrijf": "Bakker BV"})
    assert participant.path.endswith("/p/slot")  # count(${partners}) = 1: no 'vervolg'
    participant.post({"opmerking": ""})
    answers = only_response(engine).answers
    assert "aantal" not in answers  # the page was not shown: its calculations neither
    assert answers["partners"] == [{"bedrijf": "Bakker BV", "stagiairs": None}]
