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
import time
from html import escape
from pathlib import Path
from types import TracebackType
from typing import Any

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable",
              "headless_shell")
TIMEOUT_SECONDS = 120.0


class ChromiumError(RuntimeError):
    """Chromium could not be started or did not print; the message says why."""


def find_chromium() -> str | None:
    """The Chromium executable: ``MEL_CHROMIUM`` if set, else the first one on PATH."""
    configured = os.environ.get("MEL_CHROMIUM")
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
        self._events: list[dict[str, Any]] = []

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

        arguments = [self.executable, "--headless", "--remote-debugging-pipe", "--disable-gpu",
                     "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                     "--disable-background-networking", "--disable-sync", "--mute-audio",
                     "--disable-dev-shm-usage", f"--user-data-dir={self._profile.name}"]
        if os.geteuid() == 0:
            arguments.append("--no-sandbox")  # Chromium refuses to sandbox itself as root
        try:
            self._process = subprocess.Popen(  # noqa: S603 (fixed arguments, no shell)
                [*arguments, "about:blank"], stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(3, 4),
                preexec_fn=to_3_and_4)  # noqa: PLW1509 (only dup2, before exec)
        except OSError as exc:
            self._profile.cleanup()
            raise ChromiumError(f"cannot start Chromium ({self.executable}): "
                                f"{exc.strerror or exc}") from None
        finally:
            for fd in high:
                os.close(fd)
        try:
            # Print in the tab Chromium opened with about:blank (a second one costs memory).
            pages = [t for t in self.call("Target.getTargets")["targetInfos"]
                     if t["type"] == "page"]
            target = pages[0]["targetId"] if pages else \
                self.call("Target.createTarget", url="about:blank")["targetId"]
            self._session = self.call("Target.attachToTarget", targetId=target,
                                      flatten=True)["sessionId"]
            self.call("Page.enable", session=True)
            self.call("Emulation.setScriptExecutionDisabled", value=True, session=True)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
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

    def load(self, html_file: Path) -> None:
        """Open `html_file` in the page and wait until it has loaded."""
        self._events.clear()
        self.call("Page.navigate", url=html_file.resolve().as_uri(), session=True)
        self._wait_event("Page.loadEventFired")

    def print_pdf(self, *, tagged: bool = True) -> bytes:
        """The loaded page printed as a PDF (tagged, with an outline, unless `tagged` is off)."""
        answer = self.call("Page.printToPDF", session=True, printBackground=True,
                           preferCSSPageSize=True, displayHeaderFooter=False,
                           generateTaggedPDF=tagged, generateDocumentOutline=tagged)
        return base64.b64decode(answer["data"])

    def set_root_class(self, name: str) -> None:
        """Set the class of the page's root element (`<html>`); "" removes it."""
        root = self.call("DOM.getDocument", session=True, depth=0)["root"]["nodeId"]
        html = self.call("DOM.querySelector", session=True, nodeId=root,
                         selector="html")["nodeId"]
        if name:
            self.call("DOM.setAttributeValue", session=True, nodeId=html, name="class",
                      value=name)
        else:
            self.call("DOM.removeAttribute", session=True, nodeId=html, name="class")

    def set_texts(self, selector: str, key: str, texts: dict[str, str]) -> None:
        """Set the text of each element matching `selector` to ``texts[its key attribute]``.

        Works with scripts disabled (through the DOM domain); the page is laid out again
        by the next print.
        """
        root = self.call("DOM.getDocument", session=True, depth=0)["root"]["nodeId"]
        found = self.call("DOM.querySelectorAll", session=True, nodeId=root,
                          selector=selector)["nodeIds"]
        for node in found:
            flat = self.call("DOM.getAttributes", session=True, nodeId=node)["attributes"]
            attributes = dict(zip(flat[::2], flat[1::2], strict=True))
            text = escape(texts.get(attributes.get(key, ""), ""))
            self.call("DOM.setOuterHTML", session=True, nodeId=node, outerHTML=(
                f'<span class="{escape(attributes.get("class", ""))}" '
                f'{key}="{escape(attributes.get(key, ""))}">{text}</span>'))

    def call(self, method: str, *, session: bool = False, **params: Any) -> dict[str, Any]:
        """Send one DevTools command and return its result (raises on a protocol error)."""
        ident = self._send(method, params, self._session if session else None)
        while True:
            message = self._receive()
            if message.get("id") == ident:
                if "error" in message:
                    raise ChromiumError(f"Chromium refused {method}: "
                                        f"{message['error'].get('message')}")
                return message.get("result", {})
            if "method" in message:
                self._events.append(message)

    def _send(self, method: str, params: dict[str, Any], session: str | None = None) -> int:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        try:
            while data:
                data = data[os.write(self._commands, data):]
        except BrokenPipeError:
            raise ChromiumError(self._ended()) from None
        return self._next_id

    def _wait_event(self, method: str) -> None:
        while True:
            for event in self._events:
                if event["method"] == method:
                    return
            self._events.append(self._receive())

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
        return (f"Chromium ({self.executable}) stopped unexpectedly"
                + (f" with exit status {code}" if code is not None else ""))
