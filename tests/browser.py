"""Browser test helpers: a live server thread, Debian's Chromium, and an axe-core audit.

Playwright drives /usr/bin/chromium (its own browser downloads do not work here); the
audits use the axe-core 4.x that axe-playwright-python bundles. Tests that use these skip
when Chromium or the Python packages are missing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DESKTOP, PHONE = 1280, 320  # the widths every page is audited at
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"
)


@contextmanager
def serve(app: Flask) -> Iterator[str]:
    """Serve `app` from a thread on a free loopback port; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@contextmanager
def chromium() -> Iterator[Any]:
    """Yield headless Chromium from Debian (skips the test without playwright)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Audits:
    """axe-core runs over pages: how many, and every violation found (none expected)."""

    runs: int = 0
    pages: set[str] = field(default_factory=set)
    violations: list[str] = field(default_factory=list)
    _axe: Any = None

    def check(self, page: Any, name: str, widths: tuple[int, ...] = (DESKTOP, PHONE)) -> None:
        """Audit the page as it is now at each width; record violations under `name`."""
        if self._axe is None:
            self._axe = pytest.importorskip("axe_playwright_python.base").AXE_SCRIPT
        if not page.evaluate("typeof axe !== 'undefined'"):
            page.evaluate(self._axe)  # once per page load, for every width
        lang = page.evaluate("document.documentElement.lang")
        for width in widths:
            page.set_viewport_size({"width": width, "height": 900})
            result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
            self.runs += 1
            self.pages.add(name)
            for violation in result["violations"]:
                targets = [" ".join(node["target"]) for node in violation["nodes"]][:3]
                self.violations.append(
                    f"{name} [{lang}, {width}px]: {violation['id']} ({violation['impact']}): "
                    f"{violation['help']} at {targets}"
                )

    def version(self, page: Any) -> str:
        """Return the axe-core version that ran."""
        return str(page.evaluate("axe.version"))
