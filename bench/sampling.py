"""Benchmark: drawing a stratified sample from a 100,000-unit frame (goal < 1 s).

    python bench/sampling.py [--units 100000] [--sample 5000] [--repeats 5]

A frame of ``--units`` units in 40 strata of unequal size (fixed seed) is sampled with
proportional allocation and a minimum of 2 per stratum. Timed, best of ``--repeats``:

- mel draw: `allocate` + `stratified` (allocation, the draw and every π_i), pure numpy;
- peer pandas: ``DataFrame.groupby("stratum").sample`` per stratum with the same n_h
  (``groupby.apply``; ``GroupBy.sample`` takes one n or fraction for all groups);
- peer numpy: the textbook loop, ``Generator.choice`` on a boolean mask per stratum;
- mel PPS: π_i with certainty units, then systematic and Brewer selection of 1,000 units;
- mel end to end on SQLite (once): `import_units` of the frame, then `draw_sample`, which
  also stores 100,000 frame rows, the strata and one case per sampled unit.

The peers draw the same n_h; the samples differ (each uses its own random stream), so the
check is the n_h and the sum of π_i (= n).
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mel.services.sampling.allocation import allocate
from mel.services.sampling.draw import pps, pps_probabilities, stratified

STRATA = 40


def make_frame(units: int, seed: int = 20270301) -> pd.DataFrame:
    """Units sorted by code, in 40 strata of unequal size, with a size measure."""
    rng = np.random.default_rng(seed)
    share = rng.dirichlet(np.full(STRATA, 2.0))
    stratum = rng.choice(STRATA, size=units, p=share)
    return pd.DataFrame(
        {
            "code": [f"u-{i:06d}" for i in range(units)],
            "stratum": [f"s{h:02d}" for h in stratum],
            "size": rng.lognormal(5.0, 1.0, units).round().astype(int) + 1,
        }
    )


def best(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """The fastest of `repeats` calls (seconds) and the last result."""
    times, out = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def mel_draw(frame: pd.DataFrame, n: int, seed: int) -> dict[str, int]:
    strata = frame["stratum"].tolist()
    population = frame["stratum"].value_counts().sort_index().to_dict()
    sizes = allocate(population, n, "proportional", minimum=2)
    drawn = stratified(strata, sizes, seed)
    assert abs(drawn.probability.sum() - n) < 1e-6
    return {h: s for h, (_, s) in drawn.population().items()}


def pandas_draw(frame: pd.DataFrame, sizes: dict[str, int], seed: int) -> dict[str, int]:
    picked = frame.groupby("stratum", group_keys=False)[["code", "stratum"]].apply(
        lambda g: g.sample(n=sizes[g.name], random_state=seed)
    )
    return picked.groupby("stratum").size().to_dict()


def numpy_draw(frame: pd.DataFrame, sizes: dict[str, int], seed: int) -> dict[str, int]:
    rng = np.random.default_rng(seed)
    strata = frame["stratum"].to_numpy()
    sampled = np.zeros(len(frame), dtype=bool)
    for h, n in sizes.items():
        members = np.flatnonzero(strata == h)
        sampled[rng.choice(members, size=n, replace=False)] = True
    return pd.Series(strata[sampled]).value_counts().sort_index().to_dict()


def end_to_end(frame: pd.DataFrame, n: int, seed: int) -> dict[str, float]:
    """Import the frame as katapult's units into a fresh SQLite database, then draw."""
    from mel.db import make_engine, session_scope, upgrade
    from mel.models import Wave
    from mel.services.sampling.store import draw_sample
    from mel.services.sampling.units import import_units
    from mel.services.sampling.waves import create_wave
    from mel.settings import project_path
    from mel.surveys.loader import load_catalogue
    from mel.surveys.publish import publish_catalogue

    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        engine = make_engine(f"sqlite:///{root / 'bench.sqlite'}")
        upgrade(engine)
        with session_scope(engine) as session:
            publish_catalogue(session, load_catalogue([project_path("surveys") / "katapult"]))
        units = root / "units.csv"
        with units.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["code", "name", "kind", "stratum", "size_students"])
            for code, stratum, size in frame.itertuples(index=False):
                writer.writerow([code, f"Pps {code}", "pps", stratum, size])
        wave = root / "bench-2027.yaml"
        wave.write_text(
            "wave: bench-2027\nprogramme: katapult\nlabel: {nl: Bench}\nyear: 2027\n"
            "fieldwork: {start: 2027-03-01, end: 2027-05-31}\n"
            "instruments: [{code: katapult-impactmeting}]\n"
            f"design: {{method: stratified, sample_size: {n}, minimum_per_stratum: 2}}\n",
            encoding="utf-8",
        )
        start = time.perf_counter()
        with session_scope(engine) as session:
            import_units(session, "katapult", units)
        figures["import_units"] = time.perf_counter() - start
        with session_scope(engine) as session:
            create_wave(session, wave)
        start = time.perf_counter()
        with session_scope(engine) as session:
            row = session.get(Wave, 1)
            assert row is not None
            summary = draw_sample(session, row, seed)
        figures["draw_and_store"] = time.perf_counter() - start
        assert summary.sample_size == n
        engine.dispose()
    return figures


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=5_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--no-database", action="store_true", help="skip the SQLite run")
    args = parser.parse_args(argv)
    frame = make_frame(args.units)
    print(
        f"frame: {args.units:,} units in {STRATA} strata; sample {args.sample:,}; "
        f"best of {args.repeats}"
    )
    mel_time, sizes = best(lambda: mel_draw(frame, args.sample, args.seed), args.repeats)
    pandas_time, by_pandas = best(lambda: pandas_draw(frame, sizes, args.seed), args.repeats)
    numpy_time, by_numpy = best(lambda: numpy_draw(frame, sizes, args.seed), args.repeats)
    assert by_pandas == sizes == by_numpy, "the peers drew other stratum sizes"
    print(f"{'stratified SRS':34} {'seconds':>9} {'vs mel':>8}")
    for name, seconds in (
        ("mel allocate + draw + π", mel_time),
        ("pandas groupby sample", pandas_time),
        ("numpy choice per stratum (mask)", numpy_time),
    ):
        print(f"{name:34} {seconds:9.4f} {seconds / mel_time:7.1f}x")
    size = frame["size"].to_numpy(dtype=float)
    pi_time, pi = best(lambda: pps_probabilities(size, 1000), args.repeats)
    sys_time, _ = best(lambda: pps(size, 1000, args.seed, "systematic"), args.repeats)
    brewer_time, _ = best(lambda: pps(size, 1000, args.seed, "brewer"), 1)
    print(
        f"PPS of 1,000 ({int((pi >= 1).sum())} certain): π_i {pi_time:.4f} s, "
        f"systematic {sys_time:.4f} s, Brewer {brewer_time:.4f} s"
    )
    verdict = "met" if mel_time < 1.0 else "NOT met"
    print(f"goal: stratified draw from {args.units:,} units < 1 s: {verdict} ({mel_time:.4f} s)")
    if not args.no_database:
        figures = end_to_end(frame, args.sample, args.seed)
        print(
            f"SQLite end to end: import {args.units:,} units {figures['import_units']:.2f} s; "
            f"draw and store (frame rows, strata, cases) {figures['draw_and_store']:.2f} s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
