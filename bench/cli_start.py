"""Start-up of the `mel` command line: `mel --help` and every subcommand's --help.

    python bench/cli_start.py [--repeat 7]

Each command runs as a whole process, `--repeat` times; the table gives the median and
the fastest wall time and the modules' import time (``python -X importtime``), beside two
baselines measured in the same run: an empty Python and Python importing click (the floor
any click program pays). Goal (issue #18): every help under 0.3 s.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time

from mel.cli import main as mel_main
from mel.cli.lazy import walk

GOAL_S = 0.3


def timed(args: list[str], repeat: int) -> tuple[float, float]:
    """Median and fastest wall time of running `args`, in seconds."""
    times = []
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def import_ms(code: str) -> float:
    """Cumulative import time of everything `code` imports, in ms (python -X importtime)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], check=True, capture_output=True, text=True
    )
    total = 0
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( +)(\S+)", line)
        if match and len(match.group(2)) == 1:  # top-level imports only: no double counting
            total += int(match.group(1))
    return total / 1000


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    rows = [
        ("python -c pass", [sys.executable, "-c", "pass"], "pass"),
        ("python -c 'import click'", [sys.executable, "-c", "import click"], "import click"),
    ]
    for path, _ in walk(mel_main):
        call = f"from mel.cli import main; main({[*path, '--help']!r})"
        rows.append(
            (f"mel {' '.join(path)} --help".replace("  ", " "), [sys.executable, "-c", call], call)
        )
    print(f"{'command':44} {'median s':>9} {'fastest s':>9} {'imports ms':>10}")
    worst = 0.0
    for label, argv, code in rows:
        median, fastest = timed(argv, args.repeat)
        if label.startswith("mel"):
            worst = max(worst, median)
        print(f"{label:44} {median:9.3f} {fastest:9.3f} {import_ms(code):10.1f}")
    verdict = "meets" if worst < GOAL_S else "misses"
    print(f"slowest mel help: {worst:.3f} s median ({verdict} the {GOAL_S} s goal)")


if __name__ == "__main__":
    main()
