"""Katapult impactmeting: estimated totals of students, teachers and companies, 95% CI.

Run from the project root after `mel demo --no-serve`::

    python analysis/katapult_totals.py [WAVE]

The design: pps'en (the PSUs) sampled within strata; respondents stand for all pps'en of
their stratum (fpc = stratum size), so totals are Horvitz–Thompson with Taylor SEs.
"""

from __future__ import annotations

import sys

from _common import demo_engine, fmt, say_left_out

from mel.data.frame import frame
from mel.kpi.frames import design_for


def main(wave: str = "impactmeting-2025") -> None:
    """Print the three headline totals with their intervals."""
    data = frame(demo_engine(), programme="katapult", wave=wave, instrument="katapult-impactmeting")
    say_left_out(data)
    data["studenten"] = data[["studenten_mbo", "studenten_hbo"]].sum(axis=1, min_count=1)
    design = design_for(data)  # the design every KPI uses (mel.kpi.frames)
    print(
        f"Katapult {wave}: {len(data)} pps'en responded in {data['stratum'].nunique()} "
        f"strata (design df {design.df:g})"
    )
    for column, label in (
        ("studenten", "studenten"),
        ("docenten", "docenten"),
        ("bedrijven", "bedrijven"),
        ("bedrijven_mkb", "mkb-bedrijven"),
    ):
        est = design.total(column)
        print(
            f"  naar schatting {fmt(est.estimate)} {label} "
            f"(95%-BI {fmt(est.ci_low)}–{fmt(est.ci_high)}; se {fmt(est.se)}, "
            f"deff {fmt(est.deff, 2)})"
        )
    share = design.ratio("bedrijven_mkb", "bedrijven")
    print(
        f"  aandeel mkb onder de bedrijven: {fmt(100 * share.estimate, 1)}% "
        f"(95%-BI {fmt(100 * share.ci_low, 1)}–{fmt(100 * share.ci_high, 1)}%)"
    )
    print(design.total("studenten", by="stratum").to_frame().to_string(index=False))


if __name__ == "__main__":
    main(*sys.argv[1:2])
