"""data versions: one bump per scope and transaction (bulk changes in linear time)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 10:45:00

On PostgreSQL every bump of a data version updated the same ``dataversion`` row; in one
transaction of many changes (a sample of 200,000 cases given their outcomes, a wave of
responses loaded at once) each update had to walk the chain of that row's earlier versions
made by the same transaction, so the time grew with the square of the changes (5,000 bumps
in 0.25 s, 20,000 in 2.5 s). A version needs to change once per transaction that changed
its data: `mel_dv_bump` now remembers in a transaction-local setting which scopes it has
bumped and skips the rest (200,000 in 0.25 s). A savepoint rolled back forgets its bumps
with its changes, so a later change in the same transaction bumps again. SQLite updates
rows in place and keeps its triggers.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ONCE_PER_TRANSACTION = """CREATE OR REPLACE FUNCTION mel_dv_bump(name text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    marker text := 'mel_dv.s' || md5(name);
    transaction_id text := pg_current_xact_id()::text;
BEGIN
    IF current_setting(marker, true) IS NOT DISTINCT FROM transaction_id THEN
        RETURN;
    END IF;
    INSERT INTO dataversion (scope, version) VALUES (name, 1)
    ON CONFLICT (scope) DO UPDATE SET version = dataversion.version + 1;
    PERFORM set_config(marker, transaction_id, true);
END $$"""

EVERY_CALL = """CREATE OR REPLACE FUNCTION mel_dv_bump(name text) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO dataversion (scope, version) VALUES (name, 1)
    ON CONFLICT (scope) DO UPDATE SET version = dataversion.version + 1
$$"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(ONCE_PER_TRANSACTION)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(EVERY_CALL)
