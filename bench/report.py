"""Benchmark: the full impactmeting report of all three programmes from 10^5 to 10^6 responses.

Fills a SQLite database with `mel.demo` (scale 7.2 gives about 100,000 responses over two
waves; `--responses N` calibrates the scale for about N, as `bench/simulate.py` does), or
reuses one (`--database FILE`, or any database by `--database-url`, e.g. the PostgreSQL
database `bench/dashboard.py` builds with a million responses). Then (1) writes each
programme's report for its latest wave (HTML, PDF, CSV, XLSX) one after another in a child
process and prints the time of each phase, and (2) times the whole run as a user starts it,
`mel report --programme all --wave latest --jobs N`, once per PDF engine (Chromium, and
WeasyPrint as the peer), with the peak memory of the process tree.

    python bench/report.py                       # simulate, then report
    python bench/report.py --database x.sqlite   # reuse a simulated database
    python bench/report.py --responses 1000000   # simulate a million (SQLite), then report
    python bench/report.py --database-url \
        postgresql+psycopg://postgres@127.0.0.1:5432/mel_bench_frames_1000000
    python bench/report.py --database-url ... --cold   # whole runs with no frame cache

The targets printed are those of the issue that set them: < 15 s and < 1 GB for about
100,000 responses, < 60 s and < 2 GB for a million.
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
TARGETS = {100_000: (15.0, 1024.0), 1_000_000: (60.0, 2048.0)}  # responses: (s, MB)


def targets(responses: int) -> tuple[float, float]:
    """The time and memory targets for a run of about `responses` responses."""
    size = min(TARGETS, key=lambda n: abs(n - responses))
    return TARGETS[size]


def simulate(path: Path, scale: float, seed: int) -> int:
    """Create, publish and simulate a database at `path`; return the number of responses."""
    from sqlalchemy import func
    from sqlmodel import Session, select

    from mel.db import make_engine, session_scope, upgrade
    from mel.demo import simulate as fill
    from mel.models import Response
    from mel.surveys.loader import load_catalogue
    from mel.surveys.publish import publish_catalogue

    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with session_scope(engine) as session:
        publish_catalogue(session, load_catalogue([ROOT / "surveys"]))
    fill(engine, seed=seed, scale=scale)
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(Response)).one())


def prepare(args: argparse.Namespace, folder: Path) -> str:
    """The URL of the SQLite database to report from: `--database`, simulated if missing."""
    database = args.database or folder / "bench.sqlite"
    if not database.exists():
        scale = args.scale
        if args.responses:
            sys.path.insert(0, str(ROOT / "bench"))
            import simulate as simulate_bench  # the calibration of bench/simulate.py

            scale = simulate_bench.calibrate(args.responses, folder)
        clock = time.perf_counter()
        responses = simulate(database, scale, args.seed)
        print(
            f"simulated {responses:,} responses (scale {scale:g}) in "
            f"{time.perf_counter() - clock:.1f} s",
            flush=True,
        )
    return f"sqlite:///{database}"


def count_responses(url: str) -> int:
    """The number of responses in the database at `url`."""
    from sqlalchemy import func, select

    from mel.db import make_engine
    from mel.models import Response

    engine = make_engine(url)
    with engine.connect() as connection:
        found = int(connection.execute(select(func.count()).select_from(Response)).scalar_one())
    engine.dispose()
    return found


def _now() -> tuple[float, float]:
    """Wall-clock and CPU seconds of this process."""
    return time.perf_counter(), time.process_time()


def run_reports(database: str, out: Path, pdf: bool) -> None:
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
    from mel.reports.pdf import Chromium, find_chromium
    from mel.reports.render import pdf_engine, render_html, write_pdf, write_tables
    from mel.surveys.loader import load_catalogue

    names = ("extract+estimate", "charts", "html", "pdf", "tables")
    wall = dict.fromkeys(names, 0.0)
    cpu = dict.fromkeys(names, 0.0)

    def add(name: str, since: tuple[float, float], until: tuple[float, float]) -> None:
        wall[name] += until[0] - since[0]
        cpu[name] += until[1] - since[1]

    started = _now()
    engine = make_engine(database)
    catalogue = load_catalogue([ROOT / "surveys"])
    pages = 0
    engine_name = pdf_engine()
    browser = Chromium(find_chromium() or "chromium") if pdf and engine_name == "chromium" else None
    if browser is not None:
        browser.__enter__()
    for code in sorted(catalogue.programmes):
        with Session(engine) as session:
            wave = session.exec(
                select(Wave)
                .join(Programme)
                .where(Programme.code == code)
                .order_by(Wave.year.desc())
            ).first()  # type: ignore[attr-defined]
        assert wave is not None, code
        instruments = {c: s for c, (_, s) in catalogue.instruments.items() if s.programme == code}
        definition = catalogue.programmes[code][1]
        stamps: list[tuple[float, float]] = []
        clock = _now()
        report = build_report(
            engine,
            definition,
            instruments,
            wave.code,
            progress=lambda _label, s=stamps: s.append(_now()),
        )
        # Steps: fieldwork, one per KPI evaluated, one per KPI section, pathways, appendix.
        evaluated = stamps[len(definition.kpis)]
        add("extract+estimate", clock, evaluated)
        add("charts", evaluated, clock := _now())
        html = render_html(report)
        (out / f"{report.basename}.html").write_text(html, encoding="utf-8")
        add("html", clock, clock := _now())
        if pdf:
            pages += write_pdf(report, out / f"{report.basename}.pdf", browser=browser)
            add("pdf", clock, clock := _now())
        write_tables(report, out)
        add("tables", clock, _now())
    if browser is not None:
        browser.__exit__(None, None, None)
    ended = _now()
    wall["total"], cpu["total"] = ended[0] - started[0], ended[1] - started[1]
    print(
        json.dumps(
            {
                "wall": wall,
                "cpu": cpu,
                "pages": pages,
                "engine": engine_name,
                "reports": len(catalogue.programmes),
            }
        )
    )


def whole_run(
    database: str,
    out: Path,
    engine: str,
    jobs: int,
    pdf: bool,
    every: float = 0.5,
    cache: Path | None = None,
) -> dict[str, float]:
    """Time `mel report --programme all --wave latest` as a user runs it, process tree and all.

    CPU is that of the command and every descendant (worker processes, Chromium): the
    kernel's accounting once all have ended, or, where that misses processes (workers of a
    forkserver are not this process's children), the sum of each process's CPU time at its
    last sample, whichever is larger. Peak memory is the largest sum of the
    proportional set size (shared pages split between the processes sharing them) of the
    command and its descendants, sampled every `every` seconds. Reading the PSS walks each
    process's page tables, so it is read only when the summed resident size (cheap to read,
    never below the PSS) exceeds the peak so far; the sampler's own CPU time is returned too
    (`sampler_cpu`), as it competes with the run on a small machine. With `cache` the
    run's frame cache is that (empty) folder: every frame is built from the database, as
    in the first run after new data.
    """
    import psutil

    command = [
        sys.executable,
        "-m",
        "mel.cli",
        "report",
        "--programme",
        "all",
        "--wave",
        "latest",
        "--out",
        str(out),
        "--database-url",
        database,
        "--jobs",
        str(jobs),
        "--pdf-engine",
        engine,
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    sampler = time.process_time()
    started = time.perf_counter()
    process = psutil.Popen(
        command + ([] if pdf else ["--no-pdf"]),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={
            **os.environ,
            "MPLBACKEND": "Agg",
            **({"MEL_FRAME_CACHE": str(cache)} if cache is not None else {}),
        },
    )
    peak = peak_chromium = peak_rss = 0
    cpu_seen: dict[int, float] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    while process.poll() is None:
        try:
            tree = [process, *process.children(recursive=True)]
        except psutil.NoSuchProcess:
            break
        resident: dict[int, int] = {}
        for member in tree:
            try:
                times = member.cpu_times()
                cpu_seen[member.pid] = times.user + times.system
                resident[member.pid] = _statm_rss(member.pid, page)
            except (psutil.Error, OSError):
                continue
        rss = sum(resident.values())
        peak_rss = max(peak_rss, rss)
        # PSS <= RSS: while the summed RSS stays under the peak PSS, no PSS can pass it, and
        # the costly PSS (a walk of every page table) need not be read.
        if rss > peak:
            total = chromium = 0
            for member in tree:
                try:
                    pss = _rollup_pss(member.pid)
                    python = member.pid == process.pid or "python" in member.name()
                except (psutil.Error, OSError):
                    continue
                total += pss
                chromium += 0 if python else pss
            if total > peak:
                peak, peak_chromium = total, chromium
        time.sleep(every)
    process.wait()
    wall = time.perf_counter() - started
    sampler = time.process_time() - sampler
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        sys.exit(f"mel report failed:\n{process.stderr.read().decode() if process.stderr else ''}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    cpu = max(cpu, sum(cpu_seen.values()))
    return {
        "wall": wall,
        "cpu": cpu,
        "peak_mb": peak / 2**20,
        "chromium_mb": peak_chromium / 2**20,
        "rss_mb": peak_rss / 2**20,
        "sampler_cpu": sampler,
    }


def _statm_rss(pid: int, page: int) -> int:
    """A process's resident set size in bytes (/proc/<pid>/statm: cheap to read)."""
    with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * page


def _rollup_pss(pid: int) -> int:
    """A process's proportional set size in bytes (/proc/<pid>/smaps_rollup)."""
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    return 0


def main() -> None:
    """Parse options, simulate if needed, time the phases and the whole run; print figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database",
        type=Path,
        help="Simulated SQLite database: made here if missing, else reused.",
    )
    parser.add_argument(
        "--database-url",
        help="Any database to report from (SQLite or PostgreSQL), used as it is.",
    )
    parser.add_argument("--scale", type=float, default=7.2)
    parser.add_argument(
        "--responses",
        type=int,
        help="Simulate about this many responses (calibrates --scale) and set the targets.",
    )
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--no-pdf", action="store_true", help="Skip the PDFs.")
    parser.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="Worker processes of the whole run (default: CPUs).",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="Whole runs per engine (the figures vary by some 5%%).",
    )
    parser.add_argument(
        "--engines",
        default="chromium,weasyprint",
        help="PDF engines to time the whole run with (comma-separated).",
    )
    parser.add_argument(
        "--sample-every",
        type=float,
        default=0.5,
        help="Seconds between two samples of the whole run's memory (default 0.5).",
    )
    parser.add_argument(
        "--cold",
        action="store_true",
        help="Start each whole run with an empty frame cache (the first run after new "
        "data); by default the whole runs find the frames the phases made.",
    )
    parser.add_argument("--child", nargs=2, metavar=("DATABASE", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_reports(args.child[0], Path(args.child[1]), not args.no_pdf)
        return
    with tempfile.TemporaryDirectory() as folder:
        database = args.database_url or prepare(args, Path(folder))
        responses = count_responses(database)
        print(f"{responses:,} responses in {database}", flush=True)
        command = [sys.executable, __file__, "--child", database, folder]
        result = subprocess.run(
            command + (["--no-pdf"] if args.no_pdf else []),
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "MEL_FRAME_CACHE": str(Path(folder) / "frames-phases")}
            if args.cold
            else None,
        )
        if result.returncode != 0:
            sys.exit(f"the report run failed:\n{result.stderr}")
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        runs = [
            (
                engine,
                whole_run(
                    database,
                    Path(folder) / engine,
                    engine,
                    args.jobs,
                    not args.no_pdf,
                    args.sample_every,
                    Path(folder) / f"frames-{engine}-{repeat}" if args.cold else None,
                ),
            )
            for repeat in range(max(args.repeat, 1))
            for engine in args.engines.split(",")
            if engine
        ]
    wall, cpu = figures["wall"], figures["cpu"]
    seconds, megabytes = targets(responses)
    print(
        f"phases, one process, programmes one after another "
        f"({'cold' if args.cold else 'the frame cache as found'}; PDF engine "
        f"{figures['engine']}; its CPU is in Chromium's own processes, not below):"
    )
    print(f"  {'phase':<17} {'wall s':>8} {'CPU s':>8}")
    for name in ("extract+estimate", "charts", "html", "pdf", "tables", "total"):
        print(f"  {name:<17} {wall[name]:8.1f} {cpu[name]:8.1f}")
    print(f"  {'PDF pages':<17} {figures['pages']:8d}")
    reports = figures["reports"]
    print(
        f"  {'s per report':<17} {wall['total'] / reports:8.2f} "
        f"(PDF alone {wall['pdf'] / reports:.2f})"
    )
    print(
        f"whole run: mel report --programme all --wave latest --jobs {args.jobs} "
        f"({'cold: an empty frame cache' if args.cold else 'warm: the frames the phases made'})"
    )
    print(
        f"  {'PDF engine':<12} {'wall s':>8} {'CPU s':>8} {'reports/min':>12} {'peak MB':>8} "
        f"{'of which browser':>18} {'peak RSS MB':>12} {'sampler CPU s':>14}"
    )
    for engine, run in runs:
        print(
            f"  {engine:<12} {run['wall']:8.1f} {run['cpu']:8.1f} "
            f"{reports * 60 / run['wall']:12.1f} {run['peak_mb']:8.0f} "
            f"{run['chromium_mb']:18.0f} {run['rss_mb']:12.0f} {run['sampler_cpu']:14.1f}"
        )
    print("  (peak MB: summed proportional set size of the process tree; 'browser' is every")
    print("  process not Python: Chromium and Playwright's driver; RSS counts shared pages once")
    print("  per process, so it overstates the tree)")
    print(
        f"  target for {responses:,} responses: < {seconds:g} s and < {megabytes:g} MB; "
        f"load average now "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
