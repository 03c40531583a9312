"""Under gunicorn (mel/web/gunicorn_conf.py), a request stuck in a thread past
MEL_REQUEST_TIMEOUT gets its worker replaced, which gunicorn's own --timeout never does."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from tests.conftest import closed_port

ROOT = Path(__file__).resolve().parents[2]


def answer(port: int, path: str = "/", timeout: float = 5) -> str | None:
    """The body the server returns, or None when it does not answer."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as page:
            return page.read().decode()
    except OSError:
        return None


def wait_for(condition, seconds: float = 60):  # type: ignore[no-untyped-def]
    """Poll until `condition()` gives a true value (or give up after `seconds`)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    return None


def test_a_stuck_request_gets_its_worker_replaced(tmp_path: Path) -> None:
    port = closed_port()
    log = tmp_path / "gunicorn.log"
    env = {**os.environ, "MEL_REQUEST_TIMEOUT": "1"}
    command = [
        sys.executable, "-m", "gunicorn", "-c", "python:mel.web.gunicorn_conf",
        "-w", "1", "--graceful-timeout", "1", "-b", f"127.0.0.1:{port}",
        "tests.web.hanging_app:app",
    ]  # fmt: skip
    with log.open("w") as output:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    try:
        first = wait_for(lambda: answer(port))
        assert first, log.read_text()
        stuck = threading.Thread(target=answer, args=(port, "/hang", 60), daemon=True)
        stuck.start()
        replaced = wait_for(lambda: (pid := answer(port)) and pid != first and pid)
        assert replaced, log.read_text()
        stuck.join(timeout=60)
        assert not stuck.is_alive()  # its connection was closed with the old worker
        text = log.read_text()
        assert "request GET /hang has run for" in text and f"replacing worker {first}" in text
        assert "hanging_app.py" in text  # where it was stuck
    finally:
        server.terminate()
        server.wait(timeout=30)
