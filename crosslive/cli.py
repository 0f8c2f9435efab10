"""The ``crosslive`` command: a thin click layer over functions that the tests call directly.

Subcommands are loaded lazily from the module that owns them (``name -> "module:attribute"``), so
``crosslive regions list`` does not import aiortc and each area keeps its CLI beside its code.
"""

from __future__ import annotations

import importlib

import click

# Top-level commands and the bench suite; each target is a click command or group.
COMMANDS: dict[str, str] = {
    "dev": "crosslive.commands.dev:dev",
    "regions": "crosslive.commands.regions:regions",
    "deploy": "crosslive.commands.deploy:deploy",
    "plugins": "crosslive.commands.plugins:plugins",
    "bench": "crosslive.cli:bench",
    "broadcast": "crosslive.commands.broadcast:broadcast",
}
BENCHMARKS: dict[str, str] = {
    "moderation": "bench.moderation:command",
    "media": "bench.media:command",
    "coldstart": "bench.coldstart:command",
    "comments": "bench.comments:command",
    "coupons": "bench.coupons:command",
    "localization": "bench.localization:command",
    "first-claim": "bench.first_claim:command",
    "soak": "bench.soak:command",
    "insights": "bench.insights:command",
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported only when used."""

    def __init__(self, *args: object, lazy: dict[str, str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.lazy))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            module_name, _, attr = self.lazy[cmd_name].partition(":")
            command = getattr(importlib.import_module(module_name), attr)
            if not isinstance(command, click.Command):
                raise click.ClickException(f"{self.lazy[cmd_name]} is not a click command")
            return command
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> object:
        """Run the subcommand; a plugin that is broken (bad data, a hook that raises) is reported
        as one line naming it, not a traceback, whichever command met it."""
        from plugins.manager import PluginError

        try:
            return super().invoke(ctx)
        except PluginError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="crosslive")
def main() -> None:
    """crosslive: the backbone for cross-border live commerce."""


@click.group(cls=LazyGroup, lazy=BENCHMARKS)
def bench() -> None:
    """Benchmarks: print figures and ratios against a baseline run in the same process."""


if __name__ == "__main__":
    main()
