"""axe-core finds nothing on the review pages (list, coding, themes), in Dutch and English."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from mel.models import Response
from tests.browser import Audits, chromium, needs_chromium, serve

from .conftest import PASSWORD
from .test_reviews import reviewed  # noqa: F401  (the fixture)

pytestmark = needs_chromium


@pytest.fixture
def live_server(app: Flask, reviewed: dict[str, str]) -> Any:  # noqa: F811
    """The app with reviewed pps, served from a thread."""
    with serve(app) as url:
        yield url


def test_review_pages(live_server: str, engine: Engine, db_url: str) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("one backend is enough for the page audit")
    with Session(engine) as session:
        public_id = session.exec(select(Response.public_id)).first()
    audits = Audits()
    with chromium() as browser:
        for lang in ("nl", "en"):
            page = browser.new_context(locale=f"{lang}-NL").new_page()
            page.goto(f"{live_server}/staff/login?lang={lang}")
            page.fill("#email", "staff@katapult.example")
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url("**/staff/")
            page.goto(f"{live_server}/staff/p/katapult/reviews/r/{public_id}")
            page.locator("details.coding-form summary").first.click()
            page.locator("details.coding-form input[value=mkb_betrokken]").first.check()
            page.locator("details.coding-form button[type=submit]").first.click()
            assert page.locator(".codings li").count() == 1
            audits.check(page, "review with a coding")
            page.locator("details.coding-form summary").first.click()
            page.locator("details.coding-form textarea").first.fill("niet in het antwoord")
            page.locator("details.coding-form input[value=visie_gedeeld]").first.check()
            page.locator("details.coding-form button[type=submit]").first.click()
            assert page.locator("[role=alert]").count() == 1
            audits.check(page, "review with an error")
            for name, path in {
                "reviews": "/staff/p/katapult/reviews/",
                "themes": "/staff/p/katapult/reviews/themes",
                "themes by region": "/staff/p/katapult/reviews/themes?by=region",
            }.items():
                response = page.goto(live_server + path)
                assert response is not None and response.status == 200, name
                audits.check(page, name)
            page.context.close()
    assert not audits.violations, "\n".join(audits.violations)


def test_review_pages_reflow_at_320_px(live_server: str, db_url: str) -> None:
    """WCAG 1.4.10: a wide table scrolls in its own box; nothing in it widens the page
    (a visually hidden header label, positioned absolutely, did)."""
    if not db_url.startswith("sqlite"):
        pytest.skip("one backend is enough for the layout")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 320, "height": 800})
        page.goto(f"{live_server}/staff/login")
        page.fill("#email", "staff@katapult.example")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/staff/")
        for path in ("/staff/p/katapult/reviews/", "/staff/p/katapult/reviews/themes"):
            page.goto(live_server + path)
            assert page.locator(".table-scroll table").count() >= 1, path
            assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
        page.close()
