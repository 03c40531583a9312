"""Staff pages of peer reviews: coding through the browser, theme counts, pseudonymous
downloads, CSRF and access (only staff of the review's programme)."""

from __future__ import annotations

import csv
import io

import pytest
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mel.db import session_scope
from mel.models import ReviewCoding, User
from mel.services import accounts
from tests.factories import make_programme
from tests.review_factories import add_review, make_pps, make_wave, publish_review, review_answers

from .conftest import PASSWORD, Auth, csrf_token, make_users

FINDING = (
    "Pps Techniek Oost 1 werkt goed samen met het mkb. Jan de Vries (jan.devries@roc.nl, "
    "06-12345678) trekt het project; mevrouw Bakker regelt de stages."
)


@pytest.fixture
def reviewed(engine: Engine) -> dict[str, str]:
    """Katapult with 12 reviewed pps (a finding naming people), users of Katapult and of
    Techkwadraat; return the public id of pps 1's review by name."""
    with session_scope(engine) as session:
        version = publish_review(session)
        wave = make_wave(session, "review-2026", 2026)
        found = {}
        for unit in make_pps(session, 12):
            answers = review_answers(
                {"bevinding_samenwerking": FINDING},
                [("Stages uitbreiden", "samenwerking", "Jan de Vries")],
            )
            found[unit.code] = add_review(session, version, wave, unit, answers).public_id
        make_programme(session, "techkwadraat")
    make_users(engine, "katapult")
    with session_scope(engine) as session:
        accounts.create_user(
            session,
            email="staff@techkwadraat.example",
            password=PASSWORD,
            role="staff",
            programmes=["techkwadraat"],
        )
    return found


def _code(client: FlaskClient, public_id: str, **form: object) -> object:
    url = f"/staff/p/katapult/reviews/r/{public_id}"
    page = client.get(url)
    assert page.status_code == 200, page.text[:300]
    return client.post(f"{url}/code", data={"csrf_token": csrf_token(page.text), **form})


def test_staff_code_a_part_of_a_finding_with_two_codes(
    engine: Engine, client: FlaskClient, reviewed: dict[str, str]
) -> None:
    Auth(client).as_role("staff", "katapult")
    index = client.get("/staff/p/katapult/reviews/")
    assert index.status_code == 200 and "Pps Techniek Oost 1" in index.text
    response = _code(
        client,
        reviewed["pps-oost-01"],
        answer="bevinding_samenwerking",
        excerpt="werkt goed samen met het mkb",
        codes=["mkb_betrokken", "partners_afhankelijk"],
    )
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert "2 code(s) toegekend." in page.text
    assert "Mkb actief betrokken" in page.text and "staff@katapult.example" in page.text
    with Session(engine) as session:
        rows = session.exec(select(ReviewCoding)).all()
        staff = session.exec(select(User).where(User.email == "staff@katapult.example")).one()
    assert {(r.code, r.answer_key, FINDING[r.span_start : r.span_end]) for r in rows} == {
        ("mkb_betrokken", "bevinding_samenwerking", "werkt goed samen met het mkb"),
        ("partners_afhankelijk", "bevinding_samenwerking", "werkt goed samen met het mkb"),
    }
    assert {r.coded_by for r in rows} == {staff.id}
    # removing one coding
    form = csrf_token(page.text)
    removed = client.post(
        f"/staff/p/katapult/reviews/r/{reviewed['pps-oost-01']}/remove/{rows[0].id}",
        data={"csrf_token": form},
    )
    assert removed.status_code == 303
    with Session(engine) as session:
        assert len(session.exec(select(ReviewCoding)).all()) == 1


def test_a_passage_not_in_the_answer_is_explained(
    client: FlaskClient, reviewed: dict[str, str]
) -> None:
    Auth(client).as_role("researcher", "katapult")
    response = _code(
        client,
        reviewed["pps-oost-01"],
        answer="bevinding_samenwerking",
        excerpt="dit staat er niet",
        codes=["mkb_betrokken"],
    )
    assert response.status_code == 400
    assert "Deze passage staat niet in het antwoord" in response.text


def test_a_coding_without_the_csrf_token_is_refused(
    engine: Engine, client: FlaskClient, reviewed: dict[str, str]
) -> None:
    Auth(client).as_role("staff", "katapult")
    response = client.post(
        f"/staff/p/katapult/reviews/r/{reviewed['pps-oost-01']}/code",
        data={"answer": "bevinding_samenwerking", "codes": ["mkb_betrokken"]},
    )
    assert response.status_code == 400
    with Session(engine) as session:
        assert session.exec(select(ReviewCoding)).all() == []


@pytest.mark.parametrize(
    "url",
    [
        "/staff/p/katapult/reviews/",
        "/staff/p/katapult/reviews/r/{id}",
        "/staff/p/katapult/reviews/themes",
        "/staff/p/katapult/reviews/counts.csv",
        "/staff/p/katapult/reviews/quotes.csv",
    ],
)
def test_staff_of_another_programme_see_nothing(
    client: FlaskClient, reviewed: dict[str, str], url: str
) -> None:
    # As every staff page of a programme one may not see: 404, as for one that does not exist.
    Auth(client).login("staff@techkwadraat.example")
    assert client.get(url.format(id=reviewed["pps-oost-01"])).status_code == 404
    assert client.get(url.replace("katapult", "techkwadraat").format(id="x")).status_code in (
        200,
        404,
    )


def test_staff_of_another_programme_cannot_code(
    engine: Engine, client: FlaskClient, reviewed: dict[str, str]
) -> None:
    Auth(client).login("staff@techkwadraat.example")
    token = csrf_token(client.get("/staff/").text)  # a valid token of their own session
    for url in (
        f"/staff/p/katapult/reviews/r/{reviewed['pps-oost-01']}/code",
        f"/staff/p/techkwadraat/reviews/r/{reviewed['pps-oost-01']}/code",
    ):
        response = client.post(
            url,
            data={
                "csrf_token": token,
                "answer": "bevinding_samenwerking",
                "codes": ["mkb_betrokken"],
            },
        )
        assert response.status_code == 404
    with Session(engine) as session:
        assert session.exec(select(ReviewCoding)).all() == []


def _rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_theme_counts_and_pseudonymous_quotes(
    client: FlaskClient, reviewed: dict[str, str]
) -> None:
    Auth(client).as_role("staff", "katapult")
    for code in ("pps-oost-01", "pps-oost-02", "pps-oost-03"):
        _code(
            client,
            reviewed[code],
            answer="bevinding_samenwerking",
            excerpt="",
            codes=["mkb_betrokken"],
        )
    _code(
        client,
        reviewed["pps-oost-01"],
        answer="acties.1.actie",
        excerpt="",
        codes=["mkb_betrokken", "docentprofessionalisering"],
    )
    page = client.get("/staff/p/katapult/reviews/themes")
    assert page.status_code == 200
    counts = client.get("/staff/p/katapult/reviews/counts.csv")
    rows = {(r["theme"], r["code"]): r for r in _rows(counts.data)}
    # 12 reviewed pps; 3 with a coded passage under mkb_betrokken, in 4 passages
    assert rows[("samenwerking", "")]["reviewed_units"] == "12"
    assert (
        rows[("samenwerking", "mkb_betrokken")]["units"],
        rows[("samenwerking", "mkb_betrokken")]["passages"],
    ) == ("3", "4")
    assert (rows[("onderwijs", "")]["units"], rows[("onderwijs", "")]["passages"]) == ("1", "1")
    assert rows[("borging", "")]["units"] == "0"
    quotes = client.get("/staff/p/katapult/reviews/quotes.csv")
    text = quotes.data.decode("utf-8-sig")
    found = _rows(quotes.data)
    assert len(found) == 4
    assert {r["unit"] for r in found} <= {f"pps {i:03d}" for i in range(1, 13)}
    assert len({r["unit"] for r in found}) == 3
    for secret in ("Oost", "Jan", "Vries", "roc.nl", "12345678", "Bakker"):
        assert secret not in text and secret not in page.text
    scrubbed = "[naam] ([e-mailadres], [telefoonnummer]) trekt het project; mevrouw [naam] regelt"
    assert scrubbed in text
    # the unit named in the quote is shown by its pseudonym, as the quote's own unit is
    named = next(r for r in found if r["part"] == "bevinding" and r["quote"].startswith("pps "))
    assert named["quote"].split(" werkt")[0] in {f"pps {i:03d}" for i in range(1, 13)}


def test_small_groups_are_hidden(client: FlaskClient, reviewed: dict[str, str], app) -> None:  # noqa: ANN001
    app.config["MIN_GROUP_SIZE"] = 13  # 12 reviewed pps: too few
    Auth(client).as_role("staff", "katapult")
    _code(
        client,
        reviewed["pps-oost-01"],
        answer="bevinding_samenwerking",
        excerpt="",
        codes=["mkb_betrokken"],
    )
    rows = _rows(client.get("/staff/p/katapult/reviews/counts.csv").data)
    assert rows and all(r["units"] == "" and r["suppressed"] == "True" for r in rows)
    assert client.get("/staff/p/katapult/reviews/themes?by=region").status_code == 200
    assert client.get("/staff/p/katapult/reviews/themes?by=naam").status_code == 400


def test_the_themes_page_shows_the_first_quotes_and_the_csv_all(
    client: FlaskClient, reviewed: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("mel.web.staff.reviews.QUOTES_SHOWN", 2)
    Auth(client).as_role("staff", "katapult")
    for code in ("pps-oost-01", "pps-oost-02", "pps-oost-03"):
        _code(
            client,
            reviewed[code],
            answer="bevinding_samenwerking",
            excerpt="",
            codes=["mkb_betrokken"],
        )
    page = client.get("/staff/p/katapult/reviews/themes")
    assert "De eerste 2 van 3 citaten" in page.text
    assert page.text.count("<q>") == 2
    assert len(_rows(client.get("/staff/p/katapult/reviews/quotes.csv").data)) == 3
