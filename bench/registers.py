"""Register imports and register KPIs on a school-level file (DUO publishes per school).

    python bench/registers.py [--schools 700] [--years 5]

Writes a CSV of schools x years (12 provinces), imports it into a fresh SQLite database
with `mel.data.registers.import_register` (read, check every cell, store the rows) and
evaluates two register KPIs with breakdown on the latest version. Baselines in the same
run: `pandas.read_csv` of the same file (reading alone) and `csv.reader` over it.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sqlmodel import Session

from mel.data.registers import import_register
from mel.db import make_engine, session_scope, upgrade
from mel.kpi.definitions import published_programme
from mel.kpi.register import evaluate_register_kpis
from mel.surveys.programme_schema import ProgrammeDefinition
from mel.surveys.publish import publish_programme

PROVINCES = ["Groningen", "Friesland", "Drenthe", "Overijssel", "Flevoland", "Gelderland"]
PROVINCES += ["Utrecht", "Noord-Holland", "Zuid-Holland", "Zeeland", "Noord-Brabant", "Limburg"]


def programme() -> ProgrammeDefinition:
    """A programme declaring a per-school register and a count and a share on it."""
    kpi = {"node": "p.n", "source": "duo_school", "value": "techniek", "disaggregations": ["regio"]}
    return ProgrammeDefinition.model_validate(
        {
            "programme": "bench",
            "label": {"nl": "Bench"},
            "unit_kinds": ["school"],
            "pathways": [
                {
                    "code": "p",
                    "label": {"nl": "P"},
                    "nodes": [{"code": "n", "level": "impact", "label": {"nl": "N"}}],
                }
            ],
            "registers": [
                {
                    "code": "duo_school",
                    "label": {"nl": "DUO per school"},
                    "publisher": "DUO",
                    "key": ["brin", "jaar"],
                    "year": "jaar",
                    "columns": [
                        {"name": "brin", "type": "text"},
                        {"name": "regio", "type": "choice", "values": PROVINCES},
                        {"name": "jaar", "type": "integer", "min": 2000, "max": 2040},
                        {"name": "leerlingen", "type": "integer", "min": 0},
                        {"name": "techniek", "type": "integer", "min": 0},
                    ],
                }
            ],
            "register_kpis": [
                {
                    **kpi,
                    "code": "aantal",
                    "label": {"nl": "A"},
                    "definition": {"nl": "A"},
                    "measure": "count",
                },
                {
                    **kpi,
                    "code": "aandeel",
                    "label": {"nl": "B"},
                    "definition": {"nl": "B"},
                    "measure": "share",
                    "denominator": "leerlingen",
                },
            ],
        }
    )


def write_file(path: Path, schools: int, years: int) -> int:
    """A per-school register file; returns its number of rows."""
    rng = np.random.default_rng(1)
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["brin", "regio", "jaar", "leerlingen", "techniek"])
        for s in range(schools):
            region = PROVINCES[s % len(PROVINCES)]
            for year in range(2025 - years + 1, 2026):
                pupils = int(rng.integers(40, 400))
                writer.writerow(
                    [f"{s:02d}AB", region, year, pupils, int(pupils * rng.uniform(0.1, 0.4))]
                )
                rows += 1
    return rows


def seconds(action) -> float:  # type: ignore[no-untyped-def]
    """Wall time of `action()`."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    """Print the import and evaluation times beside the reading baselines."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=700)
    parser.add_argument("--years", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "duo_school.csv"
        rows = write_file(path, args.schools, args.years)
        engine = make_engine(f"sqlite:///{folder}/bench.sqlite")
        upgrade(engine)
        with session_scope(engine) as session:
            publish_programme(session, programme())
        baseline_pandas = seconds(lambda: pd.read_csv(path))
        baseline_csv = seconds(lambda: list(csv.reader(path.open(encoding="utf-8"))))

        def load() -> None:
            with session_scope(engine) as session:
                import_register(session, "duo_school", path, "bench")

        imported = seconds(load)

        def evaluate() -> None:
            with Session(engine) as session:
                evaluate_register_kpis(session, published_programme(session, "bench"), 2025)

        evaluated = seconds(evaluate)
        again = seconds(load)  # the same file: hashed, checked, not stored
        engine.dispose()
    print(f"register file: {rows:,} rows ({args.schools} schools x {args.years} years)")
    print(f"  baseline csv.reader            {baseline_csv:7.3f} s")
    print(f"  baseline pandas.read_csv       {baseline_pandas:7.3f} s")
    print(f"  mel data import (check+store)  {imported:7.3f} s")
    print(f"  re-import of the same file     {again:7.3f} s (no-op)")
    print(f"  two register KPIs, by region   {evaluated:7.3f} s")


if __name__ == "__main__":
    main()
