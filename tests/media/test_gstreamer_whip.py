"""A merchant's own encoder: GStreamer's ``webrtcbin`` publishes over WHIP with its default offer.

webrtcbin (Debian's GStreamer 1.22, installed by ``scripts/bootstrap.sh --browser``) offers
``a=setup:actpass`` and signs its DTLS with an RSA certificate. The node answers ``setup:active``
(JSEP's choice), so the node is the DTLS client and must offer an ECDHE-RSA suite (RFC 8827 §6.5);
before that was fixed the handshake died with ``no shared cipher`` right after the 201. The
publisher runs under the system Python (PyGObject) as a subprocess (``gst_whip_publisher.py``); a
WHEP viewer at an edge, which pulls the room from the origin, decodes what it receives.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from media_nodes.client import WhepViewer

from .media_helpers import wait_until

pytestmark = pytest.mark.slow
SYSTEM_PYTHON = "/usr/bin/python3"
PUBLISHER = Path(__file__).with_name("gst_whip_publisher.py")


class GstPublisher:
    """The webrtcbin subprocess and the JSON events it printed."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.events: list[dict[str, Any]] = []
        self._reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        assert self.proc.stdout is not None
        async for line in self.proc.stdout:
            try:
                self.events.append(json.loads(line))
            except ValueError:
                continue

    def last(self, event: str) -> dict[str, Any] | None:
        return next((e for e in reversed(self.events) if e["event"] == event), None)

    async def stop(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            await asyncio.wait_for(self.proc.wait(), 10)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()
        await asyncio.gather(self._reader, return_exceptions=True)


async def start_gst_publisher(whip_url: str, token: str, codec: str) -> GstPublisher:
    proc = await asyncio.create_subprocess_exec(
        SYSTEM_PYTHON,
        str(PUBLISHER),
        "--whip-url",
        whip_url,
        "--token",
        token,
        "--codec",
        codec,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=sys.stderr,
    )
    return GstPublisher(proc)


@pytest.mark.parametrize("codec", ["h264", "vp8"])
async def test_a_webrtcbin_publisher_with_its_default_offer_plays_at_the_edge(
    start_node: Any, room: dict[str, Any], token: Any, codec: str
) -> None:
    # GIVEN an origin and an edge that pulls rooms from it
    origin = await start_node(role="origin", origin_url=None)
    edge = await start_node(role="edge", origin_url=origin.url)
    room_id = room["room_id"]
    # WHEN the merchant publishes from GStreamer's webrtcbin, its offer untouched
    publisher = await start_gst_publisher(f"{origin.url}/whip/{room_id}", token("merchant", sub="merchant-1"), codec)
    try:
        assert await wait_until(lambda: publisher.last("answer") is not None, timeout=20), publisher.events
        answer = publisher.last("answer")
        assert answer is not None and answer["status"] == 201, answer
        offer = publisher.last("offer")
        assert offer is not None and set(offer["setup"]) == {"a=setup:actpass"}
        assert set(answer["setup"]) == {"a=setup:active"}  # the node is the DTLS client
        # THEN DTLS completes (webrtcbin's RSA certificate, the node's ECDHE-RSA suite) and media flows
        assert await wait_until(lambda: (publisher.last("connection") or {}).get("state") == "connected", 15), (
            publisher.events
        )
        hub = origin.node.hubs[room_id]
        assert await wait_until(lambda: hub.stats.keyframes_in > 0, 10)
        # AND a viewer at the edge decodes the room's video in the publisher's codec
        viewer_token = token("viewer", sub="gst-viewer", market="ID")
        viewer = await WhepViewer.start(f"{edge.url}/whep/{room_id}", viewer_token, decode=True)
        try:
            assert await viewer.wait_frames(30, timeout=15) >= 30
            recorder = viewer.recorder
            assert recorder.codecs["video"] == {"h264": "H264", "vp8": "VP8"}[codec]
            assert recorder.decoded >= 20 and recorder.decode_errors == 0
            assert recorder.frames["audio"] > 0
            assert edge.node.upstream_of(room_id) is not None  # it came through the cascade
        finally:
            await viewer.stop()
    finally:
        await publisher.stop()
