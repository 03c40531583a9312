"""Programmes, their impact pathways (impactpaden) and KPIs with baselines and targets."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from mel.models.base import json_field, utcnow


class Programme(SQLModel, table=True):
    """A programme whose impact mel measures (katapult, digitale-werkplaatsen, ...)."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True, index=True)
    label_nl: str = Field(max_length=200)
    label_en: str = Field(max_length=200)
    description_nl: str | None = None
    description_en: str | None = None
    content_hash: str = Field(max_length=64)
    loaded_at: datetime = Field(default_factory=utcnow)
    # The published `progress:` block (the yearly census's indicators), if any.
    progress: dict[str, Any] | None = json_field(default=None, nullable=True)


class ImpactPathway(SQLModel, table=True):
    """An impact pathway of a programme: nodes from input to impact, linked."""

    __table_args__ = (UniqueConstraint("programme_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    code: str = Field(max_length=64)
    label_nl: str = Field(max_length=200)
    label_en: str = Field(max_length=200)


class PathwayNode(SQLModel, table=True):
    """A step in a pathway at one level (input, activity, output, outcome, impact)."""

    __table_args__ = (UniqueConstraint("pathway_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    pathway_id: int = Field(foreign_key="impactpathway.id", index=True)
    code: str = Field(max_length=64)
    level: str = Field(max_length=16)
    label_nl: str = Field(max_length=300)
    label_en: str = Field(max_length=300)


class PathwayLink(SQLModel, table=True):
    """A causal link between two nodes of a pathway, with a confidence."""

    id: int | None = Field(default=None, primary_key=True)
    pathway_id: int = Field(foreign_key="impactpathway.id", index=True)
    source_id: int = Field(foreign_key="pathwaynode.id")
    target_id: int = Field(foreign_key="pathwaynode.id")
    relation: str = Field(max_length=16)
    confidence: str = Field(max_length=16)


class Kpi(SQLModel, table=True):
    """A key performance indicator: an estimator over a question or expression."""

    __table_args__ = (UniqueConstraint("programme_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    node_id: int | None = Field(default=None, foreign_key="pathwaynode.id")
    code: str = Field(max_length=64)
    label_nl: str = Field(max_length=300)
    label_en: str = Field(max_length=300)
    definition_nl: str
    definition_en: str
    estimator: str = Field(max_length=16)
    instrument_code: str = Field(max_length=64)
    spec: dict[str, Any] = json_field(default_factory=dict)
    direction: str = Field(max_length=8)
    baseline_year: int | None = None
    baseline_value: float | None = None
    baseline_source: str | None = None


class KpiTarget(SQLModel, table=True):
    """A KPI's target, go or no-go threshold for a year."""

    __table_args__ = (UniqueConstraint("kpi_id", "year", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    kpi_id: int = Field(foreign_key="kpi.id", index=True)
    year: int
    kind: str = Field(max_length=8)  # target | go | no_go
    value: float
