"""Create or update a wave from its wave file (while its sample is not frozen)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from mel.models import Instrument, Programme, Wave, WaveInstrument
from mel.services.sampling import SamplingError
from mel.services.sampling.store import clear_sample
from mel.services.sampling.wavefile import WaveFile, load_wave_file
from mel.surveys.yamlfile import FileProblems, Problem


@dataclass(frozen=True)
class Created:
    """What `create_wave` did: ``created``, ``updated`` or ``unchanged``; sample discarded?"""

    wave: Wave
    action: str
    discarded_sample: bool = False


def create_wave(session: Session, path: Path | str) -> Created:
    """Store the wave of a wave file, or update it while its sample is not frozen.

    Raises
    ------
    FileProblems
        The file is invalid, or names a programme or instrument mel does not know.
    SamplingError
        The wave's sample is frozen and the file changed.
    """
    path = Path(path)
    spec, digest = load_wave_file(path)
    programme, instruments = _references(session, path, spec)
    wave = session.exec(
        select(Wave).where(Wave.programme_id == programme.id, Wave.code == spec.wave)
    ).first()
    design = spec.model_dump(mode="json")
    if wave is not None and wave.content_hash == digest:
        return Created(wave, "unchanged")
    if wave is not None and wave.frozen_at is not None and not _analysis_only(wave.design, design):
        raise SamplingError(
            f"wave {spec.wave!r}: its sample was frozen at {wave.frozen_at:%Y-%m-%d %H:%M} "
            "(invitations went out), so its file can no longer change"
        )
    discarded = False
    action = "created" if wave is None else "updated"
    if wave is None:
        wave = Wave(
            programme_id=programme.id or 0, code=spec.wave, label_nl="", label_en="", year=0
        )
    elif wave.sample_drawn_at is not None and wave.design.get("design") != design["design"]:
        clear_sample(session, wave)
        wave.sample_drawn_at = wave.sample_seed = None
        discarded = True
    wave.label_nl, wave.label_en = spec.label.nl, spec.label.en or spec.label.nl
    wave.year = spec.year
    wave.fieldwork_start, wave.fieldwork_end = spec.fieldwork.start, spec.fieldwork.end
    if spec.retention_until is not None:  # else the date staff set on the Waves page stays
        wave.retention_until = spec.retention_until
    wave.design, wave.source_path, wave.content_hash = design, str(path), digest
    session.add(wave)
    session.flush()
    for instrument in instruments:
        if session.get(WaveInstrument, (wave.id, instrument.id)) is None:
            session.add(WaveInstrument(wave_id=wave.id or 0, instrument_id=instrument.id or 0))
    session.flush()
    return Created(wave, action, discarded)


def _references(session: Session, path: Path, spec: WaveFile) -> tuple[Programme, list[Instrument]]:
    """The programme and instruments a wave file names, or FileProblems locating each."""
    problems: list[Problem] = []
    programme = session.exec(select(Programme).where(Programme.code == spec.programme)).first()
    if programme is None:
        problems.append(Problem(str(path), "programme", f"unknown programme {spec.programme!r}"))
        raise FileProblems(problems)
    instruments = []
    for i, item in enumerate(spec.instruments):
        row = session.exec(select(Instrument).where(Instrument.code == item.code)).first()
        where = f"instruments[{i}]"
        if row is None or row.programme_id != programme.id:
            problems.append(
                Problem(
                    str(path),
                    f"{where}.code",
                    f"no published instrument {item.code!r} in programme {spec.programme!r}",
                )
            )
            continue
        if row.respondent == "person" and item.persons is None:
            problems.append(
                Problem(
                    str(path),
                    where,
                    f"{item.code!r} asks persons: say who is invited "
                    "('persons: {size: ..., select: all}')",
                )
            )
        if row.respondent != "person" and item.persons is not None:
            problems.append(
                Problem(str(path), f"{where}.persons", f"{item.code!r} asks units, not persons")
            )
        instruments.append(row)
    if problems:
        raise FileProblems(problems)
    return programme, instruments


def _analysis_only(stored: dict[str, Any], design: dict[str, Any]) -> bool:
    """Whether a changed wave file differs from the stored one only in how it is analysed
    (its nonresponse model), which may change after the sample was frozen."""
    keep = ("nonresponse",)
    return {k: v for k, v in stored.items() if k not in keep} == {
        k: v for k, v in design.items() if k not in keep
    }
