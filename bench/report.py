"""Benchmark: the full impactmeting report of all three programmes from ~100,000 responses.

Fills a SQLite database with `mel.simulate` (scale 7.2 gives about 100,000 responses over
two waves), then writes each programme's report for its latest wave (HTML, PDF, CSV,
XLSX) in a child process and prints the time of each phase and the child's peak memory.

    python bench/report.py                       # simulate, then report
    python bench/report.py --database x.sqlite   # reuse a simulated database
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS, TARGET_MB = 15.0, 1024.0


def simulate(path: Path, scale: float, seed: int) -> int:
    """Create, publish and simulate a database at `path`; return the number of responses."""
    from sqlalchemy import func
    from sqlmodel import Session, select

    from mel.db import make_engine, session_scope, upgrade
    from mel.models import Response
    from mel.simulate import simulate as fill
    from mel.surveys.loader import load_catalogue
    from mel.surveys.publish import publish_catalogue

    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with session_scope(engine) as session:
        publish_catalogue(session, load_catalogue([ROOT / "surveys"]))
    fill(engine, seed=seed, scale=scale)
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(Response)).one())


def _now() -> tuple[float, float]:
    """Wall-clock and CPU seconds of this process."""
    return time.perf_counter(), time.process_time()


def run_reports(database: Path, out: Path, pdf: bool) -> None:
    """Write every programme's latest report; print one JSON line of phase timings.

    Each phase is timed in wall-clock seconds and in CPU seconds of this process; on a
    shared machine only the latter is undisturbed by other processes.
    """
    import matplotlib

    matplotlib.use("Agg")
    from sqlmodel import Session, select

    from mel.db import make_engine
    from mel.models import Programme, Wave
    from mel.reports.build import build_report
    from mel.reports.render import render_html, write_pdf, write_tables
    from mel.surveys.loader import load_catalogue

    names = ("extract+estimate", "charts", "html", "pdf", "tables")
    wall = dict.fromkeys(names, 0.0)
    cpu = dict.fromkeys(names, 0.0)

    def add(name: str, since: tuple[float, float], until: tuple[float, float]) -> None:
        wall[name] += until[0] - since[0]
        cpu[name] += until[1] - since[1]

    started = _now()
    engine = make_engine(f"sqlite:///{database}")
    catalogue = load_catalogue([ROOT / "surveys"])
    pages = 0
    for code in sorted(catalogue.programmes):
        with Session(engine) as session:
            wave = session.exec(select(Wave).join(Programme).where(Programme.code == code)
                                .order_by(Wave.year.desc())).first()  # type: ignore[attr-defined]
        assert wave is not None, code
        instruments = {c: s for c, (_, s) in catalogue.instruments.items() if s.programme == code}
        definition = catalogue.programmes[code][1]
        stamps: list[tuple[float, float]] = []
        clock = _now()
        report = build_report(engine, definition, instruments, wave.code,
                              progress=lambda _label, s=stamps: s.append(_now()))
        # Steps: fieldwork, one per KPI evaluated, one per KPI section, pathways, appendix.
        evaluated = stamps[len(definition.kpis)]
        add("extract+estimate", clock, evaluated)
        add("charts", evaluated, clock := _now())
        html = render_html(report)
        (out / f"{report.basename}.html").write_text(html, encoding="utf-8")
        add("html", clock, clock := _now())
        if pdf:
            pages += write_pdf(html, out / f"{report.basename}.pdf")
            add("pdf", clock, clock := _now())
        write_tables(report, out)
        add("tables", clock, _now())
    ended = _now()
    wall["total"], cpu["total"] = ended[0] - started[0], ended[1] - started[1]
    print(json.dumps({"wall": wall, "cpu": cpu, "pages": pages}))


def main() -> None:
    """Parse options, simulate if needed, run the reports in a child and print figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, help="Reuse this simulated SQLite database.")
    parser.add_argument("--scale", type=float, default=7.2)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--no-pdf", action="store_true", help="Skip the PDFs.")
    parser.add_argument("--child", nargs=2, metavar=("DATABASE", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_reports(Path(args.child[0]), Path(args.child[1]), not args.no_pdf)
        return
    with tempfile.TemporaryDirectory() as folder:
        database = args.database or Path(folder) / "bench.sqlite"
        if args.database is None:
            clock = time.perf_counter()
            responses = simulate(database, args.scale, args.seed)
            print(f"simulated {responses:,} responses (scale {args.scale:g}) in "
                  f"{time.perf_counter() - clock:.1f} s")
        command = [sys.executable, __file__, "--child", str(database), folder]
        result = subprocess.run(command + (["--no-pdf"] if args.no_pdf else []),
                                capture_output=True, text=True, cwd=ROOT)
        if result.returncode != 0:
            sys.exit(f"the report run failed:\n{result.stderr}")
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        figures = json.loads(result.stdout.strip().splitlines()[-1])
    wall, cpu = figures["wall"], figures["cpu"]
    print("report of katapult, digitale-werkplaatsen and techkwadraat (latest waves):")
    print(f"  {'phase':<17} {'wall s':>8} {'CPU s':>8}")
    for name in ("extract+estimate", "charts", "html", "pdf", "tables", "total"):
        print(f"  {name:<17} {wall[name]:8.1f} {cpu[name]:8.1f}")
    print(f"  target: total < {TARGET_SECONDS:g} s; load average now "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall time counts other "
          f"processes, CPU time does not)")
    print(f"  {'peak memory':<17} {peak_mb:8.0f} MB (target < {TARGET_MB:g} MB)")
    print(f"  {'PDF pages':<17} {figures['pages']:8d}")


if __name__ == "__main__":
    main()
