"""Pages in order, decided on the server: skip logic, back and next, progress, the end."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from mel.surveys.loader import load_instrument
from mel.surveys.schema import Question
from mel.web.survey import flow
from tests.autofill import DATE_PARTS
from tests.factories import open_survey
from tests.web.conftest import DATA, Participant, only_response


def test_skip_logic_and_dropping_irrelevant_answers(
    engine: Engine, participant: Participant
) -> None:
    participant.start(open_survey(engine, DATA / "skip.yaml"))
    assert "Pagina 1 van 3" in participant.html  # a page that may follow is counted
    participant.post({"vervolg": "ja", "cijfer": "4"})
    assert participant.path.endswith("/p/stappen")
    assert "Pagina 2 van 3" in participant.html
    assert "Waarom een laag cijfer?" in participant.html  # relevant: cijfer < 6
    participant.post({"welke": "Een website", "waarom_laag": "Te duur"})
    assert participant.path.endswith("/p/einde")
    assert only_response(engine).answers == {
        "vervolg": "ja",
        "cijfer": 4,
        "welke": "Een website",
        "waarom_laag": "Te duur",
    }
    # Back twice, change the answers: the skipped page's answers are not kept.
    participant.post({}, action="back")
    participant.post({}, action="back")
    assert participant.path.endswith("/p/start")
    assert participant.form().get("vervolg") == "ja"
    participant.post({"vervolg": "nee", "cijfer": "8"})
    assert participant.path.endswith("/p/einde")
    assert "Pagina 2 van 2" in participant.html
    assert only_response(engine).answers == {"vervolg": "nee", "cijfer": 8, "opmerking": None}


def test_question_hidden_by_condition_is_not_accepted(
    engine: Engine, participant: Participant
) -> None:
    participant.start(open_survey(engine, DATA / "skip.yaml"))
    participant.post({"vervolg": "ja", "cijfer": "9"})
    assert "Waarom een laag cijfer?" not in participant.html
    page = participant.post({"welke": "Iets", "waarom_laag": "smuggled"})
    assert page.status_code == 400
    assert "niet bij deze pagina horen" in participant.html
    assert "welke" not in only_response(engine).answers


def test_skipped_page_cannot_be_opened(engine: Engine, participant: Participant) -> None:
    participant.start(open_survey(engine, DATA / "skip.yaml"))
    first = participant.path
    participant.post({"vervolg": "nee"})
    assert participant.path.endswith("/p/einde")
    participant.get(first.replace("/p/start", "/p/stappen"))
    assert participant.path.endswith("/p/einde")
    participant.get(first.replace("/p/start", "/p/bestaat-niet"))
    assert participant.page is not None and participant.page.status_code == 404


def test_cannot_jump_ahead(engine: Engine, participant: Participant) -> None:
    participant.start(open_survey(engine, DATA / "types.yaml"))
    first = participant.path
    participant.get(first.replace("/p/bedrijf", "/p/afsluiting"))
    assert participant.path == first


def test_back_keeps_valid_answers_of_the_page(engine: Engine, participant: Participant) -> None:
    participant.start(open_survey(engine, DATA / "types.yaml"))
    participant.post({"grootte": "klein", "onderwerpen": ["website"], "opnieuw": "yes"})
    participant.post({"cijfer": "7", "stellingen__nuttig": "5"}, action="back")
    assert participant.path.endswith("/p/bedrijf")
    assert participant.form().getlist("onderwerpen") == ["website"]
    answers = only_response(engine).answers
    assert answers["cijfer"] == 7 and answers["stellingen__nuttig"] == 5
    assert "stellingen__snel" not in answers
    participant.post({"grootte": "klein", "onderwerpen": ["website"], "opnieuw": "yes"})
    assert participant.form().get("cijfer") == "7"


def test_whole_survey_with_final_submit(engine: Engine, participant: Participant) -> None:
    participant.start(open_survey(engine, DATA / "types.yaml"))
    participant.post({"grootte": "micro", "onderwerpen": ["website", "cyber"], "opnieuw": "no"})
    participant.post({"stellingen__nuttig": "4", "stellingen__snel": "2", "cijfer": "9"})
    participant.post({"medewerkers": "7", "omzetgroei": "-2,5", "startdatum": "2025-02-01"})
    assert ">Versturen<" in participant.html and "Pagina 4 van 4" in participant.html
    participant.post({"postcode": "1234 AB", "toelichting": "Goed\r\ngedaan"})
    assert participant.path.endswith("/done") and "Bedankt!" in participant.html
    response = only_response(engine)
    assert response.status == "complete" and response.completed_at is not None
    assert response.answers == {
        "grootte": "micro",
        "onderwerpen": ["website", "cyber"],
        "opnieuw": False,
        "stellingen__nuttig": 4,
        "stellingen__snel": 2,
        "cijfer": 9,
        "aanbevelen": None,
        "medewerkers": 7,
        "omzetgroei": -2.5,
        "startdatum": "2025-02-01",
        "postcode": "1234 AB",
        "toelichting": "Goed\ngedaan",
    }
    assert response.consent_version == "mel-privacy-1" and response.language == "nl"
    assert response.client_submission_id and len(response.submission_hash or "") == 64


def test_open_end_gets_a_final_check(engine: Engine, participant: Participant) -> None:
    participant.start(open_survey(engine, DATA / "open_end.yaml"))
    assert ">Volgende<" in participant.html  # a later page may follow
    participant.post({"tevreden": "yes"})
    assert participant.path.endswith("/submit")
    assert "Klaar om te versturen" in participant.html
    assert only_response(engine).status == "in_progress"
    participant.post({})
    assert participant.path.endswith("/done")
    assert only_response(engine).answers == {"tevreden": True}


def test_open_end_follow_up_page(engine: Engine, participant: Participant) -> None:
    participant.start(open_survey(engine, DATA / "open_end.yaml"))
    participant.post({"tevreden": "no"})
    assert participant.path.endswith("/p/waarom") and ">Versturen<" in participant.html
    participant.post({"waarom": "Te laat"})
    assert only_response(engine).status == "complete"


def test_required_page_left_open_by_going_back_is_asked_again(
    engine: Engine, participant: Participant
) -> None:
    participant.start(open_survey(engine, DATA / "open_end.yaml"))
    participant.post({"tevreden": "yes"})
    assert participant.path.endswith("/submit")
    participant.get(participant.path.replace("/submit", "/p/vraag"))
    participant.post({"tevreden": "no"})
    assert participant.path.endswith("/p/waarom")
    # Straight to the final check without answering the now-required page:
    participant.get(participant.path.replace("/p/waarom", "/submit"))
    assert participant.path.endswith("/p/waarom")
    assert only_response(engine).status == "in_progress"


MINIMAL = DATA.parents[1] / "surveys" / "data" / "minimal.yaml"


def test_minimal_survey_with_every_type(engine: Engine, participant: Participant) -> None:
    if not MINIMAL.exists():
        pytest.skip("the shared per-type survey tests/surveys/data/minimal.yaml is missing")
    participant.start(open_survey(engine, MINIMAL))
    participant.post(
        {
            "keuze": "misschien",
            "meerkeuze": ["ai", "other"],
            "meerkeuze__other": "Robots",
            "stellingen__nuttig": "5",
            "stellingen__zinloos": "1",
            "aantal": "12",
            "uren": "7,5",
            "cijfer": "9",
            "aanbeveling": "10",
            "verder": "yes",
        }
    )
    assert participant.path.endswith("/p/tweede"), participant.html
    participant.post(
        {"toelichting": "Prima", "datum": "2025-06-30", "begintijd": "9:15", "tevredenheid": "4.5"}
    )
    response = only_response(engine)
    assert response.status == "complete"
    assert response.answers == {
        "keuze": "misschien",
        "meerkeuze": ["ai", "other"],
        "meerkeuze__other": "Robots",
        "stellingen__nuttig": 5,
        "stellingen__zinloos": 1,
        "aantal": 12,
        "uren": 7.5,
        "cijfer": 9,
        "aanbeveling": 10,
        "verder": True,
        "toelichting": "Prima",
        "datum": "2025-06-30",
        "begintijd": "09:15",
        "afspraak": None,
        "tevredenheid": 4.5,
        "collega": [],  # the one row shown was left empty
        "totaal_uren": 90,  # the calculation: aantal * uren
    }


def valid_answer(question: Question, html: str) -> list[str]:
    """A valid posted value for a question, read from its definition (first options)."""
    low, _ = question.bounds()
    if question.type in ("integer", "decimal"):
        return [str(int(low if low is not None else 1))]
    if question.type == "date":
        return ["2025-03-01"]
    if question.type == "text":
        return ["x" * ((question.constraint.min_length or 1) if question.constraint else 1)]
    options = re.findall(rf'name="{question.name}" value="([^"]*)"', html)
    wanted = question.constraint.min_selected if question.constraint else None
    return options[: wanted or 1]


REAL_SURVEYS = sorted(
    p
    for p in (DATA.parents[2] / "surveys").glob("*/*.yaml")
    if p.name not in ("programme.yaml", "codebook.yaml")
)


@pytest.mark.parametrize("path", REAL_SURVEYS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_real_instrument_can_be_completed(
    engine: Engine, participant: Participant, path: Path
) -> None:
    survey = load_instrument(path)
    participant.start(open_survey(engine, path))
    for _ in range(len(survey.pages) + 1):
        if "/p/" not in participant.path:
            break
        page = survey.pages[flow.page_index(survey, participant.path.rsplit("/", 1)[1]) or 0]
        answers: dict[str, object] = {}
        asked = [
            inner.model_copy(update={"name": f"{question.name}__{row}__{inner.name}"})
            if question.type == "repeat"
            else question
            for question in page.questions
            for row in range(1, question.row_limit() + 1 if question.type == "repeat" else 2)
            for inner in (question.questions or [question])
        ]
        for question in asked:
            for name in question.columns():
                if question.type == "date" and f'name="{name}__day"' in participant.html:
                    answers.update({f"{name}__{part}": v for part, v in DATE_PARTS.items()})
                elif f'name="{name}"' in participant.html:
                    fake = (
                        question
                        if name == question.name
                        else question.model_copy(update={"name": name, "type": "select_one"})
                    )
                    answers[name] = valid_answer(fake, participant.html)
        page_response = participant.post(answers)
        assert page_response.status_code == 200, participant.html
        assert "error-summary" not in participant.html, (path, page.name)
    assert participant.path.endswith("/done"), participant.path
    assert only_response(engine).status == "complete"
