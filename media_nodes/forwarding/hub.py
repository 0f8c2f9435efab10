"""A room's fan-out: one source of encoded frames, any number of subscriber tracks.

The source is a WHIP publisher or, on an edge, the upstream WHEP pull from the origin. Each
released frame is packetized once (``Packetizer``: the RTP payloads are the same for every viewer
of the codec), then handed to every subscriber in one synchronous loop: each subscriber's
``SenderTap`` writes its own RTP headers (SSRC, sequence number, timestamp offset, payload type,
header extension ids), SRTP-protects and sends. No per-viewer task wakes up per frame, nothing is
decoded or encoded, and aiortc's per-packet Python path is skipped; RTCP (SR, RR, NACK/RTX,
PLI/FIR) stays aiortc's. A track whose sender is not tapped falls back to aiortc's sender, fed
``av.Packet`` frames through a queue (``ForwardedTrack.recv``).

A video subscriber starts at a keyframe: delta frames are held back until one arrives, and its
arrival is requested from the publisher (PLI) when the subscriber joins, when it reports loss
(PLI/FIR from its side) or when it falls behind and is reset. Requests are coalesced so a join
storm costs the publisher one keyframe, not one per viewer.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Protocol

import av
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from media_nodes.forwarding import aiortc_adapter
from media_nodes.forwarding.frames import EncodedFrame

TIME_BASES = {"video": Fraction(1, 90000), "audio": Fraction(1, 48000)}
MAX_QUEUED = {"video": 90, "audio": 150}  # ~3 s: a subscriber further behind is reset
MAX_BACKLOG_BYTES = 512 * 1024  # unsent bytes in a viewer's socket buffer (~2.7 s at 1.5 Mbps): reset
KEYFRAME_REQUEST_INTERVAL = 0.25  # seconds between PLIs sent upstream for one room

logger = logging.getLogger("crosslive.media.hub")


@dataclass(frozen=True, slots=True)
class OutgoingFrame:
    """One frame as every subscriber of the room gets it."""

    kind: str
    payloads: list[bytes]  # RTP payloads, packetized once for all subscribers
    timestamp: int  # the source's unwrapped RTP timestamp (90 kHz video, 48 kHz audio)
    keyframe: bool
    data: bytes  # the whole frame, for a subscriber on aiortc's own sender path

    def packet(self) -> av.Packet:
        packet = av.Packet(self.data)
        packet.pts = self.timestamp
        packet.time_base = TIME_BASES[self.kind]
        return packet


class FrameOutput(Protocol):
    """Where a tapped subscriber's frames go: ``aiortc_adapter.SenderTap`` (or a test double)."""

    @property
    def started(self) -> bool: ...
    def send_frame(self, payloads: list[bytes], timestamp: int) -> str:
        """``aiortc_adapter.SENT``, ``NOT_SENDING`` or ``BEHIND`` (too much unsent: not sent)."""
        ...

    def close(self) -> None: ...


class ForwardedTrack(MediaStreamTrack):
    """A subscriber's outgoing track.

    Once bound to its ``RTCRtpSender`` (``bind_sender``, done by ``aiortc_adapter.on_keyframe_request``)
    the hub's frames are sent synchronously through a ``SenderTap``; frames arriving before the
    connection is up wait in ``_pending`` (bounded like the old queue), and aiortc's RTP task is
    parked in ``recv`` until the track ends. Unbound, it hands ``av.Packet`` frames to aiortc's
    sender through a queue, as before the tap existed.
    """

    def __init__(self, kind: str, hub: RoomHub) -> None:
        super().__init__()
        self.kind = kind
        self._hub = hub
        self._queue: asyncio.Queue[av.Packet | None] = asyncio.Queue()
        self._output: FrameOutput | None = None
        self._pending: list[OutgoingFrame] = []
        self._ended = asyncio.Event()
        self.waiting_keyframe = kind == "video"
        self.frames_sent = 0
        self.frames_skipped = 0
        self.resets = 0

    @property
    def tapped(self) -> bool:
        return self._output is not None

    def bind_sender(self, sender: Any) -> None:
        """Send through ``sender``'s stream directly (see ``aiortc_adapter.SenderTap``)."""
        self.attach_output(aiortc_adapter.SenderTap(sender, on_started=self._flush, max_backlog=MAX_BACKLOG_BYTES))

    def attach_output(self, output: FrameOutput) -> None:
        self._output = output
        if not self._queue.empty():  # frames queued for aiortc's path: restart cleanly on the tap
            self._reset()

    def deliver(self, frame: OutgoingFrame) -> None:
        """One frame of the room (called by the hub for every subscriber, synchronously)."""
        if self.waiting_keyframe:
            if not frame.keyframe:
                self.frames_skipped += 1
                return
            self.waiting_keyframe = False
        output = self._output
        if output is None:
            if self._queue.qsize() >= MAX_QUEUED[self.kind]:
                self._reset()
                if self.kind == "video":
                    return
            self._queue.put_nowait(frame.packet())
        elif not output.started:
            if len(self._pending) >= MAX_QUEUED[self.kind]:
                self._reset()
                if self.kind == "video":
                    return
            self._pending.append(frame)
        else:
            result = output.send_frame(frame.payloads, frame.timestamp)
            if result is aiortc_adapter.SENT:
                self.frames_sent += 1
            elif result is aiortc_adapter.BEHIND:
                self._reset()
            elif self.kind == "video":  # paused (disabled, or the connection dropped): resume at a keyframe
                self.waiting_keyframe = True
                if self.frames_sent:
                    self._hub.request_keyframe("subscriber-paused")

    def _flush(self) -> None:
        """The sender started: send what arrived while the connection was being set up."""
        pending, self._pending = self._pending, []
        for frame in pending:
            self.deliver(frame)

    def _reset(self) -> None:
        """Too far behind: drop the backlog and start again at the next keyframe."""
        self.resets += 1
        self._pending.clear()
        while not self._queue.empty():
            self._queue.get_nowait()
        if self.kind == "video":
            self.waiting_keyframe = True
            self._hub.request_keyframe("subscriber-reset")

    def end(self) -> None:
        self._queue.put_nowait(None)
        self._ended.set()

    async def recv(self) -> av.Packet:  # type: ignore[override]
        if self.readyState != "live":
            raise MediaStreamError
        if self._output is not None:
            await self._ended.wait()  # the tap sends; aiortc's RTP task only waits for the end
            self.stop()
            raise MediaStreamError
        packet = await self._queue.get()
        if packet is None:
            self.stop()
            raise MediaStreamError
        self.frames_sent += 1
        return packet

    def stop(self) -> None:
        super().stop()
        self._ended.set()
        self._pending.clear()  # frames held for a sender that never started: not sent now
        self._hub.unsubscribe(self)
        if self._output is not None:
            self._output.close()


@dataclass
class HubStats:
    frames_in: int = 0
    keyframes_in: int = 0
    bytes_in: int = 0
    frames_out: int = 0
    keyframe_requests: int = 0
    keyframe_requests_sent: int = 0
    send_errors: int = 0


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
    _packetizers: dict[str, aiortc_adapter.Packetizer] = field(default_factory=dict)

    @property
    def viewers(self) -> int:
        return max(len(self._tracks["video"]), len(self._tracks["audio"]))

    @property
    def has_source(self) -> bool:
        return self._keyframe_source is not None

    def attach_source(self, codecs: dict[str, str], request_keyframe: Callable[[], None]) -> None:
        """A (new) publisher or upstream feeds this hub; subscribers restart at its next keyframe."""
        self.codecs = dict(codecs)
        self._packetizers = {kind: aiortc_adapter.Packetizer(name) for kind, name in codecs.items()}
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
        """A frame released by the source's assembler: packetized once, sent to every subscriber."""
        self.stats.frames_in += 1
        self.stats.bytes_in += len(frame.data)
        if frame.keyframe and frame.kind == "video":
            self.stats.keyframes_in += 1
            self._last_keyframe_at = time.monotonic()
        tracks = self._tracks[frame.kind]
        if not tracks:
            return
        packetize = self._packetizers.get(frame.kind)
        if packetize is None:
            packetize = self._packetizers[frame.kind] = aiortc_adapter.Packetizer(self.codecs.get(frame.kind, ""))
        out = OutgoingFrame(
            frame.kind, packetize(frame.data, frame.rtp_timestamp), frame.rtp_timestamp, frame.keyframe, frame.data
        )
        for track in tracks:
            try:
                track.deliver(out)
            except Exception:  # one viewer's broken connection must not cost the others their frame
                self.stats.send_errors += 1
                logger.debug("sending to a subscriber failed", exc_info=True)
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
