"""A wave's design and drawn sample as staff read them (no contact details, ever)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from mel.models import FrameUnit, Unit, Wave, WaveStratum
from mel.services.sampling.wavefile import Census, Pps, Stratified, WaveFile

SAMPLE_COLUMNS = [
    "code",
    "name",
    "kind",
    "region",
    "province",
    "sector",
    "stratum",
    "inclusion_probability",
    "base_weight",
]

FRAME_COLUMNS = {"stratum", "inclusion_probability", "base_weight"}


@dataclass(frozen=True)
class SampleView:
    """The design (as term, value pairs), strata (N_h, n_h) and the sampled units."""

    wave: Wave
    spec: WaveFile | None
    design: list[tuple[str, str]]
    strata: list[tuple[str, int, int]]
    units: pd.DataFrame


def design_terms(spec: WaveFile) -> list[tuple[str, str]]:
    """The design in (term key, value) pairs; term keys are `sample_term_<key>` strings."""
    design = spec.design
    terms: list[tuple[str, str]] = [("method", design.method)]
    if design.unit_kinds:
        terms.append(("unit_kinds", ", ".join(design.unit_kinds)))
    if isinstance(design, Stratified):
        if design.sample_size is not None:
            terms.append(("sample_size", str(design.sample_size)))
        terms.append(("allocation", design.allocation))
        if design.neyman is not None and design.neyman.wave:
            terms.append(("neyman", f"{design.neyman.wave} / {design.neyman.kpi}"))
        if design.sizes:
            terms.append(("sizes", ", ".join(f"{h}: {n}" for h, n in design.sizes.items())))
        if design.take_all:
            terms.append(("take_all", ", ".join(design.take_all)))
        terms.append(("minimum", str(design.minimum_per_stratum)))
    elif isinstance(design, Pps):
        terms += [
            ("sample_size", str(design.sample_size)),
            ("size", design.size),
            ("selection", design.selection),
        ]
    else:
        assert isinstance(design, Census)
    for item in spec.instruments:
        persons = item.persons
        who = (
            "units"
            if persons is None
            else f"persons: {persons.select}"
            + (f" {persons.per_unit}" if persons.per_unit else "")
            + f" (M_i = size_{persons.size})"
        )
        terms.append(("instrument", f"{item.code} — {who}"))
    terms.append(("fieldwork", f"{spec.fieldwork.start} – {spec.fieldwork.end}"))
    terms.append(("response_rate", f"{spec.expected_response_rate:.0%}"))
    return terms


def sample_view(session: Session, wave: Wave) -> SampleView:
    """The wave's design and its drawn sample (empty frames before a draw)."""
    spec = WaveFile.model_validate(wave.design) if wave.design else None
    strata = [
        (r.stratum, r.population_size, r.sample_size)
        for r in session.exec(
            select(WaveStratum)
            .where(WaveStratum.wave_id == wave.id)
            .order_by(col(WaveStratum.stratum))
        ).all()
    ]
    return SampleView(
        wave, spec, design_terms(spec) if spec else [], strata, sampled_units(session, wave)
    )


def sampled_units(session: Session, wave: Wave) -> pd.DataFrame:
    """The sampled units of the wave with stratum and π_i, by code; no contact details."""
    # The columns come from SAMPLE_COLUMNS by name, so a contact column cannot slip in.
    columns: list[Any] = [
        getattr(FrameUnit if name in FRAME_COLUMNS else Unit, name) for name in SAMPLE_COLUMNS
    ]
    rows = session.execute(
        core_select(*columns)
        .join(FrameUnit, col(FrameUnit.unit_id) == Unit.id)
        .where(col(FrameUnit.wave_id) == wave.id, col(FrameUnit.sampled))
        .order_by(col(Unit.code))
    ).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=SAMPLE_COLUMNS)
