"""What a report holds, ready to render: texts, formatted tables, and charts as SVG."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from mel.present.tables import file_name


@dataclass(frozen=True)
class Table:
    """A table shown in the report (formatted cells) and exported (numbers in `data`)."""

    name: str
    title: str
    header: list[str]
    rows: list[list[str]]
    data: pd.DataFrame
    numeric: list[bool] = field(default_factory=list)
    emphasis: list[bool] = field(default_factory=list)


@dataclass(frozen=True)
class Chart:
    """A chart as inline SVG with its text alternative and the table of its numbers."""

    ident: str
    svg: str
    alt: str
    caption: str
    table: Table | None = None


@dataclass(frozen=True)
class Fact:
    """A labelled value in a KPI's key-figure list."""

    label: str
    value: str
    css: str = ""


@dataclass(frozen=True)
class KpiSection:
    """Everything shown for one KPI."""

    anchor: str
    code: str
    label: str
    definition: str
    node: str
    sentence: str
    facts: list[Fact]
    charts: list[Chart]
    notes: list[str]
    status_css: str
    # The one chart the page shows (the others' numbers go to the exported tables), and the
    # groups of one breakdown that pass the disclosure rules, as a compact table.
    primary: str = ""
    groups: Table | None = None

    @property
    def shown_chart(self) -> Chart | None:
        """The chart the KPI's page shows."""
        return next((c for c in self.charts if c.ident == self.primary), None)


@dataclass(frozen=True)
class RegisterSection:
    """A KPI on register data: its figure without interval, trend, groups and source."""

    anchor: str
    code: str
    label: str
    definition: str
    kind_label: str  # "registerdata, geen steekproefonzekerheid"
    provenance: str  # source, publisher and import version in words
    facts: list[Fact]
    trend: Table | None
    groups: list[Table]
    status_css: str
    note: str | None = None


@dataclass(frozen=True)
class PathwaySection:
    """One impact pathway: its diagram, the table of its steps, and its KPIs' sections."""

    anchor: str
    label: str
    chart: Chart
    kpis: list[KpiSection] = field(default_factory=list)


@dataclass(frozen=True)
class MethodSection:
    """A titled part of the methodology appendix: paragraphs and an optional table."""

    title: str
    paragraphs: list[str]
    table: Table | None = None


@dataclass
class Report:
    """A whole impactmeting report in one language."""

    language: str
    programme: str
    wave: str
    title: str
    subtitle: str
    description: str
    intro: str
    summary: list[str]
    overview: Table
    fieldwork: Table
    pathways: list[PathwaySection]
    kpis: list[KpiSection]
    methodology: list[MethodSection]
    notes: list[str]
    footer: str
    tables: list[Table] = field(default_factory=list)
    # After the methodology: the KPI definitions and each questionnaire as fielded.
    appendices: list[MethodSection] = field(default_factory=list)
    # The cover's organisation, date, version and logo (`mel.reports.cover.Cover`), and the
    # programme's own conclusions as safe HTML (None when its folder has none).
    cover: Any = None
    conclusions: Any = None
    rosters: list[Table] = field(default_factory=list)  # see mel.reports.rosters
    roster_note: str = ""
    # KPIs that could not be computed, as "code: reason" (the report says so at each KPI;
    # `mel report` also fails with them, so that no run hides them).
    problems: list[str] = field(default_factory=list)
    # The wave's case outcomes and AAPOR rates (`mel.reports.rates`); None without cases.
    rates: Table | None = None
    # KPIs on register data (`mel.reports.registers`), shown after the survey KPIs.
    registers: list[RegisterSection] = field(default_factory=list)
    # KPIs whose node lies in no pathway of the programme: a section of their own at the end
    # of the pathways (the others stand in their pathway's section, `PathwaySection.kpis`).
    unlinked: list[KpiSection] = field(default_factory=list)
    # Per instrument its open questions with counts and quotes (`mel.reports.open_answers`).
    open_answers: list[Any] = field(default_factory=list)
    open_answers_note: str = ""

    @property
    def basename(self) -> str:
        """File name stem of the report's outputs, e.g. ``katapult-impactmeting-2025-nl``
        (codes reduced to characters safe in a file name, see `file_name`)."""
        return file_name(self.programme, self.wave, self.language)


@dataclass(frozen=True)
class OpenQuestion:
    """One open question: how many answered it and the quotes that may be printed."""

    label: str
    answers: int
    quotes: list[str]
    note: str = ""
    count: str = ""  # the number of answers in words, formatted for the language


@dataclass(frozen=True)
class OpenAnswers:
    """The open answers of one instrument: its open questions with counts and quotes."""

    anchor: str
    title: str
    questions: list[OpenQuestion]
