"""Benchmark: survey means with Taylor SEs on 1,000,000 rows, mel vs svy vs samplics.

    python bench/estimation.py [--rows 1000000] [--repeats 5]

A stratified cluster sample (10 strata x 50 PSUs, unequal weights, sampling with
replacement) is generated with a fixed seed. Each library runs in its own child process
(so imports and memory do not mix) and times, best of ``--repeats``:

- setup: building the design object (mel ``Design``, svy ``Sample``; samplics has none),
- mean: the overall weighted mean with its standard error,
- by: the means of 20 domains with their standard errors,

each "cold" (the first question asked of a freshly built design) and "warm" (asked
again: svy caches its variance structure per sample, mel its domains and df).

Peak memory is the growth of the child's resident set size over its size before the
timed calls (``ru_maxrss`` high-water mark minus the RSS just before), so it includes
native (Rust, polars) allocations that tracemalloc cannot see.

Estimates and SEs must agree to 1e-9 relative across the libraries. The targets are
mel <= 0.5 x svy's time for both questions and >= 10x faster than samplics. A library
that cannot be imported or whose API fails is reported as such; mel's figures are
printed regardless.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

LIBRARIES = ("mel", "svy", "samplics")
DOMAINS = 20


def make_data(rows: int, seed: int = 20240601) -> dict[str, np.ndarray]:
    """10 strata x 50 PSUs, weights 1..3, y with stratum and domain effects."""
    rng = np.random.default_rng(seed)
    stratum = np.repeat(np.arange(10), rows // 10)[:rows]
    stratum = np.concatenate([stratum, np.full(rows - len(stratum), 9)])
    psu = stratum * 50 + rng.integers(0, 50, rows)
    weight = rng.uniform(1.0, 3.0, rows)
    domain = rng.integers(0, DOMAINS, rows)
    y = rng.normal(50.0, 10.0, rows) + 0.5 * domain + stratum + rng.normal(0, 3, 500)[psu]
    return {"stratum": stratum, "psu": psu, "weight": weight, "domain": domain, "y": y}


def best(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """The fastest of ``repeats`` calls, and the last result."""
    times, out = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def cold_and_warm(
    make: Callable[[], Any], ask: Callable[[Any], Any], repeats: int
) -> tuple[float, float, Any]:
    """Best time of the first question on a fresh design (cold), and of asking again (warm).

    Libraries remember things about a design between questions (svy its variance
    structure, mel its domains and df), so both are reported.
    """
    colds = []
    for _ in range(repeats):
        design = make()
        start = time.perf_counter()
        ask(design)
        colds.append(time.perf_counter() - start)
    warm, out = best(lambda: ask(design), repeats)
    return min(colds), warm, out


def run_mel(data: dict[str, np.ndarray], repeats: int) -> dict[str, Any]:
    import pandas as pd

    from mel.analysis import Design

    frame = pd.DataFrame(data)

    def make() -> Design:
        return Design(frame, weights="weight", strata="stratum", psu="psu")

    setup, _ = best(make, repeats)
    mean_cold, mean_warm, m = cold_and_warm(make, lambda d: d.mean("y"), repeats)
    by_cold, by_warm, table = cold_and_warm(make, lambda d: d.mean("y", by="domain"), repeats)
    return {
        "setup": setup,
        "mean": mean_cold,
        "mean_warm": mean_warm,
        "by": by_cold,
        "by_warm": by_warm,
        "est": m.estimate,
        "se": m.se,
        "by_est": [table[k].estimate for k in range(DOMAINS)],
        "by_se": [table[k].se for k in range(DOMAINS)],
    }


def run_svy(data: dict[str, np.ndarray], repeats: int) -> dict[str, Any]:
    import polars as pl
    import svy

    frame = pl.DataFrame(data)

    def make() -> Any:
        return svy.Sample(data=frame, design=svy.Design(stratum="stratum", psu="psu", wgt="weight"))

    setup, _ = best(make, repeats)
    mean_cold, mean_warm, m = cold_and_warm(make, lambda s: s.estimation.mean(y="y"), repeats)
    by_cold, by_warm, b = cold_and_warm(
        make, lambda s: s.estimation.mean(y="y", by="domain"), repeats
    )
    overall = m.to_polars()
    by = b.to_polars().sort("domain")
    return {
        "setup": setup,
        "mean": mean_cold,
        "mean_warm": mean_warm,
        "by": by_cold,
        "by_warm": by_warm,
        "est": overall["est"][0],
        "se": overall["se"][0],
        "by_est": by["est"].to_list(),
        "by_se": by["se"].to_list(),
    }


def run_samplics(data: dict[str, np.ndarray], repeats: int) -> dict[str, Any]:
    import samplics
    from samplics.estimation import TaylorEstimator

    def estimate(domain: np.ndarray | None) -> TaylorEstimator:
        est = TaylorEstimator(samplics.PopParam.mean)
        est.estimate(
            y=data["y"],
            samp_weight=data["weight"],
            stratum=data["stratum"],
            psu=data["psu"],
            domain=domain,
        )
        return est

    # samplics has no design object: every call starts from scratch (cold = warm)
    t_mean, m = best(lambda: estimate(None), repeats)
    t_by, b = best(lambda: estimate(data["domain"]), repeats)
    return {
        "setup": 0.0,
        "mean": t_mean,
        "mean_warm": t_mean,
        "by": t_by,
        "by_warm": t_by,
        "est": float(m.point_est),
        "se": float(m.stderror),
        "by_est": [float(b.point_est[k]) for k in range(DOMAINS)],
        "by_se": [float(b.stderror[k]) for k in range(DOMAINS)],
    }


def child(library: str, rows: int, repeats: int) -> None:
    """Run one library and print its figures as JSON (in a child process)."""
    import psutil

    warnings.simplefilter("ignore")
    data = make_data(rows)
    runner = {"mel": run_mel, "svy": run_svy, "samplics": run_samplics}[library]
    # import the library before measuring, so that its import is not counted as peak
    runner(make_data(1000), 1)
    before = psutil.Process().memory_info().rss
    out = runner(data, repeats)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    out["peak_mb"] = max(peak - before, 0) / 2**20
    print(json.dumps(out))


def run_child(library: str, rows: int, repeats: int) -> dict[str, Any]:
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    proc = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            library,
            "--rows",
            str(rows),
            "--repeats",
            str(repeats),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    )
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": last}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def rel_diff(a: list[float], b: list[float]) -> float:
    x, y = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(x - y) / np.maximum(np.abs(y), 1e-300)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--child", choices=LIBRARIES)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.rows, args.repeats)
        return 0
    print(
        f"{args.rows:,} rows, 10 strata x 50 PSUs, {DOMAINS} domains; best of "
        f"{args.repeats}; cores: {os.cpu_count()}, load average: "
        f"{os.getloadavg()[0]:.1f}"
    )
    results = {lib: run_child(lib, args.rows, args.repeats) for lib in LIBRARIES}
    mel = results["mel"]
    if "error" in mel:
        print(f"mel failed: {mel['error']}")
        return 1
    print()
    print(
        "seconds (best of the repeats); cold = first question on a new design, warm = asked again"
    )
    print(
        f"{'library':<10}{'setup':>8}{'mean':>8}{'mean':>8}{'by 20':>8}{'by 20':>8}"
        f"{'peak':>8}   ratio to mel: mean cold/warm, by cold/warm"
    )
    print(f"{'':<10}{'':>8}{'cold':>8}{'warm':>8}{'cold':>8}{'warm':>8}{'MB':>8}")
    for lib, r in results.items():
        if "error" in r:
            print(f"{lib:<10}not available: {r['error']}")
            continue
        ratios = "  ".join(f"{r[k] / mel[k]:6.1f}" for k in ("mean", "mean_warm", "by", "by_warm"))
        print(
            f"{lib:<10}{r['setup']:>8.3f}{r['mean']:>8.3f}{r['mean_warm']:>8.3f}"
            f"{r['by']:>8.3f}{r['by_warm']:>8.3f}{r['peak_mb']:>8.0f}   {ratios}"
        )
    print()
    ok = True
    for lib in ("svy", "samplics"):
        r = results[lib]
        if "error" in r:
            continue
        diffs = {
            "mean": rel_diff([mel["est"]], [r["est"]]),
            "mean SE": rel_diff([mel["se"]], [r["se"]]),
            "domain means": rel_diff(mel["by_est"], r["by_est"]),
            "domain SEs": rel_diff(mel["by_se"], r["by_se"]),
        }
        worst = max(diffs.values())
        ok &= worst <= 1e-9
        detail = ", ".join(f"{k} {v:.1e}" for k, v in diffs.items())
        print(
            f"mel vs {lib}: max relative difference {worst:.1e} "
            f"({'identical to 1e-9' if worst <= 1e-9 else 'DIFFERENT'}; {detail})"
        )
    targets = []
    if "error" not in results["svy"]:
        s = results["svy"]
        for key, label in (
            ("mean", "mean, cold"),
            ("mean_warm", "mean, warm"),
            ("by", "by, cold"),
            ("by_warm", "by, warm"),
        ):
            targets.append((f"{label}: mel <= 0.5 x svy", mel[key] <= 0.5 * s[key]))
    if "error" not in results["samplics"]:
        s = results["samplics"]
        for key, label in (("mean", "mean, cold"), ("by", "by, cold")):
            targets.append((f"{label}: mel >= 10x faster than samplics", s[key] >= 10 * mel[key]))
    for name, met in targets:
        print(f"target {name}: {'met' if met else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
