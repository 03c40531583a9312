"""`mel --help` and every subcommand's --help load no heavy library (#18: a CLI that starts fast).

Heavy imports (pandas, SQLAlchemy and the models, matplotlib, statsmodels, pydantic) belong in
the commands that use them; each help is checked in a fresh interpreter.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from mel.cli import main

HEAVY = {
    "pandas",
    "numpy",
    "sqlalchemy",
    "sqlmodel",
    "matplotlib",
    "statsmodels",
    "scipy",
    "pydantic",
    "alembic",
    "flask",
    "jinja2",
    "openpyxl",
    "pyreadstat",
}


def _commands(group, prefix=()):  # type: ignore[no-untyped-def]
    yield prefix
    for name, command in getattr(group, "commands", {}).items():
        yield from _commands(command, (*prefix, name))


@pytest.mark.parametrize("path", list(_commands(main)), ids=lambda p: " ".join(p) or "mel")
def test_help_loads_no_heavy_library(path: tuple[str, ...]) -> None:
    code = (
        "import sys\n"
        "from mel.cli import main\n"
        "try:\n"
        f"    main({[*path, '--help']!r}, standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(done.stdout.strip().splitlines()[-1].split())
    assert "Usage:" in done.stdout
    assert loaded & HEAVY == set(), f"mel {' '.join(path)} --help loads {sorted(loaded & HEAVY)}"
