"""Typed model of a programme's yearly progress measurement (``progress:`` in programme.yaml).

The progress measurement is a census instrument (one return per unit a year). Its
indicators are the counts the progress report totals: each reads one question or the sum
of several, may sit on a node of an impact pathway, and says whether a sum over the years
means something (``cumulative``: minors developed each year add up; people reached do not,
they come back). A reach indicator names the question that says how it was counted
(``counting``: distinct persons or involvements), so that the report can say which.
"""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from mel.surveys.schema import check_code, check_programme_code
from mel.surveys.text import LocalText, StrictModel


class Indicator(StrictModel):
    """One counted indicator of the progress measurement."""

    code: str
    label: LocalText
    question: str | None = None
    sum: list[str] | None = None
    node: str | None = Field(default=None, description="pathway.node code")
    unit: LocalText | None = None
    counting: str | None = None  # the question: distinct ("verschillend") or involvements
    cumulative: bool = False
    decimals: int = Field(default=0, ge=0, le=3)

    _code = field_validator("code")(classmethod(lambda cls, v: check_code(v)))

    @model_validator(mode="after")
    def _one_source(self) -> Indicator:
        if (self.question is None) == (not self.sum):
            raise ValueError("needs exactly one of 'question' or 'sum'")
        return self

    def questions(self) -> list[str]:
        """Return the questions the indicator reads (its counting question included)."""
        names = [self.question] if self.question else list(self.sum or [])
        return names + ([self.counting] if self.counting else [])


class Progress(StrictModel):
    """The programme's yearly progress measurement: its census instrument and indicators."""

    instrument: str
    start_year: int = Field(description="the first year measured (cumulative figures start)")
    distinct_value: str = "verschillend"  # the counting answer meaning "distinct"
    indicators: list[Indicator] = Field(min_length=1)

    _instrument = field_validator("instrument")(classmethod(lambda cls, v: check_programme_code(v)))

    @model_validator(mode="after")
    def _unique(self) -> Progress:
        codes = [i.code for i in self.indicators]
        twice = sorted({c for c in codes if codes.count(c) > 1})
        if twice:
            raise ValueError(f"indicator code(s) used twice: {', '.join(twice)}")
        return self
