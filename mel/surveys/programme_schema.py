"""Typed model of a programme file: impact pathways (impactpaden) and KPIs."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from mel.surveys.progress_schema import Progress
from mel.surveys.registers import RegisterKpi, RegisterSource
from mel.surveys.schema import InstrumentDefinition, check_code, check_programme_code
from mel.surveys.text import LocalText, StrictModel

Level = Literal["input", "activity", "output", "outcome", "impact"]
LEVELS: tuple[str, ...] = Level.__args__  # type: ignore[attr-defined]
Estimator = Literal["mean", "proportion", "total", "ratio", "quantile"]
DISAGGREGATIONS = ("stratum", "province", "region", "sector", "unit_kind")


class Node(StrictModel):
    """A step of an impact pathway at one level of the results chain."""

    code: str
    level: Level
    label: LocalText

    _code = field_validator("code")(classmethod(lambda cls, v: check_code(v)))


class Link(StrictModel):
    """A causal link between two nodes of the same pathway."""

    source: str = Field(alias="from")
    target: str = Field(alias="to")
    relation: Literal["increases", "decreases", "part_of"] = "increases"
    confidence: Literal["low", "medium", "high"] = "medium"


class Pathway(StrictModel):
    """An impact pathway (impactpad): nodes from input to impact, and their links."""

    code: str
    label: LocalText
    nodes: list[Node] = Field(min_length=1)
    links: list[Link] = Field(default_factory=list)

    _code = field_validator("code")(classmethod(lambda cls, v: check_code(v)))


class Expression(StrictModel):
    """A derived variable: exactly one of the forms below."""

    sum: list[str] | None = None
    scale: str | None = None
    items: list[str] | None = None
    min_answered: int | None = None
    equals: tuple[str, str | int | float | bool] | None = None
    selected: tuple[str, str] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Expression:
        forms = [k for k in ("sum", "scale", "equals", "selected") if getattr(self, k)]
        if len(forms) != 1:
            raise ValueError("needs exactly one of sum, scale, equals, selected")
        if (self.items or self.min_answered) and not self.scale:
            raise ValueError("'items' and 'min_answered' go with 'scale'")
        return self

    def questions(self) -> list[str]:
        """Return the names of the questions the expression reads."""
        if self.sum:
            return list(self.sum)
        if self.scale:
            return [self.scale]
        pair = self.equals or self.selected
        return [str(pair[0])] if pair else []


class Baseline(StrictModel):
    """The value a KPI had before the programme (or at its first measurement)."""

    year: int
    value: float
    source: str | None = None
    # False for a baseline measured another way (e.g. unweighted, or counting something
    # else): reports show it as "not comparable" with its note and judge nothing against it
    comparable: bool = True
    note: LocalText | None = None


class Target(StrictModel):
    """A KPI target for a year."""

    year: int
    value: float


class GoNoGo(StrictModel):
    """Thresholds for a go/no-go decision in a year (e.g. Techkwadraat 2027)."""

    year: int
    go: float
    no_go: float


class Kpi(StrictModel):
    """A key performance indicator: an estimator over a question or expression."""

    code: str
    label: LocalText
    definition: LocalText
    node: str = Field(description="pathway.node code")
    estimator: Estimator
    instrument: str
    question: str | None = None
    expression: Expression | None = None
    level: str | int | bool | None = None
    denominator: str | None = None
    quantile: float | None = Field(default=None, gt=0, lt=1)
    direction: Literal["higher", "lower"] = "higher"
    unit: LocalText | None = None
    disaggregations: list[Literal["stratum", "province", "region", "sector", "unit_kind"]] = Field(
        default_factory=list
    )
    baseline: Baseline | None = None
    targets: list[Target] = Field(default_factory=list)
    go_no_go: GoNoGo | None = None
    missing: Literal["exclude", "not_applicable", "impute"] = Field(
        default="exclude",
        description="how item-missing answers count: exclude (estimate among those who "
        "answered; a total is N times their mean), not_applicable (skip logic: missing is 0), "
        "impute (the weighted mean of those who answered in the same stratum)",
    )
    dont_know: Literal["exclude", "count"] = Field(
        default="exclude",
        description="'don't know' answers (choice values in mel.kpi.variables.DONT_KNOW): "
        "left out of the denominator (exclude) or counted as an answer (count)",
    )

    _code = field_validator("code")(classmethod(lambda cls, v: check_code(v)))
    _instrument = field_validator("instrument")(classmethod(lambda cls, v: check_programme_code(v)))

    @model_validator(mode="after")
    def _variable(self) -> Kpi:
        if (self.question is None) == (self.expression is None):
            raise ValueError("needs exactly one of 'question' or 'expression'")
        if self.estimator == "ratio" and not self.denominator:
            raise ValueError("a ratio KPI needs 'denominator' (a question name)")
        if self.estimator != "ratio" and self.denominator:
            raise ValueError("'denominator' goes with estimator ratio")
        if self.estimator == "quantile" and self.quantile is None:
            raise ValueError("a quantile KPI needs 'quantile' (e.g. 0.5)")
        if (
            self.go_no_go
            and (self.go_no_go.go - self.go_no_go.no_go) * (1 if self.direction == "higher" else -1)
            < 0
        ):
            raise ValueError("go threshold lies on the wrong side of no_go for the direction")
        return self

    def questions(self) -> list[str]:
        """Return the names of the questions the KPI reads."""
        names = [self.question] if self.question else self.expression.questions()  # type: ignore[union-attr]
        return names + ([self.denominator] if self.denominator else [])


class ProgrammeDefinition(StrictModel):
    """A whole programme file (`surveys/<programme>/programme.yaml`)."""

    programme: str
    label: LocalText
    description: LocalText | None = None
    # Who is responsible for the programme and its reports (on the report's cover).
    organisation: LocalText | None = None
    # A logo for the report's cover: an SVG or PNG file in the programme's folder.
    logo: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_.-]+\.(svg|png)$")
    unit_kinds: list[Literal["pps", "werkplaats", "school", "consortium", "region"]]
    pathways: list[Pathway] = Field(default_factory=list)
    kpis: list[Kpi] = Field(default_factory=list)
    # Register tables imported with `mel data import`, and KPIs on them (mel.surveys.registers)
    registers: list[RegisterSource] = Field(default_factory=list)
    register_kpis: list[RegisterKpi] = Field(default_factory=list)
    # The yearly progress measurement (a census of units), if the programme has one.
    progress: Progress | None = None

    _code = field_validator("programme")(classmethod(lambda cls, v: check_programme_code(v)))


__all__ = ["ProgrammeDefinition", "Kpi", "Pathway", "InstrumentDefinition", "LEVELS"]
