"""Load test: simulated respondents complete the DW impact monitor against gunicorn.

Starts gunicorn (gthread workers; `--servers granian` for the Rust server as a peer) on
127.0.0.1 against a fresh PostgreSQL database and then a fresh SQLite one, lets N
respondents (at most C at a time) fill in the survey like a browser without JavaScript
(consent, four pages, final submit, thank-you page; some press Submit twice at once), and
prints throughput, latency percentiles and errors. Afterwards it checks that the database
holds exactly one complete response per completed respondent.

    python bench/load_survey.py --respondents 2000 --concurrency 200 --think 1.2

Without think time every respondent presses on at once, which measures capacity; latency
is then just the queue (200 respondents / requests per second).

Loopback only; every loop is bounded by the number of respondents and a deadline.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from http_client import HOST, Browser, Stats  # noqa: E402  (bench/ is the script's folder)
from sqlalchemy import create_engine, text  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from mel.db import make_engine, session_scope, upgrade  # noqa: E402
from mel.models import Response  # noqa: E402
from mel.surveys.loader import load_catalogue  # noqa: E402
from mel.surveys.publish import publish_catalogue  # noqa: E402
from tests.factories import make_wave  # noqa: E402

DW = ROOT / "surveys" / "digitale-werkplaatsen"
INPUT = re.compile(r'name="(csrf_token|_consent|_submission)" value="([^"]*)"')


def page_answers(name: str, rng: random.Random, steps_yes: bool) -> dict[str, str | list[str]]:
    """Plausible answers for each DW page (varied, so that skip logic is exercised)."""
    steps = (
        {"welke_stappen": ["advies_uitgevoerd"]}
        if steps_yes
        else {"reden_geen_stappen": rng.choice(["geen_tijd", "geen_budget"])}
    )
    return {
        "traject": {
            "soort_traject": rng.choice(["korte_vraag", "traject", "masterclass"]),
            "onderwerpen": rng.sample(
                ["website_webshop", "data_dashboards", "ai", "cybersecurity"], rng.randint(1, 3)
            ),
            "datum_afgerond": f"2025-0{rng.randint(1, 9)}-01",
        },
        "oordeel": {
            "cijfer_traject": str(rng.randint(5, 10)),
            "aanbevelen": "yes",
            "aanbeveling_score": str(rng.randint(0, 10)),
            "vervolgstappen": "yes" if steps_yes else "no",
        },
        "na_het_traject": {
            **steps,
            **{
                f"effecten__{s}": str(rng.randint(1, 5))
                for s in (
                    "inzicht",
                    "vaardigheden",
                    "nieuwe_toepassingen",
                    "weinig_veranderd",
                    "inbreng_studenten",
                )
            },
        },
        "uw_bedrijf": {
            "bedrijfsgrootte": rng.choice(["zzp", "micro", "klein"]),
            "opmerkingen": "Prima geholpen door de studenten.",
        },
    }[name]


async def respondent(port: int, link: str, stats: Stats, rng: random.Random, think: float) -> None:
    """Fill in the survey once, like a browser; a few press Submit twice at the same time.

    `think` is the mean time (s) spent reading a page before pressing its button.
    """
    browser = Browser(port, stats)
    steps_yes = rng.random() < 0.8
    try:
        status, _, html = await browser.request("GET", link)
        expect(status, 200, link)
        status, headers, _ = await browser.request("POST", link, dict(INPUT.findall(html)))
        expect(status, 303, "consent")
        path = headers["location"]
        while "/p/" in path:
            status, _, html = await browser.request("GET", path)
            expect(status, 200, path)
            answers = page_answers(path.rsplit("/", 1)[1], rng, steps_yes)
            if think:
                await asyncio.sleep(rng.uniform(0.5, 1.5) * think)
            form = {**dict(INPUT.findall(html)), **answers, "_action": "next"}
            if "_submission" in form and rng.random() < 0.05:
                twin = Browser(port, stats)
                twin.cookie = browser.cookie
                results = await asyncio.gather(
                    browser.request("POST", path, form), twin.request("POST", path, form)
                )
                await twin.close()
                status, headers = results[0][0], results[0][1]
                expect(results[1][0], 303, "double submit")
            else:
                status, headers, _ = await browser.request("POST", path, form)
            expect(status, 303, path)
            path = headers["location"]
        status, _, html = await browser.request("GET", path)
        expect(status, 200, path)
        if "Bedankt!" not in html:
            raise AssertionError(f"no thank-you page at {path}")
        stats.completed += 1
    except Exception as exc:  # every failure is counted, none stops the run
        stats.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        await browser.close()


def expect(status: int, wanted: int, what: str) -> None:
    """Fail a respondent on an unexpected HTTP status."""
    if status != wanted:
        raise AssertionError(f"{what}: HTTP {status}, expected {wanted}")


async def run_load(
    port: int, link: str, respondents: int, concurrency: int, deadline: float, think: float
) -> tuple[Stats, float]:
    """Run `respondents` respondents, `concurrency` at a time; return stats and seconds."""
    stats, queue = Stats(), asyncio.Queue[int]()
    for number in range(respondents):
        queue.put_nowait(number)

    async def worker() -> None:
        while not queue.empty() and time.monotonic() < deadline:
            number = queue.get_nowait()
            await respondent(port, link, stats, random.Random(number), think)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return stats, time.perf_counter() - start


def prepare(url: str) -> str:
    """Migrate a fresh database, publish the DW survey with an open wave; return the link."""
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        publish_catalogue(session, load_catalogue([DW]))
        make_wave(session, "dw-impactmonitor", code="bench", open_link=True)
    engine.dispose()
    return "/s/dw-impactmonitor/bench"


def tree_cpu_seconds(root: int) -> float:
    """Return user+system CPU seconds of a process and its children (Linux /proc)."""
    total, tick = 0.0, os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry) == root or int(fields[1]) == root:  # fields[1] is the parent pid
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def free_port() -> int:
    """Return a free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_command(server: str, port: int, workers: int, threads: int) -> list[str]:
    """Return the command line that serves mel with `server` (gunicorn or granian)."""
    if server == "granian":  # Rust HTTP server, WSGI app run on its blocking threads
        return [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "wsgi",
            "--host",
            HOST,
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--blocking-threads",
            str(threads),
            "--backlog",
            "2048",
            "--log-level",
            "warning",
            "--no-access-log",
            "mel.wsgi:app",
        ]
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "-w",
        str(workers),
        "-k",
        "gthread",
        "--threads",
        str(threads),
        "--keep-alive",
        "30",
        "--backlog",
        "2048",
        "-b",
        f"{HOST}:{port}",
        "--log-level",
        "warning",
        "mel.wsgi:app",
    ]


@contextmanager
def serving(url: str, server: str, workers: int, threads: int):  # type: ignore[no-untyped-def]
    """Serve mel with `server` on a free loopback port; yield the port and the server's pid."""
    port = free_port()
    env = {
        **os.environ,
        "MEL_DATABASE_URL": url,
        "MEL_SECRET_KEY": secrets.token_hex(16),
        "MEL_RATELIMIT_STORAGE_URI": os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379"),
        "MEL_RATELIMIT_KEY_PREFIX": f"bench-{secrets.token_hex(4)}",
        "MEL_RATELIMIT_START": "100000 per minute",
    }  # every respondent shares 127.0.0.1
    process = subprocess.Popen(server_command(server, port, workers, threads), cwd=ROOT, env=env)
    try:
        for _ in range(100):  # up to 20 s to come up
            try:
                urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"{server} did not start")
        yield port, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


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


def report(name: str, stats: Stats, seconds: float, problems: list[str]) -> None:
    """Print the figures of one run."""
    lat = sorted(stats.latencies)
    pct = statistics.quantiles(lat, n=100, method="inclusive") if len(lat) > 1 else [0.0] * 99
    print(f"== {name}")
    print(
        f"completed surveys      {stats.completed} in {seconds:.1f} s "
        f"= {stats.completed / seconds:.1f} surveys/s"
    )
    print(f"page requests          {len(lat)} = {len(lat) / seconds:.0f} requests/s")
    print(
        f"latency p50/p95/p99    {pct[49] * 1000:.0f} / {pct[94] * 1000:.0f} / "
        f"{pct[98] * 1000:.0f} ms (max {lat[-1] * 1000:.0f} ms)"
        if lat
        else "no requests"
    )
    print(
        f"errors                 {len(stats.errors)}"
        + (f" (first: {stats.errors[0]})" if stats.errors else "")
        + f"; reconnects {stats.reconnects}"
    )
    requests = max(len(lat), 1)
    print(
        f"CPU per request        server {stats.server_cpu / requests * 1000:.2f} ms, "
        f"load client {stats.client_cpu / requests * 1000:.2f} ms "
        f"(server used {stats.server_cpu / seconds:.2f} of {os.cpu_count()} cores)"
    )
    verdict = (
        "OK: one complete response per completed respondent"
        if not problems
        else "; ".join(problems)
    )
    print(f"database check         {verdict}")


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


def main() -> None:
    """Run the load test on the chosen backends and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 2,
        help="server processes (default: one per core)",
    )
    parser.add_argument("--threads", type=int, default=4, help="threads per process")
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument(
        "--servers",
        default="gunicorn",
        help="comma-separated: gunicorn (gthread workers), granian (WSGI)",
    )
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean seconds a respondent reads a page before answering "
        "(0: press on at once, which measures capacity)",
    )
    parser.add_argument("--timeout", type=float, default=600, help="deadline per backend (s)")
    args = parser.parse_args()
    print(
        f"{args.respondents} respondents, {args.concurrency} at a time, think time "
        f"{args.think:g} s; {args.workers} workers x {args.threads} threads; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    runs = [
        (server, backend)
        for server in args.servers.split(",")
        for backend in args.backends.split(",")
    ]
    for server, backend in runs:
        with tempfile.TemporaryDirectory() as folder:
            database = (
                postgres_database(args.pg_url)
                if backend == "postgresql"
                else nullcontext(f"sqlite:///{folder}/bench.sqlite")
            )
            with database as url:
                link = prepare(url)
                with serving(url, server, args.workers, args.threads) as (port, pid):
                    server_cpu, client_cpu = tree_cpu_seconds(pid), time.process_time()
                    stats, seconds = asyncio.run(
                        run_load(
                            port,
                            link,
                            args.respondents,
                            args.concurrency,
                            time.monotonic() + args.timeout,
                            args.think,
                        )
                    )
                    stats.server_cpu = tree_cpu_seconds(pid) - server_cpu
                    stats.client_cpu = time.process_time() - client_cpu
                report(
                    f"{backend} on {server}", stats, seconds, check(url, stats, args.respondents)
                )


@contextmanager
def nullcontext(value: str):  # type: ignore[no-untyped-def]
    """Yield `value` (a SQLite URL needs no set-up)."""
    yield value


if __name__ == "__main__":
    main()
