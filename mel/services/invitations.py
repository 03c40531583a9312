"""Closed-survey invitations: unguessable tokens, of which only a SHA-256 is stored."""

from __future__ import annotations

import csv
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlmodel import Session, col, select

from mel.models import FrameUnit, Instrument, Invitation, Response, Unit, Wave, WaveInstrument
from mel.services.references import reference_problem

TOKEN_BYTES = 32


class InvitationError(ValueError):
    """Invitations cannot be made as asked; the message says why."""


@dataclass(frozen=True)
class IssuedInvitation:
    """A created invitation with its token (shown once, never stored)."""

    token: str
    url: str
    unit: str | None
    reference: str | None
    language: str
    expires_at: datetime | None


def new_token() -> str:
    """Return a fresh unguessable token for a link."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """Return the SHA-256 (hex) under which a token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def find_invitation(session: Session, token: str) -> Invitation | None:
    """Return the invitation a token belongs to, or None."""
    return session.exec(
        select(Invitation).where(Invitation.token_hash == hash_token(token))
    ).first()


def expiry_moment(day: date) -> datetime:
    """An invitation that expires on `day` works through that whole day (UTC)."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)


def resolve_wave(session: Session, wave_code: str, instrument_code: str) -> tuple[Wave, Instrument]:
    """Return the wave and instrument, checking that the wave fields the instrument."""
    instrument = session.exec(select(Instrument).where(Instrument.code == instrument_code)).first()
    if instrument is None:
        raise InvitationError(f"unknown instrument {instrument_code!r}")
    wave = session.exec(
        select(Wave).where(Wave.code == wave_code, Wave.programme_id == instrument.programme_id)
    ).first()
    if wave is None:
        raise InvitationError(f"unknown wave {wave_code!r} in the instrument's programme")
    fielded = session.get(WaveInstrument, (wave.id, instrument.id))
    if fielded is None:
        raise InvitationError(f"wave {wave_code!r} does not field instrument {instrument_code!r}")
    return wave, instrument


@dataclass(frozen=True)
class Invitee:
    """Who one invitation is for: a unit and/or a pseudonymous person reference."""

    unit: Unit | None = None
    reference: str | None = None
    language: str = "nl"


def invitees_from_units(session: Session, wave: Wave, which: str) -> list[Invitee]:
    """Return one invitee per unit of the programme (`all`) or of the wave's sample."""
    if which == "all":
        units = session.exec(
            select(Unit).where(Unit.programme_id == wave.programme_id).order_by(col(Unit.code))
        ).all()
    else:
        units = session.exec(
            select(Unit)
            .join(FrameUnit, col(FrameUnit.unit_id) == Unit.id)
            .where(FrameUnit.wave_id == wave.id, col(FrameUnit.sampled))
            .order_by(col(Unit.code))
        ).all()
    if not units:
        raise InvitationError(f"no {which} units for wave {wave.code!r}")
    return [Invitee(unit=u) for u in units]


def without_answered(
    session: Session, wave: Wave, instrument: Instrument, invitees: list[Invitee]
) -> tuple[list[Invitee], int]:
    """Drop invitees whose unit has completed this unit-level instrument in the wave.

    A unit answers a ``respondent: unit`` instrument once per wave, so a new link for it
    would only lead to a page saying so. Returns the invitees kept and how many were
    dropped; a person instrument keeps everyone.
    """
    if instrument.respondent != "unit":
        return invitees, 0
    answered = set(
        session.exec(
            select(Response.unit_id).where(
                Response.wave_id == wave.id,
                Response.unit_once_instrument_id == instrument.id,
            )
        ).all()
    )
    kept = [i for i in invitees if i.unit is None or i.unit.id not in answered]
    return kept, len(invitees) - len(kept)


def invitees_from_csv(session: Session, wave: Wave, path: Path) -> list[Invitee]:
    """Read invitees from a CSV with columns `unit` and/or `reference`, optional `language`."""
    units = {
        u.code: u
        for u in session.exec(select(Unit).where(Unit.programme_id == wave.programme_id)).all()
    }
    invitees: list[Invitee] = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not {"unit", "reference"} & set(reader.fieldnames):
            raise InvitationError(f"{path}: needs a 'unit' or 'reference' column")
        for line, row in enumerate(reader, start=2):
            code = (row.get("unit") or "").strip() or None
            if code is not None and code not in units:
                raise InvitationError(f"{path}:{line}: unknown unit {code!r}")
            language = (row.get("language") or "nl").strip() or "nl"
            if language not in ("nl", "en"):
                raise InvitationError(f"{path}:{line}: language must be nl or en")
            reference = (row.get("reference") or "").strip() or None
            check_reference(reference, f"{path}:{line}: column 'reference'")
            invitees.append(
                Invitee(unit=units[code] if code else None, reference=reference, language=language)
            )
    if not invitees:
        raise InvitationError(f"{path}: no rows")
    return invitees


def check_reference(reference: str | None, where: str = "reference") -> None:
    """Refuse a reference that is contact details, not a pseudonymous code (see references)."""
    problem = reference_problem(reference) if reference else None
    if problem:
        raise InvitationError(f"{where}: {reference!r} {problem}")


def create_invitations(
    session: Session,
    *,
    wave: Wave,
    instrument: Instrument,
    invitees: Iterable[Invitee],
    count: int = 1,
    base_url: str = "",
    expires: date | None = None,
) -> list[IssuedInvitation]:
    """Store `count` invitations per invitee and return them with their links."""
    if count < 1:
        raise InvitationError("count must be at least 1")
    invitees = list(invitees)
    for invitee in invitees:  # every way in (CSV, web, API) passes here before storing
        check_reference(invitee.reference)
    expires_at = expiry_moment(expires) if expires else None
    issued: list[IssuedInvitation] = []
    for invitee in invitees:
        for _ in range(count):
            token = new_token()
            session.add(
                Invitation(
                    token_hash=hash_token(token),
                    wave_id=wave.id,
                    instrument_id=instrument.id,
                    unit_id=invitee.unit.id if invitee.unit else None,
                    reference=invitee.reference,
                    language=invitee.language,
                    expires_at=expires_at,
                )
            )
            issued.append(
                IssuedInvitation(
                    token=token,
                    url=f"{base_url.rstrip('/')}/i/{token}",
                    unit=invitee.unit.code if invitee.unit else None,
                    reference=invitee.reference,
                    language=invitee.language,
                    expires_at=expires_at,
                )
            )
    session.flush()
    return issued


def write_links(path: Path, issued: list[IssuedInvitation]) -> None:
    """Write the links as defused CSV: unit, reference, language, expires_at, url."""
    from mel.present.tables import rows_csv_bytes  # pandas: only when a file is written

    rows = [
        (
            item.unit or "",
            item.reference or "",
            item.language,
            item.expires_at.isoformat() if item.expires_at else "",
            item.url,
        )
        for item in issued
    ]
    path.write_bytes(rows_csv_bytes(["unit", "reference", "language", "expires_at", "url"], rows))
