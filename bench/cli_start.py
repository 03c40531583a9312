"""Start-up of the `mel` command line: `mel --help` and every subcommand's --help.

    PYTHONPATH=$PWD python bench/cli_start.py [--repeat 7] [--against /path/to/other/checkout]

Each command runs as a whole process, `--repeat` times. Columns (medians): wall time; CPU
time (user + system, steadier than wall time on a busy machine); "mel s", the CPU time spent
after `import click` (what mel itself costs: its modules and the help); then the fastest wall
time and the modules' import time (``python -X importtime``, one run). Two baselines are
measured in the same run: an empty Python and Python importing click (the floor any click
program pays). `--against DIR` runs every help also with DIR's mel (e.g. the main checkout,
before a change), alternating with this one, and adds its three medians.
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

# Runs a help after `import click` and writes the CPU time that took to stderr.
AFTER_CLICK = """import sys, time, click
start = time.process_time()
try:
    from mel.cli import main
    main({args!r})
finally:
    sys.stderr.write(f"\\nafter-click-ms {{(time.process_time() - start) * 1000:.3f}}\\n")
"""

Times = tuple[float, float, float]  # wall, CPU, CPU after `import click`; seconds


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def run(code: str, env: dict[str, str]) -> Times | None:
    """The times of one `python -c code`; None when it fails."""
    cpu, start = _cpu(), time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, env=env, text=True, cwd=env["PWD"]
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        return None
    mel = re.search(r"after-click-ms ([0-9.]+)", done.stderr)
    return wall, _cpu() - cpu, float(mel.group(1)) / 1000 if mel else 0.0


def import_ms(code: str, env: dict[str, str]) -> float:
    """Cumulative import time of everything `code` imports, in ms (python -X importtime)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=env["PWD"],
    )
    total = 0
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( +)(\S+)", line)
        if match and len(match.group(2)) == 1:  # top-level imports only: no double counting
            total += int(match.group(1))
    return total / 1000


def _env(checkout: Path | None) -> dict[str, str]:
    """The environment of a run with `checkout`'s mel (run from there: `-c` puts the
    working directory first on sys.path), else with this process's."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PWD": os.getcwd()}
    if checkout is not None:
        env["PYTHONPATH"] = env["PWD"] = str(checkout.resolve())
    return env


def _medians(took: list[Times]) -> str:
    if not took:
        return " ".join(f"{'-':>7}" for _ in range(3))
    return " ".join(f"{statistics.median(t[k] for t in took):7.3f}" for k in range(3))


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--against", type=Path, help="Another checkout to time beside this one.")
    args = parser.parse_args()
    envs = [_env(None)] + ([_env(args.against)] if args.against else [])
    rows = [("python -c pass", "pass", "pass"), ("python -c 'import click'", *["import click"] * 2)]
    for path, _ in walk(mel_main):
        argv = [*path, "--help"]
        rows.append(
            (
                " ".join(["mel", *argv]),
                AFTER_CLICK.format(args=argv),
                f"from mel.cli import main; main({argv!r})",
            )
        )
    columns = f"{'wall s':>7} {'cpu s':>7} {'mel s':>7}"
    print(f"{'command':38} {columns} {'fastest':>7} {'imp. ms':>7}", end="")
    print(f" | against: {columns}" if args.against else "")
    worst = 0.0
    for label, code, plain in rows:
        took: list[list[Times]] = [[] for _ in envs]
        for _ in range(args.repeat):  # alternate the checkouts so that both see the same load
            for i, env in enumerate(envs):
                done = run(code, env)
                if done is not None:
                    took[i].append(done)
        mine = took[0]
        if label.startswith("mel"):
            worst = max(worst, statistics.median(t[0] for t in mine))
        line = f"{label:38} {_medians(mine)} {min(t[0] for t in mine):7.3f}"
        line += f" {import_ms(plain, envs[0]):7.1f}"
        if args.against:
            line += f" |          {_medians(took[1])}"
        print(line, flush=True)
    verdict = "meets" if worst < GOAL_S else "misses"
    print(f"slowest mel help: {worst:.3f} s median wall ({verdict} the {GOAL_S} s goal)")


if __name__ == "__main__":
    main()
