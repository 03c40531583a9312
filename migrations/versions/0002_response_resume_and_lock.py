"""response resume token, lock version, one response per invitation

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 06:59:39.815662
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resume_token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column('lock_version', sa.Integer(), nullable=False, server_default='0'))
        batch_op.drop_index(batch_op.f('ix_response_invitation_id'))
        batch_op.create_unique_constraint('uq_response_invitation_id', ['invitation_id'])
        batch_op.create_unique_constraint('uq_response_resume_token_hash', ['resume_token_hash'])


def downgrade() -> None:
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_constraint('uq_response_resume_token_hash', type_='unique')
        batch_op.drop_constraint('uq_response_invitation_id', type_='unique')
        batch_op.create_index(batch_op.f('ix_response_invitation_id'), ['invitation_id'], unique=False)
        batch_op.drop_column('lock_version')
        batch_op.drop_column('resume_token_hash')
