"""Dates in three boxes (day, month, year): stored as ISO text, checked part by part and
against a plausible range (the file's min/max, else 1900 to 2100)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from mel.settings import project_path
from mel.surveys.expr.functions import today
from mel.web.survey.values import DateProblem, date_from_parts
from tests.factories import open_survey
from tests.web.conftest import Participant, only_response


def date_survey(**question: Any) -> dict[str, Any]:
    """A two-page survey whose first page asks date question `v`."""
    return {
        "instrument": "t-date",
        "programme": "web-test",
        "version": 1,
        "title": {"nl": "Datum", "en": "Date"},
        "pages": [
            {
                "name": "vraag",
                "questions": [
                    {
                        "name": "v",
                        "type": "date",
                        "label": {"nl": "Wanneer?", "en": "When?"},
                        **question,
                    }
                ],
            },
            {
                "name": "einde",
                "questions": [{"name": "slot", "type": "text", "label": {"nl": "Slot"}}],
            },
        ],
    }


def boxes(day: date | str, month: str = "", year: str = "") -> dict[str, str]:
    """The posted boxes of question `v`, from a date or from three typed parts."""
    if isinstance(day, date):
        day, month, year = str(day.day), str(day.month), str(day.year)
    return {"v__day": day, "v__month": month, "v__year": year}


def invalid_boxes(html: str) -> list[str]:
    """Return the ids of the boxes marked aria-invalid."""
    return re.findall(r'id="(q-v-\w+)"[^>]*aria-invalid="true"', html)


def test_day_month_year_in_that_order(engine: Engine, participant: Participant) -> None:
    participant.start(open_survey(engine, date_survey()))
    html = participant.html
    assert re.search(r'<fieldset class="fieldset" role="group"[^>]*>\s*<legend', html)
    assert "Bijvoorbeeld 27 3 2025" in html
    assert [m for m in re.findall(r'<label[^>]*for="(q-v-\w+)">(\w+)<', html)] == [
        ("q-v-day", "Dag"),
        ("q-v-month", "Maand"),
        ("q-v-year", "Jaar"),
    ]
    assert 'inputmode="numeric"' in html and 'type="date"' not in html
    participant.post(boxes("01", "03", "2025"))
    assert participant.path.endswith("/p/einde")
    assert only_response(engine).answers == {"v": "2025-03-01"}
    participant.post({}, action="back")
    form = participant.form()
    assert [form["v__day"], form["v__month"], form["v__year"]] == ["1", "3", "2025"]


def test_only_the_wrong_parts_are_marked(engine: Engine, participant: Participant) -> None:
    participant.start(open_survey(engine, date_survey()))
    participant.post(boxes("1", "13", "2025"))
    html = participant.html
    assert "De maand moet een getal van 1 tot en met 12 zijn" in html
    assert invalid_boxes(html) == ["q-v-month"]
    assert '<a href="#q-v-month">' in html  # the summary links to the box to correct
    participant.post(boxes("", "3", ""))
    html = participant.html
    assert "Wanneer? Vul ook de dag en het jaar in" in html
    assert invalid_boxes(html) == ["q-v-day", "q-v-year"] and '<a href="#q-v-day">' in html
    assert participant.form()["v__month"] == "3"
    assert only_response(engine).answers == {}


def test_empty_is_fine_unless_required(engine: Engine, participant: Participant) -> None:
    participant.start(open_survey(engine, date_survey()))
    participant.post(boxes("", "", ""))
    assert only_response(engine).answers == {"v": None}


def test_range_from_the_file(engine: Engine, participant: Participant) -> None:
    participant.start(open_survey(engine, date_survey(min="2019-01-01", max="today")))
    # The participants' today when the test runs (not when it was collected: a run that
    # passes midnight in Amsterdam would otherwise post today as "tomorrow").
    now = today()
    for wrong in (now + timedelta(days=1), date(2018, 12, 31)):
        participant.post(boxes(wrong))
        assert "Vul een datum in van 1 januari 2019 tot en met vandaag" in participant.html
        assert invalid_boxes(participant.html) == ["q-v-day", "q-v-month", "q-v-year"]
    participant.get(participant.path + "?lang=en")
    participant.post(boxes(date(2018, 12, 31)))
    assert "Enter a date from 1 January 2019 to today" in participant.html
    participant.post(boxes(now))
    assert only_response(engine).answers == {"v": now.isoformat()}


def test_the_files_own_message_wins(engine: Engine, participant: Participant) -> None:
    message = {"nl": "Kies een dag in 2025.", "en": "Choose a day in 2025."}
    survey = date_survey(min="2025-01-01", max="2025-12-31", constraint={"message": message})
    participant.start(open_survey(engine, survey))
    participant.post(boxes(date(2024, 12, 31)))
    assert "Kies een dag in 2025." in participant.html


@pytest.mark.parametrize("wrong", [date(1, 1, 1), date(9999, 12, 31)])
def test_implausible_dates_are_refused_by_the_dw_monitor(
    engine: Engine, participant: Participant, wrong: date
) -> None:
    """Issue #11: 0001-01-01 and 9999-12-31 were accepted as 'help completed'."""
    path = project_path("surveys") / "digitale-werkplaatsen" / "impactmonitor.yaml"
    participant.start(open_survey(engine, path))
    answers = {"soort_traject": "traject", "onderwerpen": ["website"]}
    typed = {
        "datum_afgerond__day": str(wrong.day),
        "datum_afgerond__month": str(wrong.month),
        "datum_afgerond__year": f"{wrong.year:04d}",
    }
    participant.post({**answers, **typed})
    assert "Vul een datum in van 1 januari 2019 tot en met vandaag" in participant.html
    assert participant.path.endswith("/p/traject")
    assert only_response(engine).answers == {}


def test_a_whole_date_from_an_older_page_is_still_understood(
    engine: Engine, participant: Participant
) -> None:
    """A page served before the three boxes posts the date under the question's name."""
    participant.start(open_survey(engine, date_survey()))
    participant.post({"v": "1-3-2025"}, fresh=True)
    assert only_response(engine).answers == {"v": "2025-03-01"}


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("", "", ""), None),
        ((" 1 ", "03", "2025"), date(2025, 3, 1)),
        (("29", "2", "2024"), date(2024, 2, 29)),
        (("29", "2", "2025"), DateProblem("err_date_exists", ("day",), 29, 2)),
        (("", "3", ""), DateProblem("err_date_missing", ("day", "year"))),
        (("0", "0", "2025"), DateProblem("err_date_day", ("day", "month"))),
        (("x", "3", "2025"), DateProblem("err_date_day", ("day",))),
        (("1", "3", "25"), DateProblem("err_date_year", ("year",))),
        (("1", "3", "0000"), DateProblem("err_date_year", ("year",))),
    ],
)
def test_date_from_parts(parts: tuple[str, str, str], expected: object) -> None:
    assert date_from_parts(*parts) == expected
