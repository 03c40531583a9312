"""Staff pages in a real browser: focus on login errors, reflow at 320 px and at 200% zoom.

Screenshots go to $MEL_SCREENSHOTS when set (else the test's tmp_path).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.browser import chromium, needs_chromium, serve

from .conftest import PASSWORD

pytestmark = needs_chromium
OVERFLOW = """() => [...document.querySelectorAll('main select, main input, main button, main a')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth)
  .map(e => e.outerHTML.slice(0, 80))"""

# Controls of the filter form that reach past the form's padding (cut off or overflowing).
OUTSIDE_FILTERS = """() => {
  const form = document.querySelector('form.filters');
  const edge = form.getBoundingClientRect().right - parseFloat(getComputedStyle(form).paddingRight);
  return [...form.querySelectorAll('select, button, a')]
    .filter(e => e.getBoundingClientRect().right > edge + 0.5).map(e => e.id || e.textContent);
}"""


@pytest.fixture(scope="module")
def live_server(shared_app: Flask) -> Any:
    """The shared seeded app, served from a thread."""
    with serve(shared_app) as url:
        yield url


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where screenshots go."""
    folder = Path(os.environ.get("MEL_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def log_in(page: Any, url: str, email: str, password: str = PASSWORD) -> None:
    """Fill in and post the login form."""
    page.goto(f"{url}/staff/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")


def test_login_error_summary_gets_focus(live_server: str) -> None:
    with chromium() as browser:
        page = browser.new_page()
        log_in(page, live_server, "admin@alpha.example", "wrong password")
        summary = page.locator(".error-summary")
        assert "klopt niet" in summary.inner_text()
        assert summary.evaluate("e => e === document.activeElement")  # read out first
        assert summary.get_attribute("role") == "alert"


@pytest.mark.parametrize("path", ["fieldwork", "kpis", "texts"])
def test_filters_reflow_at_320_px(live_server: str, shots: Path, path: str) -> None:
    """WCAG 1.4.10: at 320 CSS px the filters stand in one column inside their box."""
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 320, "height": 800})
        log_in(page, live_server, "staff@alpha.example")
        for lang in ("nl", "en"):
            page.goto(f"{live_server}/staff/p/alpha/{path}?lang={lang}")
            assert page.locator("form.filters select").count() >= 3
            assert page.evaluate(OUTSIDE_FILTERS) == [], lang
            columns = page.evaluate(
                "getComputedStyle(document.querySelector('.filters__grid')).gridTemplateColumns"
            )
            assert len(columns.split()) == 1, (lang, columns)
            assert page.evaluate(OVERFLOW) == []
            assert page.evaluate("document.documentElement.scrollWidth") <= 320
            page.locator("form.filters").screenshot(
                path=str(shots / f"staff-filters-{path}-{lang}-320.png")
            )


def test_accounts_table_at_200_percent_zoom(live_server: str, shots: Path) -> None:
    """A 1280 px window zoomed to 200% is 640 CSS px wide: every button stays on screen."""
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 640, "height": 450}, device_scale_factor=2)
        log_in(page, live_server, "admin@alpha.example")
        page.goto(f"{live_server}/staff/admin/users?lang=en")
        buttons = page.locator("table.data button")
        assert buttons.count() >= 2
        assert page.evaluate(OVERFLOW) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 640
        page.screenshot(path=str(shots / "staff-users-200pct.png"), full_page=True)


def test_kpi_tables_scroll_by_keyboard(live_server: str) -> None:
    """The KPI cards' table boxes can be reached with Tab and are named (scrollable-region)."""
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 320, "height": 800})
        log_in(page, live_server, "staff@alpha.example")
        page.goto(f"{live_server}/staff/p/alpha/kpis")
        boxes = page.locator(".table-scroll")
        assert boxes.count() >= 3
        for i in range(boxes.count()):
            box = boxes.nth(i)
            assert box.get_attribute("tabindex") == "0"
            assert box.get_attribute("role") == "region"
            assert box.get_attribute("aria-label")
