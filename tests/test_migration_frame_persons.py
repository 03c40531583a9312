"""Migration 0004 moves frameunit.persons_population to frameunitpersons where unambiguous."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import Connection

from mel.db import alembic_config, make_engine, upgrade

NOW = "2025-01-01 00:00:00"


def _fill(connection: Connection) -> None:
    """Three programmes at revision 0003: one, two and (unlinked wave) one person survey."""

    def run(sql: str, **params: object) -> None:
        connection.execute(text(sql), params)

    for p, code in ((1, "dw"), (2, "tk"), (3, "gen")):
        run(
            "INSERT INTO programme (id, code, label_nl, label_en, content_hash, loaded_at) "
            "VALUES (:p, :code, :code, :code, 'h', :now)",
            p=p,
            code=code,
            now=NOW,
        )
        run(
            "INSERT INTO wave (id, programme_id, code, label_nl, label_en, year, status, "
            "created_at) VALUES (:p, :p, 'w', 'w', 'w', 2025, 'open', :now)",
            p=p,
            now=NOW,
        )
        run(
            "INSERT INTO unit (id, programme_id, code, name, kind) "
            "VALUES (:p, :p, 'u', 'u', 'school')",
            p=p,
        )
        run(
            "INSERT INTO frameunit (wave_id, unit_id, stratum, sampled, persons_population) "
            "VALUES (:p, :p, 's', true, :m)",
            p=p,
            m=100 * p,
        )
    for i, p, code, respondent in (
        (1, 1, "dw-monitor", "person"),
        (2, 1, "dw-unit", "unit"),
        (3, 2, "tk-pupils", "person"),
        (4, 2, "tk-teachers", "person"),
        (5, 3, "gen-persons", "person"),
    ):
        run(
            "INSERT INTO instrument (id, programme_id, code, title_nl, title_en, respondent) "
            "VALUES (:i, :p, :code, :code, :code, :respondent)",
            i=i,
            p=p,
            code=code,
            respondent=respondent,
        )
        if p != 3:  # the third programme's wave links no instruments
            run("INSERT INTO waveinstrument (wave_id, instrument_id) VALUES (:p, :i)", p=p, i=i)


def test_counts_move_to_the_only_person_instrument(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine, "0003")
    with engine.begin() as connection:
        _fill(connection)
    upgrade(engine, "0004")
    with engine.connect() as connection:
        moved = connection.execute(
            text(
                "SELECT wave_id, unit_id, instrument_id, persons FROM frameunitpersons "
                "ORDER BY wave_id"
            )
        ).all()
    # Wave 2 fields two person instruments: its count is nobody's in particular.
    assert [tuple(row) for row in moved] == [(1, 1, 1, 100), (3, 3, 5, 300)]
    command.downgrade(alembic_config(engine), "0003")
    with engine.connect() as connection:
        back = connection.execute(
            text("SELECT wave_id, persons_population FROM frameunit ORDER BY wave_id")
        ).all()
    assert [tuple(row) for row in back] == [(1, 100), (2, None), (3, 300)]
    engine.dispose()
