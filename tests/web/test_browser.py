"""A real browser (Debian's Chromium, JavaScript off) completes the DW impact monitor.

Runs against a live server thread on 127.0.0.1, makes one validation error and resumes
once in a fresh browser, and saves screenshots (320 px and desktop) under tmp_path.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy.engine import Engine
from werkzeug.serving import make_server

from mel.settings import project_path
from tests.factories import open_survey
from tests.web.conftest import only_response

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DW_SURVEY = project_path("surveys") / "digitale-werkplaatsen" / "impactmonitor.yaml"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"
)
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install playwright)"
)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """One SQLite database: the browser test checks pages, not database engines."""
    return f"sqlite:///{tmp_path / 'browser.sqlite'}"


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """Serve the app from a thread on a random loopback port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture
def browser() -> Iterator[object]:
    """Headless Chromium from Debian."""
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=ARGS
        )
        yield chromium
        chromium.close()


def new_page(browser, width: int = 320):  # type: ignore[no-untyped-def]
    """A page in a fresh context (no cookies) without JavaScript."""
    context = browser.new_context(
        viewport={"width": width, "height": 900}, java_script_enabled=False, locale="nl-NL"
    )
    return context.new_page()


def test_dw_impact_monitor_in_a_browser(
    engine: Engine,
    live_server: str,
    browser,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    link = open_survey(engine, DW_SURVEY)
    page = new_page(browser)
    page.goto(live_server + link)
    assert "Katapult" in page.inner_text("main")  # the instrument's own consent text
    page.get_by_role("button", name="Ik ga akkoord en begin").click()

    # Page 1 with one validation error: no kind of help chosen.
    page.get_by_label("Data en dashboards").check()
    when = page.get_by_role("group", name="Wanneer was de hulp ongeveer afgerond?")
    for part, typed in (("Dag", "01"), ("Maand", "03"), ("Jaar", "2025")):
        when.get_by_label(part).fill(typed)
    page.get_by_role("button", name="Volgende").click()
    summary = page.locator(".error-summary")
    assert (
        "Welke hulp kreeg u van de Digitale Werkplaats? Kies een antwoord" in summary.inner_text()
    )
    assert page.title().startswith("Fout: ")
    assert page.get_by_label("Data en dashboards").is_checked()  # kept
    assert when.get_by_label("Maand").input_value() == "03"  # kept as typed
    page.screenshot(path=str(tmp_path / "error-320.png"), full_page=True)
    summary.get_by_role("link").first.click()
    page.get_by_label("Traject waarin studenten een aantal weken").check()
    page.get_by_role("button", name="Volgende").click()

    # Page 2, then stop.
    assert "Pagina 2 van 4" in page.inner_text("main")
    page.check("#q-cijfer_traject-7")  # mark 8: the radio button lies over its numbered box
    page.locator("fieldset", has_text="Zou u andere ondernemers").get_by_label("Ja").check()
    page.check("#q-aanbeveling_score-9")
    page.locator("fieldset", has_text="verdere stappen gezet").get_by_label("Ja").check()
    page.screenshot(path=str(tmp_path / "scale-320.png"), full_page=True)
    page.get_by_role("button", name="Volgende").click()
    page.locator("summary", has_text="Later verdergaan?").click()
    resume = page.locator(".resume__link a").get_attribute("href")
    assert resume and re.search(r"/r/[\w-]{20,}$", resume)
    page.context.close()

    # A new browser (no cookies) resumes on page 3, at desktop width.
    page = new_page(browser, width=1280)
    page.goto(resume)
    assert page.locator("h1").inner_text() == "Na de hulp van de werkplaats"
    page.get_by_label("Het advies (gedeeltelijk) uitgevoerd").check()
    for row, value in (
        ("inzicht", 4),
        ("vaardigheden", 3),
        ("nieuwe_toepassingen", 5),
        ("weinig_veranderd", 2),
        ("inbreng_studenten", 4),
    ):
        page.locator(f"label[for=q-effecten__{row}-{value - 1}]").click()
    page.screenshot(path=str(tmp_path / "likert-desktop.png"), full_page=True)
    page.get_by_role("button", name="Volgende").click()

    # Last page: type an answer in Dutch, switch to English (it stays), then submit.
    page.get_by_label("Anders, namelijk:").fill("Fietsenmaker")
    page.get_by_role("button", name="English").click()
    assert page.get_by_label("Other, namely:").input_value() == "Fietsenmaker"
    page.get_by_label("10–49 people").check()
    # Enter in a text field means "next" (here: submit), never "switch language".
    page.get_by_label("Other, namely:").press("Enter")
    assert "Also choose ‘Other’" in page.locator(".error-summary").inner_text()
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator("fieldset", has_text="In which sector").get_by_label("Other", exact=True).check()
    page.get_by_role("button", name="Submit").click()
    assert page.locator("h1").inner_text() == "Thank you!"
    page.screenshot(path=str(tmp_path / "done-desktop.png"), full_page=True)

    response = only_response(engine)
    assert response.status == "complete" and response.language == "en"
    assert response.consent_version == "dw-impactmonitor-2025.1"
    assert response.answers["soort_traject"] == "traject"
    assert response.answers["cijfer_traject"] == 8
    assert response.answers["datum_afgerond"] == "2025-03-01"  # day first, whatever the locale
    assert response.answers["effecten__weinig_veranderd"] == 2
    assert response.answers["sector_bedrijf__other"] == "Fietsenmaker"
    assert "reden_geen_stappen" not in response.answers  # skipped by the condition
    assert (tmp_path / "error-320.png").stat().st_size > 10_000
