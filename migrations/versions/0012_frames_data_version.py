"""frames: data versions kept by triggers, the key of the columnar frame cache

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 07:30:00

``dataversion`` holds counters that triggers bump: ``responses:<id>`` when a response of
the wave is started or deleted or changes status, unit or emptiness of its answers;
``wave:<id>`` when a complete response of the wave is inserted, changed or deleted (or a
response becomes complete); ``design`` when a unit, frame unit, stratum, frame persons
count, instrument version or wave changes or a case's outcome becomes or stops being not
eligible; ``cases`` when a case, contact or mail changes (what a wave's fieldwork status
counts); ``database`` is a random number that tells one incarnation of a database from the
next (see `mel.data.frame_cache`).
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CASES_TABLES = ("wavecase", "contact", "mail")
DESIGN_TABLES = (
    "unit",
    "frameunit",
    "frameunitpersons",
    "wavestratum",
    "instrument",
    "instrumentversion",
    "wave",
    "waveinstrument",
)
COMPLETE = "'complete'"
NOT_ELIGIBLE = "'not_eligible'"


def _sqlite_bump(scope: str) -> str:
    return (
        f"INSERT INTO dataversion (scope, version) VALUES ({scope}, 1) "
        "ON CONFLICT (scope) DO UPDATE SET version = dataversion.version + 1;"
    )


def _sqlite() -> list[str]:
    new, old = "'wave:' || NEW.wave_id", "'wave:' || OLD.wave_id"
    any_new, any_old = "'responses:' || NEW.wave_id", "'responses:' || OLD.wave_id"
    statements = [
        f"CREATE TRIGGER mel_dv_response_insert AFTER INSERT ON response "
        f"WHEN NEW.status = {COMPLETE} BEGIN {_sqlite_bump(new)} END",
        f"CREATE TRIGGER mel_dv_response_update AFTER UPDATE ON response "
        f"WHEN NEW.status = {COMPLETE} OR OLD.status = {COMPLETE} "
        f"BEGIN {_sqlite_bump(old)} {_sqlite_bump(new)} END",
        f"CREATE TRIGGER mel_dv_response_delete AFTER DELETE ON response "
        f"WHEN OLD.status = {COMPLETE} BEGIN {_sqlite_bump(old)} END",
        f"CREATE TRIGGER mel_dv_responses_insert AFTER INSERT ON response "
        f"BEGIN {_sqlite_bump(any_new)} END",
        f"CREATE TRIGGER mel_dv_responses_update AFTER UPDATE ON response "
        f"WHEN NEW.status IS NOT OLD.status OR NEW.unit_id IS NOT OLD.unit_id "
        f"OR NEW.wave_id IS NOT OLD.wave_id "
        f"OR (NEW.answers = '{{}}') IS NOT (OLD.answers = '{{}}') "
        f"BEGIN {_sqlite_bump(any_old)} {_sqlite_bump(any_new)} END",
        f"CREATE TRIGGER mel_dv_responses_delete AFTER DELETE ON response "
        f"BEGIN {_sqlite_bump(any_old)} END",
        f"CREATE TRIGGER mel_dv_case_insert AFTER INSERT ON wavecase "
        f"WHEN NEW.outcome = {NOT_ELIGIBLE} BEGIN {_sqlite_bump(repr('design'))} END",
        f"CREATE TRIGGER mel_dv_case_update AFTER UPDATE ON wavecase "
        f"WHEN NEW.outcome IS NOT OLD.outcome AND "
        f"(NEW.outcome = {NOT_ELIGIBLE} OR OLD.outcome = {NOT_ELIGIBLE}) "
        f"BEGIN {_sqlite_bump(repr('design'))} END",
        f"CREATE TRIGGER mel_dv_case_delete AFTER DELETE ON wavecase "
        f"WHEN OLD.outcome = {NOT_ELIGIBLE} BEGIN {_sqlite_bump(repr('design'))} END",
    ]
    for table in CASES_TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            statements.append(
                f"CREATE TRIGGER mel_dv_cases_{table}_{event.lower()} AFTER {event} ON {table} "
                f"BEGIN {_sqlite_bump(repr('cases'))} END"
            )
    for table in DESIGN_TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            statements.append(
                f"CREATE TRIGGER mel_dv_{table}_{event.lower()} AFTER {event} ON {table} "
                f"BEGIN {_sqlite_bump(repr('design'))} END"
            )
    return statements


def _sqlite_names() -> list[str]:
    names = [f"mel_dv_response_{e}" for e in ("insert", "update", "delete")]
    names += [f"mel_dv_responses_{e}" for e in ("insert", "update", "delete")]
    names += [f"mel_dv_case_{e}" for e in ("insert", "update", "delete")]
    names += [f"mel_dv_{t}_{e}" for t in DESIGN_TABLES for e in ("insert", "update", "delete")]
    names += [f"mel_dv_cases_{t}_{e}" for t in CASES_TABLES for e in ("insert", "update", "delete")]
    return names


PG_FUNCTIONS = [
    """CREATE OR REPLACE FUNCTION mel_dv_bump(name text) RETURNS void LANGUAGE sql AS $$
        INSERT INTO dataversion (scope, version) VALUES (name, 1)
        ON CONFLICT (scope) DO UPDATE SET version = dataversion.version + 1
    $$""",
    f"""CREATE OR REPLACE FUNCTION mel_dv_response() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            PERFORM mel_dv_bump('responses:' || NEW.wave_id);
        ELSIF TG_OP = 'DELETE' THEN
            PERFORM mel_dv_bump('responses:' || OLD.wave_id);
        ELSIF OLD.status IS DISTINCT FROM NEW.status OR OLD.unit_id IS DISTINCT FROM NEW.unit_id
                OR OLD.wave_id <> NEW.wave_id
                OR (OLD.answers::text = '{{}}') IS DISTINCT FROM (NEW.answers::text = '{{}}') THEN
            PERFORM mel_dv_bump('responses:' || OLD.wave_id);
            PERFORM mel_dv_bump('responses:' || NEW.wave_id);
        END IF;
        IF TG_OP <> 'INSERT' THEN
            IF OLD.status = {COMPLETE} THEN PERFORM mel_dv_bump('wave:' || OLD.wave_id); END IF;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            IF NEW.status = {COMPLETE} THEN
                IF TG_OP = 'INSERT' THEN
                    PERFORM mel_dv_bump('wave:' || NEW.wave_id);
                ELSIF OLD.status IS DISTINCT FROM NEW.status OR OLD.wave_id <> NEW.wave_id THEN
                    PERFORM mel_dv_bump('wave:' || NEW.wave_id);
                END IF;
            END IF;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE OR REPLACE FUNCTION mel_dv_cases() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM mel_dv_bump('cases');
        RETURN NULL;
    END $$""",
    """CREATE OR REPLACE FUNCTION mel_dv_design() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM mel_dv_bump('design');
        RETURN NULL;
    END $$""",
]


def _postgresql() -> list[str]:
    statements = list(PG_FUNCTIONS)
    statements.append(
        "CREATE TRIGGER mel_dv_response AFTER INSERT OR UPDATE OR DELETE ON response "
        "FOR EACH ROW EXECUTE FUNCTION mel_dv_response()"
    )
    statements += [
        f"CREATE TRIGGER mel_dv_case_insert AFTER INSERT ON wavecase FOR EACH ROW "
        f"WHEN (NEW.outcome = {NOT_ELIGIBLE}) EXECUTE FUNCTION mel_dv_design()",
        f"CREATE TRIGGER mel_dv_case_update AFTER UPDATE ON wavecase FOR EACH ROW "
        f"WHEN (NEW.outcome IS DISTINCT FROM OLD.outcome AND "
        f"(NEW.outcome = {NOT_ELIGIBLE} OR OLD.outcome = {NOT_ELIGIBLE})) "
        f"EXECUTE FUNCTION mel_dv_design()",
        f"CREATE TRIGGER mel_dv_case_delete AFTER DELETE ON wavecase FOR EACH ROW "
        f"WHEN (OLD.outcome = {NOT_ELIGIBLE}) EXECUTE FUNCTION mel_dv_design()",
    ]
    for table in CASES_TABLES:
        statements.append(
            f"CREATE TRIGGER mel_dv_cases_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION mel_dv_cases()"
        )
    for table in DESIGN_TABLES:  # statement level: one bump per import, however large
        statements.append(
            f"CREATE TRIGGER mel_dv_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION mel_dv_design()"
        )
    return statements


def upgrade() -> None:
    op.create_table(
        "dataversion",
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("scope"),
    )
    op.execute(
        sa.text(
            "INSERT INTO dataversion (scope, version) VALUES ('database', :token), ('design', 1)"
        ).bindparams(token=secrets.randbits(62))
    )
    dialect = op.get_bind().dialect.name
    for statement in _postgresql() if dialect == "postgresql" else _sqlite():
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER mel_dv_response ON response")
        for name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER mel_dv_case_{name} ON wavecase")
        for table in DESIGN_TABLES:
            op.execute(f"DROP TRIGGER mel_dv_{table} ON {table}")
        for table in CASES_TABLES:
            op.execute(f"DROP TRIGGER mel_dv_cases_{table} ON {table}")
        for function in (
            "mel_dv_response()",
            "mel_dv_design()",
            "mel_dv_cases()",
            "mel_dv_bump(text)",
        ):
            op.execute(f"DROP FUNCTION {function}")
    else:
        for name in _sqlite_names():
            op.execute(f"DROP TRIGGER {name}")
    op.drop_table("dataversion")
