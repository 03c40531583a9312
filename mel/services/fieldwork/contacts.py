"""Import a wave's contacts (CSV or XLSX) onto its sampled cases: all rows or none.

Columns: ``email`` (required), ``name``, ``language`` (nl or en; default nl) and ``unit``
(the unit's code; required). A contact of a unit instrument belongs to its unit's case
(a unit may have several contacts; they all get the unit's link). A contact of a person
instrument becomes a person case ``c:<contact id>`` with the stratum and inclusion
probability of its unit's case: every person of a sampled unit is invited, so a person's
inclusion probability is that of the unit.

Every problem is reported as ``file:row:column: what is wrong`` and nothing is stored
while there is one. Importing the same file again changes nothing; a changed name or
language updates the contact.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, select

from mel.data.tablefile import TableFileProblems, read_table
from mel.models import Case, Contact, Instrument, Unit, Wave
from mel.services.fieldwork.persons import (
    Sampled,
    person_probability,
    persons_spec,
    sampled_units,
    unit_persons,
)
from mel.services.sampling.persons import pick_persons

COLUMNS = ("email", "name", "language", "unit")
EMAIL = re.compile(r"^[^@\s<>,;\"']+@[^@\s<>,;\"']+\.[^@\s<>,;\"']+$")
LANGUAGES = ("nl", "en")


class ContactFileError(ValueError):
    """A contacts file has problems; each line of the message is one, located."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ImportSummary:
    """What an import did."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    person_cases: int = 0
    not_chosen: int = 0  # persons listed but not drawn (persons: select: sample)


@dataclass(frozen=True)
class Row:
    """One checked row of a contacts file."""

    number: int
    email: str
    name: str | None
    language: str
    unit: Unit


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Return the header and the data rows (with their row number) of a CSV or XLSX file
    (`mel.data.tablefile`), every cell as stripped text."""
    try:
        names, raw = read_table(path)
    except TableFileProblems as exc:
        raise ContactFileError(exc.problems) from None
    header = [h.lower() for h in names]
    rows = []
    for number, row in enumerate(raw, start=2):
        cells = ["" if v is None else str(v).strip() for v in row]
        if any(cells):
            padded = cells + [""] * (len(header) - len(cells))
            rows.append((number, dict(zip(header, padded, strict=False))))
    return header, rows


def import_contacts(
    session: Session, *, wave: Wave, instrument: Instrument, path: Path
) -> ImportSummary:
    """Check every row of `path`, then store its contacts (and person cases); see module doc."""
    header, rows = read_rows(path)
    problems: list[str] = []
    for needed in ("email", "unit"):
        if needed not in header:
            problems.append(f"{path}:1:{needed}: column {needed!r} is missing")
    unknown = [h for h in header if h and h not in COLUMNS]
    for name in unknown:
        problems.append(f"{path}:1:{name}: unknown column (known: {', '.join(COLUMNS)})")
    if not rows and not problems:
        problems.append(f"{path}:2: no contacts in the file")
    if problems:
        raise ContactFileError(problems)
    if wave.sample_drawn_at is None:
        raise ContactFileError(
            [
                f"{path}: the sample of wave {wave.code!r} is not drawn yet; draw it first "
                f"(mel sample draw --wave {wave.code})"
            ]
        )
    units = {
        u.code: u
        for u in session.exec(select(Unit).where(Unit.programme_id == wave.programme_id)).all()
    }
    sampled = sampled_units(session, wave)
    existing = {
        c.email.lower(): c
        for c in session.exec(
            select(Contact).where(
                Contact.wave_id == wave.id, Contact.instrument_id == instrument.id
            )
        ).all()
    }
    seen: dict[str, int] = {}
    checked: list[Row] = []
    for number, row in rows:
        where = f"{path}:{number}"
        email = row.get("email", "").strip()
        name = row.get("name", "").strip() or None
        language = (row.get("language", "").strip() or "nl").lower()
        code = row.get("unit", "").strip()
        ok = True
        if not email:
            problems.append(f"{where}:email: empty; every contact needs an e-mail address")
            ok = False
        elif len(email) > 254 or not EMAIL.match(email):
            problems.append(f"{where}:email: {email!r} is not an e-mail address")
            ok = False
        elif email.lower() in seen:
            problems.append(f"{where}:email: {email!r} is already on row {seen[email.lower()]}")
            ok = False
        else:
            seen[email.lower()] = number
        if name is not None and len(name) > 200:
            problems.append(f"{where}:name: longer than 200 characters")
            ok = False
        if language not in LANGUAGES:
            problems.append(f"{where}:language: {language!r} is not one of nl, en")
            ok = False
        unit = units.get(code)
        if not code:
            problems.append(f"{where}:unit: empty; every contact belongs to a sampled unit")
            ok = False
        elif unit is None:
            problems.append(f"{where}:unit: no unit {code!r} in the programme")
            ok = False
        elif unit.id not in sampled:
            problems.append(f"{where}:unit: unit {code!r} is not in the sample of {wave.code}")
            ok = False
        if ok:
            before = existing.get(email.lower())
            if before is not None and before.unit_id != unit.id:  # type: ignore[union-attr]
                problems.append(
                    f"{where}:unit: {email!r} is already a contact of another unit in this wave"
                )
                continue
            checked.append(Row(number, email, name, language, unit))  # type: ignore[arg-type]
    if problems:
        raise ContactFileError(problems)
    if instrument.respondent != "person":
        return _store_unit_contacts(session, wave, instrument, checked, existing, sampled)
    return _store_persons(session, wave, instrument, checked, existing, sampled)


def _update(contact: Contact, row: Row, session: Session) -> bool:
    """Bring an existing contact's name and language up to date; True when changed."""
    if (contact.name, contact.language) == (row.name, row.language):
        return False
    contact.name, contact.language = row.name, row.language
    session.add(contact)
    return True


def _contact(wave: Wave, instrument: Instrument, row: Row) -> Contact:
    return Contact(
        wave_id=wave.id or 0,
        instrument_id=instrument.id or 0,
        unit_id=row.unit.id,
        email=row.email,
        name=row.name,
        language=row.language,
    )


def _store_unit_contacts(
    session: Session,
    wave: Wave,
    instrument: Instrument,
    rows: list[Row],
    existing: dict[str, Contact],
    sampled: dict[int, Sampled],
) -> ImportSummary:
    """Store contacts of a unit instrument; a sampled unit without its case gets one."""
    cases = {
        c.unit_id
        for c in session.exec(
            select(Case).where(
                Case.wave_id == wave.id,
                Case.instrument_id == instrument.id,
                col(Case.key).startswith("u:"),
            )
        ).all()
    }
    summary = ImportSummary()
    for row in rows:
        unit_id = row.unit.id or 0
        if unit_id not in cases:
            unit = sampled[unit_id]
            session.add(
                Case(
                    wave_id=wave.id or 0,
                    instrument_id=instrument.id or 0,
                    key=f"u:{unit_id}",
                    unit_id=unit_id,
                    stratum=unit.stratum,
                    inclusion_probability=unit.probability,
                )
            )
            cases.add(unit_id)
        before = existing.get(row.email.lower())
        if before is None:
            session.add(_contact(wave, instrument, row))
            summary.new += 1
        elif _update(before, row, session):
            summary.updated += 1
        else:
            summary.unchanged += 1
    session.flush()
    return summary


def _store_persons(
    session: Session,
    wave: Wave,
    instrument: Instrument,
    rows: list[Row],
    existing: dict[str, Contact],
    sampled: dict[int, Sampled],
) -> ImportSummary:
    """Store the invited persons of each unit, each with a case of their own."""
    spec = persons_spec(wave, instrument)
    sample = spec.get("select") == "sample"
    by_unit: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        by_unit[row.unit.id or 0].append(row)
    summary = ImportSummary()
    made: list[tuple[Contact, int, float | None]] = []  # new contacts, their unit and π
    for unit_id, unit_rows in by_unit.items():
        unit = unit_rows[0].unit
        invited = {r.email.lower() for r in unit_rows}
        chosen_before = {e for e, c in existing.items() if c.unit_id == unit_id}
        if sample and chosen_before:
            invited &= chosen_before  # who was chosen stays chosen; later rows are not drawn
        elif sample:
            invited = set(
                pick_persons(
                    sorted(invited), int(spec["per_unit"]), wave.sample_seed or 0, unit.code
                )
            )
        if sample:
            summary.not_chosen += len(unit_rows) - len(invited)
        persons = unit_persons(session, wave, instrument, unit, spec) or len(unit_rows)
        probability = person_probability(sampled[unit_id], len(invited), persons, sample)
        for row in unit_rows:
            if row.email.lower() not in invited:
                continue  # not chosen: their address is not kept
            before = existing.get(row.email.lower())
            if before is not None:
                if _update(before, row, session):
                    summary.updated += 1
                else:
                    summary.unchanged += 1
                continue
            contact = _contact(wave, instrument, row)
            session.add(contact)
            made.append((contact, unit_id, probability))
            summary.new += 1
            summary.person_cases += 1
    session.flush()  # the new contacts' ids, in one batch
    for contact, unit_id, probability in made:
        session.add(
            Case(
                wave_id=wave.id or 0,
                instrument_id=instrument.id or 0,
                key=f"c:{contact.id}",
                unit_id=unit_id,
                contact_id=contact.id,
                stratum=sampled[unit_id].stratum,
                inclusion_probability=probability,
            )
        )
    session.flush()
    return summary
