"""Encoded frames out of RTP packets, released on the marker bit (no decoding, no aiortc).

aiortc's jitter buffer releases a frame only when the first packet of the *next* frame arrives,
which costs one frame interval (~33 ms at 30 fps) on every receive hop. A forwarder knows a video
frame is complete as soon as it holds every packet from the one after the previous frame's end up
to the packet carrying the marker bit (RFC 3550: the marker flags the last packet of a frame), so
``FrameAssembler`` releases it right then. Audio (Opus) packets are whole frames and pass at once.

A frame whose packets never all arrive is dropped when a later frame completes; ``lost`` counts
them so the owner can ask the publisher for a keyframe.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

_MASK = 0xFFFF
_HISTORY = 2048


def _newer(a: int, b: int) -> bool:
    """RFC 1982 serial comparison of 16-bit sequence numbers: ``a`` after ``b``."""
    return a != b and ((a - b) & _MASK) < 0x8000


@dataclass(frozen=True, slots=True)
class EncodedFrame:
    """One encoded video or audio frame, as forwarded to every subscriber."""

    kind: str  # "video" | "audio"
    data: bytes
    rtp_timestamp: int  # unwrapped (monotonic) RTP timestamp of the source
    keyframe: bool


def is_vp8_keyframe(frame: bytes) -> bool:
    """RFC 6386 section 9.1: bit 0 of the frame tag is 0 for a key frame."""
    return len(frame) >= 3 and (frame[0] & 0x01) == 0


def is_h264_keyframe(frame: bytes) -> bool:
    """An Annex-B access unit holding an IDR slice (5) or a sequence parameter set (7)."""
    start = 0
    n = len(frame)
    while True:
        i = frame.find(b"\x00\x00\x01", start)
        if i < 0 or i + 3 >= n:
            return False
        nal_type = frame[i + 3] & 0x1F
        if nal_type in (5, 7):
            return True
        start = i + 3


def starts_vp8_keyframe(first_packet: bytes) -> bool:
    """The first packet of a VP8 key frame: frame tag with the key bit, then the start code."""
    return len(first_packet) >= 6 and (first_packet[0] & 0x01) == 0 and first_packet[3:6] == b"\x9d\x01\x2a"


def starts_h264_keyframe(first_packet: bytes) -> bool:
    """The first packet of an H.264 IDR access unit (depayloaded to Annex-B: AUD, SEI, SPS or IDR)."""
    for code in (b"\x00\x00\x00\x01", b"\x00\x00\x01"):
        if first_packet.startswith(code) and len(first_packet) > len(code):
            return (first_packet[len(code)] & 0x1F) in (5, 6, 7, 9)
    return False


def keyframe_start_detector(codec_name: str) -> Callable[[bytes], bool]:
    """Recognises the first packet of a keyframe, so a receiver can start on it when it joins."""
    name = codec_name.upper()
    if name == "VP8":
        return starts_vp8_keyframe
    if name == "H264":
        return starts_h264_keyframe
    raise ValueError(f"no keyframe-start detector for {codec_name}")


def keyframe_detector(codec_name: str) -> Callable[[bytes], bool]:
    name = codec_name.upper()
    if name == "VP8":
        return is_vp8_keyframe
    if name == "H264":
        return is_h264_keyframe
    raise ValueError(f"no keyframe detector for {codec_name}")


class TimestampUnwrapper:
    """32-bit RTP timestamps to a monotonic count (wraps every ~13 h at 90 kHz)."""

    def __init__(self) -> None:
        self._last: int | None = None
        self._cycles = 0

    def __call__(self, ts: int) -> int:
        if self._last is not None and ts < self._last and self._last - ts > 0x80000000:
            self._cycles += 1 << 32
        elif self._last is not None and ts > self._last and ts - self._last > 0x80000000:
            return ts + self._cycles - (1 << 32)  # a late packet from before the wrap
        self._last = ts
        return ts + self._cycles


class FrameAssembler:
    """Reassembles video frames by sequence number and releases each on its marker bit."""

    def __init__(
        self,
        kind: str,
        is_keyframe: Callable[[bytes], bool],
        starts_keyframe: Callable[[bytes], bool] | None = None,
    ) -> None:
        self.kind = kind
        self._is_keyframe = is_keyframe
        self._starts_keyframe = starts_keyframe
        self._packets: dict[int, tuple[int, bool, bytes]] = {}  # seq -> (ts, marker, data)
        self._markers: dict[int, int] = {}  # marker seq -> ts, frames waiting for missing packets
        self._boundary: int | None = None  # marker seq of the last released frame
        self._unwrap = TimestampUnwrapper()
        self.released = 0
        self.lost = 0

    def add(self, seq: int, ts: int, marker: bool, data: bytes) -> list[EncodedFrame]:
        """Add one packet; return the frames it completes (usually zero or one)."""
        if self.kind == "audio":
            self.released += 1
            return [EncodedFrame("audio", data, self._unwrap(ts), True)]
        if self._boundary is not None and not _newer(seq, self._boundary):
            return []  # late duplicate or retransmission of a frame already released/dropped
        self._packets[seq] = (ts, marker, data)
        if len(self._packets) > _HISTORY:
            self._packets.pop(next(iter(self._packets)))
        if marker:
            self._markers[seq] = ts
        if not self._markers:
            return []
        out: list[EncodedFrame] = []
        for mseq in sorted(self._markers, key=lambda s: (seq - s) & _MASK, reverse=True):  # oldest first
            mts = self._markers.get(mseq)
            if mts is None:
                continue
            frame = self._assemble(mseq, mts)
            if frame is not None:
                out.append(frame)
        return out

    def _assemble(self, mseq: int, mts: int) -> EncodedFrame | None:
        parts: list[bytes] = []
        s = mseq
        for _ in range(_HISTORY):
            entry = self._packets.get(s)
            if entry is None:
                if s == self._boundary:
                    break  # the previous frame ended here: this one is whole
                joining = self._boundary is None and parts and self._starts_keyframe is not None
                if joining and self._starts_keyframe(parts[-1]):  # type: ignore[misc]
                    break  # joining: nothing came before, and this is plainly a keyframe's start
                return None  # a packet is missing: wait (RTX may still bring it)
            if entry[0] != mts:
                break  # the previous frame's packet: this one starts after it
            parts.append(entry[2])
            s = (s - 1) & _MASK
        else:
            return None
        parts.reverse()
        data = b"".join(parts)
        keyframe = self._is_keyframe(data)
        if self._boundary is None and entry is None and not keyframe:
            return None  # the start looked like a keyframe's but the frame is not one
        self._release_through(mseq)
        self.released += 1
        return EncodedFrame("video", data, self._unwrap(mts), keyframe)

    def _release_through(self, mseq: int) -> None:
        """Forget everything up to ``mseq``; frames still waiting before it are lost."""
        for other in list(self._markers):
            if other == mseq or _newer(mseq, other):
                del self._markers[other]
                if other != mseq and self._boundary is not None:  # not the partial first frame
                    self.lost += 1
        for seq in list(self._packets):
            if seq == mseq or _newer(mseq, seq):
                del self._packets[seq]
        self._boundary = mseq
