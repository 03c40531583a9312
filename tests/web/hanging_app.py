"""A WSGI app for the gunicorn watchdog test: `/hang` never returns, `/` names its worker."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from typing import Any


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Answer with the worker's process id, or never (`/hang`)."""
    if environ["PATH_INFO"] == "/hang":
        threading.Event().wait()  # stuck, as in a call that never returns
    body = str(os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
