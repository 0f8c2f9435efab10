"""``crosslive plugins list`` (and the plugin kit's ``new`` and ``check``)."""

from __future__ import annotations

from pathlib import Path

import click

from crosslive.regions import REGIONS_DIR, markets_of_plugins, parse_region_file, plugins_in_effect, region_files
from plugins.manager import DEFAULT_PLUGINS, PluginError, build_plugin_manager, known_plugin_names


@click.group()
def plugins() -> None:
    """Market plugins: which are loaded where, and the kit to write new ones."""


@plugins.command("list")
@click.option("--region", "region_names", multiple=True, help="only these regions (default: all)")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=REGIONS_DIR)
def list_plugins(region_names: tuple[str, ...], directory: Path) -> None:
    """Per region: each plugin in effect and the hooks it implements; then installed plugins no
    region enables (e.g. a market package just pip-installed)."""
    configs = []
    for path in region_files(directory):
        config, problems = parse_region_file(path)
        if config is None:
            click.echo(f"{path.stem}: invalid region file ({len(problems)} problem(s))", err=True)
        else:
            configs.append(config)
    provided = markets_of_plugins()
    enabled_anywhere: set[str] = set()
    for config in configs:
        in_effect = plugins_in_effect(config, configs, provided)
        enabled_anywhere.update(in_effect)
        if region_names and config.name not in region_names:
            continue
        click.echo(f"{config.name} ({config.aws_region}, {config.role})")
        try:
            pm = build_plugin_manager(in_effect)
        except PluginError as exc:
            click.echo(f"  ERROR: {exc}", err=True)
            continue
        by_plugin: dict[str, list[str]] = {}
        for hook, names in pm.implementations().items():
            for name in names:
                by_plugin.setdefault(name, []).append(hook)
        for name in sorted(by_plugin):
            origin_only = "" if name in config.plugins or name in DEFAULT_PLUGINS else " (enabled by an edge)"
            click.echo(f"  {name}{origin_only}: {', '.join(sorted(by_plugin[name]))}")
    unused = [name for name in known_plugin_names() if name not in enabled_anywhere]
    if unused and not region_names:
        click.echo("installed, enabled in no region (add to a region's plugins to use):")
        for name in unused:
            markets = ", ".join(sorted(provided.get(name, ()))) or "no markets"
            click.echo(f"  {name} ({markets})")


@plugins.command("new")
@click.argument("name")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="where to create the package folder",
)
@click.option("--market", "code", default="KE", show_default=True, help="ISO 3166-1 code of the new market")
@click.option("--market-name", default="Kenya", show_default=True)
@click.option("--currency", default="KES", show_default=True, help="ISO 4217 code")
@click.option("--locale", default="en_KE", show_default=True, help="CLDR locale")
@click.option("--languages", default="en,sw", show_default=True, help="BCP 47 tags, comma-separated")
@click.option("--time-zone", default="Africa/Nairobi", show_default=True)
@click.option("--aws-region", default="eu-central-1", show_default=True, help="preferred serving region")
def new_plugin_command(
    name: str,
    directory: Path,
    code: str,
    market_name: str,
    currency: str,
    locale: str,
    languages: str,
    time_zone: str,
    aws_region: str,
) -> None:
    """Scaffold an installable market plugin package NAME (pyproject, hooks, data, tests)."""
    from crosslive.plugin_kit.scaffold import MarketSpec, ScaffoldError, new_plugin

    spec = MarketSpec(
        code=code.upper(),
        name=market_name,
        currency=currency.upper(),
        locale=locale,
        languages=tuple(t.strip() for t in languages.split(",") if t.strip()),
        time_zone=time_zone,
        aws_region=aws_region,
    )
    try:
        target = new_plugin(name, directory, spec)
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"created {target}")
    click.echo(f"  pip install -e {target}   # registers the '{name}' entry point in group 'crosslive'")
    click.echo(f"  crosslive plugins check {name}")


@plugins.command("check")
@click.argument("target")
def check_plugin_command(target: str) -> None:
    """Run the conformance suite on an installed plugin (distribution or entry point) or a module."""
    from crosslive.plugin_kit.conformance import check_target

    try:
        reports = check_target(target)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from exc
    for report in reports:
        click.echo(report.render())
    if not all(report.ok for report in reports):
        raise SystemExit(1)
