"""A real browser (Playwright + Chromium) logs in, filters a dashboard and downloads a CSV."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from .conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian chromium")


@pytest.fixture
def live_server(shared_app: Flask) -> Iterator[str]:
    """Serve the shared app on a free local port in a thread."""
    server = make_server("127.0.0.1", 0, shared_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def test_login_filter_and_download(live_server: str, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    problems: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page(accept_downloads=True, viewport={"width": 1280, "height": 900})
        page.on(
            "console",
            lambda m: (
                problems.append(f"{m.text} {m.location.get('url')}")
                if m.type == "error" and "favicon" not in str(m.location)
                else None
            ),
        )
        page.goto(f"{live_server}/staff/p/alpha/fieldwork")
        assert "/staff/login" in page.url
        page.fill("#email", "staff@alpha.example")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/staff/p/alpha/fieldwork")
        page.select_option("#f-sector", "zorg")
        page.select_option("#f-by", "province")
        page.click("text=Toon")
        page.wait_for_url("**sector=zorg**")
        assert "by=province" in page.url
        assert page.locator("table.data caption").inner_text().endswith("Sector: zorg")
        image = page.locator("figure.chart img")
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")
        shot = Path(os.environ.get("MEL_SCREENSHOT", tmp_path / "fieldwork.png"))
        page.screenshot(path=str(shot), full_page=True)
        with page.expect_download() as info:
            page.click("a:text-is('CSV')")
        download = info.value
        assert download.suggested_filename == "mel-alpha-fieldwork.csv"
        content = Path(download.path()).read_text(encoding="utf-8-sig")
        assert "# Filters: Meting: Meting 2025 (w2025); Sector: zorg" in content
        assert "Provincie,Eenheden in steekproef,Afgerond,Bezig" in content
        page.goto(f"{live_server}/staff/p/alpha/kpis?sector=zorg")
        assert page.locator("section.card").count() == 3
        page.screenshot(path=str(shot.with_name("kpis.png")), full_page=True)
        browser.close()
    assert not problems, problems  # no CSP violations or failed loads
    assert shot.stat().st_size > 10_000
