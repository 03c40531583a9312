"""Benchmark: simulate 20,000 responses on SQLite (and PostgreSQL if reachable).

Prints wall and CPU time, throughput and memory for `mel.demo.simulate` at the scale
that gives about 20,000 responses over all programmes (two waves each). Every run is a
fresh process on a fresh database, so peak RSS belongs to that run alone. Each simulated
wave goes the real way (units import, draw, contacts import, every invitation claimed,
written to an outbox and marked, answers through the invitations), so the time grows with
the persons invited, about 1.2 per response.

    python bench/simulate.py [--responses 20000] [--pg-url URL] [--no-pg]

PostgreSQL defaults to $MEL_TEST_DATABASE_URL or postgresql+psycopg://postgres@127.0.0.1/test;
the run uses a schema of its own that is dropped afterwards.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _rss_mb() -> float:
    """Current resident set size of this process in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _prepare(url: str) -> Any:
    from mel.db import make_engine, session_scope, upgrade
    from mel.settings import project_path
    from mel.surveys.loader import load_catalogue
    from mel.surveys.publish import publish_catalogue

    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        publish_catalogue(session, load_catalogue([project_path("surveys")]))
    return engine


def _run(url: str, scale: float, queue: Any) -> None:
    """Child process: prepare the database, then time one simulation."""
    from sqlalchemy import func, select

    from mel.demo import simulate
    from mel.models import Response

    engine = _prepare(url)
    before = _rss_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    summary = simulate(engine, seed=2025, scale=scale)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with engine.connect() as connection:
        stored = connection.execute(select(func.count()).select_from(Response)).scalar_one()
    engine.dispose()
    queue.put(
        {
            "responses": summary.responses,
            "stored": stored,
            "wall": wall,
            "cpu": cpu,
            "peak": peak,
            "grew": peak - before,
            "table": str(summary),
        }
    )


def measure(url: str, scale: float) -> dict[str, Any]:
    """Run one simulation in a fresh process and return its figures."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_run, args=(url, scale, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def calibrate(target: int, folder: Path) -> float:
    """Scale giving about `target` responses: person surveys grow with it, unit ones do not."""
    from sqlalchemy import func, select

    from mel.demo import simulate
    from mel.models import Instrument, InstrumentVersion, Response

    engine = _prepare(f"sqlite:///{folder / 'calibrate.sqlite'}")
    simulate(engine, seed=2025, scale=1.0)
    with engine.connect() as connection:
        rows = connection.execute(
            select(Instrument.respondent, func.count())
            .select_from(Response)
            .join(InstrumentVersion, InstrumentVersion.id == Response.instrument_version_id)
            .join(Instrument, Instrument.id == InstrumentVersion.instrument_id)
            .group_by(Instrument.respondent)
        ).all()
    engine.dispose()
    counts = dict(rows)
    units, persons = counts.get("unit", 0), counts.get("person", 0)
    return (target - units) / persons


def _pg_schema(base: str) -> tuple[str, Any] | None:
    from sqlalchemy import create_engine, text

    admin = create_engine(base)
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # no server: skip PostgreSQL
        print(f"PostgreSQL not reachable ({type(exc).__name__}); skipped")
        return None

    def drop() -> None:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options={quote(f'-csearch_path={schema}')}", drop


def main() -> None:
    """Calibrate the scale, then measure on each backend and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=20_000)
    parser.add_argument("--pg-url", default=os.environ.get("MEL_TEST_DATABASE_URL", DEFAULT_PG))
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        scale = calibrate(args.responses, folder)
        print(
            f"scale {scale:.3f} for about {args.responses:,} responses "
            f"(cpus: {os.cpu_count()}, load: {os.getloadavg()[0]:.1f})"
        )
        results = {"sqlite": measure(f"sqlite:///{folder / 'bench.sqlite'}", scale)}
        pg = None if args.no_pg else _pg_schema(args.pg_url)
        if pg is not None:
            url, drop = pg
            try:
                results["postgresql"] = measure(url, scale)
            finally:
                drop()
    print(next(iter(results.values()))["table"])
    print(
        f"\n{'backend':<11} {'responses':>9} {'wall s':>7} {'cpu s':>6} {'resp/s':>7} "
        f"{'peak RSS MB':>11} {'RSS growth MB':>13}"
    )
    for backend, r in results.items():
        assert r["stored"] == r["responses"]
        print(
            f"{backend:<11} {r['responses']:>9,} {r['wall']:>7.1f} {r['cpu']:>6.1f} "
            f"{r['responses'] / r['wall']:>7,.0f} {r['peak']:>11.0f} {r['grew']:>13.0f}"
        )


if __name__ == "__main__":
    main()
