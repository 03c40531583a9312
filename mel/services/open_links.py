"""Open links per wave and instrument: on or off, and whether they ask for the unit.

An open link (``/s/<instrument>/<wave>``) is off unless a wave says otherwise. In a wave
with a frame every response belongs to one of its units, so there an open link works
only when it asks for the unit; without a frame it needs no unit.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists
from sqlmodel import Session, col, select

from mel.models import FrameUnit, Instrument, Programme, Wave, WaveInstrument

STATES = ("off", "ask_unit", "no_unit")  # the choices staff make for one link


class OpenLinkError(ValueError):
    """An open link cannot be set as asked; the message says why."""


@dataclass(frozen=True)
class OpenLinkRow:
    """One instrument fielded in a wave, with its open link's setting."""

    programme: str
    wave: str
    wave_status: str
    instrument: str
    open_link: bool
    ask_unit: bool
    has_frame: bool

    @property
    def works(self) -> bool:
        """Whether the link takes participants (when the wave is open)."""
        return self.open_link and (self.ask_unit or not self.has_frame)

    @property
    def state(self) -> str:
        """`off`, `ask_unit` or `no_unit` (one of `STATES`)."""
        if not self.open_link:
            return "off"
        return "ask_unit" if self.ask_unit else "no_unit"

    @property
    def path(self) -> str:
        """The link's path."""
        return f"/s/{self.instrument}/{self.wave}"


def has_frame(session: Session, wave_id: int) -> bool:
    """Whether the wave has a sampling frame (any unit in it)."""
    return bool(session.exec(select(exists().where(FrameUnit.wave_id == wave_id))).one())


def open_link_rows(
    session: Session, *, programme_id: int | None = None, wave_status: str | None = None
) -> list[OpenLinkRow]:
    """Every instrument fielded in a wave (of a programme, of a status) with its link."""
    framed = select(FrameUnit.id).where(FrameUnit.wave_id == Wave.id).exists()
    query = (
        select(
            Programme.code,
            Wave.code,
            Wave.status,
            Instrument.code,
            WaveInstrument.open_link,
            WaveInstrument.ask_unit,
            framed,
        )
        .join(Wave, col(Wave.programme_id) == Programme.id)
        .join(WaveInstrument, col(WaveInstrument.wave_id) == Wave.id)
        .join(Instrument, col(Instrument.id) == WaveInstrument.instrument_id)
        .order_by(col(Programme.code), col(Wave.code), col(Instrument.code))
    )
    if programme_id is not None:
        query = query.where(Programme.id == programme_id)
    if wave_status is not None:
        query = query.where(Wave.status == wave_status)
    return [OpenLinkRow(*row) for row in session.exec(query).all()]


def set_open_link(
    session: Session, wave: Wave, instrument: Instrument, state: str
) -> WaveInstrument:
    """Switch the open link of `instrument` in `wave` to `state` (one of `STATES`).

    Refuses `no_unit` in a wave with a frame: such a link would store responses that
    belong to no unit (or, as the participant side does, refuse everyone).
    """
    if state not in STATES:
        raise OpenLinkError(f"unknown open-link state {state!r} (choose {', '.join(STATES)})")
    fielded = session.get(WaveInstrument, (wave.id, instrument.id))
    if fielded is None:
        raise OpenLinkError(f"wave {wave.code!r} does not field instrument {instrument.code!r}")
    if state == "no_unit" and has_frame(session, int(wave.id or 0)):
        raise OpenLinkError(
            f"wave {wave.code!r} has a sampling frame: every response to "
            f"{instrument.code!r} belongs to one of its units, so its open link must ask "
            f"for the unit"
        )
    fielded.open_link = state != "off"
    fielded.ask_unit = state == "ask_unit"
    session.add(fielded)
    session.flush()
    return fielded
