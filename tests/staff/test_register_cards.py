"""Register KPIs on the staff KPI page and in the API, beside the survey KPIs."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine

from mel.data.registers import import_register
from mel.db import session_scope
from mel.surveys.programme_schema import ProgrammeDefinition
from mel.surveys.publish import publish_programme
from tests.browser import Audits, chromium, needs_chromium, serve
from tests.factories import REGISTER_CSV, register_kpis, register_source

from .conftest import PASSWORD, Auth, make_users, programme_definition, seed_programme


@pytest.fixture
def registered(engine: Engine, tmp_path: Path) -> Engine:
    """Programme alpha (survey KPIs, wave 2025) with register KPIs and one import."""
    seed_programme(engine, "alpha")
    definition = (
        programme_definition("alpha")
        .model_copy(update={})
        .model_dump(by_alias=True, exclude_none=True)
    )
    definition.update(registers=[register_source()], register_kpis=register_kpis("pad.res"))
    path = tmp_path / "duo_2026.csv"
    path.write_text(REGISTER_CSV, encoding="utf-8")
    with session_scope(engine) as session:
        publish_programme(session, ProgrammeDefinition.model_validate(definition))
        import_register(session, "duo_test", path, "cli:anna")
    make_users(engine)
    return engine


def test_the_page_shows_register_figures_beside_survey_kpis(
    registered: Engine, client: FlaskClient, auth: Auth
) -> None:
    auth.as_role("staff")
    page = client.get("/staff/p/alpha/kpis").text
    assert "Gemiddeld cijfer" in page  # a survey KPI
    register = page[page.index('id="register-kpis"') :]
    assert "Kiezen techniek" in register and "Aandeel techniek" in register
    assert "registerdata, geen steekproefonzekerheid" in register
    assert "Bron: DUO-testbestand (DUO), importversie 1 van" in register
    assert "1.240" in register and "27,9%" in register  # 1240 and 1240 / 4450
    assert "31,0%" in register and "25,0%" in register  # Gelderland 900 / 2900; the target
    assert "1.240 / 4.450" in register
    assert "Provincie" in register and "Gelderland" in register
    assert ">90<" in register and "90,0" not in register  # Zeeland's count, a whole number
    english = client.get("/staff/p/alpha/kpis?lang=en").text
    assert "register data, no sampling error" in english
    assert "Source: DUO test file (DUO), import version 1 of" in english
    filtered = client.get("/staff/p/alpha/kpis?province=Utrecht&lang=nl").text
    assert "de filters gelden niet voor registercijfers" in filtered.lower()


def test_the_api_gives_register_figures_with_their_source(
    registered: Engine, client: FlaskClient, auth: Auth
) -> None:
    auth.as_role("staff")
    body = client.get("/api/v1/programmes/alpha/kpis?lang=en").json
    assert [k["code"] for k in body["kpis"]] == ["cijfer", "internationaal", "aantal"]
    found = {k["code"]: k for k in body["register_kpis"]}
    share = found["reg_aandeel"]
    assert share["kind"] == "register" and share["kind_label"] == "register data, no sampling error"
    assert share["value"] == pytest.approx(1240 / 4450)
    assert (share["numerator"], share["denominator"]) == (1240, 4450)
    assert (share["year"], share["asked_year"]) == (2025, 2025)
    assert (share["target"], share["status"], share["status_label"]) == (0.25, "met", "met")
    assert "ci_low" not in share and "se" not in share
    assert share["source"]["version"] == 1 and share["source"]["publisher"] == "DUO"
    assert share["source"]["file"] == "duo_2026.csv" and len(share["source"]["sha256"]) == 64
    assert share["source"]["imported_by"] == "cli:anna"
    assert share["trend"] == [
        {"year": 2024, "value": pytest.approx(1200 / 4500)},
        {"year": 2025, "value": pytest.approx(1240 / 4450)},
    ]
    assert share["groups"]["regio"][0] == {
        "group": "Gelderland",
        "value": pytest.approx(900 / 2900),
    }
    count = found["reg_techniek"]
    assert (count["value"], count["status"]) == (1240, "not_met")


def test_a_new_import_shows_at_once(
    registered: Engine, client: FlaskClient, auth: Auth, tmp_path: Path
) -> None:
    auth.as_role("staff")
    first = client.get("/api/v1/programmes/alpha/kpis").json["register_kpis"][0]
    assert (first["value"], first["source"]["version"]) == (1240, 1)
    path = tmp_path / "duo_v2.csv"
    path.write_text(REGISTER_CSV.replace("Zeeland,2025,450,90", "Zeeland,2025,450,100"), "utf-8")
    with session_scope(registered) as session:
        import_register(session, "duo_test", path, "cli:bert")
    second = client.get("/api/v1/programmes/alpha/kpis").json["register_kpis"][0]
    assert (second["value"], second["source"]["version"]) == (1250, 2)
    assert "importversie 2" in client.get("/staff/p/alpha/kpis").text


@needs_chromium
def test_the_register_section_passes_axe(registered: Engine, app: Flask, tmp_path: Path) -> None:
    audits = Audits()
    with serve(app) as url, chromium() as browser:
        for lang in ("nl", "en"):
            page = browser.new_context(locale=f"{lang}-NL").new_page()
            page.goto(f"{url}/staff/login?lang={lang}")
            page.fill("#email", "staff@alpha.example")
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url("**/staff/")
            page.goto(f"{url}/staff/p/alpha/kpis")
            page.click("#register-kpis ~ .cards details summary >> nth=0")
            audits.check(page, "kpis with register data")
            page.screenshot(path=str(tmp_path / f"register-{lang}.png"), full_page=True)
            page.context.close()
    assert audits.runs == 4 and not audits.violations, "\n".join(audits.violations)
