"""The Open answers page: search, paging, and marking quotes publishable (roles, CSRF)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mel.disclosure.quotes import digest
from mel.models import AuditEvent, QuoteMark
from mel.services import texts
from tests.staff.conftest import Auth, csrf_token

PAGE = "/staff/p/alpha/texts?question=alpha-meting:toelichting"


def test_identical_answers_once_with_search_and_pages(
    seeded: Engine, client: FlaskClient, auth: Auth, monkeypatch: pytest.MonkeyPatch
) -> None:
    auth.as_role("researcher")
    page = client.get(PAGE).text
    assert "Goed" in page and "=HYPERLINK" in page
    assert "2 verschillende antwoorden" in page
    found = client.get(PAGE + "&q=GOE").text
    assert "Goed" in found and "=HYPERLINK" not in found
    assert "1 verschillende antwoorden" in found
    monkeypatch.setattr(texts, "PAGE_SIZE", 1)
    first = client.get(PAGE).text
    second = client.get(PAGE + "&page=2").text
    goed = f'id="a-{digest("Goed")[:12]}"'
    assert "=HYPERLINK" in first and goed not in first  # alphabetical: "=" before "G"
    assert goed in second and "Pagina 2 van 2" in second and 'rel="prev"' in second
    assert 'rel="next"' in first and "page=2" in first
    assert goed in client.get(PAGE + "&page=99").text  # past the end: the last page
    assert client.get(PAGE + "&page=x").status_code == 200
    # a researcher reads but does not mark
    assert "Markeer als publiceerbaar" not in page


def _mark(client: FlaskClient, text: str, publishable: str = "1", token: str | None = None):  # type: ignore[no-untyped-def]
    page = client.get(PAGE).text
    return client.post(
        "/staff/p/alpha/texts/mark?wave=w2025",
        data={
            "csrf_token": token if token is not None else csrf_token(page),
            "question": "alpha-meting:toelichting",
            "digest": digest(text),
            "publishable": publishable,
        },
    )


def test_staff_marks_a_quote_publishable_and_takes_it_back(
    seeded: Engine, client: FlaskClient, auth: Auth
) -> None:
    auth.as_role("staff")
    assert "Markeer als publiceerbaar" in client.get(PAGE).text
    done = _mark(client, "Goed")
    assert done.status_code == 303 and "question=alpha-meting" in done.headers["Location"]
    page = client.get(PAGE).text
    assert "Publiceerbaar</p>" in page and "Niet meer publiceerbaar" in page
    with Session(seeded) as session:
        [mark] = session.exec(select(QuoteMark)).all()
        assert (mark.instrument, mark.question, mark.publishable) == (
            "alpha-meting",
            "toelichting",
            True,
        )
        assert mark.digest == digest("Goed") and mark.marked_by == "staff@alpha.example"
    assert _mark(client, "Goed", "0").status_code == 303
    with Session(seeded) as session:
        [mark] = session.exec(select(QuoteMark)).all()
        assert mark.publishable is False
        actions = [e.action for e in session.exec(select(AuditEvent)).all()]
    assert "quote_publishable" in actions and "quote_not_publishable" in actions
    assert "Publiceerbaar</p>" not in client.get(PAGE).text


def test_marking_needs_csrf_a_role_and_a_real_answer(
    seeded: Engine, client: FlaskClient, auth: Auth
) -> None:
    auth.as_role("staff")
    assert _mark(client, "Goed", token="").status_code == 400
    unknown = _mark(client, "Een antwoord dat niemand gaf")
    assert unknown.status_code == 400 and "bestaat niet" in unknown.text
    auth.logout()
    auth.as_role("researcher")
    page = client.get("/staff/p/alpha/").text
    response = client.post(
        "/staff/p/alpha/texts/mark?wave=w2025",
        data={
            "csrf_token": csrf_token(page),
            "question": "alpha-meting:toelichting",
            "digest": digest("Goed"),
            "publishable": "1",
        },
    )
    assert response.status_code == 403
    with Session(seeded) as session:
        assert session.exec(select(QuoteMark)).all() == []
