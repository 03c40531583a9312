"""Shared set-up for the example scripts: the database to read (default: the demo's)."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
from sqlalchemy.engine import Engine

from mel.data.coverage import left_out_notes
from mel.db import make_engine
from mel.present.numbers import format_number
from mel.settings import ConfigError, load_settings


def demo_engine() -> Engine:
    """Engine for the configured database (MEL_DATABASE_URL, else the one `mel demo` fills)."""
    try:
        settings = load_settings()
    except ConfigError as exc:
        sys.exit(str(exc))
    url = settings.database
    if settings.default_database and not Path(url.removeprefix("sqlite:///")).exists():
        sys.exit(f"no database at {url}: run `mel demo --no-serve` first (or set MEL_DATABASE_URL)")
    return make_engine(url)


def fmt(value: float, digits: int = 0) -> str:
    """Dutch number format: 124.000 and 7,1 (mel's own formatter, as in the reports)."""
    return format_number(value, digits, "nl")


def say_left_out(data: pd.DataFrame) -> None:
    """Say (on stderr) which complete responses the frame left out, and why."""
    for note in left_out_notes(data.attrs):
        print(note, file=sys.stderr)
