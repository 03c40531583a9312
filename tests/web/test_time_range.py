"""Time, date-time and range questions: typed, checked, stored."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from mel.web.survey.time_fields import parse_time
from tests.factories import open_survey
from tests.web.conftest import DATA, Participant, only_response


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("14:30", "14:30"),
        ("9.05", "09:05"),
        ("1430", "14:30"),
        ("0:00", "00:00"),
        ("24:00", None),
        ("12:60", None),
        ("half drie", None),
        ("", None),
    ],
)
def test_parse_time(typed: str, stored: str | None) -> None:
    assert parse_time(typed) == stored


def test_time_datetime_and_ranges(engine: Engine, participant: Participant) -> None:
    participant.start(open_survey(engine, DATA / "timerange.yaml"))
    html = participant.html
    assert 'for="q-afspraak-time"' in html  # the time box is labelled
    assert 'value="2.5"' in html and ">2,5<" in html  # 0 to 5 by 0.5 as buttons, Dutch label
    assert 'name="budget"' in html and 'id="q-budget-0"' not in html  # 41 values: a box
    participant.post(
        {
            "begintijd": "25:00",
            "afspraak__day": "3",
            "afspraak__month": "4",
            "afspraak__year": "2026",
            "tevredenheid": "3.5",
            "budget": "300",
        }
    )
    assert participant.path.endswith("/p/wanneer")
    html = participant.html
    assert "Vul een tijd in van 00:00 tot en met 23:59" in html
    assert "Vul ook de tijd in" in html
    assert "Kies een waarde van 0 tot en met 10000 in stappen van 250" in html
    participant.post({"begintijd": "8.45", "afspraak__time": "1330", "budget": "1.250"})
    answers = only_response(engine).answers
    assert answers == {
        "begintijd": "08:45",
        "afspraak": "2026-04-03T13:30",
        "tevredenheid": 3.5,
        "budget": 1250,
    }
