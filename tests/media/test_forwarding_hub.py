"""The room hub's fan-out: packetized once per frame, delivered to every subscriber in one loop,
keyframe gating, frames held while a viewer's connection starts, resets, and the untapped path."""

from __future__ import annotations

from dataclasses import dataclass, field

import av

from media_nodes.forwarding import aiortc_adapter
from media_nodes.forwarding.frames import EncodedFrame
from media_nodes.forwarding.hub import MAX_BACKLOG_BYTES, MAX_QUEUED, ForwardedTrack, OutgoingFrame, RoomHub

KEY = b"\x00\x00\x00\x9d\x01\x2a" + bytes(2994)  # a VP8 keyframe tag, 3000 bytes: three RTP payloads
DELTA = b"\x01" + bytes(1499)


@dataclass
class FakeOutput:
    """Stands where ``SenderTap`` is: records what would go on the wire."""

    started: bool = True
    backlog_bytes: int = 0
    fail: bool = False
    paused: bool = False
    closed: bool = False
    sent: list[tuple[list[bytes], int]] = field(default_factory=list)

    def send_frame(self, payloads: list[bytes], timestamp: int) -> str:
        if self.fail:
            raise ConnectionError("socket gone")
        if self.paused:
            return aiortc_adapter.NOT_SENDING
        if self.backlog_bytes > MAX_BACKLOG_BYTES:
            return aiortc_adapter.BEHIND
        self.sent.append((payloads, timestamp))
        return aiortc_adapter.SENT

    def close(self) -> None:
        self.closed = True


def video_hub() -> tuple[RoomHub, list[int]]:
    hub = RoomHub("room-1")
    requests: list[int] = []
    hub.attach_source({"video": "VP8", "audio": "opus"}, lambda: requests.append(1))
    return hub, requests


def frame(n: int, keyframe: bool = False) -> EncodedFrame:
    return EncodedFrame("video", KEY if keyframe else DELTA, 3000 * n, keyframe)


def viewer_not_started(held: int) -> tuple[RoomHub, ForwardedTrack, FakeOutput]:
    """A room's only viewer, its sender not started, after ``held`` frames (a keyframe first)."""
    hub, _ = video_hub()
    track = hub.subscribe(("video",))["video"]
    output = FakeOutput(started=False)
    track.attach_output(output)
    for n in range(held):
        hub.on_frame(frame(n, keyframe=n == 0))
    return hub, track, output


async def test_a_frame_is_packetized_once_and_every_viewer_gets_the_same_payloads() -> None:
    # GIVEN a room with five tapped viewers and a packetizer that counts its calls
    hub, _ = video_hub()
    outputs = [FakeOutput() for _ in range(5)]
    for output in outputs:
        hub.subscribe(("video",))["video"].attach_output(output)
    real = hub._packetizers["video"]
    calls: list[int] = []

    def counting(data: bytes, timestamp: int) -> list[bytes]:
        calls.append(timestamp)
        return real(data, timestamp)

    hub._packetizers["video"] = counting  # type: ignore[assignment]
    # WHEN a keyframe and two delta frames come in
    for n, key in ((0, True), (1, False), (2, False)):
        hub.on_frame(frame(n, key))
    # THEN each frame was split once, into VP8 payloads that reassemble to the frame
    assert calls == [0, 3000, 6000]
    first = outputs[0].sent[0][0]
    assert len(first) == 3 and all(len(p) <= 1300 for p in first)
    assert b"".join(p[4:] for p in first) == KEY  # 4-byte VP8 descriptor (with picture id) per payload
    # AND every viewer got the very same payload lists, with the source timestamps
    for output in outputs:
        assert [ts for _, ts in output.sent] == [0, 3000, 6000]
        assert all(a is b for (a, _), (b, _) in zip(output.sent, outputs[0].sent, strict=True))
    assert hub.stats.frames_out == 15


async def test_a_new_viewer_starts_at_a_keyframe_and_one_is_requested() -> None:
    hub, requests = video_hub()
    requests.clear()
    hub._last_request = 0.0  # past the coalescing interval of the source's own request
    track = hub.subscribe(("video",))["video"]
    output = FakeOutput()
    track.attach_output(output)
    assert requests == [1]  # the join asked the publisher for a keyframe
    hub.on_frame(frame(0))
    hub.on_frame(frame(1))
    assert output.sent == [] and track.frames_skipped == 2
    hub.on_frame(frame(2, keyframe=True))
    hub.on_frame(frame(3))
    assert [ts for _, ts in output.sent] == [6000, 9000]


async def test_frames_wait_while_the_connection_starts_then_go_out_in_order() -> None:
    # GIVEN a viewer whose sender has not started (ICE/DTLS still running)
    hub, track, output = viewer_not_started(held=4)
    assert output.sent == []
    # WHEN the sender starts, THEN the held frames are sent at once, in order, then live ones
    output.started = True
    track._flush()
    hub.on_frame(frame(4))
    assert [ts for _, ts in output.sent] == [0, 3000, 6000, 9000, 12000]
    assert track.frames_sent == 5


async def test_a_viewer_held_too_long_before_starting_is_reset_to_a_keyframe() -> None:
    hub, requests = video_hub()
    track = hub.subscribe(("video",))["video"]
    track.attach_output(FakeOutput(started=False))
    requests.clear()
    hub._last_request = 0.0
    for n in range(MAX_QUEUED["video"] + 1):
        hub.on_frame(frame(n, keyframe=n == 0))
    assert track.resets == 1 and track.waiting_keyframe and track._pending == []
    assert hub.stats.keyframe_requests >= 1


async def test_a_viewer_whose_socket_backs_up_is_reset_and_others_carry_on() -> None:
    # GIVEN two viewers, one of whose socket buffer holds more than the limit
    hub, _ = video_hub()
    slow, fine = FakeOutput(), FakeOutput()
    slow_track = hub.subscribe(("video",))["video"]
    slow_track.attach_output(slow)
    hub.subscribe(("video",))["video"].attach_output(fine)
    hub.on_frame(frame(0, keyframe=True))
    slow.backlog_bytes = MAX_BACKLOG_BYTES + 1
    before = hub.stats.keyframe_requests
    # WHEN frames keep coming
    hub.on_frame(frame(1))
    hub.on_frame(frame(2))
    # THEN the slow one skips to the next keyframe (asked for), the other gets everything
    assert slow_track.resets == 1 and slow_track.waiting_keyframe
    assert hub.stats.keyframe_requests == before + 1
    assert len(slow.sent) == 1 and len(fine.sent) == 3
    slow.backlog_bytes = 0
    hub.on_frame(frame(3, keyframe=True))
    assert [ts for _, ts in slow.sent] == [0, 9000]


async def test_a_viewer_that_fails_to_send_does_not_cost_the_others_their_frame() -> None:
    hub, _ = video_hub()
    broken, fine = FakeOutput(fail=True), FakeOutput()
    hub.subscribe(("video",))["video"].attach_output(broken)
    hub.subscribe(("video",))["video"].attach_output(fine)
    hub.on_frame(frame(0, keyframe=True))
    assert len(fine.sent) == 1 and hub.stats.send_errors == 1


async def test_audio_goes_out_whole_and_is_never_held_for_a_keyframe() -> None:
    hub, _ = video_hub()
    track = hub.subscribe(("audio",))["audio"]
    output = FakeOutput()
    track.attach_output(output)
    hub.on_frame(EncodedFrame("audio", b"\xfc" + bytes(80), 960, True))
    assert output.sent == [([b"\xfc" + bytes(80)], 960)]


async def test_an_untapped_track_feeds_aiortcs_sender_with_av_packets() -> None:
    # GIVEN a track whose sender was never tapped (aiortc pulls frames through recv)
    hub, _ = video_hub()
    track = hub.subscribe(("video",))["video"]
    hub.on_frame(frame(0, keyframe=True))
    hub.on_frame(frame(1))
    # THEN recv hands out the frames as av.Packets stamped with the source clock
    first, second = await track.recv(), await track.recv()
    assert isinstance(first, av.Packet) and bytes(first) == KEY and first.pts == 0
    assert bytes(second) == DELTA and second.pts == 3000 and track.frames_sent == 2
    # AND ending the room ends the track
    hub.close_subscribers()
    try:
        await track.recv()
    except Exception as exc:  # MediaStreamError
        assert type(exc).__name__ == "MediaStreamError"
    else:
        raise AssertionError("recv returned after the room ended")
    assert hub.viewers == 0


async def test_a_tapped_track_parks_aiortcs_rtp_task_until_the_room_ends() -> None:
    import asyncio

    hub, _ = video_hub()
    track = hub.subscribe(("video",))["video"]
    track.attach_output(FakeOutput())
    waiting = asyncio.ensure_future(track.recv())
    hub.on_frame(frame(0, keyframe=True))
    await asyncio.sleep(0.01)
    assert not waiting.done()  # the frame went through the tap, not to aiortc's sender
    hub.close_subscribers()
    await asyncio.sleep(0.01)
    assert waiting.done() and type(waiting.exception()).__name__ == "MediaStreamError"
    assert hub.viewers == 0


def test_outgoing_frame_packet_keeps_the_source_clock() -> None:
    out = OutgoingFrame("audio", [b"x"], 480, True, b"x")
    packet = out.packet()
    assert packet.pts == 480 and packet.time_base.denominator == 48000


def test_packetizer_splits_h264_into_fu_a_and_passes_opus_whole() -> None:
    nal = b"\x00\x00\x00\x01\x65" + bytes(3000)  # one IDR slice, larger than a packet
    payloads = aiortc_adapter.Packetizer("H264")(nal, 0)
    assert len(payloads) == 3 and all(p[0] & 0x1F == 28 for p in payloads)  # FU-A
    assert aiortc_adapter.Packetizer("opus")(b"\xfcabc", 0) == [b"\xfcabc"]


async def test_a_paused_viewer_resumes_at_a_keyframe() -> None:
    hub, _ = video_hub()
    output = FakeOutput()
    hub.subscribe(("video",))["video"].attach_output(output)
    hub.on_frame(frame(0, keyframe=True))
    output.paused = True  # e.g. the transceiver was disabled
    hub._last_request = 0.0
    before = hub.stats.keyframe_requests
    hub.on_frame(frame(1))
    output.paused = False
    hub.on_frame(frame(2))  # a delta after the gap would not decode: held back
    hub.on_frame(frame(3, keyframe=True))
    assert [ts for _, ts in output.sent] == [0, 9000]
    assert hub.stats.keyframe_requests == before + 1


async def test_a_viewer_stopped_before_its_sender_started_lets_go_of_the_frames_held_for_it() -> None:
    # GIVEN a viewer whose connection never started, holding the room's frames meanwhile
    hub, track, output = viewer_not_started(held=5)
    assert len(track._pending) == 5
    # WHEN its session closes (``MediaNode.close_session`` stops its tracks)
    track.stop()
    # THEN it holds none of them (its peer connection waits for the cycle collector: nothing may
    # ride along), it left the room and its output was closed
    assert track._pending == [] and hub.viewers == 0 and output.closed
