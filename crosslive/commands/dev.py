"""``crosslive dev``: the whole platform on this machine, no AWS account."""

from __future__ import annotations

import signal
import threading

import click

from crosslive.dev.platform import EmbeddedPlatform
from plugins.manager import PluginError


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="loopback only by default")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--media/--no-media", default=True, show_default=True, help="origin and edge media nodes + demo")
@click.option(
    "--demo-viewers",
    default=0,
    show_default=True,
    type=click.IntRange(0, 20_000),
    help="synthetic viewers of the demo room (insights panel data), fed through the real node feed",
)
@click.option(
    "--zone",
    "zone_specs",
    multiple=True,
    metavar="NAME=MARKET[,MARKET]@HOME",
    help="a data-residency zone, e.g. eu=DE,FR@eu-central-1: those markets' personal data goes to "
    "the zone's tables in HOME (docs/residency.md); default: none",
)
def dev(host: str, port: int, media: bool, demo_viewers: int, zone_specs: tuple[str, ...]) -> None:
    """Run DynamoDB (moto), every function, the issuer, media nodes and pages; Ctrl-C stops."""
    platform = EmbeddedPlatform(host=host, port=port, zones=parse_zone_specs(zone_specs) or None)
    if media:
        platform.services.extend(_media_services())
    if demo_viewers:
        from crosslive.dev.demo_viewers import DemoViewersService

        platform.services.append(DemoViewersService(demo_viewers))
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    click.echo("starting the embedded platform ...")
    try:
        platform.start()
    except PluginError as exc:
        raise click.ClickException(f"refusing to start: {exc}") from exc
    try:
        click.echo(click.style("crosslive is running", bold=True))
        for name, url in platform.urls().items():
            click.echo(f"  {name:<22} {url}")
        click.echo("tokens (Authorization: Bearer ...):")
        for who, token in platform.demo_tokens().items():
            click.echo(f"  {who}\n    {token}")
        click.echo("press Ctrl-C to stop")
        stop.wait()
    finally:
        click.echo("stopping ...")
        platform.stop()
        click.echo("stopped")


def parse_zone_specs(specs: tuple[str, ...]) -> dict[str, dict[str, object]]:
    """``--zone eu=DE,FR@eu-central-1`` options as the ``CROSSLIVE_ZONES`` value."""
    zones: dict[str, dict[str, object]] = {}
    for spec in specs:
        name, _, rest = spec.partition("=")
        markets, _, home = rest.partition("@")
        codes = [m.strip().upper() for m in markets.split(",") if m.strip()]
        if not name or not codes or not home:
            raise click.BadParameter(f"{spec!r}: expected NAME=MARKET[,MARKET]@HOME_REGION", param_hint="--zone")
        zones[name.strip()] = {"home": home.strip(), "regions": [home.strip()], "markets": codes}
    return zones


def _media_services() -> list:  # type: ignore[type-arg]
    """Media nodes and the demo broadcaster, when the media package provides them."""
    try:
        from crosslive.dev.media import embedded_media_services
    except ImportError:
        return []
    return list(embedded_media_services())
