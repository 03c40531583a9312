"""A click group that imports a subcommand's module only when that subcommand is used.

`mel db upgrade --help` then loads mel.cli.db and nothing of the other commands; `mel --help`
loads every command module to list their one-line help, and each module keeps its heavy
imports (SQLAlchemy, pandas, Flask...) inside the command bodies, so that stays light too.
See click's documentation, "Lazily Loading Subcommands".
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from typing import Any

import click


class LazyGroup(click.Group):
    """A group whose subcommands come from a table of name -> "module:attribute"."""

    def __init__(
        self, *args: Any, lazy_subcommands: Mapping[str, str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_subcommands = dict(lazy_subcommands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every subcommand's name, those added eagerly and those in the table, sorted."""
        return sorted({*super().list_commands(ctx), *self.lazy_subcommands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The subcommand `cmd_name`, importing its module the first time it is asked for."""
        if cmd_name in self.lazy_subcommands and cmd_name not in self.commands:
            self.add_command(self.load(cmd_name), cmd_name)
        return super().get_command(ctx, cmd_name)

    def load(self, cmd_name: str) -> click.Command:
        """Import the command the table names for `cmd_name` (a wrong entry is a clear error)."""
        target = self.lazy_subcommands[cmd_name]
        module_name, _, attribute = target.partition(":")
        command = getattr(importlib.import_module(module_name), attribute, None)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.name} {cmd_name}: {target!r} is not a click command")
        return command


def walk(
    group: click.Command, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """Every command path under `group` with its command, the group itself first."""
    yield path, group
    if isinstance(group, click.Group):
        ctx = click.Context(group, info_name=group.name)
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            if command is not None:
                yield from walk(command, (*path, name))
