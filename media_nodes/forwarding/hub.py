"""A room's fan-out: one source of encoded frames, any number of subscriber tracks.

The source is a WHIP publisher or, on an edge, the upstream WHEP pull from the origin. Each
released frame becomes one ``av.Packet`` shared by every subscriber; each subscriber's
``RTCRtpSender`` packetizes it (the encoded-packet path of aiortc's sender, no encoder). Nothing
is decoded or encoded per subscriber.

A video subscriber starts at a keyframe: delta frames are held back until one arrives, and its
arrival is requested from the publisher (PLI) when the subscriber joins, when it reports loss
(PLI/FIR from its side) or when it falls behind and is reset. Requests are coalesced so a join
storm costs the publisher one keyframe, not one per viewer.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

import av
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from media_nodes.forwarding.frames import EncodedFrame

TIME_BASES = {"video": Fraction(1, 90000), "audio": Fraction(1, 48000)}
MAX_QUEUED = {"video": 90, "audio": 150}  # ~3 s: a subscriber further behind is reset
KEYFRAME_REQUEST_INTERVAL = 0.25  # seconds between PLIs sent upstream for one room


class ForwardedTrack(MediaStreamTrack):
    """A subscriber's outgoing track: hands encoded packets to its ``RTCRtpSender``."""

    def __init__(self, kind: str, hub: RoomHub) -> None:
        super().__init__()
        self.kind = kind
        self._hub = hub
        self._queue: asyncio.Queue[av.Packet | None] = asyncio.Queue()
        self.waiting_keyframe = kind == "video"
        self.frames_sent = 0
        self.frames_skipped = 0
        self.resets = 0

    def push(self, packet: av.Packet, keyframe: bool) -> None:
        if self.waiting_keyframe:
            if not keyframe:
                self.frames_skipped += 1
                return
            self.waiting_keyframe = False
        if self._queue.qsize() >= MAX_QUEUED[self.kind]:
            self._reset()
            if self.kind == "video":
                return
        self._queue.put_nowait(packet)

    def _reset(self) -> None:
        """Too far behind: drop the backlog and start again at the next keyframe."""
        self.resets += 1
        while not self._queue.empty():
            self._queue.get_nowait()
        if self.kind == "video":
            self.waiting_keyframe = True
            self._hub.request_keyframe("subscriber-reset")

    def end(self) -> None:
        self._queue.put_nowait(None)

    async def recv(self) -> av.Packet:  # type: ignore[override]
        if self.readyState != "live":
            raise MediaStreamError
        packet = await self._queue.get()
        if packet is None:
            self.stop()
            raise MediaStreamError
        self.frames_sent += 1
        return packet

    def stop(self) -> None:
        super().stop()
        self._hub.unsubscribe(self)


@dataclass
class HubStats:
    frames_in: int = 0
    keyframes_in: int = 0
    bytes_in: int = 0
    frames_out: int = 0
    keyframe_requests: int = 0
    keyframe_requests_sent: int = 0


@dataclass
class RoomHub:
    """Fan-out of one room on one node."""

    room_id: str
    codecs: dict[str, str] = field(default_factory=dict)  # kind -> codec name of the current source
    stats: HubStats = field(default_factory=HubStats)
    on_empty: Callable[[RoomHub], None] | None = None
    _tracks: dict[str, set[ForwardedTrack]] = field(default_factory=lambda: {"video": set(), "audio": set()})
    _keyframe_source: Callable[[], None] | None = None
    _last_request: float = 0.0
    _pending_request: asyncio.TimerHandle | None = None
    _last_keyframe_at: float = 0.0

    @property
    def viewers(self) -> int:
        return max(len(self._tracks["video"]), len(self._tracks["audio"]))

    @property
    def has_source(self) -> bool:
        return self._keyframe_source is not None

    def attach_source(self, codecs: dict[str, str], request_keyframe: Callable[[], None]) -> None:
        """A (new) publisher or upstream feeds this hub; subscribers restart at its next keyframe."""
        self.codecs = dict(codecs)
        self._keyframe_source = request_keyframe
        for track in self._tracks["video"]:
            track.waiting_keyframe = True
        self.request_keyframe("source-attached")

    def detach_source(self, request_keyframe: Callable[[], None] | None = None) -> bool:
        """Detach the source (only if it is ``request_keyframe``'s owner, when given)."""
        if request_keyframe is not None and self._keyframe_source != request_keyframe:
            return False
        self._keyframe_source = None
        return True

    def subscribe(self, kinds: tuple[str, ...]) -> dict[str, ForwardedTrack]:
        tracks = {kind: ForwardedTrack(kind, self) for kind in kinds}
        for kind, track in tracks.items():
            self._tracks[kind].add(track)
        if "video" in tracks:
            self.request_keyframe("subscriber-joined")
        return tracks

    def unsubscribe(self, track: ForwardedTrack) -> None:
        tracks = self._tracks.get(track.kind)
        if tracks is None or track not in tracks:
            return
        tracks.discard(track)
        if self.viewers == 0 and self.on_empty is not None:
            self.on_empty(self)

    def close_subscribers(self) -> None:
        for kind in ("video", "audio"):
            for track in list(self._tracks[kind]):
                track.end()

    def on_frame(self, frame: EncodedFrame) -> None:
        """A frame released by the source's assembler: one packet, shared by every subscriber."""
        self.stats.frames_in += 1
        self.stats.bytes_in += len(frame.data)
        if frame.keyframe and frame.kind == "video":
            self.stats.keyframes_in += 1
            self._last_keyframe_at = time.monotonic()
        tracks = self._tracks[frame.kind]
        if not tracks:
            return
        packet = av.Packet(frame.data)
        packet.pts = frame.rtp_timestamp
        packet.time_base = TIME_BASES[frame.kind]
        for track in tracks:
            track.push(packet, frame.keyframe)
        self.stats.frames_out += len(tracks)

    def request_keyframe(self, reason: str) -> None:
        """Ask the source for a keyframe, at most once per ``KEYFRAME_REQUEST_INTERVAL``."""
        self.stats.keyframe_requests += 1
        if self._keyframe_source is None or self._pending_request is not None:
            return
        wait = self._last_request + KEYFRAME_REQUEST_INTERVAL - time.monotonic()
        if wait <= 0:
            self._send_request()
        else:
            self._pending_request = asyncio.get_running_loop().call_later(wait, self._send_request)

    def _send_request(self) -> None:
        self._pending_request = None
        self._last_request = time.monotonic()
        if self._keyframe_source is not None:
            self.stats.keyframe_requests_sent += 1
            self._keyframe_source()
