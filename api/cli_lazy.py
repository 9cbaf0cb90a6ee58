"""Sub-commands that are imported only when they run, so that `pakka --help` and light commands start fast.

A sub-app (`pakka models`, `pakka kb`...) lives next to what it drives and imports that at module load (the
router, the search stack, the pricing engine). Mounting them with `add_typer` would import every one of them
for every command. `lazy_group` instead makes the top-level group know each sub-app by name and one-line help:
`pakka --help` lists them from that, and only the sub-app a command line names is imported.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

import click
import typer
from typer.core import TyperGroup


@dataclass(frozen=True)
class LazySubcommand:
    target: str
    """`module:attribute` of the sub-app's `typer.Typer` (or click command)."""
    help: str
    """Its help as `pakka --help` lists it; a test keeps it equal to the sub-app's own."""

    def load(self, name: str) -> click.Command:
        module_name, attribute = self.target.split(":")
        found = getattr(importlib.import_module(module_name), attribute)
        command = typer.main.get_command(found) if isinstance(found, typer.Typer) else found
        command.name = name
        return command


def lazy_group(subcommands: dict[str, LazySubcommand]) -> type[TyperGroup]:
    """A TyperGroup class (`typer.Typer(cls=...)`) that adds `subcommands`, each imported on first use."""

    class LazyTyperGroup(TyperGroup):
        def list_commands(self, ctx: click.Context) -> list[str]:
            names = super().list_commands(ctx)
            return names + [name for name in subcommands if name not in names]

        def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
            command = super().get_command(ctx, cmd_name)
            if command is not None or cmd_name not in subcommands:
                return command
            if ctx.resilient_parsing:  # shell completion walks into the sub-app
                return self._loaded(cmd_name)
            # Listed in the help of this group only: a stand-in with the one-line help.
            lazy = subcommands[cmd_name]
            return click.Group(name=cmd_name, help=lazy.help, short_help=lazy.help)

        def resolve_command(
            self, ctx: click.Context, args: list[str]
        ) -> tuple[str | None, click.Command | None, list[str]]:
            name, command, rest = super().resolve_command(ctx, args)
            if name in subcommands and name not in self.commands:
                command = self._loaded(name)
            return name, command, rest

        def _loaded(self, name: str) -> click.Command:
            if name not in self.commands:
                self.add_command(subcommands[name].load(name), name)
            return self.commands[name]

    return LazyTyperGroup
