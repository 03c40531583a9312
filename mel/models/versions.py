"""Data versions: counters the database bumps itself (triggers) when a frame's inputs change.

``responses:<id>`` counts responses of a wave started, deleted or changing status or unit
(what fieldwork progress counts); ``wave:<id>`` counts changes to the complete responses of
a wave (a response completed, a complete response changed, erased or purged); ``design``
counts changes to what every frame joins (units, frames, strata, persons, instrument
versions, waves, not-eligible outcomes);
``database`` is a random number set once when the table is made, so a recreated database
never reuses the versions of the one before. Triggers (migration 0012) keep them, so no
code path that writes these tables can forget to.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column
from sqlmodel import Field, SQLModel


class DataVersion(SQLModel, table=True):
    """One version counter (see the module docstring for the scopes)."""

    scope: str = Field(primary_key=True, max_length=64)
    version: int = Field(sa_column=Column(BigInteger, nullable=False))
