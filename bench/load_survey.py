"""Load test: simulated respondents complete the DW impact monitor against gunicorn.

Serves mel with gunicorn (gthread workers; `--servers granian` for the Rust server as a peer)
on 127.0.0.1 against a fresh PostgreSQL database and then a fresh SQLite one, lets N
respondents (at most C at a time) fill in the survey like a browser without JavaScript
(consent, four pages, final submit, thank-you page; some press Submit twice at once), and
prints throughput, latency percentiles, errors and the server's CPU per request. Afterwards
it checks that the database holds exactly one complete response per completed respondent.

Before mel, in the same run and with the same server set-up, the same respondents fill in
a minimal Flask + WTForms survey with CSRF and no database (`floor_app.py`): mel's CPU per
request is printed as a ratio to that floor, which a busy shared machine changes less than
either figure.

Scale-out: `--groups 1,2 --proxy nginx` runs one and then two gunicorn groups (each of
`--workers` processes, on ports of their own, sharing the database and Redis) behind Debian's
nginx or HAProxy; `--kill-after 10` then runs two groups again and kills one group's master
with SIGKILL ten seconds in: participants whose request failed press again, and the
database check shows whether anything was lost or stored twice.

    python bench/load_survey.py --respondents 2000 --concurrency 200 --think 1.0
    python bench/load_survey.py --think 0 --workers 1 --groups 1,2 --proxy nginx --kill-after 8

Without think time every respondent presses on at once, which measures capacity; latency
is then just the queue (200 respondents / requests per second).

Loopback only; every loop is bounded by the number of respondents and a deadline.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cluster import Cluster, cluster  # noqa: E402  (bench/ is the script's folder)
from http_client import Stats  # noqa: E402
from respondents import Respondent, floor_respondent, respondent, run_load  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from mel.db import make_engine, session_scope, upgrade  # noqa: E402
from mel.models import Response  # noqa: E402
from mel.surveys.loader import load_catalogue  # noqa: E402
from mel.surveys.publish import publish_catalogue  # noqa: E402
from tests.factories import make_wave  # noqa: E402

DW = ROOT / "surveys" / "digitale-werkplaatsen"


def prepare(url: str) -> str:
    """Migrate a fresh database, publish the DW survey with an open wave; return the link."""
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        publish_catalogue(session, load_catalogue([DW]))
        make_wave(session, "dw-impactmonitor", code="bench", open_link=True)
    engine.dispose()
    return "/s/dw-impactmonitor/bench"


def check(url: str, stats: Stats, respondents: int) -> list[str]:
    """Return problems: lost or duplicated responses compared with what respondents saw."""
    engine = make_engine(url)
    with Session(engine) as session:
        rows = session.exec(select(Response)).all()
    engine.dispose()
    complete = [r for r in rows if r.status == "complete"]
    problems = []
    if len(complete) != stats.completed:
        problems.append(
            f"{len(complete)} complete responses for {stats.completed} completed respondents"
        )
    if len({r.client_submission_id for r in complete}) != len(complete):
        problems.append("duplicate client_submission_id")
    if len(rows) > respondents:
        problems.append(f"{len(rows)} responses for {respondents} respondents")
    return problems


def percentile(latencies: list[float], p: int) -> float:
    """The `p`-th percentile of `latencies` in ms (0 without any)."""
    if len(latencies) < 2:
        return latencies[0] * 1000 if latencies else 0.0
    return statistics.quantiles(latencies, n=100, method="inclusive")[p - 1] * 1000


def report(name: str, stats: Stats, seconds: float, problems: list[str] | None) -> float:
    """Print the figures of one run; return the server's CPU ms per request."""
    lat = sorted(stats.latencies)
    requests = max(len(lat), 1)
    cpu = stats.server_cpu / requests * 1000
    print(f"== {name}")
    print(
        f"completed surveys      {stats.completed} in {seconds:.1f} s "
        f"= {stats.completed / seconds:.1f} surveys/s"
    )
    print(f"page requests          {len(lat)} = {len(lat) / seconds:.0f} requests/s")
    print(
        f"latency p50/p95/p99    {percentile(lat, 50):.0f} / {percentile(lat, 95):.0f} / "
        f"{percentile(lat, 99):.0f} ms (max {lat[-1] * 1000:.0f} ms)"
        if lat
        else "no requests"
    )
    print(
        f"errors                 {len(stats.errors)}"
        + (f" (first: {stats.errors[0]})" if stats.errors else "")
        + f"; reconnects {stats.reconnects}; pressed again after 502/503 {stats.retries}"
    )
    proxy = f", proxy {stats.proxy_cpu / requests * 1000:.2f} ms" if stats.proxy_cpu else ""
    print(
        f"CPU per request        server {cpu:.2f} ms{proxy}, "
        f"load client {stats.client_cpu / requests * 1000:.2f} ms "
        f"(server used {stats.server_cpu / seconds:.2f} of {os.cpu_count()} cores)"
    )
    if problems is not None:
        verdict = (
            "OK: one complete response per completed respondent"
            if not problems
            else "; ".join(problems)
        )
        print(f"database check         {verdict}")
    return cpu


def measure(
    running: Cluster, one: Respondent, args: argparse.Namespace, kill_after: float = 0
) -> tuple[Stats, float]:
    """Run the respondents against `running`; with `kill_after`, kill group 1 meanwhile."""

    async def kill() -> None:
        await asyncio.sleep(kill_after)
        group = await asyncio.to_thread(running.kill, 0)
        print(f"-- killed {group.name} (master pid {group.pid}, SIGKILL) at {kill_after:g} s")

    server_cpu, proxy_cpu = running.server_cpu(), running.proxy_cpu()
    client_cpu = time.process_time()
    stats, seconds = asyncio.run(
        run_load(
            running.port,
            one,
            args.respondents,
            args.concurrency,
            time.monotonic() + args.timeout,
            args.think,
            kill if kill_after else None,
        )
    )
    stats.server_cpu = running.server_cpu() - server_cpu
    stats.proxy_cpu = running.proxy_cpu() - proxy_cpu
    stats.client_cpu = time.process_time() - client_cpu
    return stats, seconds


def server_env(url: str | None) -> dict[str, str]:
    """The environment of the app servers: mel's database, a shared key, Redis."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEL_")}
    env.update(
        {
            "MEL_SECRET_KEY": secrets.token_hex(16),  # one key for every group
            "MEL_REDIS_URL": os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379"),
            "MEL_RATELIMIT_KEY_PREFIX": f"bench-{secrets.token_hex(4)}",
            "MEL_RATELIMIT_START": "100000 per minute",  # every respondent shares 127.0.0.1
        }
    )
    if url is not None:
        env["MEL_DATABASE_URL"] = url
    return env


def run_backend(args: argparse.Namespace, server: str, backend: str, folder: Path) -> None:
    """The floor, then mel with each number of groups, then the kill test, on one backend."""
    setup = dict(proxy=args.proxy, server=server, workers=args.workers, threads=args.threads)
    label = f"{server}, {args.workers} workers x {args.threads} threads per group"
    floor = None
    if args.floor:
        with cluster(
            "floor_app:app", server_env(None), cwd=ROOT / "bench", folder=folder, **setup
        ) as running:
            stats, seconds = measure(running, floor_respondent, args)
        floor = report(f"floor (Flask + WTForms + CSRF) on {label}", stats, seconds, None)
    runs = [(groups, 0.0) for groups in args.groups] + (
        [(2, args.kill_after)] if args.kill_after else []
    )
    for groups, kill_after in runs:
        database = (
            postgres_database(args.pg_url)
            if backend == "postgresql"
            else given(f"sqlite:///{folder}/bench-{groups}-{kill_after:g}.sqlite")
        )
        with database as url:
            link = prepare(url)

            one = functools.partial(respondent, link=link)
            options = {**setup, "groups": groups}
            if groups > 1 and args.proxy == "none":
                options["proxy"] = "nginx"
            with cluster("mel.wsgi:app", server_env(url), cwd=ROOT, folder=folder, **options) as c:
                stats, seconds = measure(c, one, args, kill_after)
            behind = "" if options["proxy"] == "none" else f" behind {options['proxy']}"
            kill = ", one group killed mid-run" if kill_after else ""
            name = f"mel on {backend}, {groups} group(s){behind}{kill}; {label}"
            cpu = report(name, stats, seconds, check(url, stats, args.respondents))
            if floor and not kill_after:
                print(f"mel / floor CPU        {cpu / floor:.2f} x (goal <= 2.5 x)")


def main() -> None:
    """Run the load test on the chosen backends and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 2,
        help="server processes per group (default: one per core)",
    )
    parser.add_argument("--threads", type=int, default=4, help="threads per process")
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument(
        "--servers",
        default="gunicorn",
        help="comma-separated: gunicorn (gthread workers), granian (WSGI)",
    )
    parser.add_argument(
        "--groups",
        default="1",
        type=lambda s: [int(n) for n in s.split(",")],
        help="comma-separated numbers of server groups to compare, e.g. 1,2",
    )
    parser.add_argument(
        "--proxy",
        default="none",
        choices=("none", "nginx", "haproxy"),
        help="reverse proxy in front of the groups (several groups: nginx when none)",
    )
    parser.add_argument(
        "--kill-after",
        type=float,
        default=0,
        help="also run two groups and SIGKILL one group's master this many seconds in",
    )
    parser.add_argument("--no-floor", dest="floor", action="store_false", help="skip the floor")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean seconds a respondent reads a page before answering "
        "(0: press on at once, which measures capacity)",
    )
    parser.add_argument("--timeout", type=float, default=600, help="deadline per run (s)")
    args = parser.parse_args()
    print(
        f"{args.respondents} respondents, {args.concurrency} at a time, think time "
        f"{args.think:g} s; {args.workers} workers x {args.threads} threads per group; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    for server in args.servers.split(","):
        for backend in args.backends.split(","):
            with tempfile.TemporaryDirectory() as folder:
                run_backend(args, server, backend, Path(folder))


@contextmanager
def postgres_database(admin_url: str):  # type: ignore[no-untyped-def]
    """Create a throw-away PostgreSQL database; yield its URL; drop it afterwards."""
    name = f"mel_bench_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def given(value: str) -> Iterator[str]:
    """Yield `value` (a SQLite URL needs no set-up)."""
    yield value


if __name__ == "__main__":
    main()
