"""Coding review findings: several codes per passage, part of a passage; theme counts by hand."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mel.models import Programme, ReviewCoding
from mel.services.privacy import erase_respondent
from mel.services.reviews.coding import add_codings, codings_of, remove_coding
from mel.services.reviews.passages import PassageError, locate
from mel.services.reviews.store import review_responses
from mel.services.reviews.themes import theme_counts
from mel.surveys.loader import load_codebook
from tests.review_factories import (
    SURVEYS,
    add_review,
    make_pps,
    make_wave,
    publish_review,
    review_answers,
)

BOOK = load_codebook(SURVEYS / "katapult" / "codebook.yaml")
FINDING = (
    "Het mkb doet actief mee aan de projecten. De pps hangt wel af van twee docenten; "
    "als zij vertrekken valt veel stil."
)


def _setup(session: Session) -> dict[str, object]:
    """Wave 2024: 4 pps in Oost, 2 in West, 3 in Noord; wave 2026: two of Oost again."""
    version = publish_review(session)
    oost, west, noord = (
        make_pps(session, 4, "Oost"),
        make_pps(session, 2, "West"),
        make_pps(session, 3, "Noord"),
    )
    first, second = make_wave(session, "review-2024", 2024), make_wave(session, "review-2026", 2026)
    answers = review_answers(
        {"bevinding_samenwerking": FINDING},
        [("Financiering na 2027 regelen", "borging", "Jan de Vries")],
    )
    made = {}
    for unit in oost + west + noord:
        made[unit.code] = add_review(session, version, first, unit, answers)
    for unit in oost[:2]:
        made[f"{unit.code}/2026"] = add_review(session, version, second, unit, answers)
    programme = session.exec(select(Programme).where(Programme.code == "katapult")).one()
    return {"made": made, "programme": programme, "oost": oost, "west": west}


def _review(session: Session, response_id: int):  # noqa: ANN202
    programme = session.exec(select(Programme).where(Programme.code == "katapult")).one()
    return next(r for r in review_responses(session, programme.id) if r.id == response_id)


def test_several_codes_on_a_part_of_a_passage(engine: Engine) -> None:
    with Session(engine) as session:
        made = _setup(session)["made"]
        review = _review(session, made["pps-oost-00"].id)
        added = add_codings(
            session,
            review=review,
            answer_key="bevinding_samenwerking",
            excerpt="De pps hangt wel af van   twee docenten",  # spaces as copied
            codes=["partners_afhankelijk", "docentprofessionalisering"],
            book=BOOK,
            user_id=None,
        )
        assert [c.code for c in added] == ["partners_afhankelijk", "docentprofessionalisering"]
        start = FINDING.index("De pps")
        assert {(c.span_start, c.span_end) for c in added} == {(start, start + 37)}
        assert FINDING[start : start + 37] == "De pps hangt wel af van twee docenten"
        # the whole answer is another passage; a code given twice is stored once
        whole = add_codings(
            session,
            review=review,
            answer_key="bevinding_samenwerking",
            excerpt="",
            codes=["mkb_betrokken", "mkb_betrokken"],
            book=BOOK,
            user_id=None,
        )
        again = add_codings(
            session,
            review=review,
            answer_key="bevinding_samenwerking",
            excerpt=" ",
            codes=["mkb_betrokken"],
            book=BOOK,
            user_id=None,
        )
        assert [(c.span_start, c.span_end) for c in whole] == [(0, len(FINDING))]
        assert again == []
        session.commit()
        stored = codings_of(session, [review.id])
        assert len(stored) == 3 and all(c.coded_at is not None for c in stored)
        assert remove_coding(session, response_id=review.id, coding_id=stored[0].id or 0)
        assert not remove_coding(session, response_id=review.id + 999, coding_id=stored[1].id or 0)
        assert len(codings_of(session, [review.id])) == 2


@pytest.mark.parametrize(
    ("key", "excerpt", "codes", "message"),
    [
        ("bevinding_samenwerking", "niet in de tekst", ["mkb_betrokken"], "review_err_passage"),
        ("bevinding_samenwerking", "", [], "review_err_no_code"),
        ("bevinding_samenwerking", "", ["geen_code"], "review_err_code"),
        ("score_visie", "", ["mkb_betrokken"], "review_err_answer"),
        ("acties.9.actie", "", ["mkb_betrokken"], "review_err_answer"),
    ],
)
def test_refused_codings_say_why(
    engine: Engine, key: str, excerpt: str, codes: list[str], message: str
) -> None:
    with Session(engine) as session:
        made = _setup(session)["made"]
        review = _review(session, made["pps-oost-00"].id)
        with pytest.raises(PassageError) as caught:
            add_codings(
                session,
                review=review,
                answer_key=key,
                excerpt=excerpt,
                codes=codes,
                book=BOOK,
                user_id=None,
            )
        assert caught.value.key == message


def test_a_passage_found_twice_is_taken_where_asked() -> None:
    text = "goed. goed. goed."
    assert locate(text, "goed") == (0, 4)
    assert locate(text, "goed", start=6) == (6, 10)
    assert locate(text, "goed", start=3) == (0, 4)  # no occurrence there: the first


def _code(
    session: Session, made: dict, unit: str, key: str, excerpt: str, codes: list[str]
) -> None:
    add_codings(
        session,
        review=_review(session, made[unit].id),
        answer_key=key,
        excerpt=excerpt,
        codes=codes,
        book=BOOK,
        user_id=None,
    )


def test_theme_counts_by_hand(engine: Engine) -> None:
    with Session(engine) as session:
        setup = _setup(session)
        made = setup["made"]
        # Oost 00: one passage, two codes of samenwerking; a part of its borging self evaluation
        _code(
            session,
            made,
            "pps-oost-00",
            "bevinding_samenwerking",
            "",
            ["mkb_betrokken", "partners_afhankelijk"],
        )
        _code(
            session, made, "pps-oost-00", "zelf_borging", "Zelfevaluatie", ["financiering_onzeker"]
        )
        # Oost 01: a part of the samenwerking finding; its action under borging
        _code(
            session,
            made,
            "pps-oost-01",
            "bevinding_samenwerking",
            "Het mkb doet actief mee",
            ["mkb_betrokken"],
        )
        _code(session, made, "pps-oost-01", "acties.1.actie", "", ["financiering_onzeker"])
        # West 00: visie
        _code(session, made, "pps-west-00", "bevinding_visie", "", ["visie_gedeeld"])
        # 2026: Oost 00 again, samenwerking
        _code(session, made, "pps-oost-00/2026", "bevinding_samenwerking", "", ["mkb_betrokken"])
        session.commit()
        programme = setup["programme"]
        reviews = review_responses(session, programme.id)
        codings = codings_of(session, [r.id for r in reviews])

        groups, rows = theme_counts(reviews, codings, BOOK, k=3)
        assert [(g.wave_code, g.reviewed, g.hidden) for g in groups] == [
            ("review-2024", 9, False),
            ("review-2026", 2, True),  # 2 reviewed units < k = 3: nothing shown
        ]
        table = {(r.theme, r.code): (r.units, r.passages) for r in rows}
        assert table[("samenwerking", None)] == ((2, None), (2, None))
        assert table[("samenwerking", "mkb_betrokken")] == ((2, None), (2, None))
        assert table[("samenwerking", "partners_afhankelijk")] == ((1, None), (1, None))
        assert table[("borging", None)] == ((2, None), (2, None))
        assert table[("borging", "financiering_onzeker")] == ((2, None), (2, None))
        assert table[("visie", None)] == ((1, None), (1, None))
        assert table[("onderwijs", None)] == ((0, None), (0, None))

        groups, rows = theme_counts(reviews, codings, BOOK, k=3, by="region")
        shown = [(g.wave_code, g.value, g.reviewed, g.hidden) for g in groups]
        # West (2) is too small; Noord (3), the smallest shown, goes with it, or West's
        # count would follow from the total minus Oost and Noord.
        assert shown == [
            ("review-2024", None, 9, False),
            ("review-2024", "Noord", 3, True),
            ("review-2024", "Oost", 4, False),
            ("review-2024", "West", 2, True),
            ("review-2026", None, 2, True),
            ("review-2026", "Oost", 2, True),
        ]
        table = {(r.theme, r.code): (r.units, r.passages) for r in rows}
        assert table[("samenwerking", None)] == (
            (2, None, 2, None, None, None),
            (2, None, 2, None, None, None),
        )
        assert table[("visie", None)][0] == (1, None, 0, None, None, None)


def test_erasing_a_respondent_erases_the_codings_of_their_answers(engine: Engine) -> None:
    with Session(engine) as session:
        made = _setup(session)["made"]
        _code(session, made, "pps-oost-00", "bevinding_visie", "", ["visie_gedeeld"])
        session.commit()
        assert erase_respondent(session, made["pps-oost-00"].respondent_id) == 1
        session.commit()
        assert session.exec(select(ReviewCoding)).all() == []
