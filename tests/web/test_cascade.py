"""Cascading choices: a question offers only the choices its filter allows."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from tests.factories import open_survey
from tests.web.conftest import DATA, Participant, only_response


def test_choices_follow_the_earlier_answer(engine: Engine, participant: Participant) -> None:
    participant.start(open_survey(engine, DATA / "cascade.yaml"))
    participant.post({"prov": "ut"})
    html = participant.html
    assert "Amersfoort" in html and "Zeist" in html and "Haarlem" not in html
    assert "Anders" in html  # "other" is always offered
    # A value the filter does not offer is refused, even when posted by hand.
    participant.post({"gemeenten": ["zeist", "haarlem"]})
    assert participant.path.endswith("/p/gemeente")
    assert "Kies een van de gegeven antwoorden" in participant.html
    participant.post({"gemeenten": ["zeist"]})
    answers = only_response(engine).answers
    assert answers == {"prov": "ut", "gemeenten": ["zeist"], "gemeenten__other": None}


def test_other_province_other_choices(engine: Engine, participant: Participant) -> None:
    participant.start(open_survey(engine, DATA / "cascade.yaml"))
    participant.post({"prov": "nh"})
    assert "Haarlem" in participant.html and "Zeist" not in participant.html
