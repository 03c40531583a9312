"""`mel --help` and every subcommand's --help load no heavy library (#18: a CLI that starts fast).

Heavy imports (pandas, SQLAlchemy and the models, matplotlib, statsmodels, pydantic) belong in
the commands that use them; each help is checked in a fresh interpreter. The `mel` group loads
a subcommand's module only when that subcommand is used (mel.cli.COMMANDS).
"""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from mel.cli import COMMANDS, main
from mel.cli.invitations import MAIL_COMMANDS, invitations_group
from mel.cli.lazy import LazyGroup, walk

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

# Command modules no other module imports on load: a help of another command must not load them.
ALONE = {"analyse": "mel.cli.analyse", "report": "mel.cli.report", "demo": "mel.cli.demo"}
ALONE |= {"serve": "mel.cli.demo", "simulate": "mel.cli.simulate", "surveys": "mel.cli.surveys"}

PATHS = [path for path, _ in walk(main)]


def _help(path: tuple[str, ...]) -> tuple[str, set[str], set[str]]:
    """Help text, top-level packages and mel.cli modules that `mel PATH --help` loads."""
    code = (
        "import sys\n"
        "from mel.cli import main\n"
        "try:\n"
        f"    main({[*path, '--help']!r}, standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('mel.cli.'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    *text, packages, cli = done.stdout.rstrip("\n").splitlines()
    return "\n".join(text), set(packages.split()), set(cli.split())


def test_every_command_is_listed() -> None:
    assert len(PATHS) > 40
    eager = {path[0] for path in PATHS if path} - set(COMMANDS)
    assert not eager, f"list {sorted(eager)} in mel.cli.COMMANDS instead of main.add_command"
    assert {("invitations", name) for name in MAIL_COMMANDS} <= set(PATHS)
    assert ("db", "upgrade") in PATHS and ("invitations", "create") in PATHS


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "mel")
def test_help_loads_no_heavy_library(path: tuple[str, ...]) -> None:
    text, loaded, cli = _help(path)
    assert "Usage:" in text
    assert loaded & HEAVY == set(), f"mel {' '.join(path)} --help loads {sorted(loaded & HEAVY)}"
    if path:  # a subcommand's help loads its own module, not those of unrelated commands
        others = {module for name, module in ALONE.items() if COMMANDS[path[0]] != COMMANDS[name]}
        others -= {COMMANDS[path[0]].partition(":")[0]}
        assert COMMANDS[path[0]].partition(":")[0] in cli
        assert cli & others == set(), f"mel {' '.join(path)} --help loads {sorted(cli & others)}"


@pytest.mark.parametrize(
    ("group", "table"), [(main, COMMANDS), (invitations_group, MAIL_COMMANDS)], ids=["mel", "inv"]
)
def test_every_entry_of_the_tables_resolves(group: LazyGroup, table: dict[str, str]) -> None:
    for name, target in table.items():
        command = group.load(name)
        assert isinstance(command, click.Command), target
        assert command.name == name, f"{target} is called {command.name!r}, listed as {name!r}"
        assert command.help, f"{target} has no help"


def test_a_wrong_entry_is_a_clear_error() -> None:
    group = LazyGroup("g", lazy_subcommands={"x": "mel.cli.context:settings"})
    with pytest.raises(TypeError, match=r"g x: 'mel.cli.context:settings' is not a click command"):
        group.get_command(click.Context(group), "x")
    assert group.get_command(click.Context(group), "nosuch") is None
