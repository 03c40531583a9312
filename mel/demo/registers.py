"""The demo's register data: every example file shipped beside a programme, imported."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import select

from mel.data.registers import ImportResult, import_register
from mel.db import session_scope
from mel.models import RegisterSourceRow

FOLDER = "registers"  # surveys/<programme>/registers/<source>.csv (or .xlsx)


def import_examples(engine: Engine, surveys: Path, by: str = "cli:demo") -> list[ImportResult]:
    """Import `<programme>/registers/<source>.csv|.xlsx` for each published register source."""
    results = []
    with session_scope(engine) as session:
        codes = session.exec(select(RegisterSourceRow.code).order_by(RegisterSourceRow.code)).all()
        for code in codes:
            files = sorted(surveys.glob(f"*/{FOLDER}/{code}.csv")) + sorted(
                surveys.glob(f"*/{FOLDER}/{code}.xlsx")
            )
            if files:
                results.append(import_register(session, code, files[0], by))
    return results
