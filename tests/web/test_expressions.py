"""Expressions on the participant pages: constraints, `required` rules, calculations."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from tests.factories import open_survey
from tests.web.conftest import DATA, Participant, only_response, read_form


def test_constraint_reads_another_answer_on_the_page(
    engine: Engine, participant: Participant
) -> None:
    participant.start(open_survey(engine, DATA / "expressions.yaml"))
    page = participant.post({"werknemers": "20", "vrouwen": "30"})
    assert page.status_code == 200 and participant.path.endswith("/p/bedrijf")
    html = participant.html
    assert "Niet meer dan het aantal werknemers" in html
    assert 'href="#q-vrouwen"' in html  # the error summary links to the question
    assert 'aria-describedby="q-vrouwen-error"' in html or "q-vrouwen-error" in html
    assert "aandeel_vrouwen" not in read_form(html).values  # a calculation asks nothing
    assert only_response(engine).answers in ({}, None)


def test_calculation_page_rule_and_required_rule(engine: Engine, participant: Participant) -> None:
    participant.start(open_survey(engine, DATA / "expressions.yaml"))
    participant.post({"werknemers": "80", "vrouwen": "20"})
    assert participant.path.endswith("/p/waarom")  # 25% < 50 and 80 >= 10
    assert only_response(engine).answers["aandeel_vrouwen"] == 25
    # `required: "${werknemers} > 50"` holds: an empty answer is refused, with the mark.
    assert "verplicht" in participant.html.lower()
    participant.post({"reden": "", "opgericht": "1700"})
    assert participant.path.endswith("/p/waarom")
    assert "Vul een antwoord in" in participant.html
    assert "Dit antwoord past niet bij de voorwaarden van de vraag" in participant.html
    participant.post({"reden": "Techniek", "opgericht": "1999"})
    assert participant.path.endswith("/p/einde")
    # Back to the start with a small company: the page is skipped and its answers dropped.
    participant.post({}, action="back")
    participant.post({}, action="back")
    participant.post({"werknemers": "4", "vrouwen": "1"})
    assert participant.path.endswith("/p/einde")
    answers = only_response(engine).answers
    assert answers == {"werknemers": 4, "vrouwen": 1, "aandeel_vrouwen": 25, "opmerking": None}


def test_required_rule_that_does_not_hold_lets_the_answer_be_empty(
    engine: Engine, participant: Participant
) -> None:
    participant.start(open_survey(engine, DATA / "expressions.yaml"))
    participant.post({"werknemers": "30", "vrouwen": "3"})
    assert participant.path.endswith("/p/waarom")
    assert "verplicht" not in participant.html.lower()
    participant.post({"reden": "", "opgericht": ""})
    assert participant.path.endswith("/p/einde")
    participant.post({"opmerking": ""})
    response = only_response(engine)
    assert response.status == "complete"
    assert response.answers["aandeel_vrouwen"] == 10
