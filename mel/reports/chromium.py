"""PDFs printed by a headless Chromium over the DevTools protocol (a pipe, no network port).

Chromium lays out the report exactly as a browser shows the HTML file, writes a tagged PDF
(a structure tree for screen readers) with a bookmark outline, and does so several times
faster than WeasyPrint. mel talks to it through ``--remote-debugging-pipe``: commands go in
on the child's file descriptor 3 and answers come back on 4, as NUL-terminated JSON.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import threading
import time
from html import escape
from pathlib import Path
from types import TracebackType
from typing import Any

from mel.settings import load_settings

CANDIDATES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "headless_shell",
)
TIMEOUT_SECONDS = 120.0


class ChromiumError(RuntimeError):
    """Chromium could not be started or did not print; the message says why."""


def find_chromium() -> str | None:
    """The Chromium executable: the setting ``MEL_CHROMIUM`` if set, else the first on PATH."""
    configured = load_settings().chromium
    if configured:
        return configured
    return next((found for name in CANDIDATES if (found := shutil.which(name))), None)


class Chromium:
    """One headless Chromium process that prints HTML files to PDF; use it as a context.

    Parameters
    ----------
    executable : str
        Path or name of the Chromium binary.
    timeout : float, optional
        Seconds to wait for any one answer before giving up (the process is then killed);
        default `TIMEOUT_SECONDS`.
    """

    def __init__(self, executable: str, timeout: float | None = None) -> None:
        self.executable = executable
        self.timeout = timeout or TIMEOUT_SECONDS
        self._next_id = 0
        self._buffer = b""
        # Several threads may print at once, each in its own tab: whoever waits for an
        # answer reads the pipe for everybody (one reader at a time) and files what it
        # reads under the command id, or the tab's session for events.
        self._sending = threading.Lock()
        self._filed = threading.Condition()
        self._reading = False
        self._failure: ChromiumError | None = None
        self._results: dict[int, dict[str, Any]] = {}
        self._events: dict[str, list[dict[str, Any]]] = {}  # by session of an open tab

    def __enter__(self) -> Chromium:
        self._profile = tempfile.TemporaryDirectory(prefix="mel-chromium-")
        commands_read, self._commands = os.pipe()
        self._answers, answers_write = os.pipe()
        # The child must find the pipe ends at exactly 3 and 4; park them above both first.
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (commands_read, answers_write)]
        for fd in (commands_read, answers_write):
            os.close(fd)

        def to_3_and_4() -> None:
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        arguments = [
            self.executable,
            "--headless",
            "--remote-debugging-pipe",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-sync",
            "--mute-audio",
            "--disable-dev-shm-usage",
            f"--user-data-dir={self._profile.name}",
            # Each window preloads the browser's omnibox pop-ups (WebUI pages of
            # some 80 MB in a renderer of their own), and a spare renderer waits
            # for the next tab: a printer needs neither.
            "--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup,"
            "SpareRendererForSitePerProcess",
        ]
        if os.geteuid() == 0:
            arguments.append("--no-sandbox")  # Chromium refuses to sandbox itself as root
        try:
            self._process = subprocess.Popen(  # noqa: S603 (fixed arguments, no shell)
                [*arguments, "about:blank"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                pass_fds=(3, 4),
                preexec_fn=to_3_and_4,
            )  # noqa: PLW1509 (only dup2, before exec)
        except OSError as exc:
            self._profile.cleanup()
            raise ChromiumError(
                f"cannot start Chromium ({self.executable}): {exc.strerror or exc}"
            ) from None
        finally:
            for fd in high:
                os.close(fd)
        try:
            # Close the about:blank tab Chromium opens with: every report is printed in a
            # tab of its own that is closed afterwards, so that its renderer process ends and
            # gives back its memory (a renderer keeps what one print took for the next).
            for target in self.call("Target.getTargets")["targetInfos"]:
                if target["type"] == "page":
                    self.call("Target.closeTarget", targetId=target["targetId"])
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        try:
            if self._process.poll() is None:
                self._send("Browser.close", {})
                self._process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self._process.kill()
            self._process.wait()
        finally:
            for fd in (self._commands, self._answers):
                os.close(fd)
            self._profile.cleanup()

    def new_tab(self) -> Tab:
        """Open a tab (several threads may print at once, each in its own); close it after."""
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        tab = Tab(self, session, target)
        self.clear_events(session)
        try:
            tab.call("Page.enable")
            tab.call("Emulation.setScriptExecutionDisabled", value=True)
        except BaseException:
            tab.close()
            raise
        return tab

    def call(self, method: str, *, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send one DevTools command and return its result (raises on a protocol error)."""
        ident = self._send(method, params, session)
        message = self._wait_for(lambda: self._results.pop(ident, None))
        if "error" in message:
            raise ChromiumError(f"Chromium refused {method}: {message['error'].get('message')}")
        return message.get("result", {})

    def _send(self, method: str, params: dict[str, Any], session: str | None = None) -> int:
        with self._sending:
            self._next_id += 1
            message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
            if session:
                message["sessionId"] = session
            data = json.dumps(message).encode() + b"\0"
            try:
                while data:
                    data = data[os.write(self._commands, data) :]
            except BrokenPipeError:
                raise ChromiumError(self._ended()) from None
            return self._next_id

    def wait_event(self, method: str, session: str) -> None:
        """Wait until the tab of `session` has sent the event `method` (and consume it)."""

        def found() -> dict[str, Any] | None:
            events = self._events.get(session, [])  # a tab's list is made when it opens
            hit = next((e for e in events if e["method"] == method), None)
            if hit is not None:
                events.remove(hit)
            return hit

        self._wait_for(found)

    def clear_events(self, session: str, *, closed: bool = False) -> None:
        """Forget the events a tab has sent so far (and those it sends later, if `closed`)."""
        with self._filed:
            if closed:
                self._events.pop(session, None)
            else:
                self._events[session] = []

    def _wait_for(self, take: Any) -> dict[str, Any]:
        """Return `take()` once it finds something, reading the pipe when nobody else is."""
        with self._filed:
            while (found := take()) is None:
                if self._failure is not None:
                    raise self._failure
                if self._reading:
                    self._filed.wait()
                    continue
                self._reading = True
                self._filed.release()
                try:
                    message = self._receive()
                except ChromiumError as exc:
                    message, self._failure = None, exc
                finally:
                    self._filed.acquire()
                    self._reading = False
                    self._filed.notify_all()
                if message is None:
                    continue
                if "id" in message:
                    self._results[message["id"]] = message
                elif "method" in message:
                    # Events of closed tabs and of the browser itself are not waited for.
                    if (kept := self._events.get(message.get("sessionId", ""))) is not None:
                        kept.append(message)
            return found

    def _receive(self) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self._answers], [], [], max(left, 0))
            if not ready:
                self._process.kill()
                raise ChromiumError(f"Chromium did not answer within {self.timeout:g} s")
            chunk = os.read(self._answers, 1 << 20)
            if not chunk:
                raise ChromiumError(self._ended())
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def _ended(self) -> str:
        code = self._process.poll()
        return f"Chromium ({self.executable}) stopped unexpectedly" + (
            f" with exit status {code}" if code is not None else ""
        )


class Tab:
    """A tab of a `Chromium`: load one HTML file, change its DOM, print it."""

    def __init__(self, browser: Chromium, session: str, target: str) -> None:
        self.browser = browser
        self.session = session
        self.target = target

    def __enter__(self) -> Tab:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the tab; its renderer process ends (unless Chromium has already stopped)."""
        try:
            self.browser.call("Target.closeTarget", targetId=self.target)
        except ChromiumError:
            pass
        self.browser.clear_events(self.session, closed=True)

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send a DevTools command to this tab and return its result."""
        return self.browser.call(method, session=self.session, **params)

    def load(self, html_file: Path) -> None:
        """Open `html_file` in the page and wait until it has loaded."""
        self.browser.clear_events(self.session)
        self.call("Page.navigate", url=html_file.resolve().as_uri())
        self.browser.wait_event("Page.loadEventFired", self.session)

    def print_pdf(self, *, tagged: bool = True) -> bytes:
        """The loaded page printed as a PDF (tagged, with an outline, unless `tagged` is off)."""
        answer = self.call(
            "Page.printToPDF",
            printBackground=True,
            preferCSSPageSize=True,
            displayHeaderFooter=False,
            generateTaggedPDF=tagged,
            generateDocumentOutline=tagged,
        )
        return base64.b64decode(answer["data"])

    def set_root_class(self, name: str) -> None:
        """Set the class of the page's root element (`<html>`); "" removes it."""
        root = self.call("DOM.getDocument", depth=0)["root"]["nodeId"]
        html = self.call("DOM.querySelector", nodeId=root, selector="html")["nodeId"]
        if name:
            self.call("DOM.setAttributeValue", nodeId=html, name="class", value=name)
        else:
            self.call("DOM.removeAttribute", nodeId=html, name="class")

    def set_texts(self, selector: str, key: str, texts: dict[str, str]) -> None:
        """Set the text of each element matching `selector` to ``texts[its key attribute]``.

        Works with scripts disabled (through the DOM domain); the page is laid out again
        by the next print.
        """
        root = self.call("DOM.getDocument", depth=0)["root"]["nodeId"]
        found = self.call("DOM.querySelectorAll", nodeId=root, selector=selector)["nodeIds"]
        for node in found:
            flat = self.call("DOM.getAttributes", nodeId=node)["attributes"]
            attributes = dict(zip(flat[::2], flat[1::2], strict=True))
            text = escape(texts.get(attributes.get(key, ""), ""))
            self.call(
                "DOM.setOuterHTML",
                nodeId=node,
                outerHTML=(
                    f'<span class="{escape(attributes.get("class", ""))}" '
                    f'{key}="{escape(attributes.get(key, ""))}">{text}</span>'
                ),
            )
