"""Alembic environment: mel's SQLModel metadata, engine handed over by mel.db."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import mel.models  # noqa: F401  (registers every table on SQLModel.metadata)
from mel.db import make_engine

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    """Run migrations on the engine mel passed in (or MEL_DATABASE_URL via sqlalchemy.url)."""
    engine = config.attributes.get("engine")
    if engine is None:
        url = config.get_main_option("sqlalchemy.url")
        if not url:
            raise RuntimeError("run migrations with `mel db upgrade` (it sets the database)")
        engine = make_engine(url)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite rebuilds a table to alter it (copy, drop, rename); with foreign keys on,
            # dropping a table that others refer to fails. Alembic's advice: switch them off
            # outside the transaction and check the whole database afterwards.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=sqlite,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise RuntimeError(f"migration left rows without their parent: {broken[:5]}")
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported; use `mel db upgrade`")
run_migrations_online()
