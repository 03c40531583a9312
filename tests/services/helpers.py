"""Helpers for the service tests."""

from __future__ import annotations

from click.testing import CliRunner, Result
from sqlalchemy import text
from sqlalchemy.engine import Engine

from mel.cli import main


def mel(url: str, *args: str, env: dict[str, str] | None = None) -> Result:
    """Run a mel command on the database at `url` (with more MEL_* variables in `env`)."""
    return CliRunner(env={"MEL_DATABASE_URL": url, **(env or {})}).invoke(main, list(args))


def create_url_schema(engine: Engine) -> None:
    """On PostgreSQL, create the schema the URL's search_path names (`mel db upgrade` needs it)."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            schema = connection.execute(text("SHOW search_path")).scalar()
            connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
