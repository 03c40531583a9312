"""open links per wave and instrument (off by default); a unit completes a unit-level
instrument once per wave

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 09:00:00.000000

``waveinstrument.open_link`` / ``ask_unit``: the open link of an instrument in a wave
takes participants only when switched on, and asks for the unit when the wave has a frame.
Existing rows start off: an open link used to store responses without a unit, which the
analysis could not place (switch links on again with ``mel waves open-link``).

``response.unit_once_instrument_id`` with the unique constraint ``uq_response_unit_once``
(wave_id, unit_id, unit_once_instrument_id): set on completing a response to a
``respondent: unit`` instrument, NULL otherwise. NULLs are never equal in a unique
constraint (SQLite and PostgreSQL), so only completed unit-level responses are limited to
one per unit, instrument and wave. A partial unique index would need the instrument and its
kind in the row as well, and is written differently per dialect; a nullable key column
and a plain unique constraint mean the same everywhere.

Upgrading sets the key on the first complete response (lowest id) of each unit per wave
and unit-level instrument; later complete ones keep NULL (the analysis frame leaves them
out as duplicates and counts them) and are logged.
"""
import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger(f"alembic.runtime.migration.{revision}")

response = sa.table('response', sa.column('id', sa.Integer()), sa.column('wave_id', sa.Integer()),
                    sa.column('unit_id', sa.Integer()), sa.column('status', sa.String()),
                    sa.column('instrument_version_id', sa.Integer()),
                    sa.column('unit_once_instrument_id', sa.Integer()))
version = sa.table('instrumentversion', sa.column('id', sa.Integer()),
                   sa.column('instrument_id', sa.Integer()))
instrument = sa.table('instrument', sa.column('id', sa.Integer()),
                      sa.column('respondent', sa.String()))


def upgrade() -> None:
    with op.batch_alter_table('waveinstrument', schema=None) as batch_op:
        batch_op.add_column(sa.Column('open_link', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('ask_unit', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_once_instrument_id', sa.Integer(), nullable=True))

    connection = op.get_bind()
    first: dict[tuple[int, int, int], int] = {}
    duplicates = 0
    for response_id, wave_id, unit_id, instrument_id in connection.execute(
            sa.select(response.c.id, response.c.wave_id, response.c.unit_id, version.c.instrument_id)
            .join(version, version.c.id == response.c.instrument_version_id)
            .join(instrument, instrument.c.id == version.c.instrument_id)
            .where(response.c.status == 'complete', response.c.unit_id.is_not(None),
                   instrument.c.respondent == 'unit')
            .order_by(response.c.id)):
        if (wave_id, unit_id, instrument_id) in first:
            duplicates += 1
        else:
            first[(wave_id, unit_id, instrument_id)] = response_id
    if first:
        connection.execute(
            sa.update(response).where(response.c.id == sa.bindparam('rid'))
            .values(unit_once_instrument_id=sa.bindparam('iid')),
            [{'rid': rid, 'iid': key[2]} for key, rid in first.items()])
    if duplicates:
        message = (f"{duplicates} complete response(s) of a unit that had already completed the same "
                   f"unit-level instrument in the wave; the analysis leaves them out and counts them")
        log.warning(message)
        context.config.print_stdout("warning: %s", message)

    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.create_foreign_key('fk_response_unit_once_instrument_id_instrument', 'instrument',
                                    ['unit_once_instrument_id'], ['id'])
        batch_op.create_unique_constraint('uq_response_unit_once',
                                          ['wave_id', 'unit_id', 'unit_once_instrument_id'])


def downgrade() -> None:
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_constraint('uq_response_unit_once', type_='unique')
        batch_op.drop_constraint('fk_response_unit_once_instrument_id_instrument', type_='foreignkey')
        batch_op.drop_column('unit_once_instrument_id')

    with op.batch_alter_table('waveinstrument', schema=None) as batch_op:
        batch_op.drop_column('ask_unit')
        batch_op.drop_column('open_link')
