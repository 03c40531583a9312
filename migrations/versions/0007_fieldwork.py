"""fieldwork: units register, wave designs, cases, contacts and mails

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 02:36:49.542465

``unit.active`` (units are marked inactive, never deleted) and ``unit.sizes`` (size
measures by name); ``wave.design`` and its source, the sample's seed and when it was drawn
and frozen; ``wavecase`` (a sampled unit or person and its AAPOR outcome), ``contact``
(kept apart from answers) and ``mail`` (one per contact and kind: idempotent sending).
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('opted_out_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('bounced_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('bounce_reason', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['instrument_id'], ['instrument.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.ForeignKeyConstraint(['wave_id'], ['wave.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('wave_id', 'instrument_id', 'email')
    )
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_wave_id'), ['wave_id'], unique=False)

    op.create_table('wavecase',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('stratum', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('inclusion_probability', sa.Float(), nullable=True),
    sa.Column('invitation_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('outcome_source', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
    sa.Column('outcome_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ),
    sa.ForeignKeyConstraint(['instrument_id'], ['instrument.id'], ),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitation.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.ForeignKeyConstraint(['wave_id'], ['wave.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('contact_id'),
    sa.UniqueConstraint('invitation_id'),
    sa.UniqueConstraint('wave_id', 'instrument_id', 'key')
    )
    with op.batch_alter_table('wavecase', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wavecase_outcome'), ['outcome'], unique=False)
        batch_op.create_index(batch_op.f('ix_wavecase_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_wavecase_wave_id'), ['wave_id'], unique=False)

    op.create_table('mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('claimed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['wavecase.id'], ),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('contact_id', 'kind')
    )
    with op.batch_alter_table('mail', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_status'), ['status'], unique=False)

    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('sizes', sa.JSON(), server_default='{}', nullable=False))

    with op.batch_alter_table('wave', schema=None) as batch_op:
        batch_op.add_column(sa.Column('design', sa.JSON(), server_default='{}', nullable=False))
        batch_op.add_column(sa.Column('source_path', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))
        batch_op.add_column(sa.Column('content_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column('sample_seed', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('sample_drawn_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('frozen_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('wave', schema=None) as batch_op:
        batch_op.drop_column('frozen_at')
        batch_op.drop_column('sample_drawn_at')
        batch_op.drop_column('sample_seed')
        batch_op.drop_column('content_hash')
        batch_op.drop_column('source_path')
        batch_op.drop_column('design')

    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_column('sizes')
        batch_op.drop_column('active')

    with op.batch_alter_table('mail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_status'))
        batch_op.drop_index(batch_op.f('ix_mail_contact_id'))
        batch_op.drop_index(batch_op.f('ix_mail_case_id'))

    op.drop_table('mail')
    with op.batch_alter_table('wavecase', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wavecase_wave_id'))
        batch_op.drop_index(batch_op.f('ix_wavecase_unit_id'))
        batch_op.drop_index(batch_op.f('ix_wavecase_outcome'))

    op.drop_table('wavecase')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_wave_id'))
        batch_op.drop_index(batch_op.f('ix_contact_unit_id'))

    op.drop_table('contact')
