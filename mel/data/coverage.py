"""How many complete responses of a wave the analysis frame leaves out, and why.

`mel.data.frame.frame` leaves out complete responses that cannot stand for part of the
population and counts them in its ``attrs``; `frame_coverage` counts the same for many
waves in one query, for pages that list waves without building their frames.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from mel.models import Case, FrameUnit, Instrument, InstrumentVersion, Response, WaveStratum

# Why a complete response is left out of a frame; each count is in frame.attrs[reason].
LEFT_OUT = ("outside_frame", "not_sampled", "not_eligible", "without_unit", "duplicate_unit")
#: the outcome of a case (AAPOR's "not eligible") whose unit is out of the estimates
NOT_ELIGIBLE = "not_eligible"


@dataclass(frozen=True)
class Coverage:
    """Complete responses of an instrument in a wave, and how many `frame` leaves out why."""

    complete: int = 0
    outside_frame: int = 0
    without_unit: int = 0
    duplicate_unit: int = 0
    not_sampled: int = 0
    not_eligible: int = 0

    @property
    def left_out(self) -> int:
        """Complete responses that are not in the analysis frame."""
        return (
            self.outside_frame
            + self.without_unit
            + self.duplicate_unit
            + self.not_sampled
            + self.not_eligible
        )

    @property
    def included(self) -> int:
        """Complete responses in the analysis frame (and in the exported files)."""
        return self.complete - self.left_out


def frame_coverage(session: Session, wave_ids: Sequence[int]) -> dict[tuple[int, int], Coverage]:
    """Complete responses per (wave id, instrument id), and those `frame` leaves out.

    The same rules as `frame`, in one grouped query for all the waves: no unit, a unit
    not in the wave's frame (with a stratum of the wave), not sampled, not eligible (its
    case's outcome), or for a unit-level instrument a unit's complete response after its
    first (among the sampled, eligible units).
    """
    in_frame = (
        select(FrameUnit.unit_id)
        .join(
            WaveStratum,
            (WaveStratum.wave_id == FrameUnit.wave_id) & (WaveStratum.stratum == FrameUnit.stratum),
        )
        .where(FrameUnit.wave_id == Response.wave_id, FrameUnit.unit_id == Response.unit_id)
    )
    outside = ~in_frame.exists()
    unsampled = in_frame.where(col(FrameUnit.sampled).is_(False)).exists()
    ineligible = (
        select(Case.id)
        .where(
            Case.wave_id == Response.wave_id,
            Case.unit_id == Response.unit_id,
            Case.instrument_id == InstrumentVersion.instrument_id,
            col(Case.contact_id).is_(None),
            Case.outcome == NOT_ELIGIBLE,
        )
        .exists()
    )
    inside = in_frame.exists() & ~unsampled & ~ineligible
    earlier, earlier_version = aliased(Response), aliased(InstrumentVersion)
    repeated = (
        select(earlier.id)
        .join(earlier_version, earlier_version.id == earlier.instrument_version_id)
        .where(
            earlier.wave_id == Response.wave_id,
            earlier.unit_id == Response.unit_id,
            earlier.status == "complete",
            earlier.id < Response.id,
            earlier_version.instrument_id == InstrumentVersion.instrument_id,
        )
        .exists()
    )
    no_unit = col(Response.unit_id).is_(None)
    rows = session.connection().execute(
        select(
            Response.wave_id,
            InstrumentVersion.instrument_id,
            func.count(),
            func.sum(case((no_unit, 0), (outside, 1), else_=0)),
            func.sum(case((no_unit, 1), else_=0)),
            func.sum(case(((Instrument.respondent == "unit") & inside & repeated, 1), else_=0)),
            func.sum(case((no_unit, 0), (outside, 0), (unsampled, 1), else_=0)),
            func.sum(case((no_unit, 0), (outside, 0), (unsampled, 0), (ineligible, 1), else_=0)),
        )
        .join(InstrumentVersion, InstrumentVersion.id == Response.instrument_version_id)
        .join(Instrument, Instrument.id == InstrumentVersion.instrument_id)
        .where(Response.status == "complete", col(Response.wave_id).in_(list(wave_ids)))
        .group_by(Response.wave_id, InstrumentVersion.instrument_id)
    )
    return {
        (int(wave), int(instrument)): Coverage(
            int(total),
            int(out or 0),
            int(without or 0),
            int(repeat or 0),
            int(unsampled_n or 0),
            int(ineligible_n or 0),
        )
        for wave, instrument, total, out, without, repeat, unsampled_n, ineligible_n in rows
    }


_WHY = {
    "outside_frame": "come from units outside the wave's sampling frame; they have no "
    "stratum or weight",
    "without_unit": "have no unit (for instance through an open link that did not ask "
    "for it); they have no stratum or weight",
    "duplicate_unit": "come from units that had already completed this unit-level "
    "questionnaire in the wave; one response counts per unit, so these",
    "not_sampled": "come from units in the frame that were not sampled; they have no "
    "selection weight",
    "not_eligible": "come from units whose case was found not eligible; they are not part "
    "of the population",
}


def left_out_notes(attrs: dict[str, Any]) -> list[str]:
    """One English line per reason a frame (its ``attrs``) left complete responses out."""
    where = f"to {attrs.get('instrument')!r} in wave {attrs.get('wave')!r}"
    return [
        f"note: {attrs[reason]} complete response(s) {where} {_WHY[reason]} and are left out"
        for reason in LEFT_OUT
        if attrs.get(reason)
    ]


def blocked_by_answered_unit(session: Session, wave_id: int) -> int:
    """In-progress responses of the wave whose unit completed their unit-level instrument.

    A second respondent of a unit keeps an in-progress response with their answers when
    the unit's questionnaire was already submitted (`mel.services.responses.submit`).
    """
    done = aliased(Response)
    taken = (
        select(done.id)
        .where(
            done.wave_id == Response.wave_id,
            done.unit_id == Response.unit_id,
            done.unit_once_instrument_id == InstrumentVersion.instrument_id,
        )
        .exists()
    )
    return int(
        session.exec(
            select(func.count())
            .select_from(Response)
            .join(InstrumentVersion, col(InstrumentVersion.id) == Response.instrument_version_id)
            .where(Response.wave_id == wave_id, Response.status == "in_progress", taken)
        ).one()
    )
