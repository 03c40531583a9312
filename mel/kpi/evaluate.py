"""Evaluate a programme's KPIs for a wave: estimates, disaggregations, status, change."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from mel.analysis.errors import DesignError
from mel.analysis.quality import Quality, grade
from mel.analysis.results import Estimate, EstimateTable
from mel.data.wave_kinds import other_than_survey
from mel.disclosure.rules import shown_alone
from mel.kpi.change import Change, StackedWaves, holm_adjusted, stack_waves, wave_change
from mel.kpi.frames import Frames, design_for, estimate_kpi
from mel.kpi.status import Decision, Status, go_no_go, judge
from mel.kpi.variables import kpi_column
from mel.models import Programme, Wave
from mel.surveys.programme_schema import Kpi, ProgrammeDefinition
from mel.surveys.schema import InstrumentDefinition

__all__ = ["Change", "KpiResult", "design_for", "estimate_kpi", "evaluate_kpis", "waves_of"]


@dataclass(frozen=True)
class KpiResult:
    """Everything known about one KPI in one wave.

    ``answered`` counts respondents with a value for the KPI's variable and ``responding``
    the respondents to its questionnaire (their ratio is the item response); ``history``
    holds the estimates of the earlier waves, oldest first (None where a wave had no
    answers); ``note`` says why there is no estimate (``"no answers"`` or the error met).
    ``quality`` grades the estimate A–E from its CV and df (`mel.analysis.quality`), and
    ``by_quality`` each domain's estimate, by disaggregation and domain key.
    """

    kpi: Kpi
    wave: str
    year: int
    estimate: Estimate | None
    by: dict[str, EstimateTable] = field(default_factory=dict)
    target: float | None = None
    status: Status | None = None
    decision: Decision | None = None
    change: Change | None = None
    note: str | None = None
    answered: int = 0
    history: tuple[tuple[str, int, Estimate | None], ...] = ()
    responding: int = 0
    quality: Quality | None = None
    by_quality: dict[str, dict[Any, Quality]] = field(default_factory=dict)

    @property
    def item_response(self) -> float:
        """Share of the respondents who answered the KPI's variable (NaN without any)."""
        return self.answered / self.responding if self.responding else math.nan

    @property
    def failed(self) -> bool:
        """True when the KPI could not be computed (an error met, not a lack of answers)."""
        return self.estimate is None and self.note not in (None, "no answers")


def waves_of(engine: Engine, programme: str, code: str) -> tuple[Wave, list[Wave]]:
    """Return the wave `code` of `programme` and its earlier waves, oldest first."""
    with Session(engine) as session:
        current = session.exec(
            select(Wave).join(Programme).where(Programme.code == programme, Wave.code == code)
        ).first()
        if current is None:
            raise LookupError(f"no wave {code!r} in programme {programme!r}")
        earlier = session.exec(
            select(Wave)
            .where(Wave.programme_id == current.programme_id, Wave.year < current.year)
            .order_by(col(Wave.year), col(Wave.code))
        ).all()
        # Census and review waves (progress returns, peer reviews) are no earlier rounds
        # of a survey.
        other = other_than_survey(session, current.programme_id)
    return current, [w for w in earlier if w.id not in other]


def evaluate_kpis(
    engine: Engine,
    programme: ProgrammeDefinition,
    instruments: dict[str, InstrumentDefinition],
    wave: str,
    min_group_size: int = 10,
    *,
    frames: Frames | None = None,
    progress: Callable[[str], None] | None = None,
    release: bool = False,
) -> list[KpiResult]:
    """Evaluate every KPI of `programme` in `wave`, with change since the previous wave.

    Parameters
    ----------
    engine : sqlalchemy.engine.Engine
        The mel database.
    programme : ProgrammeDefinition
        Pathways and KPIs (from ``programme.yaml``).
    instruments : dict of str to InstrumentDefinition
        The programme's instruments by code (for scale indices).
    wave : str
        Code of the wave to evaluate; its previous wave is the latest earlier one.
    min_group_size : int
        Results that `mel.disclosure` would not show (too few respondents, quality grade
        E) get a note; showing them is the caller's choice, by the same rule.
    frames : Frames, optional
        A cache of analysis frames and designs to share with the caller.
    progress : callable, optional
        Called with the KPI code after each KPI.
    release : bool
        Before each KPI, release the frames and designs of the other instruments
        (`Frames.keep_only`): a report on a million responses then holds one instrument's
        frames at a time.

    Returns
    -------
    list of KpiResult
        One per KPI, in the programme's order.
    """
    current, earlier = waves_of(engine, programme.programme, wave)
    frames = frames or Frames(engine, programme, instruments)
    results = []
    stacked: dict[tuple[str, str], StackedWaves] = {}  # per instrument and previous wave
    for kpi in programme.kpis:
        if release:
            frames.keep_only(kpi.instrument)
            for key in [key for key in stacked if key[0] != kpi.instrument]:
                del stacked[key]
        result = _evaluate_one(frames, kpi, current, min_group_size)
        history = tuple((w.code, w.year, _overall(frames, kpi, w.code)) for w in earlier)
        result = replace(result, history=history)
        results.append(_with_change(frames, kpi, wave, result, stacked))
        if progress is not None:
            progress(kpi.code)
    # Holm over every change test of the programme's wave (the report's change column)
    changes = holm_adjusted([r.change for r in results])
    return [replace(r, change=c) for r, c in zip(results, changes, strict=True)]


def _with_change(
    frames: Frames,
    kpi: Kpi,
    wave: str,
    result: KpiResult,
    stacked: dict[tuple[str, str], StackedWaves],
) -> KpiResult:
    """`result` with its change since the previous wave, when both have an estimate
    (the two waves stacked once per instrument in `stacked`)."""
    previous = result.history[-1] if result.history else None
    if previous is None or previous[2] is None or result.estimate is None:
        return result
    waves = (wave, previous[0])
    data = (frames.data(wave, kpi)[0], frames.data(previous[0], kpi)[0])
    key = (kpi.instrument, previous[0])
    if key not in stacked:
        stacked[key] = stack_waves(waves, data)
    change = wave_change(kpi, waves, data, (result.estimate, previous[2]), stacked[key])
    return replace(result, change=change)


def _overall(frames: Frames, kpi: Kpi, wave: str) -> Estimate | None:
    """The KPI's overall estimate in another wave, or None without answers."""
    data, problem = frames.data(wave, kpi)
    if problem or int(data[kpi_column(kpi)].notna().sum()) == 0:
        return None
    try:
        estimate = estimate_kpi(frames.design(wave, kpi.instrument), kpi)
    except DesignError:
        return None
    assert isinstance(estimate, Estimate)
    return estimate


def _evaluate_one(frames: Frames, kpi: Kpi, wave: Wave, k: int) -> KpiResult:
    data, problem = frames.data(wave.code, kpi)
    if problem:
        return KpiResult(kpi, wave.code, wave.year, None, note=problem)
    column = kpi_column(kpi)
    answered = int(data[column].notna().sum())
    responding = len(data)
    if answered == 0:
        return KpiResult(kpi, wave.code, wave.year, None, note="no answers", responding=responding)
    try:
        design = frames.design(wave.code, kpi.instrument)
        estimate = estimate_kpi(design, kpi)
    except DesignError as exc:
        return KpiResult(
            kpi,
            wave.code,
            wave.year,
            None,
            note=str(exc),
            answered=answered,
            responding=responding,
        )
    assert isinstance(estimate, Estimate)
    by: dict[str, EstimateTable] = {}
    for variable in kpi.disaggregations:
        if variable in data and data.loc[data[column].notna(), variable].notna().any():
            table = estimate_kpi(design, kpi, by=variable)
            assert isinstance(table, EstimateTable)
            by[variable] = table
    target = next((t.value for t in kpi.targets if t.year == wave.year), None)
    status = (
        judge(estimate.ci_low, estimate.ci_high, target, kpi.direction)
        if target is not None
        else None
    )
    decision = None
    if kpi.go_no_go and kpi.go_no_go.year == wave.year:
        decision = go_no_go(
            estimate.ci_low, estimate.ci_high, kpi.go_no_go.go, kpi.go_no_go.no_go, kpi.direction
        )
    note = None if shown_alone(estimate, k) else "not shown (mel.disclosure: too few or grade E)"
    return KpiResult(
        kpi,
        wave.code,
        wave.year,
        estimate,
        by,
        target,
        status,
        decision,
        None,
        note,
        answered,
        responding=responding,
        quality=grade(estimate),
        by_quality={v: {key: grade(e) for key, e in table.items()} for v, table in by.items()},
    )
