"""Waves of a programme as people name them: by code, by year, or `latest`."""

from __future__ import annotations

from sqlmodel import Session, func, select

from mel.data.wave_kinds import other_than_survey
from mel.models import Programme, Response, Wave


class WaveNotFound(LookupError):
    """No wave matches what was asked; the message lists the waves there are."""


def resolve_wave_code(session: Session, programme: str, wave: str) -> str:
    """Return the code of the wave `wave` names in `programme`: a code, a year, or "latest"
    (the newest wave by year that is not planned and fields more than reviews).

    Raises
    ------
    WaveNotFound
        For an unknown programme, no such wave, or a year with several waves.
    """
    row = session.exec(select(Programme).where(Programme.code == programme)).first()
    if row is None:
        raise WaveNotFound(
            f"programme {programme!r} is not in the database; "
            f"publish it (`mel surveys publish`) or run `mel demo`"
        )
    every = session.exec(
        select(Wave).where(Wave.programme_id == row.id).order_by(Wave.year, Wave.code)  # type: ignore[arg-type]
    ).all()
    if wave in {w.code for w in every}:
        return wave
    # A year or "latest" means a survey wave; census waves (a yearly progress
    # measurement, reported with `--kind progress`) and review rounds are named by code.
    other = other_than_survey(session, int(row.id or 0))
    waves = [w for w in every if w.id not in other] or every
    codes = [w.code for w in waves]
    if wave in codes:
        return wave
    if wave == "latest" and waves:
        # A planned wave (fieldwork ahead, nothing answered yet) is not the latest result.
        started = [w for w in waves if w.status != "planned"] or waves
        return started[-1].code
    in_year = [w.code for w in waves if wave.isdigit() and w.year == int(wave)]
    if len(in_year) == 1:
        return in_year[0]
    more = f" ({' and '.join(in_year)} are both in {wave}; give the code)" if in_year else ""
    raise WaveNotFound(
        f"no wave {wave!r} in programme {programme!r} (waves: "
        f"{', '.join(sorted(w.code for w in every)) or 'none'}){more}"
    )


def wave_responses(session: Session, programme: str, wave: str) -> int:
    """How many responses (any state) the wave `wave` of `programme` holds."""
    return int(
        session.exec(
            select(func.count())
            .select_from(Response)
            .join(Wave, Wave.id == Response.wave_id)  # type: ignore[arg-type]
            .join(Programme, Programme.id == Wave.programme_id)  # type: ignore[arg-type]
            .where(Programme.code == programme, Wave.code == wave)
        ).one()
    )
