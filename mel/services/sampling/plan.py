"""Precision planning: the 95% CI half-width a wave's sample buys for each KPI.

For a KPI measured in the previous wave, the variance per responding unit K comes from
that wave's design-based standard error: se² = K (1/n − 1/N), with n the responding units
and N the frame (Cochran 2.9 and 5A.2 with a design effect folded in). Without a previous
estimate K rests on a stated assumption. The expected half-width for the new wave is
t·√(K (1/n' − 1/N')), n' = sample size × expected response rate, t on the design's
degrees of freedom n' − H (H strata); the sample size that lets the interval decide the
target is the smallest one whose half-width is below |last estimate − target|.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, col, select

from mel.models import Instrument, Unit, Wave, WaveStratum
from mel.services.sampling import SamplingError
from mel.services.sampling.store import wave_design
from mel.services.sampling.wavefile import Census, Pps, Stratified, WaveFile

Z = 1.959963984540054
ASSUMED_CV = 1.0  # coefficient of variation between units, without a previous wave
ASSUMED_DEFF = {"unit": 1.0, "person": 2.0}  # persons cluster in units


@dataclass(frozen=True)
class PlanRow:
    """The planning figures of one KPI in one wave."""

    kpi: str
    estimator: str
    sample_size: int
    expected_respondents: float
    population: int
    half_width: float | None
    last_estimate: float | None
    last_from: str | None
    target: float | None
    target_year: int | None
    distance: float | None
    decides: bool | None
    needed_sample_size: int | None
    basis: str

    def as_dict(self) -> dict[str, object]:
        """The row as plain JSON values."""
        return asdict(self)


def _catalogue(session: Session, programme: str):
    """The programme's published definition and instruments (what reports use too)."""
    from mel.kpi.definitions import NotPublished, load_published

    try:
        published = load_published(session, programme)
    except NotPublished as exc:
        raise SamplingError(str(exc)) from None
    return published.programme, published.instruments


def _frames(session: Session, surveys: Path, programme: str):
    from mel.kpi.frames import Frames

    definition, instruments = _catalogue(session, programme)
    return definition, Frames(session.get_bind(), definition, instruments)  # type: ignore[arg-type]


def neyman_sds(session: Session, spec: WaveFile, surveys: Path) -> dict[str, float] | None:
    """Each stratum's SD of the Neyman KPI in the previous wave (pooled where it had none)."""
    design = spec.design
    if not isinstance(design, Stratified) or design.neyman is None or design.neyman.sd:
        return None
    source = design.neyman
    definition, frames = _frames(session, surveys, spec.programme)
    kpi = next((k for k in definition.kpis if k.code == source.kpi), None)
    if kpi is None:
        raise SamplingError(f"design.neyman.kpi: no KPI {source.kpi!r} in {spec.programme!r}")
    from mel.kpi.variables import kpi_column

    data, problem = frames.data(str(source.wave), kpi)
    values = data[[kpi_column(kpi), "stratum"]].dropna() if not problem else None
    if values is None or len(values) < 2:
        raise SamplingError(
            f"design.neyman: wave {source.wave!r} has no answers for {source.kpi!r} to take "
            f"standard deviations from{f' ({problem})' if problem else ''}"
        )
    column = kpi_column(kpi)
    pooled = float(values[column].astype(float).std(ddof=1))
    by = values.groupby("stratum")[column].agg(lambda s: s.astype(float).std(ddof=1))
    sds = {str(h): float(v) for h, v in by.items() if not math.isnan(v)}
    units = session.exec(
        select(Unit.stratum).where(
            Unit.programme_id == _programme_id(session, spec), col(Unit.active)
        )
    ).all()
    return {str(h): sds.get(str(h), pooled) for h in set(units) if h}


def _programme_id(session: Session, spec: WaveFile) -> int:
    from mel.services.sampling.units import programme_row

    return int(programme_row(session, spec.programme).id or 0)


def _sizes(session: Session, wave: Wave, spec: WaveFile) -> tuple[int, int]:
    """(n, N): planned sample size and frame size in units."""
    drawn = session.exec(
        select(func.sum(WaveStratum.sample_size), func.sum(WaveStratum.population_size)).where(
            WaveStratum.wave_id == wave.id
        )
    ).one()
    if wave.sample_drawn_at is not None and drawn[1]:
        return int(drawn[0]), int(drawn[1])
    query = select(func.count(col(Unit.id))).where(
        Unit.programme_id == wave.programme_id, col(Unit.active)
    )
    if spec.design.unit_kinds:
        query = query.where(col(Unit.kind).in_(spec.design.unit_kinds))
    population = int(session.exec(query).one())
    design = spec.design
    if isinstance(design, Census):
        return population, population
    if isinstance(design, Stratified) and design.sample_size is None:
        return sum((design.sizes or {}).values()), population
    return int(design.sample_size or 0), population


def _strata(session: Session, wave: Wave, spec: WaveFile) -> int:
    """H: strata of the drawn sample, else of the frame (one for PPS)."""
    drawn = session.exec(
        select(func.count(col(WaveStratum.id))).where(WaveStratum.wave_id == wave.id)
    ).one()
    if drawn:
        return int(drawn)
    if isinstance(spec.design, Pps):
        return 1
    query = select(func.count(func.distinct(Unit.stratum))).where(
        Unit.programme_id == wave.programme_id, col(Unit.active)
    )
    if spec.design.unit_kinds:
        query = query.where(col(Unit.kind).in_(spec.design.unit_kinds))
    return max(1, int(session.exec(query).one()))


def plan_wave(session: Session, wave: Wave, surveys: Path) -> list[PlanRow]:
    """Planning figures for every KPI of the instruments the wave fields."""
    from mel.kpi.evaluate import waves_of

    spec = wave_design(wave)
    n, population = _sizes(session, wave, spec)
    strata = _strata(session, wave, spec)
    if population == 0:
        raise SamplingError(f"wave {wave.code!r}: no active units in the frame to plan for")
    definition, frames = _frames(session, surveys, spec.programme)
    fielded = {i.code for i in spec.instruments}
    respondent = dict(
        session.exec(
            select(Instrument.code, Instrument.respondent).where(col(Instrument.code).in_(fielded))
        ).all()
    )
    _, earlier = waves_of(session.get_bind(), spec.programme, wave.code)  # type: ignore[arg-type]
    previous = earlier[-1] if earlier else None
    rate = spec.expected_response_rate
    rows = []
    for kpi in definition.kpis:
        if kpi.instrument not in fielded:
            continue
        last, last_from, K, basis = _variance(session, frames, kpi, previous, respondent)
        if last is None and kpi.baseline is not None:
            last, last_from = kpi.baseline.value, f"baseline {kpi.baseline.year}"
        target = _target(kpi, spec.year)
        if K is None:
            scale = _scale(frames.instruments.get(kpi.instrument), kpi)
            K, basis = _assumed(
                kpi, last, target, population, respondent.get(kpi.instrument), scale
            )
        respondents = n * rate
        half = _half_width(K, respondents, population, strata)
        distance = abs(last - target[1]) if last is not None and target else None
        rows.append(
            PlanRow(
                kpi=kpi.code,
                estimator=kpi.estimator,
                sample_size=n,
                expected_respondents=round(respondents, 1),
                population=population,
                half_width=half,
                last_estimate=last,
                last_from=last_from,
                target=target[1] if target else None,
                target_year=target[0] if target else None,
                distance=distance,
                decides=None if distance is None or half is None else half < distance,
                needed_sample_size=_needed(K, distance, population, rate, strata),
                basis=(
                    f"{basis}; expected response rate {rate:.0%}; t on "
                    f"{_df(respondents, strata)} df ({strata} strata)"
                ),
            )
        )
    return rows


def _target(kpi, year: int) -> tuple[int, float] | None:
    """The target of the wave's year, else the next one, else the last."""
    targets = sorted((target.year, target.value) for target in kpi.targets)
    later = [target for target in targets if target[0] >= year]
    return later[0] if later else (targets[-1] if targets else None)


def _variance(session, frames, kpi, previous, respondent):
    """(last estimate, its wave, K, basis) from the previous wave, or Nones."""
    if previous is None:
        return None, None, None, ""
    from mel.analysis.errors import DesignError
    from mel.kpi.frames import estimate_kpi
    from mel.kpi.variables import kpi_column

    data, problem = frames.data(previous.code, kpi)
    if problem or int(data[kpi_column(kpi)].notna().sum()) == 0:
        return None, None, None, ""
    try:
        estimate = estimate_kpi(frames.design(previous.code, kpi.instrument), kpi)
    except DesignError:
        return None, None, None, ""
    units = int(data.loc[data[kpi_column(kpi)].notna(), "unit"].nunique())
    frame_size = session.exec(
        select(func.sum(WaveStratum.population_size)).where(WaveStratum.wave_id == previous.id)
    ).one()
    big = int(frame_size or units)
    se = float(estimate.se)
    K = se**2 / (1 / units - 1 / big) if units < big else se**2 * units
    deff = (
        "" if estimate.deff is None or math.isnan(estimate.deff) else f", deff {estimate.deff:.2f}"
    )
    basis = (
        f"previous wave {previous.code}: se {se:.4g}{deff} from {units} responding units of {big}"
    )
    return float(estimate.estimate), f"wave {previous.code}", K, basis


def _scale(survey, kpi) -> tuple[float, float] | None:
    """The (min, max) of the KPI's question when it is a bounded number (a mark, a score)."""
    if survey is None or kpi.question is None or kpi.estimator not in ("mean", "quantile"):
        return None
    try:
        low, high = survey.question(kpi.question).bounds()
    except (KeyError, ValueError, AttributeError):
        return None
    return (float(low), float(high)) if low is not None and high is not None else None


def _assumed(kpi, last, target, population, respondent, scale):
    """K under a stated assumption when no previous wave measured the KPI."""
    deff = ASSUMED_DEFF.get(respondent or "unit", 1.0)
    reference = last if last is not None else (target[1] if target else None)
    if kpi.estimator == "proportion":
        p = reference if reference is not None and 0 < reference < 1 else 0.5
        return deff * p * (1 - p), f"assumption: p = {p:.2f}, deff {deff:g} (no previous wave)"
    if scale is not None:
        sd = (scale[1] - scale[0]) / 4
        return deff * sd**2, (
            f"assumption: SD = range/4 = {sd:.3g} on the {scale[0]:g}–{scale[1]:g} scale, "
            f"deff {deff:g} (no previous wave)"
        )
    if reference is None:
        return None, "no previous wave, baseline or target to assume a spread from"
    scale = abs(reference)
    K = deff * (ASSUMED_CV * scale) ** 2
    if kpi.estimator != "total":
        basis = f"assumption: SD between units = {ASSUMED_CV:g} × {scale:.4g}, deff {deff:g}"
    else:
        basis = (
            f"assumption: SD between units = {ASSUMED_CV:g} × the mean per unit "
            f"({scale / population:.4g}), deff {deff:g}"
        )
    return K, f"{basis} (no previous wave)"


def _df(respondents: float, strata: int) -> int:
    """Design degrees of freedom: responding units (PSUs) minus strata, at least one."""
    return max(1, math.floor(respondents) - strata)


def _half_width(K: float | None, respondents: float, population: int, strata: int) -> float | None:
    """z·se with t on the design df: t(0.975, n' − H) · √(K (1/n' − 1/N))."""
    if K is None or respondents < 1:
        return None
    from scipy.stats import t

    quantile = float(t.ppf(0.975, _df(respondents, strata)))
    return quantile * math.sqrt(max(K * (1 / respondents - 1 / population), 0.0))


def _needed(
    K: float | None, distance: float | None, population: int, rate: float, strata: int
) -> int | None:
    """Smallest sample size (units, before nonresponse) whose half-width < distance."""
    if K is None or distance is None or distance <= 0:
        return None
    # The normal approximation gives a lower bound; t on fewer df only widens the interval.
    start = math.ceil(1 / (distance**2 / (Z**2 * K) + 1 / population) / rate) if K else 1
    for n in range(max(1, start), population + 1):
        half = _half_width(K, n * rate, population, strata)
        if half is not None and half < distance:
            return n
    return None
