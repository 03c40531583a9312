"""Settings: defaults, then `MEL_*` environment variables, then explicit overrides."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent
# PDF engines of `mel report --pdf-engine` and MEL_PDF_ENGINE (here, so that the CLI's
# option needs no import of the report package and its pandas).
PDF_ENGINES = ("auto", "chromium", "weasyprint")


class ConfigError(RuntimeError):
    """A setting is missing or invalid; the message says which and how to fix it."""


def project_path(name: str) -> Path:
    """Locate a top-level project folder (templates, migrations, surveys).

    In a source checkout or editable install it sits beside the package; an installed
    wheel carries it inside the package as `_<name>`.
    """
    for candidate in (PACKAGE_DIR.parent / name, PACKAGE_DIR / f"_{name}"):
        if candidate.is_dir():
            return candidate
    raise ConfigError(f"cannot find the {name!r} folder next to {PACKAGE_DIR}")


def defaults(instance_path: Path) -> dict[str, Any]:
    """Return the default settings; the database is a SQLite file in the instance folder."""
    return {
        "DATABASE_URL": f"sqlite:///{instance_path / 'mel.sqlite'}",
        "SECRET_KEY": None,
        "SURVEYS_DIR": None,
        "RATELIMIT_STORAGE_URI": "memory://",
        "MIN_GROUP_SIZE": 10,
        "DEMO": False,
        "MAX_CONTENT_LENGTH": 256 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
    }


def environment_settings(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Read every `MEL_<NAME>` variable as setting `<NAME>` (numbers and booleans parsed)."""
    environ = os.environ if environ is None else environ
    settings: dict[str, Any] = {}
    for key, raw in environ.items():
        if key.startswith("MEL_") and not key.startswith("MEL_TEST_"):
            settings[key[4:]] = _parse(raw)
    return settings


def _parse(raw: str) -> Any:
    lowered = raw.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    try:
        return int(raw)
    except ValueError:
        return raw


def check(settings: Mapping[str, Any], *, debug: bool) -> None:
    """Refuse settings that are unsafe outside debug, demo and test runs."""
    relaxed = debug or settings.get("TESTING") or settings.get("DEMO")
    if not settings.get("SECRET_KEY") and not relaxed:
        raise ConfigError(
            "MEL_SECRET_KEY is not set. Set it to a long random value, e.g.\n"
            "  export MEL_SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')"
        )
    k = settings.get("MIN_GROUP_SIZE")
    if not isinstance(k, int) or k < 1:
        raise ConfigError(f"MEL_MIN_GROUP_SIZE must be a whole number >= 1, not {k!r}")
