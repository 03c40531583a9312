"""The units register of a programme: import a units file, upserting by code.

One transaction: every row is checked first, and a file with one bad row changes nothing.
Units missing from the file are marked inactive, never deleted (waves may refer to them);
a unit that comes back is active again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import update
from sqlmodel import Session, select

from mel.models import Programme, Unit
from mel.services.sampling import SamplingError
from mel.services.sampling.unitfile import UnitFileProblems, UnitRow, read_units

FIELDS = ("name", "kind", "region", "province", "sector", "stratum", "sizes")


@dataclass
class UnitChanges:
    """What an import did (or would do): codes new, changed (with fields), gone, same."""

    new: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)
    gone: list[str] = field(default_factory=list)
    unchanged: int = 0

    def summary(self) -> str:
        """One line: how many units are new, changed, gone and unchanged."""
        return (
            f"{len(self.new)} new, {len(self.changed)} changed, {len(self.gone)} gone "
            f"(marked inactive), {self.unchanged} unchanged"
        )


def programme_row(session: Session, code: str) -> Programme:
    """The programme `code`, or SamplingError naming the ones there are."""
    row = session.exec(select(Programme).where(Programme.code == code)).first()
    if row is None:
        known = ", ".join(sorted(session.exec(select(Programme.code)).all())) or "none"
        raise SamplingError(
            f"unknown programme {code!r} (programmes: {known}); publish it first "
            "(`mel surveys publish`)"
        )
    return row


def import_units(
    session: Session, programme: str, path: Path | str, *, dry_run: bool = False
) -> UnitChanges:
    """Upsert the units of `path` into `programme`; with `dry_run` only report changes.

    The caller's transaction commits; on `dry_run` nothing is added to the session.

    Raises
    ------
    UnitFileProblems
        Every located problem of the file (nothing is imported).
    """
    path = Path(path)
    owner = programme_row(session, programme)
    rows = read_units(path)
    existing = {
        u.code: u for u in session.exec(select(Unit).where(Unit.programme_id == owner.id)).all()
    }
    codes = {r.code for r in rows}
    problems = [
        f"{path}:{r.row}:parent: no unit {r.parent!r} in the file or the register"
        for r in rows
        if r.parent is not None and r.parent not in codes and r.parent not in existing
    ]
    problems += _cycles(path, rows)
    if problems:
        raise UnitFileProblems(problems)
    changes = UnitChanges()
    code_of = {u.id: c for c, u in existing.items()}
    for r in rows:
        unit = existing.get(r.code)
        if unit is None:
            changes.new.append(r.code)
            continue
        fields = [f for f in FIELDS if getattr(unit, f) != getattr(r, f)]
        if code_of.get(unit.parent_id) != r.parent:
            fields.append("parent")
        if not unit.active:
            fields.append("active")
        if fields:
            changes.changed[r.code] = fields
        else:
            changes.unchanged += 1
    changes.gone = sorted(c for c, u in existing.items() if c not in codes and u.active)
    if not dry_run:
        _apply(session, owner, rows, existing, changes)
    return changes


def _cycles(path: Path, rows: list[UnitRow]) -> list[str]:
    """Rows whose chain of parents in the file comes back to them."""
    parent = {r.code: r.parent for r in rows}
    problems = []
    for r in rows:
        seen, code = {r.code}, r.parent
        while code is not None and code in parent:
            if code in seen:
                problems.append(f"{path}:{r.row}:parent: the parents of {r.code!r} form a cycle")
                break
            seen.add(code)
            code = parent[code]
    return problems


def _apply(
    session: Session,
    owner: Programme,
    rows: list[UnitRow],
    existing: dict[str, Unit],
    changes: UnitChanges,
) -> None:
    """Write the rows: new units in one statement, changed ones, parents, then the gone."""
    fresh = [
        {"programme_id": owner.id, "code": r.code, "active": True}
        | {name: getattr(r, name) for name in FIELDS}
        for r in rows
        if r.code not in existing
    ]
    if fresh:
        # Core executemany: the ORM's bulk insert splits rows at each change of None columns.
        session.connection().execute(Unit.__table__.insert(), fresh)  # type: ignore[attr-defined]
    for r in rows:
        unit = existing.get(r.code)
        if unit is not None and r.code in changes.changed:
            for name in FIELDS:
                setattr(unit, name, getattr(r, name))
            unit.active = True
            session.add(unit)
    session.flush()
    ids = dict(session.exec(select(Unit.code, Unit.id).where(Unit.programme_id == owner.id)).all())
    parents = [
        {"id": ids[r.code], "parent_id": ids[r.parent] if r.parent else None}
        for r in rows
        if (ids[r.parent] if r.parent else None) != _current_parent(existing.get(r.code))
    ]
    if parents:
        session.execute(update(Unit), parents)
    for code in changes.gone:
        existing[code].active = False
        session.add(existing[code])
    session.flush()


def _current_parent(unit: Unit | None) -> int | None:
    return None if unit is None else unit.parent_id
