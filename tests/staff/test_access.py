"""The access matrix: every role × every staff page, download and API call × own/other
programme gives exactly the allowed answer (and anonymous visitors are sent to log in)."""

from __future__ import annotations

import pytest
from flask import Flask

from .conftest import ROLES, Auth

ALL = set(ROLES)
RESEARCH = {"admin", "researcher"}
ADMIN = {"admin"}
# (url with {p} for the programme, roles allowed)
URLS = [
    ("/staff/p/{p}/", ALL),
    ("/staff/p/{p}/fieldwork", ALL),
    ("/staff/p/{p}/fieldwork?by=sector", ALL),
    ("/staff/p/{p}/fieldwork.csv", ALL),
    ("/staff/p/{p}/fieldwork.xlsx", ALL),
    ("/staff/p/{p}/fieldwork.png", ALL),
    ("/staff/p/{p}/fieldwork.svg", ALL),
    ("/staff/p/{p}/kpis", ALL),
    ("/staff/p/{p}/kpis/cijfer.csv", ALL),
    ("/staff/p/{p}/kpis/cijfer.svg", ALL),
    ("/staff/p/{p}/texts?question={p}-meting:toelichting", ALL),
    ("/api/v1/programmes/{p}/waves", ALL),
    ("/api/v1/programmes/{p}/fieldwork", ALL),
    ("/api/v1/programmes/{p}/kpis", ALL),
    ("/staff/p/{p}/exports/", RESEARCH),
    ("/staff/p/{p}/exports/w2025/{p}-meting/data.csv", RESEARCH),
    ("/staff/p/{p}/exports/w2025/{p}-meting/data.xlsx", RESEARCH),
    ("/staff/p/{p}/exports/w2025/{p}-meting/data.sav", RESEARCH),
    ("/staff/p/{p}/exports/w2025/{p}-meting/data.dta", RESEARCH),
    ("/staff/p/{p}/exports/w2025/{p}-meting/codebook.xlsx", RESEARCH),
    ("/staff/p/{p}/waves", ADMIN),
]
IDS = [url.format(p="P") for url, _ in URLS]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url", "allowed"), URLS, ids=IDS)
def test_access_matrix(shared_app: Flask, role: str, url: str, allowed: set[str]) -> None:
    client = shared_app.test_client()
    Auth(client).as_role(role)
    own = client.get(url.format(p="alpha"))
    other = client.get(url.format(p="beta"))
    if role in allowed:
        assert own.status_code == 200, own.text[:500]
        assert other.status_code == 404
    else:
        assert own.status_code == 403
        assert other.status_code == 403
    if url.startswith("/api/"):
        assert own.is_json and other.is_json


@pytest.mark.parametrize(("url", "allowed"), URLS, ids=IDS)
def test_anonymous_is_sent_to_login(shared_app: Flask, url: str, allowed: set[str]) -> None:
    response = shared_app.test_client().get(url.format(p="alpha"))
    if url.startswith("/api/"):
        assert response.status_code == 401
        assert response.json == {"error": "login required"}
    else:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/staff/login?next=")


@pytest.mark.parametrize(("role", "status"), [("admin", 200), ("researcher", 403), ("staff", 403)])
def test_user_admin_page_is_for_admins(shared_app: Flask, role: str, status: int) -> None:
    client = shared_app.test_client()
    Auth(client).as_role(role)
    assert client.get("/staff/admin/users").status_code == status


def test_unknown_programme_and_hidden_programme_look_the_same(shared_app: Flask) -> None:
    client = shared_app.test_client()
    Auth(client).as_role("admin")
    hidden = client.get("/staff/p/beta/kpis")
    missing = client.get("/staff/p/nope/kpis")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.text.replace("beta", "nope") == missing.text


def test_programme_list_shows_only_own_programmes(shared_app: Flask) -> None:
    client = shared_app.test_client()
    Auth(client).as_role("staff")
    page = client.get("/staff/").text
    assert "/staff/p/alpha/" in page and "/staff/p/beta/" not in page
    assert client.get("/api/v1/programmes").json == {
        "programmes": [{"code": "alpha", "label": {"nl": "Alpha", "en": "Alpha"}}]
    }
