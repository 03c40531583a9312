"""Migration 0005: open links start off; the first complete response of a unit to a
unit-level survey in a wave gets the key that makes it the only one."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import Connection

from mel.db import alembic_config, make_engine, upgrade

NOW = "2025-01-01 00:00:00"


def _fill(connection: Connection) -> None:
    """At revision 0004: a unit survey answered twice by unit 1, once by 2; a person survey."""

    def run(sql: str, **params: object) -> None:
        connection.execute(text(sql), params)

    run(
        "INSERT INTO programme (id, code, label_nl, label_en, content_hash, loaded_at) "
        "VALUES (1, 'p', 'p', 'p', 'h', :now)",
        now=NOW,
    )
    run(
        "INSERT INTO wave (id, programme_id, code, label_nl, label_en, year, status, created_at) "
        "VALUES (1, 1, 'w', 'w', 'w', 2025, 'open', :now)",
        now=NOW,
    )
    for u in (1, 2):
        run(
            "INSERT INTO unit (id, programme_id, code, name, kind) VALUES (:u, 1, :c, :c, 'pps')",
            u=u,
            c=f"u{u}",
        )
    for i, respondent in ((1, "unit"), (2, "person")):
        run(
            "INSERT INTO instrument (id, programme_id, code, title_nl, title_en, respondent) "
            "VALUES (:i, 1, :c, :c, :c, :r)",
            i=i,
            c=f"i{i}",
            r=respondent,
        )
        run(
            "INSERT INTO instrumentversion (id, instrument_id, version, content_hash, definition, "
            "published_at) VALUES (:i, :i, 1, 'h', '{}', :now)",
            i=i,
            now=NOW,
        )
        run("INSERT INTO waveinstrument (wave_id, instrument_id) VALUES (1, :i)", i=i)
    for rid, version, unit, status in (
        (1, 1, 1, "complete"),
        (2, 1, 1, "complete"),  # a second complete response of unit 1: stays without key
        (3, 1, 2, "in_progress"),
        (4, 1, 2, "complete"),
        (5, 1, None, "complete"),
        (6, 2, 1, "complete"),
        (7, 2, 1, "complete"),  # persons: no key
    ):
        run(
            "INSERT INTO response (id, public_id, wave_id, instrument_version_id, unit_id, "
            "respondent_id, status, language, current_page, answers, started_at, updated_at) "
            "VALUES (:r, :pid, 1, :v, :u, :pid, :s, 'nl', 0, '{}', :now, :now)",
            r=rid,
            pid=f"r{rid}",
            v=version,
            u=unit,
            s=status,
            now=NOW,
        )


def test_first_complete_response_per_unit_gets_the_key(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine, "0004")
    with engine.begin() as connection:
        _fill(connection)
    upgrade(engine, "0005")
    with engine.connect() as connection:
        keys = connection.execute(
            text("SELECT id, unit_once_instrument_id FROM response ORDER BY id")
        ).all()
        links = connection.execute(
            text("SELECT open_link, ask_unit FROM waveinstrument ORDER BY instrument_id")
        ).all()
    assert [tuple(row) for row in keys] == [
        (1, 1),
        (2, None),
        (3, None),
        (4, 1),
        (5, None),
        (6, None),
        (7, None),
    ]
    assert [tuple(row) for row in links] == [(False, False), (False, False)]
    command.downgrade(alembic_config(engine), "0004")
    upgrade(engine)
    engine.dispose()
