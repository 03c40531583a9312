"""quote marks (quotemark): staff mark open answers publishable for the report

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 07:16:18.520404

A mark refers to an answer's text by its SHA-256 digest, never to the response, so it holds
no answer text and no respondent.
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('quotemark',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('instrument', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('question', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('publishable', sa.Boolean(), nullable=False),
    sa.Column('marked_by', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('marked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['wave_id'], ['wave.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('wave_id', 'instrument', 'question', 'digest')
    )
    with op.batch_alter_table('quotemark', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quotemark_wave_id'), ['wave_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('quotemark', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quotemark_wave_id'))

    op.drop_table('quotemark')
