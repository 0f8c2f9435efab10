"""The demo broadcaster: a synthetic camera (or a media file) published over WHIP.

``crosslive broadcast`` runs it so a newcomer sees a live room without a camera: a moving test
pattern with the capture time and frame number painted in, plus a tone, sent like OBS would.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from aiortc.contrib.media import MediaPlayer
from aiortc.mediastreams import AudioStreamTrack, MediaStreamTrack

from media_nodes.client import WhipError, WhipPublisher
from media_nodes.testpattern import TestPatternTrack

logger = logging.getLogger("crosslive.media.broadcaster")


def source_tracks(
    width: int, height: int, fps: int, media_file: str | None
) -> tuple[list[MediaStreamTrack], Any]:
    """Tracks to publish: a file's (looped) or the synthetic pattern and a silent tone track."""
    if media_file:
        player = MediaPlayer(media_file, loop=True)
        return [t for t in (player.video, player.audio) if t is not None], player
    return [TestPatternTrack(width, height, fps), AudioStreamTrack()], None


async def broadcast(
    whip_url: str,
    token: str | None,
    *,
    width: int = 1280,
    height: int = 720,
    fps: int = 30,
    codec: str = "VP8",
    media_file: str | None = None,
    duration: float | None = None,
    retry: bool = True,
    ice_servers: tuple[str, ...] = (),
) -> None:
    """Publish until ``duration`` passes or the task is cancelled; reconnect when the node goes."""
    started = time.monotonic()
    while True:
        tracks, _player = source_tracks(width, height, fps, media_file)
        try:
            publisher = await WhipPublisher.start(
                whip_url, token, tracks, video_codec=codec, ice_servers=ice_servers
            )
        except (WhipError, OSError) as exc:
            if not retry or (isinstance(exc, WhipError) and exc.status in (401, 403, 404, 422)):
                raise
            logger.warning("WHIP publish failed (%s); retrying in 2 s", exc)
            await asyncio.sleep(2)
            continue
        logger.info("publishing to %s", whip_url)
        try:
            while publisher.pc.connectionState not in ("failed", "closed"):
                if duration is not None and time.monotonic() - started > duration:
                    return
                await asyncio.sleep(0.5)
            logger.warning("connection %s; republishing", publisher.pc.connectionState)
        finally:
            with contextlib.suppress(Exception):
                await publisher.stop()
        if not retry:
            return
        await asyncio.sleep(1)
