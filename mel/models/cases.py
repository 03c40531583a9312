"""Cases of a wave (who was sampled, and what became of them), their contacts and mails.

A **case** is one sampled unit (for a unit survey) or person (for a person survey) of a
wave and instrument, with its inclusion probability and its final disposition in AAPOR's
terms. Response rates come from cases, never from responses alone. A **contact** holds the
details needed to reach a person (e-mail, name): it lives apart from answers and never
reaches exports, the analysis frame, logs or the API. A **mail** is one message of one kind
(invitation, reminder) to one contact; (contact, kind) is unique, which makes sending
idempotent.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from mel.models.base import utcnow


class Contact(SQLModel, table=True):
    """Someone to invite in a wave: an e-mail address, a name and a language."""

    __table_args__ = (UniqueConstraint("wave_id", "instrument_id", "email"),)
    id: int | None = Field(default=None, primary_key=True)
    wave_id: int = Field(foreign_key="wave.id", index=True)
    instrument_id: int = Field(foreign_key="instrument.id")
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    email: str = Field(max_length=254)
    name: str | None = Field(default=None, max_length=200)
    language: str = Field(default="nl", max_length=2)
    opted_out_at: datetime | None = None
    bounced_at: datetime | None = None
    bounce_reason: str | None = Field(default=None, max_length=300)
    created_at: datetime = Field(default_factory=utcnow)


class Case(SQLModel, table=True):
    """A sampled unit or person of a wave and instrument, and its final disposition.

    `outcome` is an AAPOR disposition name (see `mel.services.outcomes`) or None while the
    case is pending; `outcome_source` says whether mel set it (``auto``) or staff did.
    """

    __tablename__ = "wavecase"  # "case" is a reserved word in SQL
    __table_args__ = (UniqueConstraint("wave_id", "instrument_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    wave_id: int = Field(foreign_key="wave.id", index=True)
    instrument_id: int = Field(foreign_key="instrument.id")
    # "u:<unit id>" for a unit case, "c:<contact id>" for a person case: one case each.
    key: str = Field(max_length=32)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    contact_id: int | None = Field(default=None, foreign_key="contact.id", unique=True)
    stratum: str | None = Field(default=None, max_length=64)
    inclusion_probability: float | None = None
    invitation_id: int | None = Field(default=None, foreign_key="invitation.id", unique=True)
    outcome: str | None = Field(default=None, max_length=32, index=True)
    outcome_source: str | None = Field(default=None, max_length=8)  # auto | staff
    outcome_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Mail(SQLModel, table=True):
    """One mail of one kind to one contact: claimed before sending, marked sent after."""

    __table_args__ = (UniqueConstraint("contact_id", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", index=True)
    case_id: int | None = Field(default=None, foreign_key="wavecase.id", index=True)
    kind: str = Field(max_length=16)  # invitation | reminder-1 | reminder-2 | ...
    status: str = Field(default="claimed", max_length=8, index=True)  # claimed | sent | failed
    message_id: str | None = Field(default=None, max_length=200)
    claimed_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None
    error: str | None = Field(default=None, max_length=500)
