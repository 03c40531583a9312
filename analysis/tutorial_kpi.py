"""Tutorial: a KPI estimate from the demo database, step by step.

We estimate Katapult's headline KPI `kat_studenten`, the total number of students in all
public-private partnerships (pps'en), from the simulated impactmeting of 2025: programme
file, analysis frame, survey design, estimate; then `mel analyse` gives the same number,
and `analysis/tutorial_kpi.R` gives it again with R's `survey` package from a CSV this
script writes.

Run it from the top of the checkout after `mel demo --no-serve`:

    python analysis/tutorial_kpi.py [--wave impactmeting-2025] [--csv tutorial_kpi.csv]
    Rscript analysis/tutorial_kpi.R tutorial_kpi.csv

It reads the database of `MEL_DATABASE_URL`, or the one `mel demo` filled.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from mel.data.frame import frame
from mel.db import make_engine
from mel.kpi.frames import design_for, estimate_kpi
from mel.kpi.variables import add_kpi_variable, kpi_column
from mel.settings import load_settings
from mel.surveys.loader import load_catalogue

PROGRAMME = "katapult"
KPI = "kat_studenten"

parser = argparse.ArgumentParser(description="A KPI estimate, step by step.")
parser.add_argument("--wave", default="impactmeting-2025", help="wave code")
parser.add_argument("--csv", default="tutorial_kpi.csv", type=Path, help="frame for R")
args = parser.parse_args()

# ## 1. The KPI, from the programme file
#
# `surveys/katapult/programme.yaml` defines the KPI: which instrument measures it, how its
# variable is made from the answers (here the sum of two questions) and which estimator
# turns the answers into a figure for the whole population (here a total).

settings = load_settings()
catalogue = load_catalogue([settings.surveys / PROGRAMME])
_, programme = catalogue.programmes[PROGRAMME]
kpi = next(k for k in programme.kpis if k.code == KPI)
_, survey = catalogue.instruments[kpi.instrument]
parts = kpi.expression.sum if kpi.expression and kpi.expression.sum else []
print(f"1. KPI {kpi.code}: {kpi.label.get('en')}")
print(f"   {kpi.estimator} of {' + '.join(parts)}, instrument {kpi.instrument}")

# ## 2. The analysis frame
#
# `frame()` joins the wave's complete responses to its sampling frame: one row per
# responding pps, with its stratum, the number of pps'en in that stratum (`fpc_units`, the
# finite-population correction) and its weight (the pps'en of the stratum over those that
# responded). `add_kpi_variable` adds the KPI's variable as the column `kpi_column(kpi)`:
# mbo plus hbo students, where a pps that left a part unanswered has no value (the KPI's
# `missing: exclude`), and who answered it as the 0/1 column `answered__<column>`.

engine = make_engine(settings.database)
data = frame(engine, programme=PROGRAMME, wave=args.wave, instrument=kpi.instrument)
data = add_kpi_variable(data, kpi, survey)
column = kpi_column(kpi)
print(
    f"2. frame of {args.wave}: {len(data)} responding pps'en in "
    f"{data['stratum'].nunique()} strata; {int(data[column].notna().sum())} with a value "
    f"for {column}"
)

# ## 3. The design
#
# A stratified sample of pps'en, one stage: each pps is its own cluster (`psu="unit"`),
# the strata are `stratum`, and `fpc_units` gives the stratum sizes N_h, so that the
# variance shrinks as a stratum is sampled more completely. A stratum where one pps
# responded has no variance of its own; `lonely_psu="adjust"` centres it on the overall
# mean, as R's `options(survey.lonely.psu = "adjust")`. `design_for` also keeps the sampled
# pps'en that did not answer (weight 0) and adjusts for them within strata, so that the
# nonresponse weighting is in the variance; it is the design `mel analyse` and the reports
# use (`mel.kpi.frames.design_for`).

design = design_for(data)
print(f"3. {design!r}")

# ## 4. The estimate
#
# The estimator named by the KPI, on its column: a total with its standard error, a 95%
# interval on the design's degrees of freedom (sampled pps'en minus strata), the number of
# pps'en behind it and the design effect. A pps that did not answer the question stands
# for nobody's students: the total is the number of pps'en times the mean of those that
# answered (an item-nonresponse adjustment), and its interval is on the log scale, so it
# never goes below zero.

estimate = estimate_kpi(design, kpi)
print("4. estimate:")
for name, value in estimate.to_dict().items():
    print(f"   {name:<8} {value:.10g}")

# ## 5. The same number from `mel analyse`
#
# The command line builds the same frame and design for any KPI of any wave; `--json`
# writes the full-precision result.

with tempfile.TemporaryDirectory() as folder:
    result = Path(folder) / "analyse.json"
    command = ["analyse", "--programme", PROGRAMME, "--wave", args.wave, "--kpi", KPI]
    subprocess.run(
        [sys.executable, "-m", "mel.cli", *command, "--json", str(result)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    (row,) = json.loads(result.read_text(encoding="utf-8"))
print(f"5. mel {' '.join(command)}:")
print(f"   estimate {row['estimate']:.10g}  se {row['se']:.10g}")
same = abs(row["estimate"] - estimate.estimate) <= 1e-9 * abs(estimate.estimate)
print(f"   {'the same' if same else 'DIFFERENT'} as step 4")

# ## 6. The frame for R
#
# The design columns and the answers the KPI reads, for `analysis/tutorial_kpi.R`, which
# makes the same design with `svydesign()` and the same total with `svytotal()` and
# `svycontrast()` (N times the mean of those who answered; in this demo every sampled pps
# answered, so the design of the respondents is the design of the sample).

data[["unit", "stratum", "fpc_units", "weight", *parts, column]].to_csv(args.csv, index=False)
print(f"6. frame for R written to {args.csv}; next: Rscript analysis/tutorial_kpi.R {args.csv}")
if not same:
    sys.exit(1)
