"""Ways into a survey: open links, invitation tokens, resume tokens; and which version."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlmodel import Session, col, select

from ..invitations import find_invitation, hash_token
from ..models import (
    Instrument,
    InstrumentVersion,
    Invitation,
    Response,
    Wave,
    WaveInstrument,
    utcnow,
)
from ..surveys.publish import load_version
from ..surveys.schema import InstrumentDefinition

GENERIC_CONSENT_VERSION = "mel-privacy-1"
_CACHE_SIZE = 256


class Unavailable(Exception):
    """The survey cannot be reached this way; `key` names the message shown."""

    def __init__(self, status: int, key: str) -> None:
        super().__init__(key)
        self.status = status
        self.key = key


@dataclass
class Access:
    """What a link token gives access to: `i` (invitation) or `r` (open-link resume)."""

    kind: str
    token: str
    response: Response | None
    invitation: Invitation | None = None


def open_link(session: Session, instrument_code: str, wave_code: str
              ) -> tuple[Instrument, Wave]:
    """Return the instrument and wave of an open link that accepts new participants."""
    instrument = session.exec(select(Instrument).where(Instrument.code == instrument_code)
                              ).first()
    wave = instrument and session.exec(
        select(Wave).where(Wave.code == wave_code, Wave.programme_id == instrument.programme_id)
    ).first()
    if instrument is None or wave is None or \
            session.get(WaveInstrument, (wave.id, instrument.id)) is None:
        raise Unavailable(404, "err_text_404")
    check_wave_open(wave)
    return instrument, wave


def check_wave_open(wave: Wave) -> None:
    """Refuse new participants unless the wave's fieldwork is open."""
    if wave.status == "closed":
        raise Unavailable(410, "err_closed")
    if wave.status != "open":
        raise Unavailable(404, "err_not_open")


def invitation_access(session: Session, token: str) -> Access:
    """Return the invitation of a token and its response (if started)."""
    invitation = find_invitation(session, token)
    if invitation is None:
        raise Unavailable(404, "err_token_unknown")
    if invitation.expires_at is not None and invitation.expires_at <= utcnow():
        raise Unavailable(410, "err_token_expired")
    response = session.exec(select(Response).where(Response.invitation_id == invitation.id)
                            ).first()
    return Access("i", token, response, invitation)


def resume_access(session: Session, token: str) -> Access:
    """Return the open-link response a resume token belongs to."""
    response = session.exec(select(Response).where(
        Response.resume_token_hash == hash_token(token))).first()
    if response is None:
        raise Unavailable(404, "err_token_unknown")
    return Access("r", token, response)


def access(session: Session, kind: str, token: str) -> Access:
    """Resolve a token of either kind."""
    return invitation_access(session, token) if kind == "i" else resume_access(session, token)


def latest_version(session: Session, instrument_id: int) -> int:
    """Return the id of the newest published version of an instrument (404 if none)."""
    version_id = session.exec(select(InstrumentVersion.id)
                              .where(InstrumentVersion.instrument_id == instrument_id)
                              .order_by(col(InstrumentVersion.version).desc())).first()
    if version_id is None:
        raise Unavailable(404, "err_not_open")
    return version_id


def definition(session: Session, version_id: int) -> InstrumentDefinition:
    """Return the typed definition of a version, parsed once per app (versions never change).

    The cache lives on the app, which is bound to one database, so version ids are unique.
    """
    cache: dict[int, InstrumentDefinition] = current_app.extensions.setdefault(
        "mel.definitions", {})
    cached = cache.get(version_id)
    if cached is not None:
        return cached
    version = session.get(InstrumentVersion, version_id)
    if version is None:
        raise Unavailable(404, "err_text_404")
    parsed = load_version(version)
    if len(cache) >= _CACHE_SIZE:
        cache.clear()
    cache[version_id] = parsed  # a race only parses twice: both results are equal
    return parsed


def consent_version(survey: InstrumentDefinition) -> str:
    """Return the version of the consent text shown for a survey."""
    return survey.consent.version if survey.consent else GENERIC_CONSENT_VERSION
