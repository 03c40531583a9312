"""staff accounts, programme memberships, audit log, erasure tombstones

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 07:51:53.029801
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('auditevent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('programme', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('target', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('auditevent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auditevent_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_auditevent_at'), ['at'], unique=False)

    op.create_table('useraccount',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('all_programmes', sa.Boolean(), nullable=False),
    sa.Column('session_version', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_login_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('useraccount', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_useraccount_email'), ['email'], unique=True)

    op.create_table('tombstone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('erased_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('tombstone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tombstone_key_hash'), ['key_hash'], unique=True)

    op.create_table('membership',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['useraccount.id'], ),
    sa.PrimaryKeyConstraint('user_id', 'programme_id')
    )


def downgrade() -> None:
    op.drop_table('membership')
    with op.batch_alter_table('tombstone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tombstone_key_hash'))

    op.drop_table('tombstone')
    with op.batch_alter_table('useraccount', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_useraccount_email'))

    op.drop_table('useraccount')
    with op.batch_alter_table('auditevent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auditevent_at'))
        batch_op.drop_index(batch_op.f('ix_auditevent_action'))

    op.drop_table('auditevent')
