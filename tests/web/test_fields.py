"""Every question type: rendered accessibly, valid answers stored, invalid ones explained."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from tests.factories import open_survey
from tests.web.conftest import Participant, only_response, read_form

CHOICES = {
    "kleur": [
        {"value": "rood", "label": {"nl": "Rood", "en": "Red"}},
        {"value": "groen", "label": {"nl": "Groen", "en": "Green"}},
        {"value": "blauw", "label": {"nl": "Blauw", "en": "Blue"}},
        {"value": 4, "label": {"nl": "Vier", "en": "Four"}},
    ],
    "eens": [
        {"value": 1, "label": {"nl": "Oneens", "en": "Disagree"}},
        {"value": 2, "label": {"nl": "Neutraal", "en": "Neutral"}},
        {"value": 3, "label": {"nl": "Eens", "en": "Agree"}},
    ],
}
LABEL = {"nl": "De vraag", "en": "The question"}


def boxes(day: str, month: str, year: str) -> dict[str, str]:
    """The three boxes of date question `v` as posted."""
    return {"v__day": day, "v__month": month, "v__year": year}


# type: (question fields, valid post, stored answers, [(invalid post, message)])
CASES: dict[
    str, tuple[dict[str, Any], dict[str, Any], dict[str, Any], list[tuple[dict[str, Any], str]]]
] = {
    "select_one": (
        {"choices": "kleur", "required": True},
        {"v": "4"},
        {"v": 4},
        [({}, "Kies een antwoord"), ({"v": "paars"}, "Kies een van de gegeven antwoorden")],
    ),
    "select_multiple": (
        {
            "choices": "kleur",
            "required": True,
            "constraint": {"min_selected": 2, "max_selected": 3},
        },
        {"v": ["blauw", "rood"]},
        {"v": ["rood", "blauw"]},
        [
            ({}, "Kies minstens één antwoord"),
            ({"v": ["rood"]}, "Kies er minstens 2"),
            ({"v": ["rood", "groen", "blauw", "4"]}, "Kies er hoogstens 3"),
            ({"v": ["rood", "paars"]}, "Kies een van de gegeven antwoorden"),
        ],
    ),
    "likert": (
        {
            "choices": "eens",
            "required": True,
            "statements": [
                {"name": "a", "label": {"nl": "Stelling A", "en": "Statement A"}},
                {"name": "b", "label": {"nl": "Stelling B", "en": "Statement B"}},
            ],
        },
        {"v__a": "1", "v__b": "3"},
        {"v__a": 1, "v__b": 3},
        [
            ({"v__a": "1"}, "Stelling B: Kies een antwoord"),
            ({"v__a": "1", "v__b": "9"}, "Stelling B: Kies een van de gegeven antwoorden"),
        ],
    ),
    "integer": (
        {"min": 0, "max": 500, "required": True},
        {"v": " 42 "},
        {"v": 42},
        [
            ({"v": ""}, "Vul een antwoord in"),
            ({"v": "veel"}, "Vul een heel getal in"),
            ({"v": "3,5"}, "Vul een heel getal in"),
            ({"v": "600"}, "Vul een getal in van 0 tot en met 500"),
        ],
    ),
    "decimal": (
        {
            "constraint": {
                "min": -100,
                "max": 100,
                "message": {"nl": "Een percentage graag.", "en": "A percentage please."},
            }
        },
        {"v": "3,5"},
        {"v": 3.5},
        [
            ({"v": "drie"}, "Vul een getal in, zoals 12 of 3,5"),
            ({"v": "200"}, "Een percentage graag."),
        ],
    ),
    "rating": (
        {"min": 1, "max": 10, "required": True},
        {"v": "8"},
        {"v": 8},
        [({}, "Kies een antwoord"), ({"v": "11"}, "Kies een van de gegeven antwoorden")],
    ),
    "nps": ({}, {"v": "0"}, {"v": 0}, [({"v": "-1"}, "Kies een van de gegeven antwoorden")]),
    "yes_no": (
        {"required": True},
        {"v": "no"},
        {"v": False},
        [({}, "Kies een antwoord"), ({"v": "misschien"}, "Kies een van de gegeven antwoorden")],
    ),
    "text": (
        {
            "constraint": {
                "regex": "[1-9][0-9]{3} ?[A-Z]{2}",
                "min_length": 6,
                "message": {"nl": "Een postcode zoals 1234 AB.", "en": "A postcode."},
            }
        },
        {"v": "1234 AB"},
        {"v": "1234 AB"},
        [
            ({"v": "12"}, "Een postcode zoals 1234 AB."),
            ({"v": "abcdefg"}, "Een postcode zoals 1234 AB."),
            ({"v": "x" * 2001}, "Gebruik hoogstens 2000 tekens (nu 2001)"),
        ],
    ),
    "date": (
        {"required": True},
        {"v__day": "1", "v__month": "3", "v__year": "2025"},
        {"v": "2025-03-01"},
        [
            ({}, "Vul een datum in"),
            (boxes("31", "2", "2025"), "Deze datum bestaat niet: februari heeft geen 31"),
            (boxes("1", "13", "2025"), "De maand moet een getal van 1 tot en met 12 zijn"),
            (boxes("1", "", "2025"), "Vul ook de maand in"),
            (boxes("1", "maart", "25"), "De maand moet een getal van 1 tot en met 12"),
            (boxes("1", "3", "25"), "Het jaar moet uit vier cijfers bestaan"),
            (boxes("1", "1", "0001"), "Vul een datum in van 1 januari 1900 tot en met"),
            (boxes("31", "12", "9999"), "tot en met 31 december 2100"),
        ],
    ),
}


def one_question(kind: str, extra: dict[str, Any]) -> dict[str, Any]:
    """A two-page survey whose first page asks question `v` of type `kind` and `naam`."""
    return {
        "instrument": f"t-{kind.replace('_', '-')}",
        "programme": "web-test",
        "version": 1,
        "title": {"nl": "Test", "en": "Test"},
        "choices": CHOICES,
        "pages": [
            {
                "name": "vraag",
                "title": {"nl": "Vraag", "en": "Question"},
                "questions": [
                    {
                        "name": "v",
                        "type": kind,
                        "label": LABEL,
                        "hint": {"nl": "Een hint.", "en": "A hint."},
                        **extra,
                    },
                    {"name": "naam", "type": "text", "label": {"nl": "Naam", "en": "Name"}},
                ],
            },
            {
                "name": "einde",
                "questions": [
                    {"name": "slot", "type": "text", "label": {"nl": "Slot", "en": "End"}}
                ],
            },
        ],
    }


def start(engine: Engine, participant: Participant, kind: str) -> None:
    participant.start(open_survey(engine, one_question(kind, CASES[kind][0])))
    assert participant.page is not None and participant.page.status_code == 200


@pytest.mark.parametrize("kind", list(CASES))
def test_renders_accessibly(engine: Engine, participant: Participant, kind: str) -> None:
    start(engine, participant, kind)
    html = participant.html
    ids = read_form(html).ids
    for target in re.findall(r'<label[^>]* for="([^"]+)"', html):
        assert target in ids, f"label for missing id {target}"
    for described in re.findall(r'aria-describedby="([^"]+)"', html):
        assert all(part in ids for part in described.split()), described
    assert "q-v-hint" in ids and "Een hint." in html
    if kind in ("select_one", "select_multiple", "likert", "rating", "nps", "yes_no"):
        assert html.count("<fieldset") >= (3 if kind == "likert" else 1)
        assert "<legend" in html
    assert "De vraag" in html and "autofocus" not in html


@pytest.mark.parametrize("kind", list(CASES))
def test_valid_answer_is_stored(engine: Engine, participant: Participant, kind: str) -> None:
    start(engine, participant, kind)
    _, valid, stored, _ = CASES[kind]
    participant.post({**valid, "naam": "Ada"})
    assert participant.path.endswith("/p/einde"), participant.html
    response = only_response(engine)
    assert response.answers == {**stored, "naam": "Ada"}
    assert response.current_page == 1


@pytest.mark.parametrize(
    ("kind", "case"), [(k, i) for k, c in CASES.items() for i in range(len(c[3]))]
)
def test_invalid_answer_explained_and_kept(
    engine: Engine, participant: Participant, kind: str, case: int
) -> None:
    start(engine, participant, kind)
    invalid, message = CASES[kind][3][case]
    page = participant.post({**invalid, "naam": "Ada"})
    assert page.status_code == 200
    html = participant.html
    assert participant.path.endswith("/p/vraag")
    assert 'class="error-summary"' in html and message in html
    assert html.count(message) >= 2  # in the summary and at the question
    assert re.search(r'<a href="#q-v[^"]*">', html), "summary links to the field"
    assert "<title>Fout: " in html
    form = participant.form()
    assert form.get("naam") == "Ada"  # other answers stay filled in
    if kind in ("integer", "decimal", "text") and invalid.get("v"):
        assert form.get("v") == invalid["v"].strip()
    for box, typed in invalid.items() if kind == "date" else ():
        assert form.get(box) == typed  # each date box keeps what was typed
    assert only_response(engine).answers == {}  # nothing of the page was stored


def test_note_is_shown_and_not_stored(engine: Engine, participant: Participant) -> None:
    survey = one_question("note", {})
    participant.start(open_survey(engine, survey))
    assert "De vraag" in participant.html and 'name="v"' not in participant.html
    participant.post({"naam": "Ada"})
    assert only_response(engine).answers == {"naam": "Ada"}


def test_english_messages(engine: Engine, participant: Participant) -> None:
    start(engine, participant, "integer")
    participant.get(participant.path + "?lang=en")
    assert "The question" in participant.html
    participant.post({"v": "lots"})
    assert "Enter a whole number, like 12" in participant.html
    assert "There is a problem" in participant.html and "<title>Error: " in participant.html


def test_decimal_shown_with_comma_in_dutch(engine: Engine, participant: Participant) -> None:
    start(engine, participant, "decimal")
    participant.post({"v": "2.25"})
    participant.post({}, action="back")
    assert participant.form().get("v") == "2,25"


def other_survey() -> dict[str, Any]:
    """A survey whose choice question offers "Anders, namelijk"."""
    survey = one_question("select_one", {"choices": "kleur", "other": True})
    survey["instrument"] = "t-other"
    return survey


def test_other_option_with_text(engine: Engine, participant: Participant) -> None:
    participant.start(open_survey(engine, other_survey()))
    assert ">Anders<" in participant.html and "Anders, namelijk:" in participant.html
    participant.post({"v": "other", "v__other": "Paars"})
    assert only_response(engine).answers == {"v": "other", "v__other": "Paars", "naam": None}


def test_other_text_needs_other_chosen(engine: Engine, participant: Participant) -> None:
    participant.start(open_survey(engine, other_survey()))
    page = participant.post({"v": "rood", "v__other": "Paars"})
    assert page.status_code == 200 and "Kies ook ‘Anders’" in participant.html
    assert participant.form().get("v__other") == "Paars"
    participant.post({"v__other": ""})
    assert only_response(engine).answers == {"v": "rood", "v__other": None, "naam": None}
