"""Ways into a survey: open links, invitation tokens, resume tokens; and which version."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g
from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from mel.models import (
    FrameUnit,
    Instrument,
    InstrumentVersion,
    Invitation,
    Wave,
    WaveInstrument,
    utcnow,
)
from mel.services.invitations import hash_token
from mel.services.privacy import is_erased, is_erased_resume_token
from mel.services.response_rows import BY_RESUME_TOKEN, ResponseRow, read_invitation, read_row
from mel.surveys.publish import load_version
from mel.surveys.schema import InstrumentDefinition

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
    response: ResponseRow | None
    invitation: Invitation | None = None


# Statements of the participant's hot path, built once (values are bound per request).
_NEWEST_VERSION = (
    select(InstrumentVersion.id)
    .where(InstrumentVersion.instrument_id == Instrument.id)
    .order_by(col(InstrumentVersion.version).desc())
    .limit(1)
    .correlate(Instrument)
    .scalar_subquery()
)
_HAS_FRAME = select(FrameUnit.id).where(FrameUnit.wave_id == Wave.id).correlate(Wave).exists()
_OPEN_LINK = (
    select(
        Instrument.id,
        Wave.id,
        Wave.status,
        _NEWEST_VERSION,
        WaveInstrument.open_link,
        WaveInstrument.ask_unit,
        _HAS_FRAME,
    )
    .join(Wave, col(Wave.programme_id) == Instrument.programme_id)
    .join(
        WaveInstrument,
        (col(WaveInstrument.wave_id) == Wave.id)
        & (col(WaveInstrument.instrument_id) == Instrument.id),
    )
    .where(Instrument.code == bindparam("instrument"), Wave.code == bindparam("wave"))
)


@dataclass(frozen=True)
class OpenLink:
    """An open link taking participants: its instrument, wave, version, and unit question.

    `ask_unit`: the participant chooses the unit from the wave's sample (a wave with a
    frame needs one for every response; without a frame there is nothing to choose).
    """

    instrument_id: int
    wave_id: int
    version_id: int
    ask_unit: bool


def open_link(session: Session, instrument_code: str, wave_code: str) -> OpenLink:
    """Return the open link of an instrument in a wave, if it takes participants.

    One Core query (no ORM object: the open link's two requests only need ids and the
    wave's status): the instrument, its wave of that code fielding it (with the link's
    setting and whether the wave has a frame), and its newest version.
    """
    params = {"instrument": instrument_code, "wave": wave_code}
    row = session.connection().execute(_OPEN_LINK, params).first()
    if row is None:
        raise Unavailable(404, "err_text_404")
    instrument_id, wave_id, wave_status, version_id, is_open, ask_unit, has_frame = row
    check_status_open(wave_status)
    if not is_open:
        raise Unavailable(403, "err_open_link_off")
    if has_frame and not ask_unit:
        # Every response of a wave with a frame belongs to one of its units.
        raise Unavailable(403, "err_open_link_needs_unit")
    if version_id is None:
        raise Unavailable(404, "err_not_open")
    return OpenLink(instrument_id, wave_id, version_id, bool(has_frame))


def check_wave_open(wave: Wave) -> None:
    """Refuse new participants unless the wave's fieldwork is open."""
    check_status_open(wave.status)


def check_status_open(status: str) -> None:
    """Refuse new participants unless a wave's status says its fieldwork is open."""
    if status == "closed":
        raise Unavailable(410, "err_closed")
    if status != "open":
        raise Unavailable(404, "err_not_open")


def invitation_access(session: Session, token: str) -> Access:
    """Return the invitation of a token and its response (if started), in one query."""
    token_hash = hash_token(token)
    found = read_invitation(session, token_hash)
    if found is None:
        raise _not_found(session, invitation_token_hash=token_hash)
    invitation, response = found
    if invitation.expires_at is not None and invitation.expires_at <= utcnow():
        raise Unavailable(410, "err_token_expired")
    return Access("i", token, response, invitation)


def resume_access(session: Session, token: str) -> Access:
    """Return the open-link response a resume token belongs to."""
    token_hash = hash_token(token)
    response = read_row(session, BY_RESUME_TOKEN, token_hash)
    if response is None:
        raise _not_found(session, resume_token_hash=token_hash)
    return Access("r", token, response)


def _not_found(session: Session, **token_hash: str) -> Unavailable:
    """The page for a link that finds nothing: erased at the participant's request, or unknown."""
    if is_erased(session, **token_hash):
        return Unavailable(410, "err_erased")
    return Unavailable(404, "err_token_unknown")


def check_not_erased(session: Session, resume_token: str) -> None:
    """Refuse to start a response again under a resume token of an erased respondent.

    The open link's consent form fixes the resume token (see `store.resume_token_for`), so
    posting that form again after erasure would otherwise bring the erased response back.
    """
    if is_erased_resume_token(session, hash_token(resume_token)):
        raise Unavailable(410, "err_erased")


def access(session: Session, kind: str, token: str) -> Access:
    """Resolve a token of either kind."""
    return invitation_access(session, token) if kind == "i" else resume_access(session, token)


def latest_version(session: Session, instrument_id: int) -> int:
    """Return the id of the newest published version of an instrument (404 if none)."""
    version_id = session.exec(
        select(InstrumentVersion.id)
        .where(InstrumentVersion.instrument_id == instrument_id)
        .order_by(col(InstrumentVersion.version).desc())
    ).first()
    if version_id is None:
        raise Unavailable(404, "err_not_open")
    return version_id


def definition(session: Session, version_id: int) -> InstrumentDefinition:
    """Return the typed definition of a version, parsed once per app (versions never change).

    The cache lives on the app, which is bound to one database, so version ids are unique.
    The request's pages (error pages too) then address the participant as the survey does.
    """
    cache: dict[int, InstrumentDefinition] = current_app.extensions.setdefault(
        "mel.definitions", {}
    )
    cached = cache.get(version_id)
    if cached is not None:
        g.address = cached.address
        return cached
    version = session.get(InstrumentVersion, version_id)
    if version is None:
        raise Unavailable(404, "err_text_404")
    parsed = load_version(version)
    if len(cache) >= _CACHE_SIZE:
        cache.clear()
    cache[version_id] = parsed  # a race only parses twice: both results are equal
    g.address = parsed.address
    return parsed


def instrument_of(session: Session, version_id: int) -> int:
    """Return the instrument id of a version, looked up once per app (versions never change)."""
    cache: dict[int, int] = current_app.extensions.setdefault("mel.version_instruments", {})
    found = cache.get(version_id)
    if found is None:
        found = session.exec(
            select(InstrumentVersion.instrument_id).where(InstrumentVersion.id == version_id)
        ).one()
        if len(cache) >= _CACHE_SIZE:
            cache.clear()
        cache[version_id] = found
    return found


def consent_version(survey: InstrumentDefinition) -> str:
    """Return the version of the consent text shown for a survey."""
    return survey.consent.version if survey.consent else GENERIC_CONSENT_VERSION
