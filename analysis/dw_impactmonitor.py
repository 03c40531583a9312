"""Digitale Werkplaatsen impact monitor: mean mark and percentages, 95% CI.

Run from the project root after `mel demo --no-serve`::

    python analysis/dw_impactmonitor.py [WAVE]

A two-stage design: werkplaatsen (PSUs) within regional strata, entrepreneurs (SSUs)
within werkplaatsen, with a finite-population correction at both stages.
"""

from __future__ import annotations

import sys

from _common import demo_engine, fmt, say_left_out

from mel.data.frame import frame
from mel.kpi.frames import design_for


def main(wave: str = "monitor-2025") -> None:
    """Print the mark, % recommend and % further steps, overall and by region."""
    data = frame(
        demo_engine(), programme="digitale-werkplaatsen", wave=wave, instrument="dw-impactmonitor"
    )
    say_left_out(data)
    design = design_for(data)  # the design every KPI uses (mel.kpi.frames)
    mark = design.mean("cijfer_traject")
    print(
        f"Digitale Werkplaatsen {wave}: {len(data)} ondernemers in "
        f"{data['unit'].nunique()} werkplaatsen"
    )
    print(
        f"  gemiddeld cijfer {fmt(mark.estimate, 2)} "
        f"(95%-BI {fmt(mark.ci_low, 2)}–{fmt(mark.ci_high, 2)})"
    )
    for column, label in (
        ("aanbevelen", "beveelt aan"),
        ("vervolgstappen", "zette vervolgstappen"),
    ):
        p = design.proportion(column, level=1.0, method="logit")
        print(
            f"  {fmt(100 * p.estimate, 1)}% {label} "
            f"(95%-BI {fmt(100 * p.ci_low, 1)}–{fmt(100 * p.ci_high, 1)}%, logit)"
        )
    print(design.mean("cijfer_traject", by="region").to_frame().to_string(index=False))


if __name__ == "__main__":
    main(*sys.argv[1:2])
