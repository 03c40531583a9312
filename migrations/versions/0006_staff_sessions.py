"""staff sessions (staffsession): a login ends server-side on logout, password change
and disabling, instead of living on in its signed cookie

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 01:17:10.980449

Logins made before this revision carry no session key and are asked to log in again.
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('staffsession',
    sa.Column('key_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['useraccount.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('key_hash')
    )
    with op.batch_alter_table('staffsession', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staffsession_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_staffsession_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('staffsession', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staffsession_user_id'))
        batch_op.drop_index(batch_op.f('ix_staffsession_expires_at'))

    op.drop_table('staffsession')
