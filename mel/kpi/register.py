"""KPIs on register data: counts and shares over one year's rows of the latest import.

A register figure is a count (the sum of a column) or a share (a sum over a sum) of a
table that covers the whole population, so it has no sampling error: no interval, no
design, no small-group rule for respondents. The figure shown for a year is that of the
latest register year up to it (registers lag: DUO's figures for a school year come a year
later), and the result names the year, the source and the import version it was read from.
Status against a target compares the figure itself with the target of its register year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
from sqlmodel import Session

from mel.data.registers import latest_rows
from mel.kpi.status import Status, judge
from mel.surveys.programme_schema import ProgrammeDefinition
from mel.surveys.registers import RegisterKpi, RegisterSource

NO_IMPORT = "no import"
MISSING = "missing columns"  # the version lacks columns the KPI reads (see `missing`)


@dataclass(frozen=True)
class RegisterVersion:
    """The imported version a register figure was read from."""

    source: str
    version: int
    file_name: str
    file_hash: str
    imported_at: datetime
    imported_by: str


@dataclass(frozen=True)
class RegisterResult:
    """A register KPI for a year: the figure, its groups, trend, target and provenance.

    ``year`` is the register year of ``value`` (the latest up to ``asked``); ``history``
    holds every register year's figure, oldest first; ``by`` the figure per group of each
    disaggregation column in ``year``; ``note`` says why there is no figure (``"no
    import"``, no register year up to ``asked``, or ``"missing columns"``: the version
    lacks the columns in ``missing``, declared after it was imported).
    """

    kpi: RegisterKpi
    asked: int
    source: RegisterSource | None
    version: RegisterVersion | None = None
    year: int | None = None
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    by: dict[str, list[tuple[str, float | None]]] = field(default_factory=dict)
    history: tuple[tuple[int, float | None], ...] = ()
    target: float | None = None
    status: Status | None = None
    note: str | None = None
    missing: tuple[str, ...] = ()


def figure(kpi: RegisterKpi, rows: pd.DataFrame) -> tuple[float | None, float, float | None]:
    """The KPI's figure over `rows` with its numerator and denominator (share: None if 0)."""
    numerator = float(pd.to_numeric(rows[kpi.value]).sum()) if len(rows) else 0.0
    if kpi.denominator is None:
        return numerator, numerator, None
    denominator = float(pd.to_numeric(rows[kpi.denominator]).sum()) if len(rows) else 0.0
    return (numerator / denominator if denominator else None), numerator, denominator


def selected(kpi: RegisterKpi, data: pd.DataFrame) -> pd.DataFrame:
    """The rows the KPI counts (its `where` conditions)."""
    keep = pd.Series(True, index=data.index)
    for name, value in kpi.where.items():
        keep &= data[name].astype(str) == str(value)
    return data[keep]


def evaluate_register_kpi(
    kpi: RegisterKpi,
    source: RegisterSource | None,
    version: RegisterVersion | None,
    rows: list[dict[str, object]],
    year: int,
) -> RegisterResult:
    """Evaluate one register KPI for `year` over the rows of one imported version."""
    if source is None or version is None or not rows:
        return RegisterResult(kpi, year, source, version, note=NO_IMPORT)
    data = pd.DataFrame(rows)
    needed = [kpi.value, kpi.denominator, source.year, *kpi.where, *kpi.disaggregations]
    missing = [c for c in dict.fromkeys(needed) if c is not None and c not in data.columns]
    if missing:
        # the declaration gained a column after this version was imported
        return RegisterResult(kpi, year, source, version, note=MISSING, missing=tuple(missing))
    data = selected(kpi, data)
    years = sorted(int(y) for y in data[source.year].dropna().unique())
    history = tuple((y, figure(kpi, data[data[source.year] == y])[0]) for y in years)
    shown = max((y for y in years if y <= year), default=None)
    if shown is None:
        return RegisterResult(
            kpi, year, source, version, history=history, note=f"no register year up to {year}"
        )
    rows_of_year = data[data[source.year] == shown]
    value, numerator, denominator = figure(kpi, rows_of_year)
    by = {
        column: [
            (str(group), figure(kpi, part)[0])
            for group, part in rows_of_year.groupby(column, sort=True)
        ]
        for column in kpi.disaggregations
    }
    target = next((t.value for t in kpi.targets if t.year == shown), None)
    status = (
        judge(value, value, target, kpi.direction)
        if target is not None and value is not None
        else None
    )
    return RegisterResult(
        kpi,
        year,
        source,
        version,
        shown,
        value,
        numerator,
        denominator,
        by,
        history,
        target,
        status,
    )


def evaluate_register_kpis(
    session: Session, programme: ProgrammeDefinition, year: int
) -> list[RegisterResult]:
    """Evaluate every register KPI of `programme` for `year` on its source's latest import.

    Parameters
    ----------
    session : sqlmodel.Session
        A session on the mel database.
    programme : ProgrammeDefinition
        The published programme (its ``registers`` and ``register_kpis``).
    year : int
        The year asked for (a wave's year); each KPI shows its latest register year up to it.

    Returns
    -------
    list of RegisterResult
        One per register KPI, in the programme's order.
    """
    sources = {s.code: s for s in programme.registers}
    loaded: dict[str, tuple[RegisterVersion | None, list[dict[str, object]]]] = {}
    results = []
    for kpi in programme.register_kpis:
        if kpi.source not in loaded:
            latest, rows = latest_rows(session, kpi.source)
            loaded[kpi.source] = (
                RegisterVersion(
                    latest.source,
                    latest.version,
                    latest.file_name,
                    latest.file_hash,
                    latest.imported_at,
                    latest.imported_by,
                )
                if latest is not None
                else None,
                rows,
            )
        version, rows = loaded[kpi.source]
        results.append(evaluate_register_kpi(kpi, sources.get(kpi.source), version, rows, year))
    return results
