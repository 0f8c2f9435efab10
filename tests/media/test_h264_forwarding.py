"""H.264 end to end: WHIP in (aiortc's libx264 publisher), WHEP out on the origin and, cascaded,
on an edge; every viewer decodes, every viewer starts at an IDR carrying SPS and PPS, a late
joiner's keyframe is obtained by PLI through the cascade, and no node decodes or encodes."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import pytest
from aiortc import rtcrtpreceiver
from aiortc.codecs import h264, vpx
from aiortc.mediastreams import AudioStreamTrack

from media_nodes.client import FrameRecorder, WhepViewer, WhipPublisher
from media_nodes.forwarding.frames import EncodedFrame
from media_nodes.testpattern import TestPatternTrack

from .media_helpers import wait_until

pytestmark = pytest.mark.slow


def nal_types(access_unit: bytes) -> list[int]:
    """NAL unit types of an Annex-B access unit, in order (3- and 4-byte start codes)."""
    types = []
    i = access_unit.find(b"\x00\x00\x01")
    while 0 <= i < len(access_unit) - 3:
        types.append(access_unit[i + 3] & 0x1F)
        i = access_unit.find(b"\x00\x00\x01", i + 3)
    return types


class FirstFrames(FrameRecorder):
    """A recorder that also keeps the NAL types of the first video frames it accepted."""

    def __init__(self) -> None:
        super().__init__(decode=True)
        self.first_nal_types: list[list[int]] = []

    def on_frame(self, frame: EncodedFrame) -> None:
        before = self.frames["video"]
        super().on_frame(frame)
        if frame.kind == "video" and self.frames["video"] > before and len(self.first_nal_types) < 3:
            self.first_nal_types.append(nal_types(frame.data))


async def test_h264_is_forwarded_to_origin_and_edge_viewers_without_decoding_or_encoding(
    start_node: Any, room: dict[str, Any], token: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN every H.264/VP8 encode, every forced keyframe and every aiortc decoder in this process
    # (publisher, two nodes, viewers) is counted
    counts = {"h264_encodes": 0, "forced_keyframes": 0, "vp8_encodes": 0, "decoders": 0}
    real_h264_encode, real_vp8_encode = h264.H264Encoder.encode, vpx.Vp8Encoder.encode
    real_get_decoder = rtcrtpreceiver.get_decoder

    def counting_h264_encode(self: Any, frame: Any, force_keyframe: bool = False) -> Any:
        counts["h264_encodes"] += 1
        counts["forced_keyframes"] += force_keyframe
        return real_h264_encode(self, frame, force_keyframe)

    def counting_vp8_encode(self: Any, frame: Any, force_keyframe: bool = False) -> Any:
        counts["vp8_encodes"] += 1
        return real_vp8_encode(self, frame, force_keyframe)

    def counting_get_decoder(codec: Any) -> Any:
        counts["decoders"] += 1
        return real_get_decoder(codec)

    monkeypatch.setattr(h264.H264Encoder, "encode", counting_h264_encode)
    monkeypatch.setattr(vpx.Vp8Encoder, "encode", counting_vp8_encode)
    monkeypatch.setattr(rtcrtpreceiver, "get_decoder", counting_get_decoder)

    origin = await start_node(role="origin")
    edge = await start_node(role="edge", region_name="europe", origin_url=origin.url)
    room_id = room["room_id"]
    camera = TestPatternTrack(320, 240, 30)
    publisher = await WhipPublisher.start(
        f"{origin.url}/whip/{room_id}",
        token("merchant", sub="merchant-1"),
        [camera, AudioStreamTrack()],
        video_codec="H264",
    )
    viewers: list[WhepViewer] = []
    try:
        # WHEN a viewer watches on the origin
        here = await WhepViewer.start(
            f"{origin.url}/whep/{room_id}", token("viewer", sub="id-1", market="ID"), recorder=FirstFrames()
        )
        viewers.append(here)
        assert await here.wait_frames(20, timeout=20) >= 20
        # AND, once the publisher's keyframes have settled, a second viewer joins on the edge
        # (libx264's natural keyframe interval is 250 frames: only a PLI gets it an IDR soon)
        forced_before = counts["forced_keyframes"]
        there = await WhepViewer.start(
            f"{edge.url}/whep/{room_id}", token("viewer", sub="de-1", market="DE"), recorder=FirstFrames()
        )
        viewers.append(there)
        assert await there.wait_frames(20, timeout=20) >= 20

        for viewer in viewers:
            recorder = viewer.recorder
            assert isinstance(recorder, FirstFrames)
            # THEN both get H.264 video and Opus audio, decode every frame, in capture order
            assert recorder.codecs == {"video": "H264", "audio": "opus"}
            assert recorder.frames["audio"] > 0
            assert recorder.decode_errors == 0
            assert len(recorder.frame_numbers) >= 15
            assert recorder.frame_numbers == sorted(recorder.frame_numbers)
            # AND the first frame each got is an IDR access unit that carries SPS (7) and PPS (8)
            first = recorder.first_nal_types[0]
            assert {5, 7, 8} <= set(first), first
            assert first.index(7) < first.index(5) and first.index(8) < first.index(5), first
        # AND the edge viewer joined mid-stream: its start was requested upstream (edge -> origin ->
        # publisher) and the publisher's encoder was forced to a keyframe for it
        assert counts["forced_keyframes"] > forced_before
        assert there.recorder.frame_numbers[0] > here.recorder.frame_numbers[0]
        assert edge.node.counters.upstream_pulls == 1
        edge_hub, origin_hub = edge.node.hubs[room_id], origin.node.hubs[room_id]
        assert edge_hub.codecs["video"] == origin_hub.codecs["video"] == "H264"
        assert edge_hub.stats.keyframe_requests_sent >= 1 and origin_hub.stats.keyframe_requests_sent >= 1
        assert origin_hub.stats.keyframes_in >= 2 and origin_hub.stats.frames_out > 0
        # AND nothing decoded (the nodes and the viewers tap encoded frames) and only the
        # publisher's camera was ever encoded: one encode per captured frame, none per viewer
        assert counts["decoders"] == 0
        assert counts["vp8_encodes"] == 0
        assert counts["h264_encodes"] <= camera.frames + 1
    finally:
        for viewer in viewers:
            await viewer.stop()
        await publisher.stop()
    assert await wait_until(lambda: origin.node.viewers == 0 and edge.node.viewers == 0, 15)


@pytest.mark.parametrize(("flag", "codec"), [("h264", "H264"), ("vp8", "VP8")])
async def test_crosslive_broadcast_publishes_either_codec(
    start_node: Any, room: dict[str, Any], token: Any, flag: str, codec: str
) -> None:
    node = await start_node(origin_url=None)
    room_id = room["room_id"]
    # WHEN the demo publisher runs as a user would start it, with --codec in lower case
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from crosslive.cli import main; main()",
        "broadcast",
        "--whip-url",
        f"{node.url}/whip/{room_id}",
        "--token",
        token("merchant", sub="merchant-1"),
        "--codec",
        flag,
        "--size",
        "320x240",
        "--duration",
        "60",
    )
    viewer = None
    try:
        assert await wait_until(lambda: room_id in node.node.hubs and node.node.hubs[room_id].has_source, 30)
        # THEN the room carries that codec and a viewer decodes the pattern's painted frame numbers
        assert node.node.hubs[room_id].codecs["video"] == codec
        viewer = await WhepViewer.start(
            f"{node.url}/whep/{room_id}", token("viewer", sub="cli", market="ID"), decode=True
        )
        assert await viewer.wait_frames(15, timeout=20) >= 15
        assert viewer.recorder.codecs["video"] == codec
        assert viewer.recorder.decode_errors == 0 and len(viewer.recorder.frame_numbers) >= 10
        assert viewer.recorder.frame_numbers == sorted(viewer.recorder.frame_numbers)
    finally:
        if viewer is not None:
            await viewer.stop()
        if proc.returncode is None:
            proc.terminate()
        await proc.wait()
