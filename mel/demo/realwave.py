"""The demo's next wave, made the way a programme office makes one (README "Running a real
wave"): a units file, its import, the programme's wave file, a seeded draw, a contacts file
of the sampled units, and invitations written to the outbox folder.

The wave's fieldwork lies ahead (its file's dates), so the demo stores it as *planned*: it
holds a drawn, frozen sample and mailed invitations, and no answers yet. The simulated
waves before it keep the answers the dashboards and reports show.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from mel.db import session_scope
from mel.models import Case, Programme, Unit
from mel.services.fieldwork.contacts import import_contacts
from mel.services.fieldwork.mailing import Sender
from mel.services.fieldwork.transport import OutboxTransport, outbox_folder
from mel.services.invitations import resolve_wave
from mel.services.privacy import record
from mel.services.sampling.store import draw_sample
from mel.services.sampling.units import import_units
from mel.services.sampling.waves import create_wave

ACTOR = "cli:demo"
COLUMNS = ["code", "name", "kind", "parent", "region", "province", "sector", "stratum"]


@dataclass(frozen=True)
class RealWave:
    """What the real path made: the wave, its files, the sample and the mails."""

    programme: str
    wave: str
    units_file: Path
    contacts_file: Path
    sampled: int
    population: int
    mailed: int
    outbox: Path

    def __str__(self) -> str:
        return (
            f"{self.programme} {self.wave} (planned) through the real path: units file "
            f"{self.units_file}, {self.sampled} of {self.population} units drawn, "
            f"{self.mailed} invitation(s) in {self.outbox}"
        )


def write_units_file(engine: Engine, programme: str, path: Path) -> Path:
    """Write the programme's active units as a units file (the register an office keeps)."""
    with session_scope(engine) as session:
        units = session.exec(
            select(Unit)
            .join(Programme, col(Programme.id) == Unit.programme_id)
            .where(Programme.code == programme, col(Unit.active).is_(True))
            .order_by(col(Unit.code))
        ).all()
        codes = {u.id: u.code for u in units}
        sizes = sorted({name for u in units for name in u.sizes})
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS + [f"size_{name}" for name in sizes])
            for u in units:
                writer.writerow(
                    [
                        u.code,
                        u.name,
                        u.kind,
                        codes.get(u.parent_id, ""),
                        u.region or "",
                        u.province or "",
                        u.sector or "",
                        u.stratum or "",
                    ]  # fmt: skip
                    + [u.sizes.get(name, "") for name in sizes]
                )
    return path


def real_wave(
    engine: Engine,
    *,
    wave_file: Path,
    folder: Path,
    instance_path: Path,
    seed: int,
    base_url: str,
    secret: str,
    sender: str,
) -> RealWave:
    """Make the wave of `wave_file` through the real path; files go to `folder`."""
    with session_scope(engine) as session:
        created = create_wave(session, wave_file)
        wave = created.wave
        programme = str(wave.design["programme"])
        instruments = [str(i["code"]) for i in wave.design["instruments"]]
    units_file = write_units_file(engine, programme, folder / f"{programme}-units.csv")
    with session_scope(engine) as session:
        import_units(session, programme, units_file)
        record(session, ACTOR, "units_imported", programme=programme, target=str(units_file))
        wave, _ = resolve_wave(session, wave.code, instruments[0])
        drawn = draw_sample(session, wave, seed)
        wave.status = "planned"  # its fieldwork lies ahead
        session.add(wave)
        record(session, ACTOR, "sample_drawn", programme=programme, target=wave.code, seed=seed)
        cases = session.exec(
            select(Unit.code)
            .join(Case, col(Case.unit_id) == Unit.id)
            .where(Case.wave_id == wave.id)
        ).all()
        population = sum(big for big, _ in drawn.strata.values())
    contacts_file = folder / f"{wave.code}-contacts.csv"
    with contacts_file.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["email", "name", "language", "unit"])
        for code in sorted(set(cases)):
            writer.writerow([f"{code}@demo.mel.invalid", f"Contact {code}", "nl", code])
    with session_scope(engine) as session:
        for code in instruments:
            found, instrument = resolve_wave(session, wave.code, code)
            import_contacts(session, wave=found, instrument=instrument, path=contacts_file)
    outbox = outbox_folder(instance_path, wave.code)
    run = Sender(
        engine=engine,
        wave_id=int(wave.id or 0),
        transport=OutboxTransport(outbox),  # never a real server: the addresses are made up
        secret=secret,
        base_url=base_url,
        sender=sender,
    ).run("invitation")
    return RealWave(
        programme,
        wave.code,
        units_file,
        contacts_file,
        len(set(cases)),
        population,
        run.sent + run.already,
        outbox,
    )
