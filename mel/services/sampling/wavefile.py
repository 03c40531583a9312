"""The wave file: a wave's instruments, fieldwork dates and sampling design, validated.

A wave is defined in ``surveys/<programme>/waves/<wave>.yaml`` so that its design can be
reviewed like code. Designs (Lohr, *Sampling: Design and Analysis*, ch. 3 and 6):

- ``census``: every active unit of the frame;
- ``stratified``: a simple random sample without replacement in each stratum, allocated
  ``proportional``, ``equal``, ``neyman`` (standard deviations from a previous wave's KPI,
  or given) or ``explicit``; with take-all strata and a minimum per stratum;
- ``pps``: probability proportional to a size measure, ``systematic`` or ``brewer``, units
  whose size would give them a probability of at least one taken with certainty.

Persons within a unit (person instruments) are either all invited or a sample of
``per_unit`` of them; their count M_i is the unit's size measure ``size``.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator

from mel.surveys.loader import parse
from mel.surveys.text import LocalText, StrictModel
from mel.surveys.yamlfile import FileProblems, Problem, read_yaml

Code = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]


class Persons(StrictModel):
    """Who is invited within a sampled unit for a person instrument."""

    size: str = Field(description="the unit's size measure that counts these persons (M_i)")
    select: Literal["all", "sample"] = "all"
    per_unit: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _per_unit(self) -> Persons:
        if self.select == "sample" and self.per_unit is None:
            raise ValueError("select: sample needs 'per_unit' (persons to sample in each unit)")
        if self.select == "all" and self.per_unit is not None:
            raise ValueError("'per_unit' goes with select: sample")
        return self


class WaveInstrumentSpec(StrictModel):
    """An instrument fielded in the wave; person instruments say who is invited."""

    code: Code
    persons: Persons | None = None


class Fieldwork(StrictModel):
    """The fieldwork period."""

    start: date
    end: date

    @model_validator(mode="after")
    def _order(self) -> Fieldwork:
        if self.end < self.start:
            raise ValueError("fieldwork ends before it starts")
        return self


class NeymanSource(StrictModel):
    """Where Neyman allocation takes each stratum's standard deviation from."""

    wave: Code | None = None
    kpi: Code | None = None
    sd: dict[str, float] | None = None

    @model_validator(mode="after")
    def _one(self) -> NeymanSource:
        if (self.sd is None) == (self.wave is None or self.kpi is None):
            raise ValueError("give either 'wave' and 'kpi' (a previous wave) or 'sd' per stratum")
        if self.sd is not None and any(v < 0 for v in self.sd.values()):
            raise ValueError("standard deviations cannot be negative")
        return self


class Census(StrictModel):
    """Every active unit of the frame."""

    method: Literal["census"]
    unit_kinds: list[str] = Field(default_factory=list)


class Stratified(StrictModel):
    """Stratified simple random sampling of units without replacement."""

    method: Literal["stratified"]
    unit_kinds: list[str] = Field(default_factory=list)
    sample_size: int | None = Field(default=None, ge=1)
    allocation: Literal["proportional", "equal", "neyman", "explicit"] = "proportional"
    neyman: NeymanSource | None = None
    sizes: dict[str, int] | None = Field(default=None, description="explicit n_h per stratum")
    take_all: list[str] = Field(default_factory=list)
    minimum_per_stratum: int = Field(default=2, ge=0)

    @model_validator(mode="after")
    def _allocation(self) -> Stratified:
        if self.allocation == "explicit":
            if not self.sizes:
                raise ValueError("allocation explicit needs 'sizes' (sample size per stratum)")
            if any(v < 0 for v in self.sizes.values()):
                raise ValueError("a stratum's sample size cannot be negative")
        elif self.sizes is not None:
            raise ValueError("'sizes' goes with allocation explicit")
        elif self.sample_size is None:
            raise ValueError(f"allocation {self.allocation} needs 'sample_size'")
        if (self.allocation == "neyman") != (self.neyman is not None):
            raise ValueError("allocation neyman goes with 'neyman' (where the SDs come from)")
        return self


class Pps(StrictModel):
    """Sampling units with probability proportional to a size measure."""

    method: Literal["pps"]
    unit_kinds: list[str] = Field(default_factory=list)
    sample_size: int = Field(ge=1)
    size: str = Field(description="name of the size measure in the units register")
    selection: Literal["systematic", "brewer"] = "systematic"


class Nonresponse(StrictModel):
    """How unit nonresponse is adjusted (`mel.data.nonresponse`): the strata (default),
    weighting classes of unit variables, or a response-propensity model on them."""

    groups: Literal["strata", "classes", "propensity"] = "strata"
    variables: list[Literal["unit_kind", "province", "region", "sector"]] = Field(
        default_factory=list
    )
    within_strata: bool = True
    classes: int | None = Field(default=None, ge=2, le=20)

    @model_validator(mode="after")
    def _consistent(self) -> Nonresponse:
        if self.groups == "strata" and self.variables:
            raise ValueError("'variables' go with groups classes or propensity")
        if self.groups != "strata" and not self.variables:
            raise ValueError(f"groups {self.groups} needs 'variables' (unit variables)")
        if self.classes is not None and self.groups != "propensity":
            raise ValueError("'classes' (propensity classes) goes with groups propensity")
        if len(set(self.variables)) != len(self.variables):
            raise ValueError("a variable is listed twice")
        return self


METHODS = ("census", "stratified", "pps")
Design = Annotated[Census | Stratified | Pps, Field(discriminator="method")]


class WaveFile(StrictModel):
    """A whole wave file (``surveys/<programme>/waves/<wave>.yaml``)."""

    wave: Code
    programme: Code
    label: LocalText
    year: int = Field(ge=2000, le=2100)
    fieldwork: Fieldwork
    instruments: list[WaveInstrumentSpec] = Field(min_length=1)
    design: Design
    expected_response_rate: float = Field(default=0.7, gt=0, le=1)
    nonresponse: Nonresponse = Field(default_factory=Nonresponse)
    retention_until: date | None = Field(
        default=None, description="answers are emptied after this date (`mel retention purge`)"
    )

    @model_validator(mode="after")
    def _unique(self) -> WaveFile:
        codes = [i.code for i in self.instruments]
        if len(codes) != len(set(codes)):
            raise ValueError("an instrument is listed twice")
        if self.retention_until is not None and self.retention_until < self.fieldwork.end:
            raise ValueError("retention_until lies before the end of fieldwork")
        return self


def content_hash(text: str) -> str:
    """SHA-256 of a wave file's text (a changed file is recognised on re-create)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_wave_file(path: Path | str) -> tuple[WaveFile, str]:
    """Load and validate a wave file; return it and its content hash.

    Raises
    ------
    mel.surveys.yamlfile.FileProblems
        Listing every problem as ``file:line: path: what is wrong``.
    """
    path = Path(path)
    try:
        wave = parse(read_yaml(path), WaveFile)
    except FileProblems as exc:
        # pydantic names the design's method in the path (design.pps.size); the file does not.
        raise FileProblems([_untagged(p) for p in exc.problems]) from None
    return wave, content_hash(path.read_text(encoding="utf-8"))


def _untagged(problem: Problem) -> Problem:
    for method in METHODS:
        tag = f"design.{method}"
        if problem.location == tag or problem.location.startswith(f"{tag}."):
            location = "design" + problem.location.removeprefix(tag)
            return Problem(problem.file, location, problem.message, problem.line)
    return problem
