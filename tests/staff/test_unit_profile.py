"""A unit's coordinator sees exactly their own unit's progress profile online (issue #16).

The demo's two years of Katapult progress measurement, a coordinator account for pps-001
and one for pps-002, and a staff account: each coordinator reaches only their own profile
(404 for any other unit, 403 for the staff pages), staff reach every unit's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from mel.app import create_app
from mel.data.census import census_data
from mel.db import make_engine, session_scope, upgrade
from mel.demo import simulate
from mel.kpi.definitions import published_programme
from mel.kpi.progress import unit_profile
from mel.models import User
from mel.services import accounts
from mel.services.accounts import AccountError
from mel.surveys.loader import load_catalogue
from mel.surveys.publish import publish_catalogue
from tests.conftest import BACKENDS, PG_URL
from tests.factories import postgres_schema
from tests.staff.conftest import PASSWORD, csrf_token

SURVEYS = Path(__file__).parents[2] / "surveys"


@pytest.fixture(scope="module", params=BACKENDS)
def census_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    """The demo's Katapult (two census years) with two coordinators and a staff member."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'census.sqlite'}"
        else:
            assert PG_URL is not None
            url = stack.enter_context(postgres_schema(PG_URL))
        engine = make_engine(url)
        stack.callback(engine.dispose)
        upgrade(engine)
        catalogue = load_catalogue([SURVEYS])
        with session_scope(engine) as session:
            publish_catalogue(session, catalogue)
        simulate(engine, seed=7, scale=0.2, programmes=["katapult"])
        with session_scope(engine) as session:
            for unit in ("pps-001", "pps-002"):
                accounts.create_user(
                    session,
                    email=f"{unit}@katapult.example",
                    password=PASSWORD,
                    role="coordinator",
                    programmes=["katapult"],
                    unit=unit,
                )
            accounts.create_user(
                session,
                email="staff@katapult.example",
                password=PASSWORD,
                role="staff",
                programmes=["katapult"],
            )
        app = create_app(
            {"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "t",
             "RATELIMIT_STORAGE_URI": "memory://"}
        )  # fmt: skip
        stack.callback(app.extensions["mel.engine"].dispose)
        yield app


def login(client: FlaskClient, email: str) -> str:
    page = client.get("/staff/login")
    response = client.post(
        "/staff/login",
        data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(page.text)},
    )
    assert response.status_code == 303, response.text
    return response.headers["Location"]


def own_values(app: Flask, unit: str) -> list[str]:
    """The unit's own figures of the latest year, as the page writes them."""
    engine = app.extensions["mel.engine"]
    with Session(engine) as session:
        programme = published_programme(session, "katapult")
        assert programme.progress is not None
        data = census_data(session, "katapult", programme.progress.instrument)
    profile = unit_profile(data, programme.progress, 2026, unit)
    from mel.reports.census_profile import profile_table

    return [row[1] for row in profile_table(profile, "nl").rows]


def test_a_coordinator_lands_on_and_sees_exactly_their_own_profile(census_app: Flask) -> None:
    client = census_app.test_client()
    assert login(client, "pps-001@katapult.example").endswith("/staff/profile")
    page = client.get("/staff/profile", follow_redirects=True)
    assert page.status_code == 200
    assert page.request.path == "/staff/p/katapult/progress/pps-001"
    assert "(pps-001), 2026" in page.text
    cells = [v for v in own_values(census_app, "pps-001") if v != "\u2014"]
    assert cells and all(f'class="num">{v}</td>' in page.text for v in cells)
    assert "Landelijk" in page.text and "Eigen stratum" in page.text


@pytest.mark.parametrize(
    "path",
    [
        "/staff/p/katapult/progress/pps-002",  # another coordinator's unit
        "/staff/p/katapult/progress/pps-999",  # no such unit: the same answer
        "/staff/p/techkwadraat/progress/pps-001",  # their unit code in another programme
    ],
)
def test_a_coordinator_gets_404_for_any_other_profile(census_app: Flask, path: str) -> None:
    client = census_app.test_client()
    login(client, "pps-001@katapult.example")
    assert client.get(path).status_code == 404
    assert client.get(path + "?year=2025").status_code == 404


@pytest.mark.parametrize(
    "path", ["/staff/", "/staff/p/katapult/", "/staff/p/katapult/kpis", "/api/v1/programmes"]
)
def test_a_coordinator_is_not_staff(census_app: Flask, path: str) -> None:
    client = census_app.test_client()
    login(client, "pps-002@katapult.example")
    assert client.get(path).status_code == 403


def test_the_other_coordinator_sees_only_theirs(census_app: Flask) -> None:
    client = census_app.test_client()
    login(client, "pps-002@katapult.example")
    assert client.get("/staff/p/katapult/progress/pps-002").status_code == 200
    assert client.get("/staff/p/katapult/progress/pps-001").status_code == 404


def test_staff_see_any_units_profile_and_last_year(census_app: Flask) -> None:
    client = census_app.test_client()
    login(client, "staff@katapult.example")
    page = client.get("/staff/p/katapult/progress/pps-002?year=2025")
    assert page.status_code == 200 and "(pps-002), 2025" in page.text
    assert client.get("/staff/p/katapult/progress/pps-999").status_code == 404
    assert client.get("/staff/profile").status_code == 403  # staff have no unit of their own


def test_small_groups_are_hidden_but_own_figures_never(census_app: Flask) -> None:
    engine = census_app.extensions["mel.engine"]
    with Session(engine) as session:
        programme = published_programme(session, "katapult")
        assert programme.progress is not None
        data = census_data(session, "katapult", programme.progress.instrument)
    open_ = unit_profile(data, programme.progress, 2026, "pps-001", k=3)
    strict = unit_profile(data, programme.progress, 2026, "pps-001", k=10_000)
    for shown, hidden in zip(open_.rows, strict.rows, strict=True):
        assert hidden.national.hidden and hidden.stratum is not None and hidden.stratum.hidden
        assert hidden.national.median is None and hidden.stratum.median is None
        assert hidden.own == shown.own  # a unit's own figures are never suppressed
        assert not shown.national.hidden and shown.national.n >= 3


def test_coordinator_accounts_need_one_unit_of_their_programme(census_app: Flask) -> None:
    engine = census_app.extensions["mel.engine"]
    with session_scope(engine) as session:
        with pytest.raises(AccountError, match="needs one --programme and the code of its"):
            accounts.create_user(session, email="a@x.example", password=PASSWORD,
                                 role="coordinator", programmes=["katapult"])  # fmt: skip
        with pytest.raises(AccountError, match="no unit 'pps-999' in programme 'katapult'"):
            accounts.create_user(session, email="b@x.example", password=PASSWORD,
                                 role="coordinator", programmes=["katapult"],
                                 unit="pps-999")  # fmt: skip
        with pytest.raises(AccountError, match="a staff account has no unit"):
            accounts.create_user(session, email="c@x.example", password=PASSWORD,
                                 role="staff", programmes=["katapult"], unit="pps-001")  # fmt: skip
        assert session.exec(select(User).where(User.email == "a@x.example")).first() is None


def test_a_coordinator_may_open_every_link_of_their_page_and_change_their_password(
    census_app: Flask,
) -> None:
    """The header links the account's e-mail to the password page: it must open for them."""
    with session_scope(census_app.extensions["mel.engine"]) as session:
        accounts.create_user(
            session,
            email="pps-003@katapult.example",
            password=PASSWORD,
            role="coordinator",
            programmes=["katapult"],
            unit="pps-003",
        )
    client = census_app.test_client()
    login(client, "pps-003@katapult.example")
    page = client.get("/staff/profile", follow_redirects=True)
    assert page.status_code == 200
    links = set(re.findall(r'href="(/staff/[^"#]*)"', page.text)) - {"/staff/logout"}
    assert "/staff/password" in links
    links |= set(re.findall(r'href="(/staff/[^"#]*)"', client.get("/staff/password").text))
    for link in links - {"/staff/logout"}:
        assert client.get(link).status_code < 400, link
    form = client.get("/staff/password")
    new = "another long password"
    done = client.post(
        "/staff/password",
        data={
            "csrf_token": csrf_token(form.text),
            "current": PASSWORD,
            "new": new,
            "confirm": new,
        },
    )
    assert done.status_code == 200
    assert client.get("/staff/profile", follow_redirects=True).status_code == 200
    fresh = client.application.test_client()
    login_page = fresh.get("/staff/login")
    again = fresh.post(
        "/staff/login",
        data={"email": "pps-003@katapult.example", "password": new,
              "csrf_token": csrf_token(login_page.text)},
    )  # fmt: skip
    assert again.status_code == 303
