"""register data: published register sources, versioned imports and their rows

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 07:11:24.372349

``registersource`` (a source declared in a programme file, as published),
``registerimport`` (one version per imported file: who, when, file hash) and
``registerrow`` (the checked rows of a version, as JSON, with their line in the file).
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('registerimport',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('file_name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('file_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('schema_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('imported_by', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('imported_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('source', 'version')
    )
    with op.batch_alter_table('registerimport', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registerimport_source'), ['source'], unique=False)

    op.create_table('registerrow',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.Integer(), nullable=False),
    sa.Column('values', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['import_id'], ['registerimport.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('registerrow', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registerrow_import_id'), ['import_id'], unique=False)

    op.create_table('registersource',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('spec', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    with op.batch_alter_table('registersource', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registersource_programme_id'), ['programme_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('registersource', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registersource_programme_id'))

    op.drop_table('registersource')
    with op.batch_alter_table('registerrow', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registerrow_import_id'))

    op.drop_table('registerrow')
    with op.batch_alter_table('registerimport', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registerimport_source'))

    op.drop_table('registerimport')
