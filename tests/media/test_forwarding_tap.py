"""The tapped send path between two real aiortc peer connections on loopback: frames arrive intact,
a lost packet comes back as RTX on NACK, RTCP sender reports carry the tap's counts, and a
viewer's PLI reaches the room's source."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiortc import RTCConfiguration, RTCPeerConnection, RTCRtpSender, RTCSessionDescription

from media_nodes.forwarding import aiortc_adapter
from media_nodes.forwarding.frames import EncodedFrame
from media_nodes.forwarding.hub import ForwardedTrack, RoomHub

from .media_helpers import wait_until

KEY = b"\x00\x00\x00\x9d\x01\x2a" + bytes(range(256)) * 12  # 3078 bytes: three RTP packets
DELTA = b"\x01" + bytes(range(200)) * 4


@dataclass
class Link:
    hub: RoomHub
    track: ForwardedTrack
    node_pc: RTCPeerConnection
    viewer_pc: RTCPeerConnection
    receiver: Any
    seen: list[aiortc_adapter.RtpView] = field(default_factory=list)
    source_requests: list[float] = field(default_factory=list)


@pytest.fixture
async def link() -> AsyncIterator[Link]:
    """A room hub on one peer connection (the node) sending VP8 to another (the viewer)."""
    aiortc_adapter.include_loopback_candidates()
    config = RTCConfiguration(iceServers=[])
    node_pc, viewer_pc = RTCPeerConnection(config), RTCPeerConnection(config)
    hub = RoomHub("room-tap")
    requests: list[float] = []
    hub.attach_source({"video": "VP8"}, lambda: requests.append(time.monotonic()))
    seen: list[aiortc_adapter.RtpView] = []
    receiving = viewer_pc.addTransceiver("video", direction="recvonly")
    caps = RTCRtpSender.getCapabilities("video").codecs
    receiving.setCodecPreferences([c for c in caps if c.mimeType in ("video/VP8", "video/rtx")])
    aiortc_adapter.tap_receiver(receiving.receiver, seen.append)
    await viewer_pc.setLocalDescription(await viewer_pc.createOffer())
    await node_pc.setRemoteDescription(viewer_pc.localDescription)
    track = hub.subscribe(("video",))["video"]
    sender = node_pc.addTrack(track)
    aiortc_adapter.on_keyframe_request(sender, lambda: hub.request_keyframe("viewer-pli"))
    await node_pc.setLocalDescription(await node_pc.createAnswer())
    await viewer_pc.setRemoteDescription(
        RTCSessionDescription(sdp=node_pc.localDescription.sdp, type=node_pc.localDescription.type)
    )
    result = Link(hub, track, node_pc, viewer_pc, receiving.receiver, seen, requests)
    started = await wait_until(lambda: track._output is not None and track._output.started, interval=0.02)
    assert started, "sender never started"
    yield result
    await viewer_pc.close()
    await node_pc.close()


async def send_frames(link: Link, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        link.hub.on_frame(EncodedFrame("video", KEY if n % 10 == 0 else DELTA, 3000 * n, n % 10 == 0))
        await asyncio.sleep(1 / 30)


def frames_of(seen: list[aiortc_adapter.RtpView]) -> dict[int, bytes]:
    """Depayloaded frames by RTP timestamp, in sequence order (duplicates dropped)."""
    by_seq = {p.sequence_number: p for p in seen}
    out: dict[int, bytes] = {}
    for seq in sorted(by_seq):
        out[by_seq[seq].timestamp] = out.get(by_seq[seq].timestamp, b"") + by_seq[seq].data
    return out


pytestmark = pytest.mark.slow


async def test_tapped_frames_arrive_whole_in_order_with_marker_on_each_frames_last_packet(link: Link) -> None:
    await send_frames(link, 12)
    assert await wait_until(lambda: len(frames_of(link.seen)) == 12, interval=0.02)
    frames = frames_of(link.seen)
    stamps = sorted(frames)
    assert [b - a for a, b in itertools.pairwise(stamps)] == [3000] * 11  # source spacing kept
    assert [frames[ts] for ts in stamps] == [KEY] + [DELTA] * 9 + [KEY, DELTA]
    seqs = [p.sequence_number for p in link.seen]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    markers = [p.timestamp for p in link.seen if p.marker]
    assert markers == stamps  # exactly one marker per frame: on its last packet
    assert link.track.frames_sent == 12


async def test_a_lost_packet_is_resent_as_rtx_when_the_viewer_nacks_it(link: Link) -> None:
    # GIVEN the viewer's receiver loses the second packet of the first keyframe once
    tap = link.track._output
    assert isinstance(tap, aiortc_adapter.SenderTap) and tap.writer is not None
    lost = (tap.writer.sequence_number + 1) & 0xFFFF
    real = link.receiver._handle_rtp_packet
    dropped: list[int] = []

    async def lossy(packet: Any, arrival_time_ms: int) -> None:
        if packet.sequence_number == lost and packet.ssrc == tap.writer.ssrc and not dropped:  # type: ignore[union-attr]
            dropped.append(packet.sequence_number)
            return
        await real(packet, arrival_time_ms)

    link.receiver._handle_rtp_packet = lossy
    # WHEN frames flow
    await send_frames(link, 15)
    # THEN the viewer NACKed it, the tap answered from its history with RTX, and the frame is whole
    assert dropped == [lost]
    assert await wait_until(lambda: any(p.sequence_number == lost for p in link.seen), interval=0.02)
    assert tap.retransmissions >= 1
    assert frames_of(link.seen)[min(frames_of(link.seen))] == KEY


async def test_sender_reports_carry_the_taps_packet_and_octet_counts(link: Link) -> None:
    tap = link.track._output
    assert isinstance(tap, aiortc_adapter.SenderTap) and tap.writer is not None
    await send_frames(link, 20)
    sent_packets, sent_octets = tap.writer.packets, tap.writer.octets

    async def remote_outbound() -> Any:
        stats = await link.receiver.getStats()
        return next((s for s in stats.values() if s.type == "remote-outbound-rtp"), None)

    report = None
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:  # aiortc sends an SR every 0.5-1.5 s
        report = await remote_outbound()
        if report is not None and report.packetsSent == sent_packets:
            break
        await asyncio.sleep(0.2)
    assert report is not None and report.packetsSent == sent_packets and report.bytesSent == sent_octets
    sender_stats = await link.node_pc.getSenders()[0].getStats()
    outbound = next(s for s in sender_stats.values() if s.type == "outbound-rtp")
    assert outbound.packetsSent == sent_packets and outbound.bytesSent == sent_octets


async def test_a_viewers_pli_asks_the_rooms_source_for_a_keyframe(link: Link) -> None:
    await send_frames(link, 3)
    link.hub._last_request = 0.0
    before = len(link.source_requests)
    ssrc = link.seen[0].ssrc
    await aiortc_adapter.send_pli(link.receiver, ssrc)
    assert await wait_until(lambda: len(link.source_requests) > before, interval=0.02)


async def test_a_closed_viewers_tap_lets_go_of_the_rooms_packets_it_kept_for_nack(link: Link) -> None:
    # GIVEN a viewer sent 20 frames, the last of them held for retransmission
    tap = link.track._output
    assert isinstance(tap, aiortc_adapter.SenderTap) and tap.writer is not None
    first = tap.writer.sequence_number
    await send_frames(link, 20)
    sent = [(first + i) & 0xFFFF for i in range(tap.writer.packets)]
    assert tap.writer.retransmission(sent[-1]) is not None
    # WHEN its session closes (``MediaNode.close_session`` stops its tracks)
    link.track.stop()
    # THEN the tap keeps none of them: a closed peer connection lives on as cyclic garbage until
    # a full collection, and must not keep the room's payloads alive meanwhile (the soak's edge
    # growth, docs/benchmarks.md); a late NACK is not answered
    assert all(tap.writer.retransmission(seq) is None for seq in sent)
    before = tap.retransmissions
    await tap._retransmit(sent[-1])
    assert tap.retransmissions == before
