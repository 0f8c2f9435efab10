"""The aiortc seams the forwarder relies on: fail loudly when the pinned internals change."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from aiortc import RTCPeerConnection

from media_nodes.forwarding import aiortc_adapter
from media_nodes.forwarding import rtp as forwarding_rtp

ROOT = Path(__file__).resolve().parents[2]


def test_installed_aiortc_is_the_pinned_version_and_the_seams_exist() -> None:
    aiortc_adapter.check_compatible()  # raises AdapterError naming what moved


def test_pyproject_pins_exactly_the_adapter_version() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    deps = [d for group in project["project"]["optional-dependencies"].values() for d in group]
    assert f"aiortc=={aiortc_adapter.PINNED_AIORTC}" in deps
    assert f"aioice=={aiortc_adapter.PINNED_AIOICE}" in deps
    assert f"pylibsrtp=={aiortc_adapter.PINNED_PYLIBSRTP}" in deps


def test_a_moved_aioice_or_pylibsrtp_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    real = aiortc_adapter.version
    for package in ("aioice", "pylibsrtp"):
        monkeypatch.setattr(aiortc_adapter, "version", lambda name, p=package: "9.9.9" if name == p else real(name))
        with pytest.raises(aiortc_adapter.AdapterError, match=rf"pinned to {package}=="):
            aiortc_adapter.check_compatible()


def test_version_mismatch_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aiortc_adapter, "version", lambda name: "9.9.9")
    with pytest.raises(aiortc_adapter.AdapterError, match=r"pinned to aiortc==1\.16\.0"):
        aiortc_adapter.check_compatible()


async def test_tap_replaces_the_jitter_buffer_of_a_real_receiver() -> None:
    # GIVEN a real receiver of a real peer connection
    pc = RTCPeerConnection()
    transceiver = pc.addTransceiver("video", direction="recvonly")
    seen: list[aiortc_adapter.RtpView] = []
    # WHEN it is tapped and a depayloaded packet reaches its jitter-buffer slot
    aiortc_adapter.tap_receiver(transceiver.receiver, seen.append)
    buffer = transceiver.receiver._RTCRtpReceiver__jitter_buffer

    class Packet:
        ssrc, sequence_number, timestamp, marker, _data = 7, 10, 900, 1, b"\x10frame"

    # THEN the sink gets it and no frame goes on to the decoder
    assert buffer.add(Packet()) == (False, None)
    assert seen == [aiortc_adapter.RtpView(7, 10, 900, True, b"\x10frame")]
    await pc.close()


async def test_keyframe_request_hook_replaces_the_senders_noop() -> None:
    pc = RTCPeerConnection()
    transceiver = pc.addTransceiver("video", direction="sendonly")
    calls: list[int] = []
    aiortc_adapter.on_keyframe_request(transceiver.sender, lambda: calls.append(1))
    transceiver.sender._send_keyframe()
    assert calls == [1]
    await pc.close()


# -- the forwarding send path (SenderTap, RtpWriter, Packetizer) -------------------------------


def test_rtp_writer_writes_what_aiortcs_serializer_and_wrap_rtx_write() -> None:
    aiortc_adapter.rtp_writer_self_test()  # the same comparison check_compatible runs at start-up


def test_rtp_writer_numbers_packets_across_frames_and_wraps() -> None:
    from aiortc import rtp

    writer = forwarding_rtp.RtpWriter(payload_type=96, ssrc=5, sequence_number=0xFFFE, timestamp_origin=0xFFFFFF00)
    first = writer.frame([b"a", b"b"], 0, forwarding_rtp.ntp_now())
    second = writer.frame([b"c"], 0x200, forwarding_rtp.ntp_now())
    parsed = [rtp.RtpPacket.parse(p) for p in first + second]
    assert [p.sequence_number for p in parsed] == [0xFFFE, 0xFFFF, 0]
    assert [p.marker for p in parsed] == [0, 1, 1]
    assert [p.timestamp for p in parsed] == [0xFFFFFF00, 0xFFFFFF00, 0x100]  # origin offset, 32-bit wrap
    assert [p.payload for p in parsed] == [b"a", b"b", b"c"]
    assert writer.packets == 3 and writer.octets == 3 and writer.last_timestamp == 0x100
    # no RTX negotiated: a NACKed packet goes out again as it was; one never sent is not invented
    assert writer.retransmission(0xFFFF) == first[1]
    assert writer.retransmission(1) is None


def test_rtp_writer_forgets_packets_older_than_its_history() -> None:
    writer = forwarding_rtp.RtpWriter(payload_type=96, ssrc=5, sequence_number=10, rtx_payload_type=97, rtx_ssrc=6)
    for n in range(forwarding_rtp.RTP_HISTORY_SIZE + 1):
        writer.frame([b"x"], n, 0)
    assert writer.retransmission(10) is None  # overwritten by seq 10 + 128
    rtx = writer.retransmission(11)
    assert rtx is not None and rtx[1] & 0x7F == 97 and rtx[8:12] == (6).to_bytes(4, "big")
    assert rtx[12:14] == (11).to_bytes(2, "big")  # RFC 4588: original sequence number first


def test_check_compatible_fails_when_the_writer_no_longer_matches_aiortc(monkeypatch: pytest.MonkeyPatch) -> None:
    real = forwarding_rtp.RtpWriter.frame

    def off_by_one(self, payloads, timestamp, ntp):  # type: ignore[no-untyped-def]
        return real(self, payloads, timestamp + 1, ntp)

    monkeypatch.setattr(forwarding_rtp.RtpWriter, "frame", off_by_one)
    with pytest.raises(aiortc_adapter.AdapterError, match="RtpWriter"):
        aiortc_adapter.check_compatible()


def test_check_compatible_fails_when_the_sender_stops_answering_nack_through_retransmit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from aiortc import rtcrtpsender

    async def handle(self, packet):  # type: ignore[no-untyped-def]
        return None

    monkeypatch.setattr(rtcrtpsender.RTCRtpSender, "_handle_rtcp_packet", handle)
    with pytest.raises(aiortc_adapter.AdapterError, match="NACK"):
        aiortc_adapter.check_compatible()


async def test_keyframe_hook_taps_a_forwarded_track_and_leaves_other_tracks_alone() -> None:
    from aiortc.mediastreams import VideoStreamTrack

    from media_nodes.forwarding.hub import RoomHub

    hub = RoomHub("room")
    hub.attach_source({"video": "VP8"}, lambda: None)
    pc = RTCPeerConnection()
    forwarded = hub.subscribe(("video",))["video"]
    sender = pc.addTrack(forwarded)
    aiortc_adapter.on_keyframe_request(sender, lambda: None)
    assert forwarded.tapped and isinstance(forwarded._output, aiortc_adapter.SenderTap)
    assert sender._retransmit == forwarded._output._retransmit
    plain = pc.addTrack(VideoStreamTrack())
    original_send = plain.send
    aiortc_adapter.on_keyframe_request(plain, lambda: None)
    assert plain.send == original_send  # a track without bind_sender keeps aiortc's whole path
    await pc.close()


def test_rtp_writer_can_leave_abs_send_time_out_and_keep_the_mid() -> None:
    # a forwarder cannot act on REMB, so SenderTap does not send abs-send-time (the REMB input)
    from aiortc import rtp
    from aiortc.rtcrtpparameters import RTCRtpHeaderExtensionParameters, RTCRtpSendParameters

    ids = {forwarding_rtp.MID_URI: 1, forwarding_rtp.ABS_SEND_TIME_URI: 3}
    ext_map = rtp.HeaderExtensionsMap()
    ext_map.configure(
        RTCRtpSendParameters(headerExtensions=[RTCRtpHeaderExtensionParameters(id=i, uri=u) for u, i in ids.items()])
    )
    with_ast, without = (
        forwarding_rtp.RtpWriter(payload_type=96, ssrc=5, mid="1", extension_ids=ids, abs_send_time=flag)
        for flag in (True, False)
    )
    ntp = forwarding_rtp.ntp_now()
    sent = rtp.RtpPacket.parse(with_ast.frame([b"p"], 0, ntp)[0], ext_map)
    bare = rtp.RtpPacket.parse(without.frame([b"p"], 0, ntp)[0], ext_map)
    assert sent.extensions.abs_send_time == (ntp >> 14) & 0xFFFFFF and sent.extensions.mid == "1"
    assert bare.extensions.abs_send_time is None and bare.extensions.mid == "1" and bare.payload == b"p"
