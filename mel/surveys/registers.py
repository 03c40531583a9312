"""Register data in a programme file: declared sources (DUO, CBS, ...) and KPIs on them.

A register source is a table published by someone else (a count per region and year, say)
that mel imports as a file (`mel data import`). Its declaration states the columns with
their types and allowed values, the columns that together identify a row (``key``) and the
column that holds the year. A register KPI is a count (a sum of a column) or a share (a sum
over a sum) over the rows of one year: a figure without sampling error.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from mel.surveys.schema import check_code
from mel.surveys.text import LocalText, StrictModel

ColumnType = Literal["integer", "decimal", "text", "choice"]
NUMERIC = ("integer", "decimal")


class RegisterColumn(StrictModel):
    """One column of a register file: its name, type and the values it may hold."""

    name: str
    type: ColumnType
    label: LocalText | None = None
    values: list[str] | None = Field(default=None, min_length=1)
    min: float | None = None
    max: float | None = None
    required: bool = True

    _name = field_validator("name")(classmethod(lambda cls, v: check_code(v)))

    @model_validator(mode="after")
    def _fits_type(self) -> RegisterColumn:
        if (self.type == "choice") != (self.values is not None):
            raise ValueError("'values' is needed by, and only allowed with, type choice")
        if (self.min is not None or self.max is not None) and self.type not in NUMERIC:
            raise ValueError("'min' and 'max' go with type integer or decimal")
        return self


class RegisterSource(StrictModel):
    """A register table mel imports: its columns, key and year column."""

    code: str
    label: LocalText
    publisher: str = Field(min_length=1, max_length=100)
    description: LocalText | None = None
    columns: list[RegisterColumn] = Field(min_length=1)
    key: list[str] = Field(min_length=1)
    year: str

    _code = field_validator("code")(classmethod(lambda cls, v: check_code(v)))

    @model_validator(mode="after")
    def _columns_known(self) -> RegisterSource:
        names = [c.name for c in self.columns]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"columns declared twice: {', '.join(twice)}")
        unknown = [k for k in self.key if k not in names]
        if unknown:
            raise ValueError(f"key names unknown columns: {', '.join(unknown)}")
        if self.year not in self.key:
            raise ValueError(f"the year column {self.year!r} must be part of the key")
        if self.column(self.year).type != "integer":
            raise ValueError(f"the year column {self.year!r} must be of type integer")
        return self

    def column(self, name: str) -> RegisterColumn:
        """The declared column `name` (KeyError if there is none)."""
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


class RegisterTarget(StrictModel):
    """A register KPI's target for a (register) year."""

    year: int
    value: float


class RegisterKpi(StrictModel):
    """A KPI on register data: a count or a share over one year's rows, no sampling error."""

    code: str
    label: LocalText
    definition: LocalText
    node: str = Field(description="pathway.node code")
    source: str
    measure: Literal["count", "share"]
    value: str = Field(description="the numeric column summed (the share's numerator)")
    denominator: str | None = None
    where: dict[str, str | int] = Field(default_factory=dict)
    direction: Literal["higher", "lower"] = "higher"
    unit: LocalText | None = None
    disaggregations: list[str] = Field(default_factory=list)
    targets: list[RegisterTarget] = Field(default_factory=list)

    _code = field_validator("code")(classmethod(lambda cls, v: check_code(v)))

    @model_validator(mode="after")
    def _denominator(self) -> RegisterKpi:
        if (self.measure == "share") != (self.denominator is not None):
            raise ValueError("a share needs 'denominator', a count has none")
        return self


def check_registers(
    sources: list[RegisterSource], kpis: list[RegisterKpi], nodes: set[str]
) -> list[tuple[tuple[str | int, ...], str]]:
    """Problems of register KPIs against the declared sources and pathway nodes."""
    found: list[tuple[tuple[str | int, ...], str]] = []
    by_code = {s.code: s for s in sources}
    seen: set[str] = set()
    for i, source in enumerate(sources):
        if source.code in seen:
            found.append((("registers", i, "code"), f"register {source.code!r} declared twice"))
        seen.add(source.code)
    for i, kpi in enumerate(kpis):
        where: tuple[str | int, ...] = ("register_kpis", i)
        if kpi.node not in nodes:
            found.append(((*where, "node"), f"unknown pathway node {kpi.node!r}"))
        source = by_code.get(kpi.source)
        if source is None:
            known = ", ".join(by_code) or "none"
            found.append(((*where, "source"), f"unknown register {kpi.source!r} ({known})"))
            continue
        names = {c.name: c for c in source.columns}
        for field in ("value", "denominator"):
            name = getattr(kpi, field)
            if name is None:
                continue
            if name not in names:
                found.append(((*where, field), f"no column {name!r} in {source.code!r}"))
            elif names[name].type not in NUMERIC or name == source.year:
                found.append(((*where, field), f"column {name!r} is not a number to sum"))
        for name, value in kpi.where.items():
            column = names.get(name)
            if column is None:
                found.append(((*where, "where", name), f"no column {name!r} in {source.code!r}"))
            elif column.values is not None and str(value) not in column.values:
                found.append(((*where, "where", name), f"{value!r} is not a value of {name!r}"))
        for j, name in enumerate(kpi.disaggregations):
            column = names.get(name)
            if column is None or column.type in NUMERIC:
                found.append(
                    ((*where, "disaggregations", j), f"{name!r} is not a choice or text column")
                )
    return found
