"""WHIP in, WHEP out over loopback: frames arrive, start at a keyframe, and are never re-encoded."""

from __future__ import annotations

import asyncio

import pytest
from aiortc import rtcrtpreceiver
from aiortc.codecs import vpx
from aiortc.mediastreams import AudioStreamTrack

from media_nodes.client import WhepViewer, WhipPublisher
from media_nodes.testpattern import TestPatternTrack

pytestmark = pytest.mark.slow


async def test_viewers_get_forwarded_frames_without_any_reencode(start_node, room, token, monkeypatch):
    # GIVEN every VP8 encode and every aiortc decoder creation in this process is counted
    encodes = {"n": 0}
    decoders = {"n": 0}
    real_encode, real_get_decoder = vpx.Vp8Encoder.encode, rtcrtpreceiver.get_decoder

    def counting_encode(self, frame, force_keyframe=False):  # type: ignore[no-untyped-def]
        encodes["n"] += 1
        return real_encode(self, frame, force_keyframe)

    def counting_get_decoder(codec):  # type: ignore[no-untyped-def]
        decoders["n"] += 1
        return real_get_decoder(codec)

    monkeypatch.setattr(vpx.Vp8Encoder, "encode", counting_encode)
    monkeypatch.setattr(rtcrtpreceiver, "get_decoder", counting_get_decoder)
    node = await start_node()
    room_id = room["room_id"]
    camera = TestPatternTrack(320, 240, 30)
    publisher = await WhipPublisher.start(
        f"{node.url}/whip/{room_id}", token("merchant", sub="merchant-1"), [camera, AudioStreamTrack()]
    )
    try:
        # WHEN two viewers of the room's markets watch
        viewers = [
            await WhepViewer.start(f"{node.url}/whep/{room_id}", token("viewer", sub=f"v{i}", market=m), decode=True)
            for i, m in enumerate(("ID", "DE"))
        ]
        got = [await v.wait_frames(20, timeout=15) for v in viewers]
        # THEN both receive video and audio, the first frame was a keyframe, stamps decode
        assert got == [20, 20] or all(g >= 20 for g in got), got
        for viewer in viewers:
            assert viewer.recorder.frames["audio"] > 0
            assert viewer.recorder.keyframes >= 1
            assert viewer.recorder.decode_errors == 0
            assert viewer.recorder.frame_numbers == sorted(viewer.recorder.frame_numbers)
            assert viewer.recorder.codecs["video"] == "VP8"
        # AND the node encoded nothing and decoded nothing: only the publisher's camera encodes
        assert decoders["n"] == 0
        assert encodes["n"] <= camera.frames + 1
        metrics = node.node.hubs[room_id].stats
        assert metrics.frames_out > 0 and metrics.keyframe_requests_sent >= 1
        for viewer in viewers:
            await viewer.stop()
        await asyncio.sleep(0.2)
        assert node.node.viewers == 0
    finally:
        await publisher.stop()
