"""persons per frame unit and person instrument (frameunitpersons), replacing
frameunit.persons_population

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 11:00:00.000000

``frameunit.persons_population`` held one count per (wave, unit), but a wave may field
several person instruments (Techkwadraat: pupils and teachers per school), each with its
own second-stage population. Upgrading copies each count to the wave's person instrument
when that is unambiguous: the wave fields exactly one person instrument (by
``waveinstrument``; a wave without linked instruments: its programme has exactly one). A
count of a wave with several person instruments is not copied (it cannot be told whose it
was) and is logged; `frame()` then names the unit and instrument whose count is missing.
Downgrading copies a count back where the (wave, unit) has exactly one.
"""
import logging
from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger(f"alembic.runtime.migration.{revision}")

frameunit = sa.table('frameunit', sa.column('wave_id', sa.Integer()),
                     sa.column('unit_id', sa.Integer()),
                     sa.column('persons_population', sa.Integer()))
persons_table = sa.table('frameunitpersons', sa.column('wave_id', sa.Integer()),
                         sa.column('unit_id', sa.Integer()),
                         sa.column('instrument_id', sa.Integer()),
                         sa.column('persons', sa.Integer()))
wave = sa.table('wave', sa.column('id', sa.Integer()), sa.column('programme_id', sa.Integer()),
                sa.column('code', sa.String()))
instrument = sa.table('instrument', sa.column('id', sa.Integer()),
                      sa.column('programme_id', sa.Integer()),
                      sa.column('respondent', sa.String()))
waveinstrument = sa.table('waveinstrument', sa.column('wave_id', sa.Integer()),
                          sa.column('instrument_id', sa.Integer()))


def _person_instruments(connection: sa.Connection) -> dict[int, set[int]]:
    """The person instruments of each wave: those it fields, else its programme's."""
    fielded: dict[int, set[int]] = defaultdict(set)
    for wave_id, instrument_id in connection.execute(
            sa.select(waveinstrument.c.wave_id, waveinstrument.c.instrument_id)
            .join(instrument, instrument.c.id == waveinstrument.c.instrument_id)
            .where(instrument.c.respondent == 'person')):
        fielded[wave_id].add(instrument_id)
    linked = {w for (w,) in connection.execute(sa.select(waveinstrument.c.wave_id).distinct())}
    for wave_id, instrument_id in connection.execute(
            sa.select(wave.c.id, instrument.c.id)
            .join(instrument, instrument.c.programme_id == wave.c.programme_id)
            .where(instrument.c.respondent == 'person')):
        if wave_id not in linked:
            fielded[wave_id].add(instrument_id)
    return fielded


def upgrade() -> None:
    op.create_table('frameunitpersons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.Column('persons', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['instrument_id'], ['instrument.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.ForeignKeyConstraint(['wave_id'], ['wave.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('wave_id', 'unit_id', 'instrument_id')
    )
    with op.batch_alter_table('frameunitpersons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_frameunitpersons_instrument_id'), ['instrument_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_frameunitpersons_unit_id'), ['unit_id'], unique=False)

    connection = op.get_bind()
    person = _person_instruments(connection)
    rows, skipped = [], defaultdict(int)
    for wave_id, unit_id, persons in connection.execute(
            sa.select(frameunit.c.wave_id, frameunit.c.unit_id, frameunit.c.persons_population)
            .where(frameunit.c.persons_population.is_not(None))
            .order_by(frameunit.c.wave_id, frameunit.c.unit_id)):
        if len(person[wave_id]) == 1:
            rows.append({'wave_id': wave_id, 'unit_id': unit_id,
                         'instrument_id': next(iter(person[wave_id])), 'persons': persons})
        else:
            skipped[wave_id] += 1
    if rows:
        connection.execute(sa.insert(persons_table), rows)
    codes = dict(connection.execute(sa.select(wave.c.id, wave.c.code)).all())
    for wave_id, count in sorted(skipped.items()):
        message = (f"wave {codes[wave_id]!r} (id {wave_id}): {count} persons_population count(s) not copied, the "
                   f"wave has {len(person[wave_id])} person instruments; store each "
                   f"instrument's persons per unit in frameunitpersons")
        log.warning(message)
        context.config.print_stdout("warning: %s", message)

    with op.batch_alter_table('frameunit', schema=None) as batch_op:
        batch_op.drop_column('persons_population')


def downgrade() -> None:
    with op.batch_alter_table('frameunit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('persons_population', sa.Integer(), nullable=True))

    connection = op.get_bind()
    counts: dict[tuple[int, int], list[int]] = defaultdict(list)
    for wave_id, unit_id, persons in connection.execute(
            sa.select(persons_table.c.wave_id, persons_table.c.unit_id, persons_table.c.persons)):
        counts[(wave_id, unit_id)].append(persons)
    rows = [{'w': w, 'u': u, 'persons': values[0]}
            for (w, u), values in counts.items() if len(values) == 1]
    if rows:
        connection.execute(
            sa.update(frameunit).where(frameunit.c.wave_id == sa.bindparam('w'),
                                       frameunit.c.unit_id == sa.bindparam('u'))
            .values(persons_population=sa.bindparam('persons')), rows)

    with op.batch_alter_table('frameunitpersons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_frameunitpersons_unit_id'))
        batch_op.drop_index(batch_op.f('ix_frameunitpersons_instrument_id'))

    op.drop_table('frameunitpersons')
