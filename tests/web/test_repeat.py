"""Repeat groups on the participant pages: add another, remove, a count from an answer."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from tests.factories import open_survey
from tests.web.conftest import DATA, Participant, only_response


def test_add_another_remove_and_a_counted_group(engine: Engine, participant: Participant) -> None:
    participant.start(open_survey(engine, DATA / "roster.yaml"))
    participant.post({"locaties": "2"})
    html = participant.html
    assert "Partner 1" in html and "Partner 2" not in html  # one row to start with
    assert html.count('name="locatie__') == 2  # two sites: two rows, fixed
    assert "Nummer 2" in html
    participant.post({"partners__1__bedrijf": "Bakker BV"}, action="add:partners")
    html = participant.html
    assert "Partner 2" in html and 'value="Bakker BV"' in html
    assert "Nog een toevoegen" in html
    participant.post(
        {
            "partners__2__bedrijf": "Smit",
            "partners__2__betrokkenheid": ["stage", "gastles"],
            "partners__2__stagiairs": "4",
        },
        action="add:partners",
    )
    assert "Partner 3" in participant.html
    assert "Nog een toevoegen" not in participant.html  # max_rows: 3
    # An empty required name in row 3 is named in the error summary with its row.
    participant.post({"locatie__1__leerlingen": "120", "locatie__2__leerlingen": "80"})
    assert participant.path.endswith("/p/partners")
    assert "Partner 3: Naam" in participant.html
    assert 'href="#q-partners__3__bedrijf"' in participant.html
    participant.post({}, action="remove:partners:1")
    html = participant.html
    assert 'value="Smit"' in html and "Bakker BV" not in html
    assert "Partner 2" not in html  # the empty third row was never a row
    participant.post({}, action="add:partners")
    participant.post({"partners__2__bedrijf": "Jansen"})
    response = only_response(engine)
    assert response.status == "complete"
    assert response.answers["partners"] == [
        {"bedrijf": "Smit", "betrokkenheid": ["stage", "gastles"], "stagiairs": 4},
        {"bedrijf": "Jansen", "betrokkenheid": None, "stagiairs": None},
    ]
    assert response.answers["locatie"] == [{"leerlingen": 120}, {"leerlingen": 80}]


def test_forged_row_actions_are_refused(engine: Engine, participant: Participant) -> None:
    participant.start(open_survey(engine, DATA / "roster.yaml"))
    participant.post({"locaties": "0"})
    assert 'name="locatie__' not in participant.html  # no sites: no rows
    page = participant.post({}, action="remove:partners:7")
    assert page.status_code == 400
    participant.get(participant.path)
    page = participant.post({}, action="add:locatie")  # a counted group has no button
    assert page.status_code == 400
    participant.get(participant.path)
    page = participant.post({"partners__9__bedrijf": "x"})
    assert page.status_code == 400


def test_a_rows_rules_read_its_own_row(engine: Engine, participant: Participant) -> None:
    participant.start(open_survey(engine, DATA / "roster.yaml"))
    participant.post({"locaties": "0"})
    participant.post({"partners__1__bedrijf": "A", "partners__1__betrokkenheid": ["stage"]})
    assert participant.path.endswith("/p/partners")  # interns required: this row has stage
    assert "Partner 1: Hoeveel stagiairs? Vul een antwoord in" in participant.html
    participant.post({"partners__1__stagiairs": "80"})
    assert "Dit antwoord past niet bij de voorwaarden van de vraag" in participant.html
    participant.post({"partners__1__stagiairs": "8"})
    assert only_response(engine).answers["partners"] == [
        {"bedrijf": "A", "betrokkenheid": ["stage"], "stagiairs": 8}
    ]


def test_a_half_filled_row_saved_by_back_stops_the_submission() -> None:
    from mel.surveys.loader import load_instrument
    from mel.web.survey import flow

    survey = load_instrument(DATA / "roster.yaml")
    answers = {"locaties": 0, "locatie": [], "partners": [{"bedrijf": None, "stagiairs": 3}]}
    assert flow.first_incomplete(survey, answers) == 1
    answers["partners"][0]["bedrijf"] = "Bos"
    assert flow.first_incomplete(survey, answers) is None
    answers["partners"][0]["betrokkenheid"] = ["stage"]
    answers["partners"][0]["stagiairs"] = None  # required by the row's own rule
    assert flow.first_incomplete(survey, answers) == 1
