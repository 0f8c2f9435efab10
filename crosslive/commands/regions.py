"""``crosslive regions list|check|add``."""

from __future__ import annotations

from pathlib import Path

import click
from pydantic import ValidationError

from crosslive.regions import (
    REGIONS_DIR,
    MediaFleet,
    RegionConfig,
    check_regions,
    describe_zones,
    parse_region_file,
    plugins_for_markets,
    plugins_in_effect,
    region_files,
    region_to_toml,
    residency_zones,
)


@click.group()
def regions() -> None:
    """Deployment regions (one TOML file each under regions/)."""


@regions.command("list")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=REGIONS_DIR)
def list_regions(directory: Path) -> None:
    """Show every region: AWS region, role, origin, markets, media fleet."""
    rows = []
    for path in region_files(directory):
        config, problems = parse_region_file(path)
        if config is None:
            rows.append(
                (path.stem, "-", "INVALID", "-", f"{len(problems)} problem(s): run `crosslive regions check`", "-")
            )
            continue
        fleet = f"{config.media.nodes} x {config.media.instance_type}"
        rows.append(
            (config.name, config.aws_region, config.role, config.origin or "-", ",".join(config.markets), fleet)
        )
    header = ("name", "aws region", "role", "origin", "markets", "media nodes")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        click.echo("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


@regions.command("check")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=REGIONS_DIR)
def check(files: tuple[Path, ...], directory: Path) -> None:
    """Report every problem in the region files (all of them when none are named), with lines."""
    targets = list(files) or region_files(directory)
    problems = check_regions(targets, all_paths=[*region_files(directory), *targets])
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in {len({p.path for p in problems})} file(s)")
    click.echo(f"{len(targets)} region file(s) OK")
    every = {p.resolve(): p for p in [*region_files(directory), *targets]}
    configs = [c for c in (parse_region_file(p)[0] for p in every.values()) if c is not None]
    # Where each restricted market's personal data will live (the placement synth builds).
    for line in describe_zones(residency_zones(configs)[0]):
        click.echo(line)


@regions.command("add")
@click.argument("name")
@click.option("--aws-region", required=True, help="e.g. sa-east-1")
@click.option("--role", type=click.Choice(["origin", "edge"]), default="edge", show_default=True)
@click.option("--origin", help="the origin region's name (edges)")
@click.option("--market", "markets", multiple=True, required=True, help="a market served (repeat)")
@click.option(
    "--plugin",
    "plugins",
    multiple=True,
    help="a plugin to enable (default: the installed plugin providing each market, + market-cn)",
)
@click.option("--nodes", type=int, default=1, show_default=True)
@click.option("--instance-type", default="c7i.large", show_default=True)
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=REGIONS_DIR)
@click.option("--force", is_flag=True, help="overwrite an existing file")
def add(
    name: str,
    aws_region: str,
    role: str,
    origin: str | None,
    markets: tuple[str, ...],
    plugins: tuple[str, ...],
    nodes: int,
    instance_type: str,
    directory: Path,
    force: bool,
) -> None:
    """Write regions/NAME.toml from flags, refusing anything `check` would reject."""
    codes = [m.upper() for m in markets]
    enabled = list(plugins) or sorted(plugins_for_markets([*codes, "CN"]))
    try:
        config = RegionConfig(
            name=name,
            aws_region=aws_region,
            role=role,  # type: ignore[arg-type]
            origin=origin,
            markets=codes,  # type: ignore[arg-type]
            plugins=enabled,
            media=MediaFleet(nodes=nodes, instance_type=instance_type),
        )
    except ValidationError as exc:
        messages = [f"{'.'.join(map(str, e['loc']))}: {e['msg'].removeprefix('Value error, ')}" for e in exc.errors()]
        raise click.ClickException("; ".join(messages)) from exc
    path = directory / f"{name}.toml"
    if path.exists() and not force:
        raise click.ClickException(f"{path} exists (use --force to overwrite)")
    directory.mkdir(parents=True, exist_ok=True)
    previous = path.read_text(encoding="utf-8") if path.exists() else None
    path.write_text(region_to_toml(config), encoding="utf-8")
    problems = check_regions([path], all_paths=[*region_files(directory), path])
    if problems:  # leave the directory as it was
        if previous is None:
            path.unlink()
        else:
            path.write_text(previous, encoding="utf-8")
        raise click.ClickException("\n".join(str(p) for p in problems))
    click.echo(f"wrote {path}")
    if config.role == "edge" and config.origin:
        _tell_about_the_origin(config, directory)


def _tell_about_the_origin(edge: RegionConfig, directory: Path) -> None:
    """Say what the new edge changes in its origin, and the order to deploy them."""
    configs = [c for c in (parse_region_file(p)[0] for p in region_files(directory)) if c is not None]
    origin = next((c for c in configs if c.name == edge.origin), None)
    if origin is None:
        return
    added = [name for name in plugins_in_effect(origin, configs) if name not in origin.plugins]
    if added:
        click.echo(
            f"the origin {origin.name!r} also loads {', '.join(added)}: an origin hosts the rooms and coupons "
            "of every market its edges serve (no change to its file needed)"
        )
    # CloudFormation adds one global-table replica per origin update: the deploy tool does that
    # step for this region alone, then deploys the region (docs/operations.md).
    click.echo(
        f"next: crosslive deploy {edge.name} (updates {origin.name} first: adds {edge.aws_region} to its "
        "replicas, one region per origin update, and its plugins; then deploys this region; enable the "
        "AWS region first if it is opt-in)"
    )
