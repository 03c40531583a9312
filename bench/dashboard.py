"""Benchmark: staff pages at 10^4, 10^5 and 10^6 responses (PostgreSQL), before and after.

For each size a PostgreSQL database ``mel_bench_frames_<n>`` is made once (simulated with
`mel.demo.simulate`, scaled to about n responses over all programmes; kept for later runs)
and migrated. Each mode then serves mel with gunicorn (one worker, four threads) and times
every staff page while participants submit complete responses at ``--rate`` per second
(a separate process inserting them in the programme's latest wave, one transaction each,
as a submission does; the database's triggers see them as they see real submissions):

- ``before``: the frame cache off (``MEL_FRAME_CACHE=off``) and pages waiting for the figures
  of the newest data (``MEL_DASHBOARD_WAIT`` = 1e6 s): every view after new data recomputes;
- ``after``: the columnar frame cache on and pages showing the previous figures (with their
  time) while new ones are made in the background (``MEL_DASHBOARD_WAIT`` = 0.05 s).

The first view of each page (figures computed from nothing) is reported apart; then each page
is requested ``--requests`` times (or until ``--budget`` seconds per page have passed) and
p50/p95 printed with the number of requests and of errors.

    python bench/dashboard.py [--sizes 10000,100000,1000000] [--rate 50] [--requests 20]
        [--modes before,after] [--pg-base postgresql+psycopg://postgres@127.0.0.1:5432]
        [--pages /kpis,/fieldwork]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EMAIL, PASSWORD = "bench-dashboard@mel.invalid", "bench-dashboard-password-1"
PROGRAMME = "techkwadraat"
BENCH = "bench-"  # the respondent ids of the responses submitted during a run


def remove_submitted(url: str) -> None:
    """Delete the responses a run submitted, so each mode starts from the same data."""
    from sqlalchemy import delete

    from mel.db import make_engine
    from mel.models import Response

    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            delete(Response).where(Response.respondent_id.startswith(BENCH))  # type: ignore[attr-defined]
        )
    engine.dispose()


def prepare(base: str, size: int) -> str:
    """The URL of a migrated database with about `size` responses (made once, then kept)."""
    from sqlalchemy import create_engine, func, select, text

    from mel.db import make_engine, session_scope, upgrade
    from mel.models import Response
    from mel.services import accounts

    name = f"mel_bench_frames_{size}"
    admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        ).first()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = f"{base}/{name}"
    engine = make_engine(url)
    upgrade(engine)
    remove_submitted(url)
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(Response)).scalar_one()
    if count == 0:
        _simulate(engine, size)
        # Statistics as autovacuum would gather them in time: without, the planner takes
        # a just-loaded table for empty (nested loops over 10^5 rows).
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")
    with session_scope(engine) as session:
        if accounts.find_user(session, EMAIL) is None:
            accounts.create_user(
                session, email=EMAIL, password=PASSWORD, role="admin", programmes=["*"]
            )
    engine.dispose()
    return url


def _simulate(engine: Any, size: int) -> None:
    """Publish the catalogue and simulate about `size` responses."""
    sys.path.insert(0, str(ROOT / "bench"))
    import simulate as simulate_bench  # the calibration of bench/simulate.py

    from mel.db import session_scope
    from mel.demo import simulate
    from mel.settings import project_path
    from mel.surveys.loader import load_catalogue
    from mel.surveys.publish import publish_catalogue

    with tempfile.TemporaryDirectory() as folder:
        scale = simulate_bench.calibrate(size, Path(folder))
    with session_scope(engine) as session:
        publish_catalogue(session, load_catalogue([project_path("surveys")]))
    started = time.perf_counter()
    simulate(engine, seed=2025, scale=scale)
    print(f"  simulated {size:,} responses in {time.perf_counter() - started:.0f} s", flush=True)


def submit(url: str, rate: float, stop: Any, counter: Any) -> None:
    """Insert complete responses at `rate` per second until `stop` is set (a process)."""
    from sqlalchemy import insert, select

    from mel.db import make_engine
    from mel.models import Programme, Response, Wave

    engine = make_engine(url)
    with engine.connect() as connection:
        wave_id = connection.execute(
            select(Wave.id)
            .join(Programme)
            .where(Programme.code == PROGRAMME)
            .order_by(Wave.year.desc())  # type: ignore[attr-defined]
        ).first()[0]  # type: ignore[index]
        templates = connection.execute(
            select(Response.instrument_version_id, Response.unit_id, Response.answers)
            .where(Response.wave_id == wave_id, Response.status == "complete")
            .limit(500)
        ).all()
    started, sent = time.monotonic(), 0
    while not stop.is_set():
        version, unit, answers = templates[sent % len(templates)]
        with engine.begin() as connection:
            connection.execute(
                insert(Response).values(
                    public_id=str(uuid.uuid4()),
                    wave_id=wave_id,
                    instrument_version_id=version,
                    unit_id=unit,
                    respondent_id=f"{BENCH}{uuid.uuid4().hex[:30]}",
                    status="complete",
                    answers=answers,
                    language="nl",
                )
            )
        sent += 1
        with counter.get_lock():
            counter.value += 1
        pause = started + sent / rate - time.monotonic()
        if pause > 0:
            time.sleep(pause)
    engine.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(url: str, mode: str, cache: Path) -> tuple[subprocess.Popen[bytes], int]:
    """Start gunicorn on a free port in `mode`; return the process and the port."""
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("MEL_")},
        "MEL_DATABASE_URL": url,
        "MEL_SECRET_KEY": "bench-dashboard-secret",
        "MEL_FRAME_CACHE": "off" if mode == "before" else str(cache),
        "MEL_DASHBOARD_WAIT": "1000000" if mode == "before" else "0.05",
        "PYTHONPATH": str(ROOT),
        "MPLBACKEND": "Agg",
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "mel.wsgi:app",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "--threads",
        "4",
        "--timeout",
        "3600",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, env=env, cwd=ROOT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, port
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def login(port: int) -> Any:
    """A logged-in requests session."""
    import requests

    http = requests.Session()
    page = http.get(f"http://127.0.0.1:{port}/staff/login", timeout=60)
    _plain(http)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)
    assert token is not None, "no CSRF token on the login page"
    answer = http.post(
        f"http://127.0.0.1:{port}/staff/login",
        data={"email": EMAIL, "password": PASSWORD, "csrf_token": token.group(1)},
        allow_redirects=False,
        timeout=60,
    )
    assert answer.status_code == 303, answer.status_code
    _plain(http)
    return http


def _plain(http: Any) -> None:
    """Send the (Secure) cookies over the benchmark's plain http on 127.0.0.1."""
    for cookie in http.cookies:
        cookie.secure = False


def pages(url: str) -> list[str]:
    """Every staff page of the programme's latest wave (HTML and the JSON API)."""
    from sqlalchemy import select

    from mel.db import make_engine
    from mel.models import Programme, Wave

    engine = make_engine(url)
    with engine.connect() as connection:
        wave = connection.execute(
            select(Wave.code)
            .join(Programme)
            .where(Programme.code == PROGRAMME)
            .order_by(Wave.year.desc())  # type: ignore[attr-defined]
        ).first()[0]  # type: ignore[index]
    engine.dispose()
    p = f"/staff/p/{PROGRAMME}"
    return [
        "/staff/",
        f"{p}/",
        f"{p}/waves",
        f"{p}/fieldwork",
        f"{p}/kpis",
        f"{p}/exports/",
        f"{p}/waves/{wave}/fieldwork",
        f"{p}/samples",
        f"/api/v1/programmes/{PROGRAMME}/fieldwork",
        f"/api/v1/programmes/{PROGRAMME}/kpis",
    ]


def measure(http: Any, port: int, page: str, requests: int, budget: float) -> dict[str, Any]:
    """Time the first view, then up to `requests` views within `budget` seconds."""
    times, errors = [], 0
    first = _get(http, port, page)
    errors += first[1]
    begun = time.perf_counter()
    while len(times) < requests and time.perf_counter() - begun < budget:
        took, failed = _get(http, port, page)
        times.append(took)
        errors += failed
        time.sleep(0.2)  # a person clicking, and time for submissions in between
    return {"first": first[0], "times": times, "errors": errors}


def _get(http: Any, port: int, page: str) -> tuple[float, bool]:
    """Time one page; whether it failed (an error, or not logged in any more)."""
    started = time.perf_counter()
    answer = http.get(f"http://127.0.0.1:{port}{page}", timeout=3600, allow_redirects=False)
    took = time.perf_counter() - started
    _plain(http)  # every answer sets the session cookie again
    return took, answer.status_code >= 300


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.0f}"


def run(url: str, mode: str, args: argparse.Namespace, cache: Path) -> dict[str, Any]:
    """One mode on one database: the figures of every page."""
    context = multiprocessing.get_context("spawn")
    stop, counter = context.Event(), context.Value("i", 0)
    submitters = [
        context.Process(target=submit, args=(url, args.rate / args.submitters, stop, counter))
        for _ in range(args.submitters)
    ]
    server, port = serve(url, mode, cache)
    results: dict[str, Any] = {}
    started = time.monotonic()
    for submitter in submitters:
        submitter.start()
    try:
        http = login(port)
        for page in pages(url):
            if args.pages and not any(part in page for part in args.pages.split(",")):
                continue
            results[page] = measure(http, port, page, args.requests, args.budget)
    finally:
        stop.set()
        for submitter in submitters:
            submitter.join(timeout=30)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        remove_submitted(url)
    rate = counter.value / (time.monotonic() - started)
    print(f"  {mode}: {counter.value} responses submitted ({rate:.0f}/s)", flush=True)
    return results


def report(size: int, figures: dict[str, dict[str, Any]]) -> None:
    """Print p50/p95 per page and mode."""
    modes = list(figures)
    header = f"  {'page':<48}" + "".join(
        f"{m + ' first':>14}{m + ' p50':>12}{m + ' p95':>12}{'n/err':>8}" for m in modes
    )
    print(f"\n{size:,} responses (ms)\n{header}")
    for page in figures[modes[0]]:
        line = f"  {page:<48}"
        for mode in modes:
            found = figures[mode][page]
            times = sorted(found["times"]) or [float("nan")]
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            line += f"{_ms(found['first']):>14}{_ms(statistics.median(times)):>12}"
            line += f"{_ms(p95):>12}{len(found['times']):>4}/{found['errors']:<3}"
        print(line, flush=True)


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--modes", default="before,after")
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--submitters", type=int, default=3, help="processes sharing --rate")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--budget", type=float, default=60.0, help="seconds per page and mode")
    parser.add_argument("--pg-base", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument(
        "--pages", default="", help="Only pages whose path contains one of these (comma-separated)."
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    for size in (int(s) for s in args.sizes.split(",")):
        print(f"{size:,} responses: preparing", flush=True)
        url = prepare(args.pg_base, size)
        with tempfile.TemporaryDirectory() as folder:
            figures = {mode: run(url, mode, args, Path(folder)) for mode in args.modes.split(",")}
        report(size, figures)


if __name__ == "__main__":
    main()
