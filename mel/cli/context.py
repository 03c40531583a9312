"""Shared CLI plumbing: settings, engine, and turning errors into clear messages."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, ProgrammingError

from mel.db import make_engine
from mel.settings import ConfigError, defaults, environment_settings, project_path

F = TypeVar("F", bound=Callable[..., Any])
INSTANCE_PATH = Path.cwd() / "instance"


def settings() -> dict[str, Any]:
    """Return defaults overlaid with MEL_* environment variables (no app needed)."""
    values = defaults(INSTANCE_PATH)
    values.update(environment_settings())
    return values


def engine() -> Engine:
    """Return an engine for MEL_DATABASE_URL (default: instance/mel.sqlite)."""
    url = settings()["DATABASE_URL"]
    if url.startswith("sqlite:///"):  # relative (sqlite:///x) and absolute (sqlite:////x)
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return make_engine(url)


def surveys_dir() -> Path:
    """Return MEL_SURVEYS_DIR or the project's surveys/ folder."""
    configured = settings().get("SURVEYS_DIR")
    return Path(configured) if configured else project_path("surveys")


def _demo_hint() -> str:
    """Point at the demo database when the default one is in use and a demo exists."""
    demo = INSTANCE_PATH / "demo.sqlite"
    if "DATABASE_URL" in environment_settings() or not demo.exists():
        return ""
    return (
        f" (`mel demo` filled {demo}: add --database-url sqlite:///{demo} or set MEL_DATABASE_URL)"
    )


def cli_errors(func: F) -> F:
    """Report configuration and database errors as one clear line, exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None
        except (OperationalError, ProgrammingError) as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise click.ClickException(
                f"cannot use the database ({reason}). Check MEL_DATABASE_URL and that "
                f"`mel db upgrade` has run."
                f"{'' if kwargs.get('database_url') else _demo_hint()}"
            ) from None

    return wrapper  # type: ignore[return-value]
