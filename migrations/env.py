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
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported; use `mel db upgrade`")
run_migrations_online()
