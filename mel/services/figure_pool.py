"""The process that makes dashboard figures in the background, one per web process.

Figures of new data are made outside the web process, so that a long computation does not
hold the interpreter lock the requests need. The pool is the standard library's
`ProcessPoolExecutor` with one worker on the "forkserver" start method (never forked from
the threaded web process), created at the first background computation. Its worker imports
the dashboards' code once (`mel.services.figure_preload`), keeps its engines and its cache
of frames and results between tasks, ends itself when the web process is gone, and is
ended (not waited for) when the web process exits. A worker that died (killed, out of
memory) breaks the pool: the computation it was making fails, and the next one gets a fresh
pool.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

PRELOAD = ["mel.services.figure_preload"]
# How often a worker looks whether its web process is still there (seconds).
PARENT_CHECK_S = 1.0

_LOCK = threading.Lock()
_POOL: ProcessPoolExecutor | None = None
_EXIT_REGISTERED = False
# The process that made the last figures (a worker's pid), for logs and tests.
last_pid: int | None = None


def submit(task: Callable[[], Any]) -> Future[tuple[Any, int]]:
    """Run `task` (a picklable callable) in the worker; the future gives (value, worker pid).

    A broken pool (its worker died) is replaced by a fresh one before the task is sent.
    """
    for _ in range(2):
        pool = _pool()
        try:
            future = pool.submit(_call, task)
        except BrokenProcessPool:
            discard(pool)
            continue
        future.add_done_callback(functools.partial(_after, pool))
        return future
    raise BrokenProcessPool("the dashboard figures' worker process could not be started")


def _pool() -> ProcessPoolExecutor:
    global _POOL, _EXIT_REGISTERED
    with _LOCK:
        if _POOL is None:
            context = multiprocessing.get_context("forkserver")
            # Only heeded when this process starts its forkserver (the first pool).
            context.set_forkserver_preload(PRELOAD)
            _POOL = ProcessPoolExecutor(
                max_workers=1,
                mp_context=context,
                initializer=_start_worker,
                initargs=(os.getpid(),),
            )
            if not _EXIT_REGISTERED:
                _register_exit()
                _EXIT_REGISTERED = True
        return _POOL


def _after(pool: ProcessPoolExecutor, future: Future[tuple[Any, int]]) -> None:
    """Note the worker that made the figures; let a broken pool be replaced."""
    global last_pid
    if future.cancelled():
        return
    error = future.exception()
    if error is None:
        last_pid = future.result()[1]
    elif isinstance(error, BrokenProcessPool):
        discard(pool)


def discard(pool: ProcessPoolExecutor) -> None:
    """Forget `pool` (the next task gets a fresh one) and end its worker."""
    global _POOL
    with _LOCK:
        if _POOL is pool:
            _POOL = None
    _end(pool)


def worker_pids() -> list[int]:
    """The pids of the pool's live worker processes (none before the first task)."""
    with _LOCK:
        pool = _POOL
    processes = dict(getattr(pool, "_processes", None) or {})
    return [pid for pid, process in processes.items() if process.is_alive()]


def shutdown() -> None:
    """End the pool and its worker now, without waiting for a computation in progress."""
    global _POOL
    with _LOCK:
        pool, _POOL = _POOL, None
    if pool is not None:
        _end(pool)


def _end(pool: ProcessPoolExecutor) -> None:
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        if process.is_alive():
            process.kill()
    pool.shutdown(wait=False, cancel_futures=True)


def _register_exit() -> None:
    """End the pool when the interpreter exits, before the standard library joins it.

    `concurrent.futures` waits at exit for the computation in progress (up to a statement
    timeout); a web worker that is stopping must not. Its exit hook runs in the reverse
    order of registration, so this one (registered later) runs first.
    """
    register = getattr(threading, "_register_atexit", None)
    if register is not None:
        register(shutdown)
    else:  # pragma: no cover (CPython has it since 3.9)
        import atexit

        atexit.register(shutdown)


def _call(task: Callable[[], Any]) -> tuple[Any, int]:
    """In the worker: make the figures, and say which process made them."""
    return task(), os.getpid()


def _start_worker(parent: int) -> None:
    """In the worker: end it when the web process `parent` is gone (killed, say)."""
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    # The worker's own parent is the forkserver, which ends when the web process does.
    server = os.getppid()
    while True:
        time.sleep(PARENT_CHECK_S)
        if os.getppid() != server:
            os._exit(0)
        try:
            os.kill(parent, 0)
        except (ProcessLookupError, PermissionError):  # gone (or its pid reused)
            os._exit(0)
