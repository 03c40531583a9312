"""Techkwadraat pupils: the technology-affinity scale, its mean with 95% CI and alpha.

Run from the project root after `mel demo --no-serve`::

    python analysis/techkwadraat_scale.py [WAVE]

The scale index is the mean of the affinity statements (reverse-worded ones mirrored);
Cronbach's alpha is weighted by the design (R's ``svycralpha``).
"""

from __future__ import annotations

import sys

from _common import demo_engine, fmt, say_left_out
from sqlmodel import Session

from mel.analysis import cronbach_alpha, likert_index
from mel.data.frame import frame
from mel.kpi.frames import design_for
from mel.surveys.publish import latest_definition


def main(wave: str = "meting-2025", question: str = "affiniteit") -> None:
    """Print alpha, the index mean overall and by province."""
    engine = demo_engine()
    data = frame(engine, programme="techkwadraat", wave=wave, instrument="tk-leerlingen")
    say_left_out(data)
    with Session(engine) as session:
        survey = latest_definition(session, "tk-leerlingen")
    likert = survey.question(question)
    items = [f"{question}__{s.name}" for s in likert.statements or []]
    reverse = [f"{question}__{s.name}" for s in likert.statements or [] if s.reverse]
    scale = [float(c.value) for c in survey.choices[likert.choices or ""]]
    low, high = min(scale), max(scale)
    for column in reverse:  # mirror reverse-worded items before alpha and the index
        data[column] = low + high - data[column]
    data["index"] = likert_index(data, items)
    design = design_for(data)  # the design every KPI uses (mel.kpi.frames)
    alpha = cronbach_alpha(design, items)
    mean = design.mean("index")
    print(
        f"Techkwadraat {wave}, scale {question!r}: {len(items)} statements "
        f"({len(reverse)} reversed), {len(data)} pupils"
    )
    print(f"  Cronbach's alpha (weighted) {fmt(alpha, 2)}")
    print(
        f"  mean index {fmt(mean.estimate, 2)} on {fmt(low)}–{fmt(high)} "
        f"(95%-BI {fmt(mean.ci_low, 2)}–{fmt(mean.ci_high, 2)}; deff {fmt(mean.deff, 1)})"
    )
    print(design.mean("index", by="province").to_frame().to_string(index=False))


if __name__ == "__main__":
    main(*sys.argv[1:2])
