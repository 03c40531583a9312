"""Start-up of the `mel` command line: `mel --help` and every subcommand's --help.

    PYTHONPATH=$PWD python bench/cli_start.py [--repeat 7] [--against /path/to/other/checkout]

Each command runs as a whole process, `--repeat` times; the table gives the median and the
fastest wall time, the median CPU time (user + system: steadier than wall time on a busy
machine) and the modules' import time (``python -X importtime``), beside two baselines
measured in the same run: an empty Python and Python importing click (the floor any click
program pays). `--against DIR` runs every help also with DIR's mel (e.g. the main checkout,
before a change), alternating with this one, and adds its median wall and CPU times.
Goal (issue #18): every help under 0.3 s.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from mel.cli import main as mel_main
from mel.cli.lazy import walk

GOAL_S = 0.3


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def run(args: list[str], env: dict[str, str]) -> tuple[float, float] | None:
    """Wall and CPU time of one run of `args` in seconds; None when it fails."""
    cpu, start = _cpu(), time.perf_counter()
    done = subprocess.run(args, capture_output=True, env=env)
    wall = time.perf_counter() - start
    return (wall, _cpu() - cpu) if done.returncode == 0 else None


def import_ms(code: str, env: dict[str, str]) -> float:
    """Cumulative import time of everything `code` imports, in ms (python -X importtime)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, env=env
    )
    total = 0
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( +)(\S+)", line)
        if match and len(match.group(2)) == 1:  # top-level imports only: no double counting
            total += int(match.group(1))
    return total / 1000


def _env(pythonpath: str | None) -> dict[str, str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath
    return env


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--against", type=Path, help="Another checkout to time beside this one.")
    args = parser.parse_args()
    envs = [_env(None)] + ([_env(str(args.against.resolve()))] if args.against else [])
    rows = [("python -c pass", "pass"), ("python -c 'import click'", "import click")]
    for path, _ in walk(mel_main):
        call = f"from mel.cli import main; main({[*path, '--help']!r})"
        rows.append((" ".join(["mel", *path, "--help"]), call))
    header = f"{'command':40} {'median s':>8} {'fastest s':>9} {'cpu s':>6} {'imports ms':>10}"
    print(header + (f" | {'against s':>9} {'cpu s':>6}" if args.against else ""))
    worst = 0.0
    for label, code in rows:
        times: list[list[tuple[float, float]]] = [[] for _ in envs]
        for _ in range(args.repeat):  # alternate the checkouts so that both see the same load
            for i, env in enumerate(envs):
                took = run([sys.executable, "-c", code], env)
                if took is not None:
                    times[i].append(took)
        walls, cpus = [w for w, _ in times[0]], [c for _, c in times[0]]
        median = statistics.median(walls)
        if label.startswith("mel"):
            worst = max(worst, median)
        line = f"{label:40} {median:8.3f} {min(walls):9.3f} {statistics.median(cpus):6.3f}"
        line += f" {import_ms(code, envs[0]):10.1f}"
        if args.against:
            other = times[1]
            line += (
                f" | {statistics.median(w for w, _ in other):9.3f}"
                f" {statistics.median(c for _, c in other):6.3f}"
                if other
                else f" | {'-':>9} {'-':>6}"
            )
        print(line, flush=True)
    verdict = "meets" if worst < GOAL_S else "misses"
    print(f"slowest mel help: {worst:.3f} s median ({verdict} the {GOAL_S} s goal)")


if __name__ == "__main__":
    main()
