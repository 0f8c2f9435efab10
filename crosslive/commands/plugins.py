"""``crosslive plugins list`` (and the plugin kit's ``new`` and ``check``)."""

from __future__ import annotations

from pathlib import Path

import click

from crosslive.regions import REGIONS_DIR, parse_region_file, region_files
from plugins.manager import PluginError, build_plugin_manager


@click.group()
def plugins() -> None:
    """Market plugins: which are loaded where, and the kit to write new ones."""


@plugins.command("list")
@click.option("--region", "region_names", multiple=True, help="only these regions (default: all)")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=REGIONS_DIR)
def list_plugins(region_names: tuple[str, ...], directory: Path) -> None:
    """Per region: each enabled plugin and the hooks it implements."""
    for path in region_files(directory):
        config, problems = parse_region_file(path)
        if config is None or (region_names and config.name not in region_names):
            if config is None:
                click.echo(f"{path.stem}: invalid region file ({len(problems)} problem(s))", err=True)
            continue
        click.echo(f"{config.name} ({config.aws_region}, {config.role})")
        try:
            pm = build_plugin_manager(config.plugins)
        except PluginError as exc:
            click.echo(f"  ERROR: {exc}", err=True)
            continue
        by_plugin: dict[str, list[str]] = {}
        for hook, names in pm.implementations().items():
            for name in names:
                by_plugin.setdefault(name, []).append(hook)
        for name in sorted(by_plugin):
            click.echo(f"  {name}: {', '.join(sorted(by_plugin[name]))}")
