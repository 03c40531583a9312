"""Piping: earlier answers in labels, hints and choice labels, escaped and never cached."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from tests.factories import open_survey
from tests.web.conftest import DATA, Participant


def test_answers_are_shown_in_texts_and_escaped(engine: Engine, participant: Participant) -> None:
    participant.start(open_survey(engine, DATA / "piping.yaml"))
    participant.post({"naam": "<b>Bakker & Zn</b>", "werknemers": "12,5", "branche": "zorg"})
    html = participant.html
    assert "Heeft &lt;b&gt;Bakker &amp; Zn&lt;/b&gt; (Zorg) volgend jaar meer werknemers?" in html
    assert "<b>Bakker" not in html
    assert "Nu: 12,5." in html  # a Dutch decimal comma
    assert "Meer dan 12,5" in html and "Minder dan 12,5" in html
    assert "${" not in html


def test_a_second_participant_sees_their_own_answers(
    engine: Engine, participant: Participant, app, client
) -> None:
    link = open_survey(engine, DATA / "piping.yaml")
    participant.start(link)
    participant.post({"naam": "Eerste", "werknemers": "3", "branche": "bouw"})
    assert "Meer dan 3" in participant.html
    with app.test_client() as other_client:
        other = Participant(other_client)
        other.start(link)
        other.post({"naam": "Tweede", "werknemers": "40", "branche": "zorg"})
        assert "Tweede (Zorg)" in other.html and "Meer dan 40" in other.html
        assert "Eerste" not in other.html and "Meer dan 3<" not in other.html


def test_unanswered_shows_nothing_and_english_labels(
    engine: Engine, participant: Participant
) -> None:
    participant.start(open_survey(engine, DATA / "piping.yaml"))
    participant.post({"naam": "", "werknemers": "", "branche": "bouw"})
    assert "Heeft  (Bouw) volgend jaar" in participant.html
    participant.post({"_language": "en"})
    assert "Will  (Construction) have more employees next year?" in participant.html
