"""Dashboards: filters checked (400 on unknown values), tables beside charts, downloads of
exactly the filtered figures stating their filters, the read API and its vocabulary."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy.engine import Engine

from mel.analysis.results import COLUMNS
from mel.web.staff.setup import fmtnum

from .conftest import Auth

RESULT = set(COLUMNS)


@pytest.fixture
def staff(shared_app: Flask) -> FlaskClient:
    """A client logged in as programme staff on the module's shared database."""
    client = shared_app.test_client()
    Auth(client).as_role("staff")
    return client


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("province=Atlantis", "Onbekende waarde &#39;Atlantis&#39; voor province"),
        ("wave=w1999", "Onbekende waarde &#39;w1999&#39; voor wave"),
        ("by=colour", "Onbekende waarde &#39;colour&#39; voor by"),
        ("sector=%3Cscript%3E", "Onbekende waarde &#39;&lt;script&gt;&#39; voor sector"),
        ("colour=blue", "Onbekende parameter &#39;colour&#39;"),
    ],
)
@pytest.mark.parametrize("page", ["fieldwork", "kpis", "texts", "fieldwork.csv", "kpis/cijfer.png"])
def test_unknown_filter_values_are_refused(
    staff: FlaskClient, page: str, query: str, message: str
) -> None:
    response = staff.get(f"/staff/p/alpha/{page}?{query}")
    assert response.status_code == 400
    assert message in response.text


def test_unknown_question_is_refused(staff: FlaskClient) -> None:
    response = staff.get("/staff/p/alpha/texts?question=alpha-meting:email")
    assert response.status_code == 400 and "alpha-meting:toelichting" in response.text


def test_unknown_filter_in_the_api(staff: FlaskClient) -> None:
    response = staff.get("/api/v1/programmes/alpha/kpis?province=Atlantis")
    assert response.status_code == 400
    assert "Atlantis" in response.json["error"] and "Gelderland" in response.json["error"]


def test_filter_form_and_table_alternative(staff: FlaskClient) -> None:
    page = staff.get("/staff/p/alpha/fieldwork?sector=zorg&by=stratum").text
    assert '<option value="zorg" selected>' in page
    assert "Sector: zorg" in page  # the filters stated in words
    assert '<img src="/staff/p/alpha/fieldwork.svg?' in page and 'alt="' in page
    assert "<table" in page and "<caption>" in page
    assert page.count("download>") == 4


def test_downloads_match_the_table_and_state_the_filters(staff: FlaskClient) -> None:
    query = "sector=zorg&by=stratum"
    api = staff.get(f"/api/v1/programmes/alpha/fieldwork?{query}").json
    csv = staff.get(f"/staff/p/alpha/fieldwork.csv?{query}")
    assert csv.headers["Content-Disposition"] == 'attachment; filename="mel-alpha-fieldwork.csv"'
    text = csv.data.decode("utf-8-sig")
    assert text.startswith(  # CRLF line ends (RFC 4180), as every CSV of mel
        "# Titel: Veldwerk — alpha\r\n# Filters: Meting: Meting 2025 (w2025); "
        "Sector: zorg\r\n# Onderdrukking:"
    )
    table = pd.read_csv(io.StringIO(text), comment="#")
    assert table["Stratum"].tolist() == [r["group"] for r in api["rows"]]
    assert table["Afgerond"].fillna(-1).tolist() == [
        -1 if r["complete"] is None else r["complete"] for r in api["rows"]
    ]
    book = load_workbook(io.BytesIO(staff.get(f"/staff/p/alpha/fieldwork.xlsx?{query}").data))
    about = [tuple(c.value for c in row) for row in book["toelichting"].iter_rows()]
    assert ("Filters", "Meting: Meting 2025 (w2025); Sector: zorg") in about
    png = staff.get(f"/staff/p/alpha/fieldwork.png?{query}")
    assert png.data.startswith(b"\x89PNG") and png.mimetype == "image/png"
    svg = staff.get(f"/staff/p/alpha/fieldwork.svg?{query}").data
    assert b"Sector: zorg" in svg and b"<style" not in svg and b"<script" not in svg


def test_kpi_cards(staff: FlaskClient) -> None:
    page = staff.get("/staff/p/alpha/kpis").text
    assert "Gemiddeld cijfer" in page and "95%-betrouwbaarheidsinterval" in page
    assert "gehaald" in page  # the status in words, not only a colour
    assert "Streefwaarde" in page and "6,5" in page
    filtered = staff.get("/staff/p/alpha/kpis?province=Utrecht").text
    assert "geldt voor het hele programma" in filtered


def test_api_uses_the_result_vocabulary(staff: FlaskClient) -> None:
    body = staff.get("/api/v1/programmes/alpha/kpis?by=sector").json
    assert body["wave"] == "w2025" and body["min_group_size"] == 10
    cijfer = next(k for k in body["kpis"] if k["code"] == "cijfer")
    assert set(cijfer["result"]) == RESULT
    assert cijfer["result"]["ci_low"] < cijfer["result"]["estimate"] < cijfer["result"]["ci_high"]
    assert cijfer["status"] in ("met", "not_met", "uncertain")  # a code, not a Dutch word
    words = {"met": "gehaald", "not_met": "niet gehaald", "uncertain": "onzeker"}
    assert cijfer["status_label"] == words[cijfer["status"]]
    english = staff.get("/api/v1/programmes/alpha/kpis?by=sector&lang=en").json
    in_english = {"met": "met", "not_met": "not met", "uncertain": "uncertain"}
    label = next(k for k in english["kpis"] if k["code"] == "cijfer")["status_label"]
    assert label == in_english[cijfer["status"]]
    assert cijfer["target"] == 6.5
    assert set(cijfer["trend"][0]["result"]) == RESULT
    assert {g["group"] for g in cijfer["groups"]} == {"zorg", "techniek"}
    assert all(RESULT <= set(g) for g in cijfer["groups"])
    waves = staff.get("/api/v1/programmes/alpha/waves").json["waves"]
    assert waves[0]["code"] == "w2025" and waves[0]["status"] == "open"
    assert waves[0]["status_label"] == "open"


def test_api_needs_a_login(shared_app: Flask) -> None:
    for url in ("/api/v1/programmes", "/api/v1/programmes/alpha/kpis"):
        response = shared_app.test_client().get(url)
        assert response.status_code == 401 and response.json == {"error": "login required"}


def test_trend_across_waves(engine: Engine, client: FlaskClient, auth: Auth) -> None:
    from .conftest import make_users, seed_programme

    seed_programme(engine, "alpha", waves=(("w2024", 2024), ("w2025", 2025)))
    make_users(engine)
    auth.as_role("staff")
    body = client.get("/api/v1/programmes/alpha/kpis").json
    cijfer = next(k for k in body["kpis"] if k["code"] == "cijfer")
    assert [p["wave"] for p in cijfer["trend"]] == ["w2024", "w2025"]
    assert all(p["result"]["n"] == 28 for p in cijfer["trend"])
    old = client.get("/api/v1/programmes/alpha/kpis?wave=w2024").json
    assert next(k for k in old["kpis"] if k["code"] == "cijfer")["target"] == 6.0
    page = client.get("/staff/p/alpha/kpis").text
    assert "Meting 2024" in page and "Meting 2025" in page


def test_pages_have_no_inline_script_or_style(staff: FlaskClient) -> None:
    login = staff.application.test_client().get("/staff/login")
    for response in [
        login,
        *(
            staff.get(url)
            for url in (
                "/staff/",
                "/staff/p/alpha/",
                "/staff/p/alpha/fieldwork",
                "/staff/p/alpha/kpis",
                "/staff/p/alpha/texts",
                "/staff/password",
            )
        ),
    ]:
        assert response.status_code == 200, response.request.path
        assert "<script" not in response.text and "style=" not in response.text
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_english_pages(staff: FlaskClient) -> None:
    page = staff.get("/staff/p/alpha/kpis?lang=en").text
    assert "95% confidence interval" in page and "Target" in page


def test_number_format() -> None:
    from flask import Flask, g

    with Flask("x").test_request_context():
        g.lang = "nl"
        assert fmtnum(1234567.891) == "1.234.568" and fmtnum(0.6543) == "0,65"
        g.lang = "en"
        assert fmtnum(12.345) == "12.3" and fmtnum(None) == "—" and fmtnum(float("nan")) == "—"


def test_group_rows_are_printed_as_the_trend_is(staff: FlaskClient, shared_app: Flask) -> None:
    from sqlmodel import Session

    from mel.kpi.definitions import load_published
    from mel.services.dashboards import printed

    groups = next(
        k
        for k in staff.get("/api/v1/programmes/alpha/kpis?by=sector").json["kpis"]
        if k["code"] == "cijfer"
    )["groups"]
    with Session(shared_app.extensions["mel.engine"]) as session:
        kpi = next(k for k in load_published(session, "alpha").programme.kpis if k.code == "cijfer")
    page = staff.get("/staff/p/alpha/kpis?by=sector").text
    shown = [g for g in groups if not g["suppressed"]]
    assert shown
    for group in shown:
        expected = printed(kpi, group, None, "nl")
        row = f'<th scope="row">{group["group"]}</th><td class="num">{expected["estimate"]}</td>'
        assert row + f'<td class="num">{expected["interval"]}</td>' in page
