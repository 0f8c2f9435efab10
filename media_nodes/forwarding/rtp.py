"""RTP packets of one outgoing stream, written around payloads every viewer of a room shares.

Pure RTP (RFC 3550 headers, RFC 8285 header extensions, RFC 4588 retransmission): nothing here
touches aiortc. ``aiortc_adapter.rtp_writer_self_test`` checks at start-up that ``RtpWriter``
writes byte for byte what aiortc's own serializer (``RtpPacket.serialize``, ``wrap_rtx``) would.
"""

from __future__ import annotations

import random
import struct
import time
from collections.abc import Callable, Sequence

PACKET_ROOM = 2048  # an RTP packet (<= 1300 B payload + header) and libsrtp's trailer
RTP_HISTORY_SIZE = 128  # aiortc.rtp.RTP_HISTORY_SIZE: packets kept for NACK per stream
MID_URI = "urn:ietf:params:rtp-hdrext:sdes:mid"
ABS_SEND_TIME_URI = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
_HEADER = struct.Struct("!BBHII")
_NTP_UNIX_OFFSET = 2208988800  # seconds from 1900-01-01 (NTP era 0) to 1970-01-01


def ntp_now() -> int:
    """The current time as a 64-bit NTP timestamp (what ``aiortc.clock.current_ntp_time`` returns)."""
    now = time.time() + _NTP_UNIX_OFFSET
    seconds = int(now)
    return (seconds << 32) | int((now - seconds) * 4294967296.0)


def _extension_block(elements: list[tuple[int, bytes | None]]) -> tuple[bytes, bytes]:
    """RFC 8285 header extension block as (head, tail) around the abs-send-time value (``None``).

    Same choices as ``aiortc.rtp.pack_header_extensions``: the one-byte form unless an id is above
    14 or a value is empty or longer than 16 bytes; zero padding to 32 bits. The abs-send-time
    value (3 bytes) changes per frame, so it is left out: ``head + value + tail`` is the block.
    """
    if not elements:
        return b"", b""
    sizes = [3 if value is None else len(value) for _, value in elements]
    one_byte = all(0 < x_id <= 14 and 0 < size <= 16 for (x_id, _), size in zip(elements, sizes, strict=True))
    parts: list[bytes] = []
    split = -1
    for (x_id, value), size in zip(elements, sizes, strict=True):
        parts.append(bytes([(x_id << 4) | (size - 1)]) if one_byte else bytes([x_id, size]))
        if value is None:
            split = len(parts)
            parts.append(b"")
        else:
            parts.append(value)
    length = sum(len(p) for p in parts) + (3 if split >= 0 else 0)
    padding = b"\x00" * (-length % 4)
    prefix = struct.pack("!HH", 0xBEDE if one_byte else 0x1000, (length + len(padding)) // 4)
    if split < 0:
        return prefix + b"".join(parts) + padding, b""
    return prefix + b"".join(parts[:split]), b"".join(parts[split + 1 :]) + padding


class RtpWriter:
    """The RTP bytes of one outgoing stream: a header per packet around payloads shared by viewers.

    Writes what aiortc's sender would (``RtpPacket.serialize`` with the mid and abs-send-time
    extensions, ``wrap_rtx`` for retransmissions; ``self_test`` compares them) at a fraction of
    the cost, and remembers the last ``RTP_HISTORY_SIZE`` packets to answer NACKs.
    """

    def __init__(
        self,
        *,
        payload_type: int,
        ssrc: int,
        mid: str | None = None,
        extension_ids: dict[str, int] | None = None,
        abs_send_time: bool = True,
        rtx_payload_type: int | None = None,
        rtx_ssrc: int = 0,
        sequence_number: int | None = None,
        timestamp_origin: int | None = None,
    ) -> None:
        ids = extension_ids or {}
        elements: list[tuple[int, bytes | None]] = []
        if mid is not None and ids.get(MID_URI):
            elements.append((ids[MID_URI], mid.encode("utf8")))
        self._abs_send_time = abs_send_time and bool(ids.get(ABS_SEND_TIME_URI))
        if self._abs_send_time:
            elements.append((ids[ABS_SEND_TIME_URI], None))
        self._ext_head, self._ext_tail = _extension_block(elements)
        self._first_byte = 0x90 if elements else 0x80  # version 2, extension bit, no CSRC
        self.payload_type = payload_type
        self.ssrc = ssrc
        self.rtx_payload_type = rtx_payload_type
        self.rtx_ssrc = rtx_ssrc
        # like aiortc: sequence numbers start in the lower half (no early wrap), timestamps anywhere
        self.sequence_number = random.randrange(32768) if sequence_number is None else sequence_number
        self._rtx_sequence_number = random.randrange(32768)
        self.timestamp_origin = random.getrandbits(32) if timestamp_origin is None else timestamp_origin
        # seq % size -> (seq, marker|payload type, timestamp, extension block, payload)
        self._history: list[tuple[int, int, int, bytes, bytes] | None] = [None] * RTP_HISTORY_SIZE
        self.packets = 0
        self.octets = 0  # payload bytes, as in an RTCP SR
        self.last_timestamp = 0

    def frame_into(
        self, buffer: memoryview, payloads: Sequence[bytes], timestamp: int, ntp: int, send: Callable[[int], int]
    ) -> int:
        """Write each RTP packet of one frame into ``buffer`` and ``send(length)`` it, in order.

        The packet is built in place (header, extensions, then the shared payload), so a viewer
        costs no per-packet allocation; the history keeps references (the payload object is the
        room's) to rebuild a packet on NACK. ``ntp`` is the send time (abs-send-time, RTCP SR).
        Returns what ``send`` returned, summed (the bytes put on the wire).
        """
        if self._abs_send_time:
            ext = self._ext_head + ((ntp >> 14) & 0xFFFFFF).to_bytes(3, "big") + self._ext_tail
        else:
            ext = self._ext_head
        header = 12 + len(ext)
        ts = (self.timestamp_origin + timestamp) & 0xFFFFFFFF
        first, pt, ssrc, pack_into = self._first_byte, self.payload_type, self.ssrc, _HEADER.pack_into
        seq = self.sequence_number
        history = self._history
        last = len(payloads) - 1
        wire = octets = 0
        for i, payload in enumerate(payloads):
            second = pt | 0x80 if i == last else pt
            pack_into(buffer, 0, first, second, seq, ts, ssrc)
            buffer[12:header] = ext
            end = header + len(payload)
            buffer[header:end] = payload
            history[seq % RTP_HISTORY_SIZE] = (seq, second, ts, ext, payload)
            wire += send(end)
            octets += len(payload)
            seq = (seq + 1) & 0xFFFF
        self.sequence_number = seq
        self.packets += len(payloads)
        self.octets += octets
        self.last_timestamp = ts
        return wire

    def frame(self, payloads: Sequence[bytes], timestamp: int, ntp: int) -> list[bytes]:
        """The packets ``frame_into`` would send, as bytes (for tests and the self-test)."""
        buffer = memoryview(bytearray(PACKET_ROOM))
        packets: list[bytes] = []

        def keep(length: int) -> int:
            packets.append(bytes(buffer[:length]))
            return length

        self.frame_into(buffer, payloads, timestamp, ntp, keep)
        return packets

    def forget_history(self) -> None:
        """Drop the packets kept for NACK (the stream ended: no retransmission will be asked).

        The history holds the room's shared payloads: a closed viewer's writer, unreachable but
        waiting for the cycle collector with its peer connection, would otherwise keep the room's
        last ``RTP_HISTORY_SIZE`` packets alive (about 160 KB of a 300 kbps room per closed viewer).
        """
        self._history = [None] * RTP_HISTORY_SIZE

    def retransmission(self, sequence_number: int) -> bytes | None:
        """The packet ``sequence_number`` again (as RTX when negotiated), or None if no longer held."""
        entry = self._history[sequence_number % RTP_HISTORY_SIZE]
        if entry is None or entry[0] != sequence_number:
            return None
        seq, second, ts, ext, payload = entry
        first = self._first_byte
        if self.rtx_payload_type is None:
            return _HEADER.pack(first, second, seq, ts, self.ssrc) + ext + payload
        rtx = (
            _HEADER.pack(first, (second & 0x80) | self.rtx_payload_type, self._rtx_sequence_number, ts, self.rtx_ssrc)
            + ext
            + seq.to_bytes(2, "big")  # RFC 4588: the original sequence number opens the RTX payload
            + payload
        )
        self._rtx_sequence_number = (self._rtx_sequence_number + 1) & 0xFFFF
        return rtx
