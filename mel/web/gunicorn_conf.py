"""gunicorn settings for mel: ``gunicorn -c python:mel.web.gunicorn_conf 'mel.wsgi:app'``.

Threaded workers (gthread), and a watchdog for them. gunicorn's ``--timeout`` only sees
the worker's main loop, which keeps running while a request thread is stuck, so it never
frees such a thread: with all threads stuck the worker is dead but counted as alive. The
database's own limits (`mel.db_timeouts`) make a stuck query fail within seconds; for
anything else, this watchdog logs where a request has been running longer than
MEL_REQUEST_TIMEOUT seconds and replaces its worker: the worker stops taking requests,
lets its other requests finish (``graceful_timeout``) and exits, and gunicorn starts a
fresh one. Command-line options (``-w``, ``--threads``, ``--bind``...) override these.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
import traceback
from typing import Any

from mel.settings import load_settings

_settings = load_settings()

worker_class = "gthread"
workers = 2
threads = 4
# The main loop's heartbeat (a worker whose main loop hangs is killed after this).
timeout = 30
# A worker being replaced gives its other requests this long to finish.
graceful_timeout = 10
# Seconds a request may run before its worker is replaced (MEL_REQUEST_TIMEOUT).
request_timeout = _settings.request_timeout

# Running requests of this worker process: thread id -> (start, method and path).
_running: dict[int, tuple[float, str]] = {}
_lock = threading.Lock()


def when_ready(server: Any) -> None:
    """Warn when several workers would each keep their own rate-limit and login counts."""
    if server.cfg.workers > 1 and _settings.ratelimit_store.startswith("memory://"):
        server.log.warning(
            "Rate limits count in memory: each of the %d workers counts failed logins and "
            "survey posts by itself. Set MEL_REDIS_URL=redis://... to share the counts.",
            server.cfg.workers,
        )


def pre_request(worker: Any, req: Any) -> None:
    """Note that this thread starts a request."""
    worker.log.debug("%s %s", req.method, req.path)
    with _lock:
        _running[threading.get_ident()] = (time.monotonic(), f"{req.method} {req.path}")


def post_request(worker: Any, req: Any, environ: Any, resp: Any) -> None:
    """Note that this thread's request is done."""
    with _lock:
        _running.pop(threading.get_ident(), None)


def post_worker_init(worker: Any) -> None:
    """Start this worker's watchdog."""
    threading.Thread(
        target=_watch, args=(worker, request_timeout), name="mel-request-watch", daemon=True
    ).start()


def overdue(now: float, limit: float) -> list[tuple[int, float, str]]:
    """The requests running longer than `limit` seconds: (thread id, seconds, request)."""
    with _lock:
        running = list(_running.items())
    return [(ident, now - start, what) for ident, (start, what) in running if now - start > limit]


def _watch(worker: Any, limit: float) -> None:
    while True:
        time.sleep(min(1.0, limit / 4))
        stuck = overdue(time.monotonic(), limit)
        if stuck:
            _replace(worker, stuck)
            return


def _replace(worker: Any, stuck: list[tuple[int, float, str]]) -> None:
    """Log the stuck requests' stacks, then stop this worker gracefully (then for good)."""
    frames = sys._current_frames()
    for ident, seconds, what in stuck:
        stack = "".join(traceback.format_stack(frames[ident])) if ident in frames else ""
        worker.log.error(
            "request %s has run for %.0f s (MEL_REQUEST_TIMEOUT %.0f s); replacing worker "
            "%s. It is at:\n%s",
            what,
            seconds,
            request_timeout,
            os.getpid(),
            stack,
        )
    os.kill(os.getpid(), signal.SIGTERM)  # gunicorn's graceful stop; a new worker starts
    # A stuck thread keeps the process from exiting once the others are done.
    time.sleep(worker.cfg.graceful_timeout + 2)
    worker.log.error("worker %s did not stop gracefully; exiting", os.getpid())
    os._exit(1)
