"""Analysis frames with every KPI variable added, and one survey design per frame."""

from __future__ import annotations

from typing import Any, cast

import pandas as pd
from sqlalchemy.engine import Engine

from mel.analysis.design import Design
from mel.analysis.results import Estimate, EstimateTable
from mel.data import frame_cache
from mel.data.frame import DESIGN_COLUMNS, FrameError, frame
from mel.data.nonresponse import NonresponseModel
from mel.data.weights import SAMPLED_COLUMNS, person_totals
from mel.disclosure.cells import ORDER as UNIT_DIMENSIONS
from mel.kpi.variables import (
    ANSWERED,
    KpiVariableError,
    imputed_by_weighting,
    kpi_column,
    kpi_variable,
    needs_answered,
    without_dont_know,
)
from mel.surveys.programme_schema import Kpi, ProgrammeDefinition
from mel.surveys.schema import InstrumentDefinition


def design_for(data: pd.DataFrame) -> Design:
    """Return the design of an analysis frame, with its nonresponse model.

    With the frame's sampled units (``attrs["sampled_units"]``, see `mel.data.weights`)
    the design holds every sampled, eligible unit: the responding ones with their answers
    and the others as one row without answers. Their selection weights are adjusted for
    unit nonresponse within strata (`Design.adjust_nonresponse`) and, for person
    instruments, post-stratified to the known persons of the sampled units, so that both
    steps are in the variance and the df counts the sampled units. Where the first stage
    is a census (every unit of every stratum sampled) it has no sampling variance, and a
    person design is the persons stratified by unit (R: ``svydesign(id = ~respondent,
    strata = ~unit, fpc = ~fpc_persons, weights = ~weight)``): the same standard errors
    as the two-stage design, with the df of the persons (persons minus units).
    """
    sampled = data.attrs.get("sampled_units")
    person = data.attrs.get("respondent") == "person"
    if sampled is not None and len(data):
        table = sampled.table
        if person and census_first_stage(table):
            return Design(
                data,
                weights="weight",
                strata="unit",
                psu="respondent",
                fpc="fpc_persons",
                lonely_psu="adjust",
            )
        model = data.attrs.get("nonresponse") or NonresponseModel()
        return _nonresponse_design(data, table, person, model)
    return _plain_design(data)


def census_first_stage(table: pd.DataFrame) -> bool:
    """Whether every unit of every stratum was sampled (N_h = n_h)."""
    sizes = table.groupby("stratum")["fpc_units"].agg(["first", "size"])
    return bool(len(sizes)) and bool((sizes["first"] == sizes["size"]).all())


def _nonresponse_design(
    data: pd.DataFrame, table: pd.DataFrame, person: bool, model: NonresponseModel
) -> Design:
    """The sampled units' design, adjusted for unit nonresponse by the wave's `model`
    (and persons calibrated)."""
    represented = model.represented(table)
    missing = represented[~represented["responded"].astype(bool)]
    sampled_h = table.groupby("stratum").size()
    rows = data.assign(responded=1.0)
    base = rows["fpc_units"] / rows["stratum"].map(sampled_h).astype(float)
    extra = missing.drop(columns="responded").assign(
        responded=0.0, respondent=[f"nonrespondent:{u}" for u in missing["unit"]]
    )
    extra["base_weight"] = extra["fpc_units"] / extra["stratum"].map(sampled_h).astype(float)
    if person:
        persons = rows.groupby("unit")["respondent"].transform("size")
        rows["base_weight"] = base * rows["fpc_persons"] / persons
        # one row standing for the unit: a census of one at the second stage
        extra["fpc_persons"] = 1.0
    else:
        rows["base_weight"] = base
        extra = extra.drop(columns="fpc_persons")
    combined = pd.concat([rows, extra[[c for c in extra.columns if c in rows]]], ignore_index=True)
    combined.attrs = {}
    combined = model.known(combined)
    for column in combined.columns:
        if column.startswith(ANSWERED):  # a unit that did not answer answered no item
            combined[column] = combined[column].fillna(0.0)
    if person:
        design = Design(
            combined,
            weights="base_weight",
            strata="stratum",
            psu="unit",
            ssu="respondent",
            fpc=("fpc_units", "fpc_persons"),
            lonely_psu="adjust",
        )
        design = model.adjust(design)
        totals = person_totals(table)
        current = pd.Series(design.weights).groupby(combined["stratum"].to_numpy()).sum()
        population = {h: totals.get(h, float(current[h])) for h in current.index}
        return design.poststratify("stratum", population)
    return model.adjust(
        Design(
            combined,
            weights="base_weight",
            strata="stratum",
            psu="unit",
            fpc="fpc_units",
            lonely_psu="adjust",
        )
    )


def _plain_design(data: pd.DataFrame) -> Design:
    """The design of a frame without sampled units (built by hand): respondents only."""
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
    """Apply the KPI's estimator to its variable in `design` (optionally by a domain).

    A total of a variable with item-missing answers (``missing: exclude``) is estimated
    after an item-nonresponse adjustment over all respondents (one class), so that it is
    N times the mean of those who answered, with that adjustment in its variance. A mean,
    total or proportion with ``missing: impute`` is estimated after the adjustment within
    strata: the figure of imputing each stratum's mean of those who answered, with the
    imputation in its variance (Kim & Kim 2007). A total
    of a variable that cannot be negative has a log interval (never below 0);
    proportions use Korn–Graubard where p is 0 or 1 or the effective sample size is small
    (``method="auto"``).
    """
    column = kpi_column(kpi)
    design = kpi_design(design, kpi)
    if kpi.estimator == "mean":
        return design.mean(column, by=by)
    if kpi.estimator == "total":
        values = design.data[column]
        interval = "log" if bool((values.dropna() >= 0).all()) else "t"
        return design.total(column, by=by, interval=interval)
    if kpi.estimator == "ratio":
        return design.ratio(column, cast(str, kpi.denominator), by=by)
    if kpi.estimator == "quantile":
        return design.quantile(column, cast(float, kpi.quantile), by=by)
    level = 1.0 if kpi.level is None or isinstance(kpi.level, bool) else kpi.level
    return design.proportion(column, level=level, by=by, method="auto")


def kpi_design(design: Design, kpi: Kpi) -> Design:
    """The design `estimate_kpi` estimates the KPI on: the frame's design, adjusted for
    item nonresponse on the KPI's variable where its estimator asks for that (a total,
    or ``missing: impute``). Estimating the KPI on it again adjusts nothing more."""
    column = kpi_column(kpi)
    if imputed_by_weighting(kpi):
        return _item_design(design, column, within_strata=True)
    if kpi.estimator == "total":
        return _item_design(design, column)
    return design


def _item_design(design: Design, column: str, *, within_strata: bool = False) -> Design:
    """The design adjusted for item nonresponse on `column` (if its frame says who answered
    and someone with a weight did not): over all respondents (one class), or within
    strata (the equivalent of imputing the stratum's mean of those who answered)."""
    indicator = ANSWERED + column
    if indicator not in design.data:
        return design
    answered = design.data[indicator].to_numpy(dtype=float)
    if bool((answered[design.weights_view > 0] == 1).all()):
        return design
    return design.cached(
        ("item", column, within_strata),
        lambda: design.adjust_nonresponse(indicator, None, within_strata=within_strata),
    )


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
        self._packed: dict[tuple[str, str], bytes | pd.DataFrame] = {}

    def raw(self, wave: str, instrument: str) -> pd.DataFrame:
        """The frame of `instrument` in `wave` with the KPI variables that could be made."""
        key = (wave, instrument)
        if key in self._packed:
            self._frames[key] = frame_cache.unpack(self._packed.pop(key))
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
            self._add_variables(data, wave, instrument)
            self._frames[key] = data
        return self._frames[key]

    def _add_variables(self, data: pd.DataFrame, wave: str, instrument: str) -> None:
        """Add every KPI variable of `instrument` to its frame (which nobody else holds).

        All are computed from the frame as read, then written: a KPI that counts "don't
        know" reads the answers before another KPI on the question leaves them out.
        """
        survey = self.instruments.get(instrument)
        made: dict[str, pd.Series] = {}
        own: set[str] = set()
        totals: set[str] = set()
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
            column = kpi_column(kpi)
            if values is not None:
                made[column] = values
            else:  # the question's own column, without "don't know"
                own.add(column)
            if needs_answered(kpi):
                totals.add(column)
        for column, values in made.items():
            data[column] = values
        for column in own:
            data[column] = without_dont_know(data[column])
        for column in sorted(totals):
            data[ANSWERED + column] = data[column].notna().astype(float)

    def data(self, wave: str, kpi: Kpi) -> tuple[pd.DataFrame, str | None]:
        """The frame holding `kpi`'s variable, and the problem that kept it out (or None)."""
        data = self.raw(wave, kpi.instrument)
        problem = self._problems.get((wave, kpi.code))
        if problem is None and kpi_column(kpi) not in data:
            problem = f"the frame has no column {kpi_column(kpi)!r}"
        return data, problem

    def design(self, wave: str, instrument: str) -> Design:
        """The survey design of the frame of `instrument` in `wave` (built once).

        Its data are the frame's columns the instrument's KPIs are estimated on (their
        variables, denominators and breakdowns) with the design's and the units' own, not
        every answer: a design adds its nonrespondents to a copy of its data, and a frame
        of a million respondents holds hundreds of megabytes of answers.
        """
        key = (wave, instrument)
        if key not in self._designs:
            data = self.raw(wave, instrument)
            kpis = [k for k in self.programme.kpis if k.instrument == instrument]
            self._designs[key] = design_for(data[estimated_columns(data, kpis)])
        return self._designs[key]

    def release(self, instrument: str) -> None:
        """Pack the frames of `instrument` in every wave and forget their designs, so
        that a caller going through the instruments in turn holds one instrument's.

        A packed frame is zstd-compressed Arrow in memory (`frame_cache.pack`), unpacked
        when asked for again: the same data, where reading the frame cache again could
        give newer ones. Designs are built again from it.
        """
        for key in [key for key in self._frames if key[1] == instrument]:
            self._packed[key] = frame_cache.pack(self._frames.pop(key))
        for key in [key for key in self._designs if key[1] == instrument]:
            del self._designs[key]

    def keep_only(self, instrument: str) -> None:
        """`release` every instrument but `instrument` (nothing when only it is held)."""
        for other in {key[1] for key in self._frames} - {instrument}:
            self.release(other)


def estimated_columns(data: pd.DataFrame, kpis: list[Kpi]) -> list[str]:
    """The columns of `data` that designs and the estimates of `kpis` read, in its order."""
    wanted = {*DESIGN_COLUMNS, *SAMPLED_COLUMNS, "respondent", "response_id", *UNIT_DIMENSIONS}
    model = data.attrs.get("nonresponse")
    wanted |= set(getattr(model, "variables", ()) or ())
    for kpi in kpis:
        column = kpi_column(kpi)
        wanted |= {column, ANSWERED + column, *kpi.disaggregations}
        if kpi.denominator:
            wanted.add(kpi.denominator)
    return [c for c in data.columns if c in wanted]
