"""mel's database tables (SQLModel); import from here."""

from mel.models.accounts import AuditEvent, Membership, StaffSession, Tombstone, User
from mel.models.base import utcnow
from mel.models.cases import Case, Contact, Mail
from mel.models.fieldwork import (
    FrameUnit,
    FrameUnitPersons,
    Invitation,
    Unit,
    Wave,
    WaveInstrument,
    WaveStratum,
)
from mel.models.instrument import Instrument, InstrumentVersion
from mel.models.programme import ImpactPathway, Kpi, KpiTarget, PathwayLink, PathwayNode, Programme
from mel.models.quotes import QuoteMark
from mel.models.registers import RegisterImport, RegisterRow, RegisterSourceRow
from mel.models.response import Response
from mel.models.review import ReviewCoding
from mel.models.versions import DataVersion

__all__ = [
    "Case",
    "Contact",
    "DataVersion",
    "Mail",
    "FrameUnit",
    "FrameUnitPersons",
    "ImpactPathway",
    "Instrument",
    "InstrumentVersion",
    "Invitation",
    "Kpi",
    "KpiTarget",
    "PathwayLink",
    "PathwayNode",
    "Programme",
    "RegisterImport",
    "RegisterRow",
    "RegisterSourceRow",
    "QuoteMark",
    "Response",
    "ReviewCoding",
    "Unit",
    "Wave",
    "WaveInstrument",
    "WaveStratum",
    "utcnow",
    "AuditEvent",
    "Membership",
    "StaffSession",
    "Tombstone",
    "User",
]
