"""Actions followed up at the next review: the previous actions pre-filled, their status asked."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mel.db import session_scope
from mel.models import Instrument, Response, Unit, Wave
from mel.services.invitations import Invitee, create_invitations
from mel.services.reviews.followup import starting_answers
from mel.surveys.loader import load_instrument
from tests.review_factories import (
    PEER_REVIEW,
    THEMES,
    add_review,
    make_pps,
    make_wave,
    publish_review,
    review_answers,
)
from tests.web.conftest import Participant

SURVEY = load_instrument(PEER_REVIEW)
ACTIONS = [
    ("Financiering na 2027 regelen", "borging", "bestuurder"),
    ("Twee mkb-bedrijven extra betrekken", "samenwerking", "projectleider"),
]


def _history(engine: Engine) -> tuple[str, int, int]:
    """A 2024 review of pps 0 with two actions, an older 2022 one, and an open 2026 wave;
    return the 2026 invitation link of pps 0, its unit id and the 2026 wave id."""
    with session_scope(engine) as session:
        version = publish_review(session)
        unit, other = make_pps(session, 2)
        old = make_wave(session, "review-2022", 2022)
        add_review(session, version, old, unit, review_answers(actions=[("Oud", "visie", "x")]))
        first = make_wave(session, "review-2024", 2024)
        add_review(session, version, first, unit, review_answers(actions=ACTIONS))
        add_review(
            session, version, first, other, review_answers(actions=[("Ander", "visie", "y")])
        )
        second = make_wave(session, "review-2026", 2026, status="open")
        instrument = session.exec(
            select(Instrument).where(Instrument.code == "katapult-peerreview")
        ).one()
        (issued,) = create_invitations(
            session, wave=second, instrument=instrument, invitees=[Invitee(unit=unit)]
        )
        return issued.url, int(unit.id or 0), int(second.id or 0)


def test_the_next_review_starts_with_the_previous_actions(
    engine: Engine, participant: Participant
) -> None:
    link, unit_id, wave_id = _history(engine)
    participant.start(link)
    assert participant.path.endswith("/p/opening")
    assert participant.form()["eerdere_review"] == "yes"  # filled in: there was a review
    participant.post(
        {
            "datum_bijeenkomst__day": "12",
            "datum_bijeenkomst__month": "3",
            "datum_bijeenkomst__year": "2026",
            "panelleden": "4",
        }
    )
    assert participant.path.endswith("/p/vorige_acties_pagina"), participant.html
    html = participant.html
    # the 2024 actions (not 2022's, not the other pps'), with owner and due date
    assert 'value="Financiering na 2027 regelen"' in html
    assert 'value="Twee mkb-bedrijven extra betrekken"' in html
    assert 'value="bestuurder"' in html and 'value="2027-01-31"' in html
    assert "Oud" not in html and "Ander" not in html
    participant.post({})  # the status is required in every row
    assert participant.path.endswith("/p/vorige_acties_pagina")
    participant.post(
        {
            "vorige_acties__1__vorige_actie_status": "done",
            "vorige_acties__2__vorige_actie_status": "dropped",
            "vorige_acties__2__vorige_actie_toelichting": "Niet meer nodig",
        }
    )
    for theme in THEMES:
        assert participant.path.endswith(f"/p/thema_{theme}"), participant.html
        participant.post(
            {f"zelf_{theme}": "Zelf.", f"bevinding_{theme}": "Gezien.", f"score_{theme}": "3"}
        )
    participant.post(
        {
            "acties__1__actie": "Nieuwe actie",
            "acties__1__actie_eigenaar": "coördinator",
            "acties__1__actie_datum__day": "1",
            "acties__1__actie_datum__month": "6",
            "acties__1__actie_datum__year": "2027",
        }
    )
    with Session(engine) as session:
        response = session.exec(select(Response).where(Response.wave_id == wave_id)).one()
    assert response.status == "complete", participant.html
    assert response.answers["eerdere_review"] is True
    assert response.answers["vorige_acties"] == [
        {
            "vorige_actie": "Financiering na 2027 regelen",
            "vorige_actie_eigenaar": "bestuurder",
            "vorige_actie_datum": "2027-01-31",
            "vorige_actie_status": "done",
            "vorige_actie_toelichting": None,
        },
        {
            "vorige_actie": "Twee mkb-bedrijven extra betrekken",
            "vorige_actie_eigenaar": "projectleider",
            "vorige_actie_datum": "2027-01-31",
            "vorige_actie_status": "dropped",
            "vorige_actie_toelichting": "Niet meer nodig",
        },
    ]
    assert response.answers["acties"][0]["actie"] == "Nieuwe actie"


def test_a_first_review_starts_without_actions(engine: Engine) -> None:
    _, unit_id, wave_id = _history(engine)
    with session_scope(engine) as session:
        (fresh,) = make_pps(session, 1, "West")
        assert starting_answers(session, SURVEY, wave_id, fresh.id) == {"eerdere_review": False}
        assert starting_answers(session, SURVEY, wave_id, None) == {}
        # in the 2024 wave itself, the previous review is 2022's
        first = session.exec(select(Wave).where(Wave.code == "review-2024")).one()
        earlier = starting_answers(session, SURVEY, first.id or 0, unit_id)
        assert [row["vorige_actie"] for row in earlier["vorige_acties"]] == ["Oud"]
        # another instrument starts as it always did
        other = SURVEY.model_copy(update={"review": None})
        assert starting_answers(session, other, wave_id, unit_id) == {}
        assert session.get(Unit, unit_id) is not None
