"""peer: codings of review findings (reviewcoding)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 07:13:44.670557

``reviewcoding``: a code of the programme's code book given to a passage (characters
span_start to span_end) of an answer of a review response, with who and when. Rows go with
their response (ON DELETE CASCADE), so erasing a respondent erases the codings of their
answers.
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('reviewcoding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('answer_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('span_start', sa.Integer(), nullable=False),
    sa.Column('span_end', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('coded_by', sa.Integer(), nullable=True),
    sa.Column('coded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['coded_by'], ['useraccount.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['response_id'], ['response.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('response_id', 'answer_key', 'span_start', 'span_end', 'code', name='uq_coding')
    )
    with op.batch_alter_table('reviewcoding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reviewcoding_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_reviewcoding_response_id'), ['response_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('reviewcoding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviewcoding_response_id'))
        batch_op.drop_index(batch_op.f('ix_reviewcoding_code'))

    op.drop_table('reviewcoding')
