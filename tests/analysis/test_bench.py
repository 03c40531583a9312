"""The benchmark script's mel part runs and reports what Design reports (no timing)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from mel.analysis import Design

BENCH = Path(__file__).parents[2] / "bench" / "estimation.py"


def test_benchmark_mel_figures_agree_with_design() -> None:
    spec = importlib.util.spec_from_file_location("bench_estimation", BENCH)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    data = bench.make_data(20_000)
    out = bench.run_mel(data, repeats=1)
    d = Design(pd.DataFrame(data), weights="weight", strata="stratum", psu="psu")
    assert out["se"] == pytest.approx(d.mean("y").se, rel=1e-12)
    table = d.mean("y", by="domain")
    assert out["by_se"] == pytest.approx([table[k].se for k in range(bench.DOMAINS)], rel=1e-12)
    assert min(out["mean"], out["by"], out["setup"]) > 0
