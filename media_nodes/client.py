"""WHIP and WHEP clients in Python: the demo broadcaster, headless viewers, tests and benchmarks.

``WhipPublisher`` sends tracks to ``POST /whip/<room>``; ``WhepViewer`` receives a room without
decoding (frames reassembled on the marker bit, counted, optionally decoded to read the painted
capture time). Both speak plain HTTP + SDP, like OBS or a browser would.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import av
import httpx
from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamTrack

from media_nodes.forwarding.frames import EncodedFrame
from media_nodes.peers import RtpSource, accept_pull_answer, codec_capabilities, offer_pull, rtc_configuration
from media_nodes.testpattern import latency_ms, read_stamp


class WhipError(RuntimeError):
    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"HTTP {status}: {body[:300]}")
        self.status = status
        self.body = body


async def _post_offer(url: str, token: str | None, sdp: str) -> tuple[str, str | None]:
    headers = {"Content-Type": "application/sdp"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    async with httpx.AsyncClient(timeout=15.0) as http:
        response = await http.post(url, content=sdp, headers=headers)
    if response.status_code != 201:
        raise WhipError(response.status_code, response.text)
    location = response.headers.get("location")
    return response.text, str(httpx.URL(url).join(location)) if location else None


async def _delete(resource: str | None, token: str | None) -> None:
    if not resource:
        return
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        async with httpx.AsyncClient(timeout=5.0) as http:
            await http.delete(resource, headers=headers)
    except httpx.HTTPError:
        pass


@dataclass
class WhipPublisher:
    url: str
    token: str | None
    pc: RTCPeerConnection
    resource: str | None = None

    @classmethod
    async def start(
        cls,
        url: str,
        token: str | None,
        tracks: list[MediaStreamTrack],
        video_codec: str = "VP8",
        ice_servers: tuple[str, ...] = (),
    ) -> WhipPublisher:
        pc = RTCPeerConnection(rtc_configuration(ice_servers))
        for track in tracks:
            transceiver = pc.addTransceiver(track, direction="sendonly")
            codec = video_codec if track.kind == "video" else "opus"
            transceiver.setCodecPreferences(codec_capabilities(track.kind, codec))
        await pc.setLocalDescription(await pc.createOffer())
        try:
            answer, resource = await _post_offer(url, token, pc.localDescription.sdp)
            await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
        except Exception:
            await pc.close()
            raise
        return cls(url, token, pc, resource)

    async def stop(self) -> None:
        await _delete(self.resource, self.token)
        await self.pc.close()


@dataclass
class FrameRecorder:
    """Counts the frames a viewer receives; optionally decodes video to read painted stamps."""

    decode: bool = False
    started: float = field(default_factory=time.perf_counter)
    codecs: dict[str, str] = field(default_factory=dict)
    frames: dict[str, int] = field(default_factory=lambda: {"video": 0, "audio": 0})
    keyframes: int = 0
    first_frame_at: float | None = None
    latencies_ms: list[int] = field(default_factory=list)
    frame_numbers: list[int] = field(default_factory=list)
    decoded: int = 0  # pictures the decoder produced
    decode_errors: int = 0
    keyframe_requests: int = 0
    _decoder: Any = None
    _request: Any = None
    _waiting_keyframe: bool = True

    def attach_source(self, codecs: dict[str, str], request_keyframe: Any) -> None:
        self.codecs = dict(codecs)
        self._request = request_keyframe

    def request_keyframe(self, reason: str) -> None:
        self.keyframe_requests += 1
        if self._request is not None:
            self._request()

    def on_frame(self, frame: EncodedFrame) -> None:
        if frame.kind == "video" and self._waiting_keyframe:
            if not frame.keyframe:
                return
            self._waiting_keyframe = False
        self.frames[frame.kind] += 1
        if frame.kind != "video":
            return
        if self.first_frame_at is None:
            self.first_frame_at = time.perf_counter()
        self.keyframes += frame.keyframe
        if self.decode:
            self._decode(frame)

    def _decode(self, frame: EncodedFrame) -> None:
        if self._decoder is None:
            name = {"VP8": "vp8", "H264": "h264"}[self.codecs.get("video", "VP8")]
            self._decoder = av.CodecContext.create(name, "r")
        try:
            for picture in self._decoder.decode(av.Packet(frame.data)):
                self.decoded += 1
                stamp, number = read_stamp(picture)
                self.latencies_ms.append(latency_ms(stamp))
                self.frame_numbers.append(number)
        except av.FFmpegError:
            self.decode_errors += 1
            self._waiting_keyframe = True
            self.request_keyframe("decode-error")

    @property
    def time_to_first_frame(self) -> float | None:
        return None if self.first_frame_at is None else self.first_frame_at - self.started


@dataclass
class WhepViewer:
    url: str
    token: str | None
    pc: RTCPeerConnection
    recorder: FrameRecorder
    source: RtpSource
    resource: str | None = None

    @classmethod
    async def start(
        cls,
        url: str,
        token: str | None,
        decode: bool = False,
        ice_servers: tuple[str, ...] = (),
        recorder: FrameRecorder | None = None,
    ) -> WhepViewer:
        recorder = recorder or FrameRecorder(decode=decode)
        pc = RTCPeerConnection(rtc_configuration(ice_servers))
        source = RtpSource(recorder)
        offer = await offer_pull(pc, source)
        try:
            answer, resource = await _post_offer(url, token, offer)
            await accept_pull_answer(pc, source, answer)
        except Exception:
            await pc.close()
            raise
        return cls(url, token, pc, recorder, source, resource)

    async def wait_frames(self, count: int, timeout: float = 10.0) -> int:
        deadline = time.monotonic() + timeout
        while self.recorder.frames["video"] < count and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        return self.recorder.frames["video"]

    async def stop(self) -> None:
        await _delete(self.resource, self.token)
        await self.pc.close()
