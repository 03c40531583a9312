"""Realistic marginals at scale 1: the figures of the PTvT annual reports come back."""

from __future__ import annotations

from collections import Counter, defaultdict
from statistics import mean, median, pstdev, variance
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from mel.demo import simulate
from mel.models import (
    FrameUnit,
    FrameUnitPersons,
    Instrument,
    InstrumentVersion,
    Response,
    Wave,
    WaveStratum,
)


def _complete(engine: Engine, instrument: str, wave: str) -> list[dict[str, Any]]:
    """Complete responses with their unit, stratum, N_h and the unit's persons."""
    with Session(engine) as session:
        rows = session.exec(
            select(
                Response.answers,
                Response.unit_id,
                FrameUnit.stratum,
                FrameUnitPersons.persons,
                WaveStratum.population_size,
            )
            .join(InstrumentVersion, InstrumentVersion.id == Response.instrument_version_id)
            .join(Instrument)
            .join(Wave, Wave.id == Response.wave_id)
            .join(
                FrameUnit,
                (FrameUnit.unit_id == Response.unit_id) & (FrameUnit.wave_id == Response.wave_id),
            )
            .outerjoin(
                FrameUnitPersons,
                (FrameUnitPersons.unit_id == Response.unit_id)
                & (FrameUnitPersons.wave_id == Response.wave_id)
                & (FrameUnitPersons.instrument_id == Instrument.id),
            )
            .join(
                WaveStratum,
                (WaveStratum.wave_id == Response.wave_id)
                & (WaveStratum.stratum == FrameUnit.stratum),
            )
            .where(Instrument.code == instrument, Wave.code == wave, Response.status == "complete")
        ).all()
    return [
        {"answers": a, "unit": u, "stratum": h, "persons": m, "units": n} for a, u, h, m, n in rows
    ]


def _weights(rows: list[dict[str, Any]], *, persons: bool) -> list[float]:
    """Design weights: N_h over responding units, times M_i over responding persons."""
    units: dict[str, set[int]] = defaultdict(set)
    for r in rows:
        units[r["stratum"]].add(r["unit"])
    per_unit = Counter(r["unit"] for r in rows)
    return [
        r["units"]
        / len(units[r["stratum"]])
        * (r["persons"] / per_unit[r["unit"]] if persons else 1.0)
        for r in rows
    ]


def test_digitale_werkplaatsen(published: Engine) -> None:
    simulate(published, programmes=["digitale-werkplaatsen"])
    for year in (2023, 2025):
        rows = _complete(published, "dw-impactmonitor", f"monitor-{year}")
        # 600 entrepreneurs invited per wave (mel.demo.fielding.PERSONS_MAILED), most answer
        assert 300 <= len(rows) <= 700
        marks = [r["answers"]["cijfer_traject"] for r in rows]
        weights = _weights(rows, persons=True)
        assert mean(marks) == pytest.approx(7.1, abs=0.3)
        assert sum(w * m for w, m in zip(weights, marks, strict=True)) / sum(
            weights
        ) == pytest.approx(7.1, abs=0.3)
        assert 1.0 < pstdev(marks) < 1.6 and len(set(marks)) >= 6
        assert 0.78 <= mean(r["answers"]["aanbevelen"] for r in rows) <= 0.87
        assert 0.80 <= mean(r["answers"]["vervolgstappen"] for r in rows) <= 0.90
        traject = mean(r["answers"]["soort_traject"] == "traject" for r in rows)
        assert traject == pytest.approx(4200 / 12500, abs=0.05)
    with Session(published) as session:
        helped = session.exec(
            select(Wave.year, func.sum(FrameUnitPersons.persons))
            .join(FrameUnitPersons)
            .group_by(Wave.year)
            .order_by(Wave.year)
        ).all()
    assert [year for year, _ in helped] == [2023, 2025]
    assert all(10_000 < total < 15_000 for _, total in helped)  # 12,500 helped in 2024


def test_katapult_reach(published: Engine) -> None:
    simulate(published, programmes=["katapult"], waves=(2021, 2023))
    first = _complete(published, "katapult-impactmeting", "impactmeting-2021")
    assert 160 <= len(first) <= 215  # about 85% of the half of 450 pps invited
    weights = _weights(first, persons=False)
    assert sum(weights) == pytest.approx(450)

    def total(rows: list[dict[str, Any]], *names: str) -> list[int]:
        return [sum(r["answers"][n] for n in names) for r in rows]

    students = total(first, "studenten_mbo", "studenten_hbo")
    estimate = sum(w * s for w, s in zip(weights, students, strict=True))
    assert estimate == pytest.approx(2 * 124_000, rel=0.2)  # the measured half, scaled up
    assert mean(students) == pytest.approx(124_000 / 225, rel=0.2)
    assert mean(students) > 1.2 * median(students)  # skewed
    for name, figure in (("docenten", 8_000), ("bedrijven", 12_000)):
        values = total(first, name)
        assert sum(w * v for w, v in zip(weights, values, strict=True)) == pytest.approx(
            2 * figure, rel=0.2
        )
    assert all(r["answers"]["bedrijven_mkb"] <= r["answers"]["bedrijven"] for r in first)
    later = {
        r["unit"]: r for r in _complete(published, "katapult-impactmeting", "impactmeting-2023")
    }
    panel = [r for r in first if r["unit"] in later]
    before = sum(total(panel, "studenten_mbo", "studenten_hbo"))
    after = sum(total([later[r["unit"]] for r in panel], "studenten_mbo", "studenten_hbo"))
    assert 1.03 < after / before < 1.2  # about 5% growth a year


def _alpha(items: list[list[int]]) -> float:
    k = len(items)
    totals = [sum(row) for row in zip(*items, strict=True)]
    return k / (k - 1) * (1 - sum(variance(i) for i in items) / variance(totals))


def test_techkwadraat_scales(published: Engine) -> None:
    simulate(published, programmes=["techkwadraat"], scale=0.3, waves=(2025,))
    rows = _complete(published, "tk-leerlingen", "meting-2025")
    assert len(rows) > 80  # about 4 pupils invited in each of about 45 schools
    for scale, reverse in (
        ("affiniteit", {"saai"}),
        ("zelfvertrouwen", {"te_moeilijk", "niet_voor_mij"}),
    ):
        keys = sorted(k for k in rows[0]["answers"] if k.startswith(f"{scale}__"))
        full = [r["answers"] for r in rows if all(k in r["answers"] for k in keys)]
        items = [[6 - a[k] if k.split("__")[1] in reverse else a[k] for a in full] for k in keys]
        assert 0.72 <= _alpha(items) <= 0.88
        forward = next(k for k in keys if k.split("__")[1] not in reverse)
        backward = next(k for k in keys if k.split("__")[1] in reverse)
        assert _correlation([a[forward] for a in full], [a[backward] for a in full]) < -0.2
    schools = _complete(published, "tk-scholen", "meting-2025")
    assert {r["unit"] for r in schools} == {r["unit"] for r in rows}


def _correlation(x: list[int], y: list[int]) -> float:
    mx, my = mean(x), mean(y)
    cov = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    return cov / (sum((a - mx) ** 2 for a in x) * sum((b - my) ** 2 for b in y)) ** 0.5
