"""axe-core finds nothing on any staff page, in Dutch and English, at 1280 and 320 px."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.browser import Audits, chromium, needs_chromium, serve

from .conftest import PASSWORD

pytestmark = needs_chromium
PAGES = {
    "index": "/staff/",
    "programme": "/staff/p/alpha/",
    "fieldwork": "/staff/p/alpha/fieldwork?by=province",
    "wave fieldwork": "/staff/p/alpha/waves/w2025/fieldwork",
    "kpis": "/staff/p/alpha/kpis?by=stratum",
    "texts": "/staff/p/alpha/texts?question=alpha-meting:toelichting",
    "exports": "/staff/p/alpha/exports",
    "users": "/staff/admin/users",
    "waves": "/staff/p/alpha/waves",
    "samples": "/staff/p/alpha/samples",
    "sample": "/staff/p/alpha/waves/w2025/sample",
    "password": "/staff/password",
}


@pytest.fixture(scope="module")
def live_server(shared_app: Flask) -> Any:
    """The shared seeded app, served from a thread."""
    with serve(shared_app) as url:
        yield url


def test_every_staff_page(live_server: str) -> None:
    audits = Audits()
    with chromium() as browser:
        for lang in ("nl", "en"):
            page = browser.new_context(locale=f"{lang}-NL").new_page()
            page.goto(f"{live_server}/staff/login?lang={lang}")
            audits.check(page, "login")
            page.fill("#email", "admin@alpha.example")
            page.fill("#password", "not the password")
            page.click("button[type=submit]")
            assert page.locator(".error-summary").count()
            audits.check(page, "login with an error")
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url("**/staff/")
            for name, path in PAGES.items():
                response = page.goto(live_server + path)
                assert response is not None and response.status == 200, (name, response)
                assert page.locator("html").get_attribute("lang") == lang
                audits.check(page, name)
            page.context.close()
    print(f"axe: {audits.runs} runs over {len(audits.pages)} pages, {len(audits.violations)} found")
    assert not audits.violations, "\n".join(audits.violations)
    assert audits.runs == 2 * 2 * (len(PAGES) + 2)
