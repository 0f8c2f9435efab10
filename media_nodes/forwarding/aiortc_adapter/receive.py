"""The receive seam: an ingest receiver's depayloaded packets go to a sink, not to a decoder.

aiortc hands out decoded frames only: RTP -> depayload -> ``JitterBuffer`` -> decoder thread.
``tap_receiver`` swaps the receiver's jitter buffer for a sink: the receiver keeps doing its own
work (SRTP, RTX unwrap, NACK, REMB, RTCP RR, depayload), then calls ``add(packet)`` on the sink,
which never returns a frame, so nothing is ever decoded. ``send_pli`` is the receiver's own PLI
sender (``_send_rtcp_pli``) toward the publisher.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, Protocol

from .compat import JITTER_ATTR, AdapterError


@dataclass(frozen=True, slots=True)
class RtpView:
    """What the forwarder needs of one received RTP packet (already depayloaded)."""

    ssrc: int
    sequence_number: int
    timestamp: int
    marker: bool
    data: bytes


class PacketSink(Protocol):
    def __call__(self, packet: RtpView) -> None: ...


class _SinkBuffer:
    """Stands where the receiver's ``JitterBuffer`` was: hands each packet to the sink."""

    capacity = 512

    def __init__(self, sink: PacketSink) -> None:
        self._sink = sink

    def add(self, packet: Any) -> tuple[bool, None]:
        self._sink(
            RtpView(
                ssrc=packet.ssrc,
                sequence_number=packet.sequence_number,
                timestamp=packet.timestamp,
                marker=bool(packet.marker),
                data=packet._data,
            )
        )
        return False, None


def tap_receiver(receiver: Any, sink: PacketSink) -> None:
    """Route ``receiver``'s depayloaded packets to ``sink`` instead of its decoder."""
    if not hasattr(receiver, JITTER_ATTR):
        raise AdapterError("RTCRtpReceiver has no __jitter_buffer: aiortc internals changed")
    setattr(receiver, JITTER_ATTR, _SinkBuffer(sink))


def send_pli(receiver: Any, media_ssrc: int) -> Awaitable[None]:
    """Ask the remote sender of ``media_ssrc`` for a keyframe (RTCP PLI, RFC 4585)."""
    result: Awaitable[None] = receiver._send_rtcp_pli(media_ssrc)
    return result


def fire_and_forget(awaitable: Awaitable[Any]) -> None:
    """Schedule an RTCP send from synchronous code without leaking exceptions."""
    task = asyncio.ensure_future(awaitable)
    task.add_done_callback(lambda t: t.cancelled() or t.exception())
