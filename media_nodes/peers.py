"""Peer connections of a node: ingest (WHIP answerer or WHEP pull offerer) and viewers.

``RtpSource`` taps the receivers of an ingest connection into a room's ``RoomHub`` through the
aiortc adapter; ``answer_viewer`` answers a viewer's offer with tracks fed by the hub, forcing the
room's codec on the viewer's leg (the frames are forwarded as they are, so both legs must agree).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection, RTCRtpSender, RTCSessionDescription
from aiortc.rtcrtpparameters import RTCRtpCodecCapability

from media_nodes.forwarding import aiortc_adapter
from media_nodes.forwarding.frames import EncodedFrame, FrameAssembler, keyframe_detector, keyframe_start_detector
from media_nodes.forwarding.hub import ForwardedTrack, RoomHub


def rtc_configuration(ice_servers: tuple[str, ...] = ()) -> RTCConfiguration:
    """No STUN unless configured: the public default is unreachable from closed networks."""
    return RTCConfiguration(iceServers=[RTCIceServer(urls=url) for url in ice_servers])


def codec_capabilities(kind: str, name: str) -> list[RTCRtpCodecCapability]:
    """aiortc's capabilities for codec ``name`` (plus RTX for video), for ``setCodecPreferences``."""
    caps = RTCRtpSender.getCapabilities(kind).codecs
    chosen = [c for c in caps if c.mimeType.split("/", 1)[1].lower() == name.lower()]
    if kind == "video":
        chosen += [c for c in caps if c.mimeType.lower() == "video/rtx"]
    return chosen


def negotiated_codecs(sdp: str) -> dict[str, str]:
    """Kind -> first codec of each active audio/video section of an SDP answer."""
    out: dict[str, str] = {}
    for media in aiortc_adapter.parse_sdp(sdp).media:
        if media.kind in ("audio", "video") and media.port != 0 and media.rtp.codecs:
            if media.direction == "inactive":
                continue
            name = media.rtp.codecs[0].mimeType.split("/", 1)[1]
            out[media.kind] = "H264" if name.upper() == "H264" else "VP8" if name.upper() == "VP8" else name.lower()
    return out


class FrameSink(Protocol):
    """Where an ``RtpSource`` delivers frames: a ``RoomHub``, or a headless viewer's recorder."""

    def attach_source(self, codecs: dict[str, str], request_keyframe: Callable[[], None]) -> None: ...
    def on_frame(self, frame: EncodedFrame) -> None: ...
    def request_keyframe(self, reason: str) -> None: ...


class RtpSource:
    """Feeds a hub from the receivers of one ingest peer connection."""

    def __init__(self, hub: FrameSink, on_first_frame: Callable[[], None] | None = None) -> None:
        self.hub = hub
        self.on_first_frame = on_first_frame  # media arrived: called once, on the first whole frame
        self.frames = 0
        self.codecs: dict[str, str] = {}
        self.assemblers: dict[str, FrameAssembler] = {}
        self._video_receiver: Any = None
        self._video_ssrc: int | None = None
        self._keyframe_wanted = False  # asked before the first packet told us the SSRC
        self.packets = 0

    def watch(self, pc: RTCPeerConnection) -> None:
        """Tap every track ``pc`` receives (register before setting the remote description)."""

        @pc.on("track")
        def on_track(track: Any) -> None:
            transceiver = next(t for t in pc.getTransceivers() if t.receiver.track is track)
            kind = track.kind
            self._tap(kind, transceiver.receiver)

    def _tap(self, kind: str, receiver: Any) -> None:
        def sink(packet: aiortc_adapter.RtpView) -> None:
            self.packets += 1
            assembler = self.assemblers.get(kind)
            if assembler is None:
                return  # codec not known yet (answer not applied)
            if kind == "video":
                self._video_ssrc = packet.ssrc
                if self._keyframe_wanted:
                    self._keyframe_wanted = False
                    self.request_keyframe()
            lost_before = assembler.lost
            for frame in assembler.add(packet.sequence_number, packet.timestamp, packet.marker, packet.data):
                self.frames += 1
                if self.frames == 1 and self.on_first_frame is not None:
                    self.on_first_frame()
                self.hub.on_frame(frame)
            if assembler.lost != lost_before:
                self.hub.request_keyframe("ingest-loss")

        if kind == "video":
            self._video_receiver = receiver
        aiortc_adapter.tap_receiver(receiver, sink)

    def start(self, codecs: dict[str, str]) -> None:
        """Codecs are known (the answer is set): assemble frames and feed the hub."""
        self.codecs = dict(codecs)
        for kind, name in codecs.items():
            if kind == "video":
                assembler = FrameAssembler(kind, keyframe_detector(name), keyframe_start_detector(name))
            else:
                assembler = FrameAssembler(kind, lambda data: True)
            self.assemblers[kind] = assembler
        self.hub.attach_source(codecs, self.request_keyframe)

    def request_keyframe(self) -> None:
        if self._video_receiver is not None and self._video_ssrc is not None:
            aiortc_adapter.fire_and_forget(aiortc_adapter.send_pli(self._video_receiver, self._video_ssrc))
        else:
            self._keyframe_wanted = True

    @property
    def frames_lost(self) -> int:
        return sum(a.lost for a in self.assemblers.values())


async def answer_publisher(pc: RTCPeerConnection, offer_sdp: str, codecs: dict[str, str], source: RtpSource) -> str:
    """Answer a WHIP offer, receiving only ``codecs``; returns the answer SDP.

    aiortc applies codec preferences when the remote offer is set (``setRemoteDescription``
    negotiates each transceiver's codecs then), so the receiving transceivers are created with
    their preferences first; the offer's sections then attach to them in order of kind.
    """
    source.watch(pc)
    for kind, name in codecs.items():
        pc.addTransceiver(kind, direction="recvonly").setCodecPreferences(codec_capabilities(kind, name))
    await pc.setRemoteDescription(RTCSessionDescription(sdp=offer_sdp, type="offer"))
    await pc.setLocalDescription(await pc.createAnswer())
    answer = pc.localDescription.sdp
    source.start(negotiated_codecs(answer))
    return answer


async def answer_viewer(
    pc: RTCPeerConnection, offer_sdp: str, hub: RoomHub, kinds: tuple[str, ...]
) -> tuple[str, dict[str, ForwardedTrack]]:
    """Answer a WHEP offer with tracks fed by ``hub``; returns the answer and the tracks.

    The sending transceivers, restricted to the room's codecs, exist before the offer is set:
    aiortc negotiates codecs inside ``setRemoteDescription``, and preferences set later are
    ignored, which would let the viewer's first-listed codec (VP8 in browsers) win and H.264
    frames be packetized as VP8.
    """
    tracks = hub.subscribe(kinds)
    try:
        for kind, track in tracks.items():
            transceiver = pc.addTransceiver(track, direction="sendonly")
            transceiver.setCodecPreferences(codec_capabilities(kind, hub.codecs[kind]))
            aiortc_adapter.on_keyframe_request(transceiver.sender, lambda: hub.request_keyframe("viewer-pli"))
        await pc.setRemoteDescription(RTCSessionDescription(sdp=offer_sdp, type="offer"))
        await pc.setLocalDescription(await pc.createAnswer())
    except Exception:
        for track in tracks.values():
            track.stop()
        raise
    return pc.localDescription.sdp, tracks


async def offer_pull(pc: RTCPeerConnection, source: RtpSource, kinds: tuple[str, ...] = ("video", "audio")) -> str:
    """A receive-only offer (server-to-server WHEP or a headless viewer) tapped into ``source``."""
    source.watch(pc)
    for kind in kinds:
        pc.addTransceiver(kind, direction="recvonly")
    await pc.setLocalDescription(await pc.createOffer())
    return str(pc.localDescription.sdp)


async def accept_pull_answer(pc: RTCPeerConnection, source: RtpSource, answer_sdp: str) -> dict[str, str]:
    await pc.setRemoteDescription(RTCSessionDescription(sdp=answer_sdp, type="answer"))
    codecs = negotiated_codecs(answer_sdp)
    source.start(codecs)
    return codecs
