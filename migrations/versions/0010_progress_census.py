"""progress measurement: the programme's published progress indicators, and a unit's
coordinator account

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 07:25:00

``programme.progress`` holds the published ``progress:`` block of programme.yaml (the yearly
census's indicators); ``useraccount.unit_id`` ties a coordinator account to its unit.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.add_column(sa.Column('progress', sa.JSON(), nullable=True))
    with op.batch_alter_table('useraccount', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_useraccount_unit_id_unit', 'unit', ['unit_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('useraccount', schema=None) as batch_op:
        batch_op.drop_constraint('fk_useraccount_unit_id_unit', type_='foreignkey')
        batch_op.drop_column('unit_id')
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.drop_column('progress')
