"""Every use of aiortc internals, in one place, for aiortc==1.16.0 exactly.

aiortc hands out decoded frames only: RTP -> depayload -> ``JitterBuffer`` -> decoder thread. A
forwarding node wants the depayloaded, encoded frames instead, and wants to pass keyframe requests
(PLI/FIR) from its subscribers up to the publisher. Three private seams do that:

* ``tap_receiver``: swap the receiver's jitter buffer for a sink. The receiver keeps doing its
  own work (SRTP, RTX unwrap, NACK, REMB, RTCP RR, depayload), then calls ``add(packet)`` on the
  sink instead of the buffer; the sink never returns a frame, so nothing is ever decoded.
* ``send_pli``: the receiver's own PLI sender (``_send_rtcp_pli``) toward the publisher.
* ``on_keyframe_request``: the sender calls ``_send_keyframe`` on PLI/FIR from its peer; for a
  forwarded (pre-encoded) track that is a no-op in aiortc, so it is replaced by a callback.

``check_compatible()`` fails loudly when the installed aiortc is not the pinned version or a seam
moved; ``tests/media/test_aiortc_adapter.py`` calls it, and the node calls it at start-up.
"""

from __future__ import annotations

import asyncio
import inspect
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any, Protocol

PINNED_AIORTC = "1.16.0"
_JITTER_ATTR = "_RTCRtpReceiver__jitter_buffer"


class AdapterError(RuntimeError):
    """The installed aiortc does not match what this adapter was written against."""


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


def check_compatible() -> None:
    """Raise ``AdapterError`` unless aiortc is the pinned version with the seams used here."""
    installed = version("aiortc")
    if installed != PINNED_AIORTC:
        raise AdapterError(f"aiortc {installed} installed; media_nodes is pinned to aiortc=={PINNED_AIORTC}")
    from aiortc import rtcrtpreceiver, rtcrtpsender
    from aiortc.jitterbuffer import JitterBuffer

    receiver_src = inspect.getsource(rtcrtpreceiver.RTCRtpReceiver._handle_rtp_packet)
    problems = []
    if "self.__jitter_buffer.add(packet)" not in receiver_src:
        problems.append("RTCRtpReceiver._handle_rtp_packet no longer feeds self.__jitter_buffer.add(packet)")
    if "packet._data = depayload(codec, packet.payload)" not in receiver_src:
        problems.append("RTCRtpReceiver no longer stores the depayloaded frame in packet._data")
    if "self.__jitter_buffer = JitterBuffer(" not in inspect.getsource(rtcrtpreceiver.RTCRtpReceiver.__init__):
        problems.append("RTCRtpReceiver.__init__ no longer creates __jitter_buffer")
    if not hasattr(rtcrtpreceiver.RTCRtpReceiver, "_send_rtcp_pli"):
        problems.append("RTCRtpReceiver._send_rtcp_pli is gone")
    if not hasattr(JitterBuffer, "add"):
        problems.append("JitterBuffer.add is gone")
    sender_src = inspect.getsource(rtcrtpsender.RTCRtpSender._handle_rtcp_packet)
    if "self._send_keyframe()" not in sender_src:
        problems.append("RTCRtpSender._handle_rtcp_packet no longer calls self._send_keyframe() on PLI/FIR")
    if "self.__encoder.pack(data)" not in inspect.getsource(rtcrtpsender.RTCRtpSender._next_encoded_frame):
        problems.append("RTCRtpSender no longer packs pre-encoded av.Packet frames")
    import aioice.ice

    gather_src = inspect.getsource(aioice.ice.Connection.get_component_candidates)
    if "loop = asyncio.get_running_loop()" not in gather_src or "local_addr=(address, 0)" not in gather_src:
        problems.append("aioice no longer binds host candidates via asyncio.get_running_loop() on port 0")
    if problems:
        raise AdapterError("aiortc internals changed: " + "; ".join(problems))


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
    if not hasattr(receiver, _JITTER_ATTR):
        raise AdapterError("RTCRtpReceiver has no __jitter_buffer: aiortc internals changed")
    setattr(receiver, _JITTER_ATTR, _SinkBuffer(sink))


def send_pli(receiver: Any, media_ssrc: int) -> Awaitable[None]:
    """Ask the remote sender of ``media_ssrc`` for a keyframe (RTCP PLI, RFC 4585)."""
    result: Awaitable[None] = receiver._send_rtcp_pli(media_ssrc)
    return result


def on_keyframe_request(sender: Any, callback: Callable[[], None]) -> None:
    """Call ``callback`` when ``sender``'s peer sends PLI or FIR (instead of aiortc's no-op)."""
    sender._send_keyframe = callback


def include_loopback_candidates() -> None:
    """Let ICE offer 127.0.0.1 host candidates (aioice leaves loopback out), for one-machine use."""
    import aioice.ice

    original = aioice.ice.get_host_addresses
    if getattr(original, "_crosslive_loopback", False):
        return

    def with_loopback(use_ipv4: bool, use_ipv6: bool) -> list[str]:
        addresses = list(original(use_ipv4, use_ipv6))
        if use_ipv4 and "127.0.0.1" not in addresses:
            addresses.insert(0, "127.0.0.1")
        return addresses

    with_loopback._crosslive_loopback = True  # type: ignore[attr-defined]
    aioice.ice.get_host_addresses = with_loopback


def fire_and_forget(awaitable: Awaitable[Any]) -> None:
    """Schedule an RTCP send from synchronous code without leaking exceptions."""
    task = asyncio.ensure_future(awaitable)
    task.add_done_callback(lambda t: t.cancelled() or t.exception())


def parse_sdp(text: str) -> Any:
    """aiortc's SDP parser (``aiortc.sdp.SessionDescription``); raises on malformed input."""
    from aiortc import sdp

    return sdp.SessionDescription.parse(text)


def restrict_udp_ports(low: int, high: int) -> None:
    """Bind ICE host candidates to UDP ports ``low..high`` (what the security group opens).

    aioice binds its sockets to port 0 (any ephemeral port). Its module's ``asyncio`` is replaced
    by a proxy whose running loop picks a free port in the range for those binds; everything else
    passes through unchanged.
    """
    import aioice.ice

    if not 1024 <= low <= high <= 65535:
        raise ValueError(f"bad UDP port range {low}-{high}")
    current = aioice.ice.asyncio
    real = getattr(current, "_crosslive_real", current)

    class _Loop:
        def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
            self._loop = loop

        def __getattr__(self, name: str) -> Any:
            return getattr(self._loop, name)

        async def create_datagram_endpoint(self, factory: Any, local_addr: Any = None, **kwargs: Any) -> Any:
            if not local_addr or local_addr[1] != 0:
                return await self._loop.create_datagram_endpoint(factory, local_addr=local_addr, **kwargs)
            size = high - low + 1
            start = random.randrange(size)
            for i in range(size):
                port = low + (start + i) % size
                try:
                    return await self._loop.create_datagram_endpoint(
                        factory, local_addr=(local_addr[0], port), **kwargs
                    )
                except OSError:
                    continue
            raise OSError(f"no free UDP port in {low}-{high} on {local_addr[0]}")

    class _Asyncio:
        _crosslive_real = real

        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        @staticmethod
        def get_running_loop() -> Any:
            return _Loop(real.get_running_loop())

    aioice.ice.asyncio = _Asyncio()  # type: ignore[assignment]
