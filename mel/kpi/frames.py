"""Analysis frames with every KPI variable added, and one survey design per frame."""

from __future__ import annotations

from typing import Any, cast

import pandas as pd
from sqlalchemy.engine import Engine

from mel.analysis.design import Design
from mel.analysis.results import Estimate, EstimateTable
from mel.data.frame import DESIGN_COLUMNS, FrameError, frame
from mel.kpi.variables import KpiVariableError, kpi_column, kpi_variable
from mel.surveys.programme_schema import Kpi, ProgrammeDefinition
from mel.surveys.schema import InstrumentDefinition


def design_for(data: pd.DataFrame) -> Design:
    """Return the design of an analysis frame (two-stage for person instruments)."""
    if data.attrs.get("respondent") == "person":
        return Design(
            data,
            weights="weight",
            strata="stratum",
            psu="unit",
            ssu="respondent",
            fpc=("fpc_units", "fpc_persons"),
            lonely_psu="adjust",
        )
    return Design(
        data, weights="weight", strata="stratum", psu="unit", fpc="fpc_units", lonely_psu="adjust"
    )


def estimate_kpi(design: Design, kpi: Kpi, by: str | None = None) -> Estimate | EstimateTable:
    """Apply the KPI's estimator to its variable in `design` (optionally by a domain)."""
    column = kpi_column(kpi)
    if kpi.estimator == "mean":
        return design.mean(column, by=by)
    if kpi.estimator == "total":
        return design.total(column, by=by)
    if kpi.estimator == "ratio":
        return design.ratio(column, cast(str, kpi.denominator), by=by)
    if kpi.estimator == "quantile":
        return design.quantile(column, cast(float, kpi.quantile), by=by)
    level = 1.0 if kpi.level is None or isinstance(kpi.level, bool) else kpi.level
    return design.proportion(column, level=level, by=by)


class Frames:
    """Analysis frames per (wave, instrument), each with all its KPI variables, cached.

    Every KPI variable of an instrument is added to its frame once, so one design per
    frame serves all of that instrument's KPIs.
    """

    def __init__(
        self,
        engine: Engine,
        programme: ProgrammeDefinition,
        instruments: dict[str, InstrumentDefinition],
    ) -> None:
        self.engine = engine
        self.programme = programme
        self.instruments = instruments
        self._frames: dict[tuple[str, str], pd.DataFrame] = {}
        self._problems: dict[tuple[str, str], str] = {}
        self._designs: dict[tuple[str, str], Any] = {}

    def raw(self, wave: str, instrument: str) -> pd.DataFrame:
        """The frame of `instrument` in `wave` with the KPI variables that could be made."""
        key = (wave, instrument)
        if key not in self._frames:
            try:
                data = frame(
                    self.engine,
                    programme=self.programme.programme,
                    wave=wave,
                    instrument=instrument,
                )
            except FrameError as exc:
                # Every KPI of the instrument says why; the rest of the report goes on.
                data = pd.DataFrame(columns=DESIGN_COLUMNS)
                data.attrs["frame_error"] = str(exc)
            survey = self.instruments.get(instrument)
            for kpi in self.programme.kpis:
                if kpi.instrument != instrument:
                    continue
                if "frame_error" in data.attrs:
                    self._problems[(wave, kpi.code)] = data.attrs["frame_error"]
                    continue
                if survey is None:
                    self._problems[(wave, kpi.code)] = f"no instrument {instrument!r}"
                    continue
                try:
                    values = kpi_variable(data, kpi, survey)
                except (KpiVariableError, KeyError) as exc:
                    self._problems[(wave, kpi.code)] = str(exc).strip("'\"")
                    continue
                if values is not None:  # into this frame, which nobody else holds: no copy
                    data[kpi_column(kpi)] = values
            self._frames[key] = data
        return self._frames[key]

    def data(self, wave: str, kpi: Kpi) -> tuple[pd.DataFrame, str | None]:
        """The frame holding `kpi`'s variable, and the problem that kept it out (or None)."""
        data = self.raw(wave, kpi.instrument)
        problem = self._problems.get((wave, kpi.code))
        if problem is None and kpi_column(kpi) not in data:
            problem = f"the frame has no column {kpi_column(kpi)!r}"
        return data, problem

    def design(self, wave: str, instrument: str) -> Design:
        """The survey design of the frame of `instrument` in `wave` (built once)."""
        key = (wave, instrument)
        if key not in self._designs:
            self._designs[key] = design_for(self.raw(wave, instrument))
        return self._designs[key]
