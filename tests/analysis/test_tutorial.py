"""The tutorial (analysis/tutorial_kpi.py and .R) runs on a demo database and agrees with
`mel analyse` and with R's survey package."""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIELDS = ("estimate", "se", "ci_low", "ci_high", "n", "df", "deff")


def run(args: list[str], env: dict[str, str]) -> str:
    """Run a command from the top of the checkout; fail with its output if it fails."""
    done = subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    assert done.returncode == 0, f"{' '.join(args)}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def numbers(text: str) -> dict[str, float]:
    """The `name value` lines of the result columns (all seven; R's without deff)."""
    found = dict(re.findall(r"^\s*(estimate|se|ci_low|ci_high|n|df|deff)\s+(\S+)$", text, re.M))
    assert set(FIELDS) - {"deff"} <= set(found), text
    return {name: float(value) for name, value in found.items()}


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment pointing at a small demo database made by `mel demo --no-serve`."""
    folder = tmp_path_factory.mktemp("tutorial")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEL_")}
    env["MPLBACKEND"] = "Agg"
    env["MEL_INSTANCE_PATH"] = str(folder / "instance")
    url = f"sqlite:///{folder / 'demo.sqlite'}"
    # Seed 3: every sampled pps of impactmeting-2025 answers at this scale. The R script
    # weights the respondents as given; with unit nonresponse mel's standard error also
    # carries the variance of the nonresponse adjustment (mel.kpi.frames.design_for), which
    # the script does not model (with the default seed one of 25 pps'en does not answer).
    run(
        [sys.executable, "-m", "mel.cli", "demo", "--no-serve", "--scale", "0.05"]
        + ["--seed", "3", "--database-url", url],
        env,
    )
    env["MEL_DATABASE_URL"] = url
    return env


@pytest.fixture(scope="module")
def tutorial(
    demo_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path]:
    """The tutorial's output and the CSV it wrote for R."""
    csv = tmp_path_factory.mktemp("tutorial-out") / "frame.csv"
    out = run([sys.executable, "analysis/tutorial_kpi.py", "--csv", str(csv)], demo_env)
    return out, csv


def test_tutorial_prints_the_estimate_of_mel_analyse(
    tutorial: tuple[str, Path], demo_env: dict[str, str], tmp_path: Path
) -> None:
    out, csv = tutorial
    result = tmp_path / "analyse.json"
    run(
        [sys.executable, "-m", "mel.cli", "analyse", "--programme", "katapult"]
        + ["--wave", "impactmeting-2025", "--kpi", "kat_studenten", "--json", str(result)],
        demo_env,
    )
    (expected,) = json.loads(result.read_text(encoding="utf-8"))
    printed = numbers(out)
    for name in FIELDS:
        assert printed[name] == pytest.approx(expected[name], rel=1e-9), name
    assert expected["n"] > 0 and expected["se"] > 0
    assert "the same as step 4" in out
    header = csv.read_text(encoding="utf-8").splitlines()[0]
    assert header == "unit,stratum,fpc_units,weight,studenten_mbo,studenten_hbo,kpi__kat_studenten"


def _r_survey() -> bool:
    if shutil.which("Rscript") is None:
        return False
    probe = subprocess.run(
        ["Rscript", "-e", "library(survey)"], capture_output=True, timeout=120, check=False
    )
    return probe.returncode == 0


@pytest.mark.skipif(not _r_survey(), reason="needs Rscript with the survey package")
def test_r_script_gives_the_same_estimate(
    tutorial: tuple[str, Path], demo_env: dict[str, str]
) -> None:
    out, csv = tutorial
    python = numbers(out)
    r = numbers(run(["Rscript", "analysis/tutorial_kpi.R", str(csv)], demo_env))
    # the deff of a total adjusted for item nonresponse has no svycontrast counterpart
    for name in (f for f in FIELDS if f != "deff"):
        assert math.isclose(r[name], python[name], rel_tol=1e-6), (name, r[name], python[name])
