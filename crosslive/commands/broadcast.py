"""``crosslive broadcast``: publish a synthetic test pattern (or a file) to a room over WHIP."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import click


@click.command()
@click.option("--whip-url", required=True, help="e.g. http://127.0.0.1:8081/whip/<room>")
@click.option("--token", envvar="CROSSLIVE_TOKEN", help="the room merchant's bearer token (or $CROSSLIVE_TOKEN)")
@click.option("--size", default="1280x720", show_default=True, help="WIDTHxHEIGHT of the test pattern")
@click.option("--fps", default=30, show_default=True, type=int)
@click.option(
    "--codec",
    type=click.Choice(["VP8", "H264"], case_sensitive=False),
    default="VP8",
    show_default=True,
    help="video codec (h264 is what OBS sends; encoded with libx264 from the PyAV wheel)",
)
@click.option("--file", "media_file", default=None, help="publish this media file (looped) instead")
@click.option("--duration", type=float, default=None, help="seconds; default: until Ctrl-C")
def broadcast(
    whip_url: str,
    token: str | None,
    size: str,
    fps: int,
    codec: str,
    media_file: str | None,
    duration: float | None,
) -> None:
    """Publish a moving test pattern with the time painted in, like OBS would (WHIP)."""
    from media_nodes.broadcaster import broadcast as run

    try:
        width, height = (int(v) for v in size.lower().split("x"))
    except ValueError as exc:
        raise click.BadParameter("use WIDTHxHEIGHT, e.g. 1280x720", param_hint="--size") from exc
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    for noisy in ("aioice", "aiortc", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(
            run(
                whip_url,
                token,
                width=width,
                height=height,
                fps=fps,
                codec=codec,
                media_file=media_file,
                duration=duration,
            )
        )
