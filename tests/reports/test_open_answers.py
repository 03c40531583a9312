"""The report's open answers: counts per question, scrubbed quotes, marked ones first."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session

from mel.disclosure.quotes import digest
from mel.kpi.frames import Frames
from mel.reports.open_answers import open_answers
from mel.services.quotes import set_mark
from mel.surveys.schema import InstrumentDefinition
from tests.staff.conftest import programme_definition, seed_programme, survey, wave_of

TEXT = "Met Jan de Vries (jan@school.nl, 06-12345678) praktijkopdrachten uitgewerkt."


def _sections(engine: Engine, k: int = 10):  # type: ignore[no-untyped-def]
    programme = programme_definition("alpha")
    instruments = {"alpha-meting": InstrumentDefinition.model_validate(survey("alpha"))}
    frames = Frames(engine, programme, instruments)
    with Session(engine) as session:
        wave = wave_of(session)
    return open_answers(engine, programme, instruments, ["alpha-meting"], frames, wave, "nl", k)


def test_counts_and_scrubbed_quotes_of_open_questions(engine: Engine) -> None:
    seed_programme(engine, "alpha", text=TEXT)
    [section], table = _sections(engine)
    # the sensitive question (e-mail addresses) is not in the report at all
    assert [q.label for q in section.questions] == ["Toelichting"]
    [question] = section.questions
    complete = int(table.data.loc[0, "answers"])
    assert question.answers == complete > 10
    assert question.count == f"{complete} antwoorden."
    # one quotable answer ("=HYPERLINK(...)" is one word): scrubbed
    assert question.quotes == [
        "Met [naam] ([e-mailadres], [telefoonnummer]) praktijkopdrachten uitgewerkt."
    ]
    assert list(table.data.columns) == ["instrument", "question", "answers", "quotes"]
    # fewer answers than k: counted, but no quotes
    [small], _ = _sections(engine, k=1000)
    assert small.questions[0].quotes == [] and "Minder dan 1000" in small.questions[0].note


def test_marked_quotes_come_first(engine: Engine) -> None:
    seed_programme(engine, "alpha", text="Dit is een lang genoeg antwoord van iemand.")
    [before], _ = _sections(engine)
    assert len(before.questions[0].quotes) == 1
    hyperlink = '=HYPERLINK("http://x") is ook een antwoord'
    # a marked answer that is not quotable (too short) is still never printed
    with Session(engine) as session:
        set_mark(
            session,
            wave=wave_of(session),
            instrument="alpha-meting",
            question="toelichting",
            digest=digest(hyperlink),
            publishable=True,
            actor="staff@alpha.example",
        )
        session.commit()
    [after], _ = _sections(engine)
    assert after.questions[0].quotes == before.questions[0].quotes
