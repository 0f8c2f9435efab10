"""The aiortc seams the forwarder relies on: fail loudly when the pinned internals change."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from aiortc import RTCPeerConnection

from media_nodes.forwarding import aiortc_adapter

ROOT = Path(__file__).resolve().parents[2]


def test_installed_aiortc_is_the_pinned_version_and_the_seams_exist() -> None:
    aiortc_adapter.check_compatible()  # raises AdapterError naming what moved


def test_pyproject_pins_exactly_the_adapter_version() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    deps = [d for group in project["project"]["optional-dependencies"].values() for d in group]
    assert f"aiortc=={aiortc_adapter.PINNED_AIORTC}" in deps


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
