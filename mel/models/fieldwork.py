"""Units (the clusters), waves with their sampling frame, and invitations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy import true as sa_true
from sqlmodel import Field, SQLModel

from mel.models.base import json_field, utcnow


class Unit(SQLModel, table=True):
    """An organisational unit responses belong to (pps, werkplaats, school, consortium)."""

    __table_args__ = (UniqueConstraint("programme_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    parent_id: int | None = Field(default=None, foreign_key="unit.id")
    code: str = Field(max_length=64)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=16)
    province: str | None = Field(default=None, max_length=32)
    region: str | None = Field(default=None, max_length=64)
    sector: str | None = Field(default=None, max_length=64)
    stratum: str | None = Field(default=None, max_length=64)
    # A unit a wave refers to is never deleted: a units file without it marks it inactive.
    active: bool = Field(default=True, sa_column_kwargs={"server_default": sa_true()})
    # Size measures by name ({"students": 812, "teachers": 41}): the M_i of person surveys
    # and the measure of size for sampling proportional to size.
    sizes: dict[str, Any] = json_field(default_factory=dict)


class Wave(SQLModel, table=True):
    """One measurement round of a programme (e.g. impactmeting 2025) and its design."""

    __table_args__ = (UniqueConstraint("programme_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    code: str = Field(max_length=64)
    label_nl: str = Field(max_length=200)
    label_en: str = Field(max_length=200)
    year: int
    fieldwork_start: date | None = None
    fieldwork_end: date | None = None
    status: str = Field(default="open", max_length=16)  # planned | open | closed
    retention_until: date | None = None
    created_at: datetime = Field(default_factory=utcnow)
    # The validated wave file (instruments, fieldwork, design) it was created from, if any.
    design: dict[str, Any] = json_field(default_factory=dict)
    source_path: str | None = Field(default=None, max_length=500)
    content_hash: str | None = Field(default=None, max_length=64)
    # The sample: drawn with this seed, then frozen once the first invitation went out.
    sample_seed: int | None = None
    sample_drawn_at: datetime | None = None
    frozen_at: datetime | None = None


class WaveInstrument(SQLModel, table=True):
    """An instrument fielded in a wave (a wave may field several), and its open link.

    The open link ``/s/<instrument>/<wave>`` takes anonymous participants only when
    `open_link` is on (off by default: responses belong to units, and invitations carry
    theirs). In a wave with a frame every response needs a unit, so an open link there
    works only with `ask_unit`: the participant chooses the unit from the wave's sample.
    """

    wave_id: int = Field(foreign_key="wave.id", primary_key=True)
    instrument_id: int = Field(foreign_key="instrument.id", primary_key=True)
    open_link: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})
    ask_unit: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})


class WaveStratum(SQLModel, table=True):
    """Population and sample size of a stratum of units in a wave (for the fpc)."""

    __table_args__ = (UniqueConstraint("wave_id", "stratum"),)
    id: int | None = Field(default=None, primary_key=True)
    wave_id: int = Field(foreign_key="wave.id", index=True)
    stratum: str = Field(max_length=64)
    population_size: int
    sample_size: int


class FrameUnit(SQLModel, table=True):
    """A unit in a wave's frame: whether it was sampled and with what weight."""

    __table_args__ = (UniqueConstraint("wave_id", "unit_id"),)
    id: int | None = Field(default=None, primary_key=True)
    wave_id: int = Field(foreign_key="wave.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    stratum: str = Field(max_length=64)
    sampled: bool = True
    base_weight: float | None = None
    inclusion_probability: float | None = None


class FrameUnitPersons(SQLModel, table=True):
    """Persons in a frame unit whom one person instrument surveys (its second stage, M_i).

    A unit has one count per person instrument of the wave: a school has pupils for
    ``tk-leerlingen`` and teachers for ``tk-docenten``. A person survey's analysis frame
    needs the count of every unit with responses; there is no fallback between instruments.
    """

    __table_args__ = (UniqueConstraint("wave_id", "unit_id", "instrument_id"),)
    id: int | None = Field(default=None, primary_key=True)
    wave_id: int = Field(foreign_key="wave.id")
    unit_id: int = Field(foreign_key="unit.id", index=True)
    instrument_id: int = Field(foreign_key="instrument.id", index=True)
    persons: int


class Invitation(SQLModel, table=True):
    """A closed-survey invitation; only a hash of its unguessable token is stored."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    wave_id: int = Field(foreign_key="wave.id", index=True)
    instrument_id: int = Field(foreign_key="instrument.id")
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    reference: str | None = Field(default=None, max_length=64)  # pseudonymous person key
    language: str = Field(default="nl", max_length=2)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime | None = None
