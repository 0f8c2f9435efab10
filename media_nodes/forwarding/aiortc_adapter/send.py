"""The send seams: keyframe requests from viewers, and the forwarding path past aiortc's sender.

``on_keyframe_request``: the sender calls ``_send_keyframe`` on PLI/FIR from its peer; for a
forwarded (pre-encoded) track that is a no-op in aiortc, so it is replaced by a callback.

``SenderTap`` carries the forwarding path: aiortc's sender spends ~38 us per RTP packet in Python
(packetize per viewer, build an ``RtpPacket`` and its header extensions, serialize, then a chain of
coroutines down to ``sendto``). A forwarded frame is packetized once per room (``Packetizer``); per
viewer only the RTP header differs, so ``RtpWriter`` (``forwarding/rtp.py``: pure RTP, checked in
``compat.py`` against aiortc's serializer) writes each packet (its header around the room's
payload) into one buffer, ``SenderTap`` protects it there with the sender's own libsrtp session
(called directly: the pylibsrtp wrapper's per-call copies cost as much as the cipher) and hands it
to the ICE pair's datagram transport, which is what ``RTCDtlsTransport._send_rtp`` ->
``aioice.Connection.sendto`` -> ``StunProtocol.send_data`` do. The rest of the sender stays
aiortc's: RTCP SR/SDES/BYE (fed with the counters it would keep), RR handling, PLI/FIR
(``on_keyframe_request``) and NACK, answered from ``RtpWriter``'s 128-packet history as RTX exactly
as ``wrap_rtx`` would. The tap does not send abs-send-time (it only feeds the viewer's REMB, which
a forwarder cannot act on).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any, Protocol

import av

from media_nodes.forwarding.rtp import PACKET_ROOM, RtpWriter, ntp_now


class SenderBound(Protocol):
    """A track that sends through a ``SenderTap`` once it knows its ``RTCRtpSender``."""

    def bind_sender(self, sender: Any) -> None: ...


def on_keyframe_request(sender: Any, callback: Callable[[], None]) -> None:
    """Call ``callback`` when ``sender``'s peer sends PLI or FIR (instead of aiortc's no-op).

    ``peers.answer_viewer`` calls this for the sender of every forwarded track, right after
    creating it and before any frame can reach the track. It is therefore also where a forwarded
    track (one with ``bind_sender``) learns its sender and switches to ``SenderTap``; a track that is
    never bound still works through aiortc's own sender path (``ForwardedTrack.recv``).
    """
    sender._send_keyframe = callback
    track = sender.track
    if track is not None and callable(getattr(track, "bind_sender", None)):
        bound: SenderBound = track
        bound.bind_sender(sender)


class Packetizer:
    """Splits an encoded frame into RTP payloads once, for every viewer of the room.

    The payloads are aiortc's (``Vp8Encoder.pack``, ``H264Encoder.pack``: the encoded-packet path
    of ``RTCRtpSender``); a VP8 picture id then numbers the room's frames rather than each
    viewer's. Audio frames (Opus) are one payload each, as ``OpusEncoder.pack`` returns them.
    """

    _TIME_BASE = Fraction(1, 90000)

    def __init__(self, codec_name: str) -> None:
        from aiortc.codecs import h264, vpx

        name = codec_name.upper()
        self.codec_name = name
        self._encoder: Any = vpx.Vp8Encoder() if name == "VP8" else h264.H264Encoder() if name == "H264" else None

    def __call__(self, data: bytes, timestamp: int) -> list[bytes]:
        if self._encoder is None:
            return [data]
        packet = av.Packet(data)
        packet.pts = timestamp
        packet.time_base = self._TIME_BASE
        payloads: list[bytes] = self._encoder.pack(packet)[0]
        return payloads


SENT, NOT_SENDING, BEHIND = "sent", "not-sending", "behind"


class SenderTap:
    """Sends forwarded frames as one ``RTCRtpSender``'s RTP stream, past its per-packet Python path.

    Installed before the connection starts: it wraps ``sender.send(parameters)`` to learn the
    negotiated payload types, RTX and header extension ids, and replaces ``sender._retransmit``
    (NACK) with retransmission from ``RtpWriter``'s history. aiortc's RTP task keeps running but
    waits on the track (``ForwardedTrack.recv`` parks); its RTCP task sends SRs from the counters
    this tap writes back after every frame.
    """

    def __init__(self, sender: Any, on_started: Callable[[], None], max_backlog: int = 512 * 1024) -> None:
        self._sender = sender
        self._on_started = on_started
        self.max_backlog = max_backlog  # bytes queued in the transport beyond which the viewer is behind
        self.writer: RtpWriter | None = None
        self.retransmissions = 0
        self._wire: _Wire | None = None
        original_send = sender.send

        async def send(parameters: Any) -> None:
            await original_send(parameters)
            self._start(parameters)

        sender.send = send
        sender._retransmit = self._retransmit

    @property
    def started(self) -> bool:
        return self.writer is not None

    def _start(self, parameters: Any) -> None:
        from aiortc.codecs import is_rtx

        codec = parameters.codecs[0]
        rtx = next((c for c in parameters.codecs if is_rtx(c) and c.parameters.get("apt") == codec.payloadType), None)
        self.writer = RtpWriter(
            payload_type=codec.payloadType,
            ssrc=self._sender._ssrc,
            mid=parameters.muxId,
            extension_ids={ext.uri: ext.id for ext in parameters.headerExtensions},
            # abs-send-time only feeds the viewer's bandwidth estimate (REMB), which a forwarder
            # cannot act on (no encoder, no layers); aiortc receivers (edges pulling from an
            # origin, the bench's viewers) skip the estimator without it, and stop sending REMB
            abs_send_time=False,
            rtx_payload_type=rtx.payloadType if rtx is not None else None,
            rtx_ssrc=self._sender._rtx_ssrc,
        )
        self._on_started()

    def _current_wire(self) -> _Wire | None:
        """The connected path to the viewer, or None (not yet, or no longer, connected)."""
        wire = self._wire
        if wire is not None and wire.dtls._state is wire.connected and self._sender.transport is wire.dtls:
            return wire
        self._wire = _Wire.of(self._sender.transport)
        return self._wire

    def send_frame(self, payloads: Sequence[bytes], timestamp: int) -> str:
        """Send one frame's payloads now: ``SENT``, ``NOT_SENDING`` or ``BEHIND`` (not sent)."""
        writer = self.writer
        if writer is None or not self._sender._enabled:
            return NOT_SENDING
        wire = self._current_wire()
        if wire is None:
            return NOT_SENDING
        if wire.backlog() > self.max_backlog:
            return BEHIND
        ntp = ntp_now()
        packets = writer.packets
        size = writer.frame_into(wire.view, payloads, timestamp, ntp, wire.send_scratch)
        sender = self._sender
        sender._RTCRtpSender__ntp_timestamp = ntp
        sender._RTCRtpSender__rtp_timestamp = writer.last_timestamp
        sender._RTCRtpSender__packet_count = writer.packets
        sender._RTCRtpSender__octet_count = writer.octets
        self._count_sent(writer.packets - packets, size)
        return SENT

    def close(self) -> None:
        """The track ended: forget the path (the peer connection owns and closes it) and the
        packets kept for NACK, now: the closed peer connection and this tap with it live on as
        cyclic garbage until a full collection, and must not hold the room's packets meanwhile."""
        self._wire = None
        if self.writer is not None:
            self.writer.forget_history()

    def _count_sent(self, packets: int, size: int) -> None:
        dtls = self._sender.transport
        dtls._RTCDtlsTransport__tx_packets += packets
        dtls._RTCDtlsTransport__tx_bytes += size

    async def _retransmit(self, sequence_number: int) -> None:
        """NACK from the viewer: resend from history (as RTX when negotiated), like aiortc does."""
        writer = self.writer
        data = writer.retransmission(sequence_number) if writer is not None else None
        wire = self._current_wire() if data is not None else None
        if data is None or wire is None:
            return
        self._count_sent(1, wire.send(data))
        self.retransmissions += 1


class _Scratch:
    """One buffer each packet is protected into, then sent from (the fan-out is synchronous)."""

    def __init__(self) -> None:
        from pylibsrtp._binding import ffi

        self.data = ffi.new("char[]", PACKET_ROOM)
        self.length = ffi.new("int *")
        self.view = memoryview(ffi.buffer(self.data))


_scratch: _Scratch | None = None


def _protector(session: Any) -> Callable[[int], int]:
    """SRTP-protect the ``length`` bytes at the start of the scratch buffer in place; returns the
    protected length.

    ``pylibsrtp.Session.protect`` type-checks, allocates a length cell and copies in and out of
    its own buffer on every call, which costs about as much as the cipher; this calls the same
    ``srtp_protect`` on the same libsrtp session (``Session._srtp``) on the buffer the packet was
    written into. ``check_compatible`` compares its output with ``Session.protect``.
    """
    import pylibsrtp
    from pylibsrtp._binding import lib

    scratch = _get_scratch()
    buffer, cell = scratch.data, scratch.length
    srtp_protect, context = lib.srtp_protect, session._srtp[0]
    room = PACKET_ROOM - pylibsrtp.SRTP_MAX_TRAILER_LEN

    def protect(length: int) -> int:
        if length > room:
            raise ValueError(f"RTP packet of {length} bytes is too long")
        cell[0] = length
        rc = srtp_protect(context, buffer, cell)
        if rc:
            raise pylibsrtp.Error(pylibsrtp.ERRORS[rc])
        return int(cell[0])

    return protect


def _get_scratch() -> _Scratch:
    global _scratch
    if _scratch is None:
        _scratch = _Scratch()
    return _scratch


class _Wire:
    """The connected path to one viewer: its SRTP session and the nominated ICE pair's transport.

    Sends what ``RTCDtlsTransport._send_rtp`` sends (SRTP, then the pair's datagram transport, as
    ``aioice.StunProtocol.send_data`` does), resolved once per connection instead of per packet.
    aiortc neither restarts ICE nor re-keys SRTP, so the path holds while DTLS is connected.
    """

    def __init__(self, dtls: Any, pair: Any) -> None:
        from aiortc.rtcdtlstransport import State

        self.dtls = dtls
        self.connected = State.CONNECTED
        self.protect = _protector(dtls._tx_srtp)
        self.view = _get_scratch().view
        self.transport = pair.protocol.transport
        self.addr = pair.remote_addr
        size = getattr(self.transport, "get_write_buffer_size", None)
        self.backlog: Callable[[], int] = size if size is not None else (lambda: 0)

    @classmethod
    def of(cls, dtls: Any) -> _Wire | None:
        if dtls.state != "connected" or dtls._tx_srtp is None:
            return None
        pair = dtls.transport._connection._nominated.get(1)
        if pair is None or pair.protocol.transport is None:
            return None
        return cls(dtls, pair)

    def send_scratch(self, length: int) -> int:
        """Protect the packet at the start of the scratch buffer and send it; returns its wire size."""
        size = self.protect(length)
        self.transport.sendto(self.view[:size], self.addr)  # sent now, or copied if it must queue
        return size

    def send(self, packet: bytes) -> int:
        self.view[: len(packet)] = packet
        return self.send_scratch(len(packet))
