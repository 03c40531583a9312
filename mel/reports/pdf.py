"""PDF engines: which one prints, and printing with a headless Chromium through Playwright.

Chromium lays out the report exactly as a browser shows the HTML file and writes a tagged
PDF (a structure tree for screen readers) with a bookmark outline made from the headings,
several times faster than WeasyPrint. Playwright (a maintained DevTools client) starts the
installed Chromium (the setting ``MEL_CHROMIUM``, else the first on PATH: Debian's
``/usr/bin/chromium``), so no browser of Playwright's own is downloaded.

Playwright's objects belong to the thread that made them: one `Chromium` serves one thread.
This module imports no pandas or matplotlib, so that a process that only prints stays small
(see `mel.reports.batch`).
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path
from types import TracebackType
from typing import Any

from mel.settings import PDF_ENGINES, load_settings

CANDIDATES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "headless_shell",
)
TIMEOUT_SECONDS = 120.0
# Chromium keeps only the last --disable-features switch, so this one repeats the features
# Playwright 1.65 turns off (background requests, profile clean-up) and adds two of its own:
# each browser preloads the omnibox pop-ups (WebUI pages of some 80 MB in a renderer of
# their own), and a spare renderer waits for the next tab. A printer needs neither.
DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
    "WebUIOmniboxPopup",
    "WebUIOmniboxAimPopup",
    "SpareRendererForSitePerProcess",
)
PRINT_WIDTH_MM = 210 - 2 * 16  # A4 portrait less the report's left and right margins
ARGUMENTS = ("--disable-gpu", "--disable-features=" + ",".join(DISABLED_FEATURES))


class ReportError(RuntimeError):
    """A report could not be written; the message says why."""


class ChromiumError(RuntimeError):
    """Chromium could not be started or did not print; the message says why."""


def pdf_engine(choice: str | None = None) -> str:
    """Resolve the PDF engine: `choice` or the setting ``MEL_PDF_ENGINE``; "auto" prefers Chromium.

    Raises
    ------
    ReportError
        For an unknown engine name, or "chromium" when no Chromium can be found.
    """
    name = (choice or load_settings().pdf_engine).strip().lower()
    if name not in PDF_ENGINES:
        raise ReportError(f"unknown PDF engine {name!r} (use {', '.join(PDF_ENGINES)})")
    if name == "weasyprint":
        return name
    if find_chromium() is None:
        if name == "chromium":
            raise ReportError(
                "PDF engine chromium: no Chromium found; install it (Debian: "
                "apt-get install chromium) or set MEL_CHROMIUM to its path"
            )
        return "weasyprint"
    return "chromium"


def find_chromium() -> str | None:
    """The Chromium executable: the setting ``MEL_CHROMIUM`` if set, else the first on PATH."""
    configured = load_settings().chromium
    if configured:
        return configured
    return next((found for name in CANDIDATES if (found := shutil.which(name))), None)


def _reason(error: Exception) -> str:
    """The first line of a Playwright error, without the name of the call that failed."""
    line = (str(error).strip().splitlines() or [type(error).__name__])[0]
    return line.split(": ", 1)[1] if line.startswith("BrowserType.") and ": " in line else line


def _exit_status(error: Exception) -> str:
    """ " with exit status N" when Playwright's log of a failed launch tells it, else ""."""
    found = re.search(r"process did exit: exitCode=(\d+)", str(error))
    return f" with exit status {found.group(1)}" if found else ""


class Chromium:
    """One headless Chromium that prints HTML to PDF, each report in a tab of its own.

    Use it as a context: it starts Playwright's driver and the browser, and stops both.

    Parameters
    ----------
    executable : str
        Path or name of the Chromium binary.
    timeout : float, optional
        Seconds to wait for the browser to start, or for one page to load or print, before
        giving up; default `TIMEOUT_SECONDS`.
    """

    def __init__(self, executable: str, timeout: float | None = None) -> None:
        self.executable = shutil.which(executable) or executable
        self.timeout = timeout or TIMEOUT_SECONDS
        self._playwright: Any = None
        self._browser: Any = None

    def __enter__(self) -> Chromium:
        from playwright.sync_api import Error, TimeoutError, sync_playwright

        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(
                executable_path=self.executable,
                args=list(ARGUMENTS),
                timeout=self.timeout * 1000,
                # Ctrl-C reaches the browser too; the run that started it closes it.
                handle_sigint=False,
            )
        except TimeoutError:
            self._stop()
            raise ChromiumError(
                f"Chromium ({self.executable}) did not answer within {self.timeout:g} s"
            ) from None
        except Error as exc:
            self._stop()
            if "has been closed" in str(exc):  # it started, then ended before answering
                raise ChromiumError(
                    f"Chromium ({self.executable}) stopped unexpectedly{_exit_status(exc)}"
                ) from None
            raise ChromiumError(
                f"cannot start Chromium ({self.executable}): {_reason(exc)}"
            ) from None
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop()

    def _stop(self) -> None:
        """Close the browser and end Playwright's driver (whatever state they are in)."""
        from playwright.sync_api import Error

        try:
            if self._browser is not None:
                self._browser.close()
        except Error:
            pass  # it has already gone
        finally:
            self._browser = None
            if self._playwright is not None:
                self._playwright.stop()
                self._playwright = None

    @property
    def connected(self) -> bool:
        """True while the browser runs and answers."""
        return self._browser is not None and self._browser.is_connected()

    @property
    def pages(self) -> int:
        """How many tabs are open (each printing tab is closed after its report)."""
        return sum(len(context.pages) for context in self._browser.contexts)

    def new_tab(self) -> Tab:
        """Open a tab with scripts off, in a browser context of its own; close it after."""
        from playwright.sync_api import Error

        try:
            context = self._browser.new_context(java_script_enabled=False)
        except Error as exc:
            raise ChromiumError(self._failed(exc)) from None
        try:
            page = context.new_page()
        except Error as exc:
            context.close()
            raise ChromiumError(self._failed(exc)) from None
        page.set_default_timeout(self.timeout * 1000)
        return Tab(self, context, page)

    def _failed(self, error: Exception) -> str:
        """What to say when a call to a running browser failed."""
        from playwright.sync_api import TimeoutError

        if isinstance(error, TimeoutError):
            return f"Chromium did not answer within {self.timeout:g} s"
        if self._browser is None or not self._browser.is_connected():
            return f"Chromium ({self.executable}) stopped unexpectedly"
        return f"Chromium failed: {_reason(error)}"


class Tab:
    """A tab of a `Chromium`: load one HTML document, change its text, print it."""

    def __init__(self, browser: Chromium, context: Any, page: Any) -> None:
        self.browser = browser
        self._context = context
        self._page = page

    def __enter__(self) -> Tab:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the tab; its renderer process ends (unless Chromium has already stopped)."""
        from playwright.sync_api import Error

        try:
            self._context.close()
        except Error:
            pass

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """Call a method of the page; a Playwright error becomes a `ChromiumError`."""
        from playwright.sync_api import Error

        try:
            return getattr(self._page, method)(*args, **kwargs)
        except Error as exc:
            raise ChromiumError(self.browser._failed(exc)) from None

    def load(self, html: str) -> None:
        """Show the HTML document `html` (it refers to no URL) and wait until it has loaded."""
        self._call("set_content", html, wait_until="load")

    def print_pdf(self, *, tagged: bool = True) -> bytes:
        """The page printed as a PDF: tagged and with an outline, unless `tagged` is off.

        The page size, margins and the page numbers in the margin come from the report's
        CSS (``@page``).
        """
        return self._call(
            "pdf",
            print_background=True,
            prefer_css_page_size=True,
            display_header_footer=False,
            tagged=tagged,
            outline=tagged,
        )

    def set_root_class(self, name: str) -> None:
        """Set the class of the page's root element (`<html>`); "" removes it."""
        self._call(
            "evaluate",
            "name => name ? document.documentElement.setAttribute('class', name)"
            " : document.documentElement.removeAttribute('class')",
            name,
        )

    def overflowing_cells(self, width_mm: float = PRINT_WIDTH_MM) -> list[str]:
        """Table cells whose content is wider than their column, laid out for print.

        The page is laid out with the print style sheet at the width of a portrait page's
        text (`width_mm`); each cell of a visible table whose content needs more width than
        the cell has (``scrollWidth > clientWidth``) is named as "table: row: text".
        """
        self._call("emulate_media", media="print")
        self._call("set_viewport_size", {"width": round(width_mm / 25.4 * 96), "height": 1000})
        return self._call(
            "evaluate",
            """() => {
              const found = [];
              for (const cell of document.querySelectorAll('table td, table th')) {
                if (!cell.getClientRects().length) continue;  // not shown (closed details)
                if (cell.scrollWidth > cell.clientWidth + 1) {
                  const table = cell.closest('table');
                  const caption = table.caption ? table.caption.textContent : '';
                  const where = caption || (table.closest('[id]') || {}).id || '';
                  const row = cell.parentElement.cells[0].textContent;
                  found.push(`${where}: ${row}: ${cell.textContent}`);
                }
              }
              return found;
            }""",
        )

    def set_texts(self, selector: str, key: str, texts: dict[str, str]) -> None:
        """Set the text of each element matching `selector` to ``texts[its key attribute]``.

        The page's own scripts are off; this runs in Playwright's evaluation, and the page
        is laid out again by the next print.
        """
        self._call(
            "evaluate",
            "([selector, key, texts]) => { for (const node of document.querySelectorAll("
            "selector)) node.textContent = texts[node.getAttribute(key)] ?? ''; }",
            [selector, key, texts],
        )


def print_html(html: str, path: Path, browser: Chromium | Tab) -> int:
    """Print the report page `html` to `path` with Chromium; return its number of pages.

    The contents (``nav .toc-page`` elements, keyed by ``data-anchor``) hold a placeholder
    as wide as any page number; a first print shows where each section lands, and the
    numbers are then written in and printed again (until they no longer move).
    """
    if isinstance(browser, Chromium):
        with browser.new_tab() as tab:
            return print_html(html, path, tab)
    browser.load(html)
    # The first print only shows where each section lands. Its charts are hidden
    # (visibility keeps their boxes, so the layout is the same) and cost no drawing.
    browser.set_root_class("measuring")
    pdf = browser.print_pdf(tagged=False)
    browser.set_root_class("")
    for _attempt in range(3):
        pages, _count = _section_pages(pdf)
        browser.set_texts("nav .toc-page", "data-anchor", pages)
        pdf = browser.print_pdf()
        found, count = _section_pages(pdf)
        if found == pages:
            break
    path.write_bytes(pdf)
    return count


def _section_pages(pdf: bytes) -> tuple[dict[str, str], int]:
    """Page number (from 1) of every named destination (element id), and the page count."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return (
        {
            name.lstrip("/"): str(reader.get_destination_page_number(destination) + 1)
            for name, destination in reader.named_destinations.items()
        },
        len(reader.pages),
    )
