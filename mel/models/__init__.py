"""mel's database tables (SQLModel); import from here."""

from .accounts import AuditEvent, Membership, Tombstone, User
from .base import utcnow
from .fieldwork import (
    FrameUnit,
    FrameUnitPersons,
    Invitation,
    Unit,
    Wave,
    WaveInstrument,
    WaveStratum,
)
from .instrument import Instrument, InstrumentVersion
from .programme import ImpactPathway, Kpi, KpiTarget, PathwayLink, PathwayNode, Programme
from .response import Response

__all__ = [
    "FrameUnit", "FrameUnitPersons", "ImpactPathway", "Instrument", "InstrumentVersion",
    "Invitation", "Kpi", "KpiTarget", "PathwayLink", "PathwayNode", "Programme", "Response",
    "Unit", "Wave", "WaveInstrument", "WaveStratum", "utcnow",
    "AuditEvent", "Membership", "Tombstone", "User",
]
