"""Versioned register imports: each new file is a version; the latest is what KPIs read.

Importing checks the whole file first (`mel.data.registers.check`), so a refused file
stores nothing. A file whose bytes equal the latest version's, checked by the same
declaration, is not checked or stored again (the result says so); any other
file, even one equal to an older version, becomes a new version. Older versions are
kept, never changed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, select

from mel.data.registers.check import check_rows
from mel.data.registers.reader import read_file
from mel.models import Programme, RegisterImport, RegisterRow, RegisterSourceRow
from mel.surveys.publish import content_hash
from mel.surveys.registers import RegisterSource


class UnknownSource(LookupError):
    """No published programme declares the register source asked for."""


@dataclass(frozen=True)
class ImportResult:
    """What importing one file did."""

    source: str
    version: int
    rows: int
    file_hash: str
    created: bool  # False: the file equals the latest version, nothing was stored
    same_as: int | None = None  # an older version with the same file, if any

    def __str__(self) -> str:
        if not self.created:
            return (
                f"register {self.source}: unchanged, the file equals version {self.version} "
                f"(sha256 {self.file_hash[:12]}); nothing imported"
            )
        again = f" (the same file as version {self.same_as})" if self.same_as else ""
        return f"register {self.source}: version {self.version} imported, {self.rows} rows{again}"


def published_source(session: Session, code: str) -> tuple[str, RegisterSource]:
    """The programme code and declaration of a published register source."""
    row = session.exec(select(RegisterSourceRow).where(RegisterSourceRow.code == code)).first()
    if row is None:
        known = ", ".join(session.exec(select(RegisterSourceRow.code)).all()) or "none"
        raise UnknownSource(
            f"no register source {code!r} is published (published: {known}); declare it "
            "under `registers:` in a programme.yaml and run `mel surveys publish`"
        )
    programme = session.get(Programme, row.programme_id)
    assert programme is not None
    return programme.code, RegisterSource.model_validate(row.spec)


def versions(session: Session, source: str) -> list[RegisterImport]:
    """Every imported version of a source, oldest first."""
    return list(
        session.exec(
            select(RegisterImport)
            .where(RegisterImport.source == source)
            .order_by(col(RegisterImport.version))
        ).all()
    )


def import_register(session: Session, source: str, path: Path, by: str) -> ImportResult:
    """Check `path` against the published source and store it as a new version.

    Raises RegisterProblems (every problem located) when the file cannot be imported.
    """
    programme, declaration = published_source(session, source)
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        digest = ""  # read_file below says what is wrong with the path
    schema = content_hash(declaration)
    earlier = versions(session, source)
    last = earlier[-1] if earlier else None
    if last is not None and (last.file_hash, last.schema_hash) == (digest, schema):
        # the same bytes, checked by the same declaration when they were imported
        return ImportResult(source, last.version, last.rows, digest, False)
    header, raw = read_file(path)
    rows = check_rows(path, header, raw, declaration)
    same = next((v.version for v in earlier if v.file_hash == digest), None)
    version = RegisterImport(
        programme=programme,
        source=source,
        version=(earlier[-1].version + 1) if earlier else 1,
        file_name=path.name[:255],
        file_hash=digest,
        schema_hash=schema,
        rows=len(rows),
        imported_by=by[:254],
    )
    session.add(version)
    session.flush()
    session.execute(
        insert(RegisterRow),
        [{"import_id": version.id, "line": line, "values": values} for line, values in rows],
    )
    session.flush()
    return ImportResult(source, version.version, len(rows), digest, True, same)


def latest_rows(
    session: Session, source: str
) -> tuple[RegisterImport | None, list[dict[str, Any]]]:
    """The latest version of a source and its rows (None and no rows before any import)."""
    found = versions(session, source)
    if not found:
        return None, []
    latest = found[-1]
    table = RegisterRow.__table__  # type: ignore[attr-defined]
    # Core, not ORM rows: reading a large version takes about half the time
    values = (
        session.connection()
        .execute(
            select(table.c["values"]).where(table.c.import_id == latest.id).order_by(table.c.line)
        )
        .scalars()
        .all()
    )
    return latest, [dict(v) for v in values]
