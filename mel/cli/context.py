"""Shared CLI plumbing: settings, engine, and turning errors into clear messages."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from mel.settings import ConfigError, Settings, load_settings

if TYPE_CHECKING:  # SQLAlchemy loads when a command uses the database, not for --help
    from sqlalchemy.engine import Engine

F = TypeVar("F", bound=Callable[..., Any])


def settings() -> Settings:
    """Return the settings (defaults and MEL_* environment variables; no app needed)."""
    return load_settings()


def engine(database_url: str | None = None) -> Engine:
    """Return an engine for `database_url`, else the configured database.

    The default SQLite file's folder is created; a SQLite URL given explicitly must name an
    existing file, so that a typo does not create an empty database.
    """
    from mel.db import make_engine
    from mel.db_timeouts import Timeouts

    current = settings()
    url = database_url or current.database
    if url.startswith("sqlite:///"):  # relative (sqlite:///x) and absolute (sqlite:////x)
        path = Path(url.removeprefix("sqlite:///"))
        if database_url is not None and not path.exists():
            raise ConfigError(
                f"no database at {path} (create one with `mel demo` or `mel db upgrade`)"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
    return make_engine(url, Timeouts.for_commands(current))


def surveys_dir() -> Path:
    """Return MEL_SURVEYS_DIR or the project's surveys/ folder."""
    return settings().surveys


def cli_errors(func: F) -> F:
    """Report configuration and database errors as one clear line, exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None
        except Exception as exc:
            from sqlalchemy.exc import OperationalError, ProgrammingError

            if not isinstance(exc, OperationalError | ProgrammingError):
                raise
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise click.ClickException(
                f"cannot use the database ({reason}). Check MEL_DATABASE_URL and that "
                f"`mel db upgrade` (or `mel demo`) has run."
            ) from None

    return wrapper  # type: ignore[return-value]
