"""Shared set-up for the example scripts: the database to read (default: the demo's)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from sqlalchemy.engine import Engine

from mel.db import make_engine
from mel.present.numbers import format_number

DEMO_URL = f"sqlite:///{Path.cwd() / 'instance' / 'demo.sqlite'}"


def demo_engine() -> Engine:
    """Engine for MEL_DATABASE_URL, else the database `mel demo` made in ./instance."""
    url = os.environ.get("MEL_DATABASE_URL", DEMO_URL)
    if url == DEMO_URL and not Path(url.removeprefix("sqlite:///")).exists():
        sys.exit("no demo database here: run `mel demo --no-serve` first (or set MEL_DATABASE_URL)")
    return make_engine(url)


def fmt(value: float, digits: int = 0) -> str:
    """Dutch number format: 124.000 and 7,1 (mel's own formatter, as in the reports)."""
    return format_number(value, digits, "nl")
