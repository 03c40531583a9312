"""A simulated wave made the way a programme office makes one (README "Running a real wave").

The simulator writes the programme's units file and imports it (`mel units import`), writes
the wave's file and stores it (`mel waves create`), draws the sample with a seed (`mel sample
draw`), writes a contacts file of the sampled units and their persons and imports it, and
sends the invitations to the outbox folder (never to an SMTP server: the addresses are made
up). What comes back (answers, refusals, bounces, opt-outs) is `mel.demo.behaviour`'s.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from mel.db import session_scope
from mel.demo.design import fieldwork, scaled_population, stratum_sizes
from mel.demo.profiles import Profile
from mel.demo.units import UnitDraft
from mel.models import Case, Contact, Instrument, Unit, Wave, WaveInstrument
from mel.services.fieldwork.contacts import import_contacts
from mel.services.fieldwork.mailing import Sender
from mel.services.fieldwork.transport import OutboxTransport, outbox_folder
from mel.services.privacy import record
from mel.services.sampling.store import draw_sample
from mel.services.sampling.units import import_units
from mel.services.sampling.waves import create_wave

ACTOR = "cli:simulate"
MAIL_DOMAIN = "demo.mel.invalid"
PERSON_RESPONSE = 0.75  # share of a responding unit's invited persons the invitation aims at
# Persons mailed per person survey and wave, at scale 1: each mail is claimed, written to
# the outbox and marked one by one, as `mel invitations send` does, which keeps the number
# of persons a simulated wave invites (and `mel demo`'s time) modest.
PERSONS_MAILED = 600
MINIMUM = 4  # persons invited per unit at least (some answer, some start, some not)
LISTED = 2  # a unit passes on the addresses of about this many times the persons to invite


@dataclass(frozen=True)
class Office:
    """Where the simulated office keeps its files and how its mails are sent."""

    folder: Path  # units, wave and contacts files
    instance_path: Path  # the outbox is instance_path/outbox/<wave>
    secret: str
    base_url: str = "http://127.0.0.1:5000"
    sender: str = f"mel <noreply@{MAIL_DOMAIN}>"


@dataclass(frozen=True)
class PersonPlan:
    """A person instrument's size measure, persons per unit (M_i) and persons invited."""

    size: str
    population: dict[int, int]  # draft index -> M_i
    per_unit: int


@dataclass
class FieldedCase:
    """A case of the wave as the simulator sees it: unit, contact, invitation."""

    case_id: int
    instrument_id: int
    unit_index: int
    unit_id: int
    invitation_id: int
    email: str
    language: str


def size_name(instrument: str) -> str:
    """The size measure (M_i) of a person instrument: its code without the programme's prefix."""
    return instrument.rsplit("-", 1)[-1]


def person_plans(
    profile: Profile, drafts: list[UnitDraft], person: list[str], year: int, scale: float
) -> dict[str, PersonPlan]:
    """M_i of every frame unit and the persons to invite per unit, per person instrument.

    Persons per unit: enough that a unit's expected respondents (the profile's, times the
    factor that keeps responses following `scale`) answer at `PERSON_RESPONSE` in three of
    four units, within `PERSONS_MAILED` invited persons per wave.
    """
    plans = {}
    full = stratum_sizes(drafts, profile, 1.0)
    drawn = stratum_sizes(drafts, profile, scale)
    units = sum(n for _, n in drawn.values())
    budget = max(MINIMUM, round(PERSONS_MAILED * scale / max(1, units)))
    for code in person:
        population, wanted = {}, []
        for i, d in enumerate(drafts):
            if not d.in_frame:
                continue
            m, expected = profile.persons(d, year, code)
            population[i] = scaled_population(m, scale)
            h = d.stratum or "all"
            wanted.append(expected * scale * full[h][1] / drawn[h][1])
        needed = math.ceil(float(np.quantile(wanted, 0.75)) / PERSON_RESPONSE)
        per_unit = max(MINIMUM, min(needed, budget))
        plans[code] = PersonPlan(size_name(code), population, per_unit)
    return plans


def write_units_file(path: Path, drafts: list[UnitDraft], plans: dict[str, PersonPlan]) -> Path:
    """The units register as an office keeps it, with each person instrument's M_i."""
    sizes = sorted({p.size for p in plans.values()})
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["code", "name", "kind", "parent", "region", "province", "sector", "stratum"]
            + [f"size_{s}" for s in sizes]
        )
        by_size = {p.size: p.population for p in plans.values()}
        for i, d in enumerate(drafts):
            writer.writerow(
                [d.code, d.name, d.kind, d.parent or "", d.region or "", d.province or ""]
                + [d.sector or "", d.stratum or ""]
                + [by_size[s].get(i, "") for s in sizes]
            )
    return path


def write_wave_file(
    path: Path,
    profile: Profile,
    programme: str,
    year: int,
    drafts: list[UnitDraft],
    instruments: list[tuple[str, str]],
    plans: dict[str, PersonPlan],
    scale: float,
) -> Path:
    """The wave's file: its instruments, fieldwork and a stratified design with explicit n_h."""
    start, end = fieldwork(profile, year)
    items: list[dict[str, Any]] = []
    for code, respondent in instruments:
        item: dict[str, Any] = {"code": code}
        if respondent == "person":
            plan = plans[code]
            item["persons"] = {"size": plan.size, "select": "sample", "per_unit": plan.per_unit}
        items.append(item)
    spec = {
        "wave": f"{profile.wave_prefix}-{year}",
        "programme": programme,
        "label": {
            "nl": profile.label_nl.format(year=year),
            "en": profile.label_en.format(year=year),
        },
        "year": year,
        "fieldwork": {"start": start.isoformat(), "end": end.isoformat()},
        "instruments": items,
        "design": {
            "method": "stratified",
            "unit_kinds": sorted({d.kind for d in drafts if d.in_frame}),
            "allocation": "explicit",
            "sizes": {h: n for h, (_, n) in sorted(stratum_sizes(drafts, profile, scale).items())},
            "minimum_per_stratum": 0,
        },
        "expected_response_rate": profile.unit_response,
        "retention_until": date(year + 5, 12, 31).isoformat(),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    header = f"# {spec['label']['nl']}: written by `mel simulate` (a simulated wave)\n"
    path.write_text(header + yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def write_contacts_file(
    path: Path,
    drafts: list[UnitDraft],
    sampled: list[int],
    plan: PersonPlan | None,
    rng: np.random.Generator,
    english: float,
) -> Path:
    """Contacts of the sampled units: one per unit, or the persons whose address it has.

    A unit knows the addresses of a random part of its M_i persons (`LISTED` times the
    persons to invite, at most M_i); mel draws the invited among them (`select: sample`),
    so each person still has the chance π_i · m_i / M_i.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["email", "name", "language", "unit"])
        for i in sampled:
            code = drafts[i].code
            if plan is None:
                listed = [0]
            else:  # the addresses the unit has: a random part of its M_i persons
                population = plan.population[i]
                listed = sorted(
                    rng.choice(population, min(population, LISTED * plan.per_unit), False)
                )
            english_ones = rng.random(len(listed)) < english
            for j, k in enumerate(listed):
                who = "contact" if plan is None else f"p{k + 1:05d}"
                writer.writerow(
                    [
                        f"{who}.{code}@{MAIL_DOMAIN}",
                        f"{'Contactpersoon' if plan is None else 'Deelnemer'} {code}"
                        + ("" if plan is None else f" {k + 1}"),
                        "en" if english_ones[j] else "nl",
                        code,
                    ]
                )
    return path


def import_register(engine: Engine, programme: str, path: Path) -> None:
    """`mel units import` of the units file."""
    with session_scope(engine) as session:
        import_units(session, programme, path)
        record(session, ACTOR, "units_imported", programme=programme, target=str(path))


def create_and_draw(engine: Engine, path: Path, seed: int) -> tuple[int, dict[str, int]]:
    """`mel waves create` and `mel sample draw`: the wave's id and its units' ids by code."""
    with session_scope(engine) as session:
        wave = create_wave(session, path).wave
        wave.status = "open"  # its invitations go out now
        draw_sample(session, wave, seed)
        record(session, ACTOR, "sample_drawn", programme=wave.design["programme"], target=wave.code)
        ids = dict(
            session.exec(
                select(Unit.code, Unit.id).where(Unit.programme_id == wave.programme_id)
            ).all()
        )
        return int(wave.id or 0), {c: int(i or 0) for c, i in ids.items()}


def sampled_units(session: Session, wave_id: int) -> set[int]:
    """Unit ids the draw sampled."""
    from mel.models import FrameUnit

    return set(
        session.exec(
            select(FrameUnit.unit_id).where(FrameUnit.wave_id == wave_id, col(FrameUnit.sampled))
        ).all()
    )


def import_contact_files(engine: Engine, wave_id: int, files: dict[int, Path]) -> None:
    """`mel contacts import` of each instrument's contacts file."""
    with session_scope(engine) as session:
        wave = session.get(Wave, wave_id)
        assert wave is not None
        for instrument_id, path in files.items():
            instrument = session.get(Instrument, instrument_id)
            assert instrument is not None
            import_contacts(session, wave=wave, instrument=instrument, path=path)


def send_invitations(engine: Engine, wave_id: int, code: str, office: Office) -> int:
    """`mel invitations send` into the outbox folder; the number of mails written."""
    run = Sender(
        engine=engine,
        wave_id=wave_id,
        transport=OutboxTransport(outbox_folder(office.instance_path, code)),
        secret=office.secret,
        base_url=office.base_url,
        sender=office.sender,
    ).run("invitation")
    return run.sent + run.already


def fielded_cases(session: Session, wave_id: int, index_of: dict[int, int]) -> list[FieldedCase]:
    """Every mailed case of the wave with its contact and invitation, in case order."""
    contacts = session.exec(select(Contact).where(Contact.wave_id == wave_id)).all()
    by_id = {c.id: c for c in contacts}
    by_unit = {(c.instrument_id, c.unit_id): c for c in contacts}
    found = []
    for case in session.exec(
        select(Case).where(Case.wave_id == wave_id).order_by(col(Case.id))
    ).all():
        contact = (
            by_id.get(case.contact_id)
            if case.contact_id is not None
            else by_unit.get((case.instrument_id, case.unit_id))
        )
        if contact is None or case.invitation_id is None:
            continue  # not mailed (cannot happen after `send_invitations`)
        found.append(
            FieldedCase(
                int(case.id or 0),
                case.instrument_id,
                index_of[int(case.unit_id or 0)],
                int(case.unit_id or 0),
                int(case.invitation_id),
                contact.email,
                contact.language,
            )
        )
    return found


def open_person_links(session: Session, wave_id: int, instrument_ids: list[int]) -> None:
    """The open wave's person surveys also take answers by an open link that asks the unit."""
    for instrument_id in instrument_ids:
        link = session.get(WaveInstrument, (wave_id, instrument_id))
        if link is not None:
            link.open_link = link.ask_unit = True
            session.add(link)
