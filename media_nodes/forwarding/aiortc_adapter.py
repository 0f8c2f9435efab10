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

And on the sending side, one seam carries the forwarding path (``SenderTap``): aiortc's sender
spends ~38 us per RTP packet in Python (packetize per viewer, build an ``RtpPacket`` and its header
extensions, serialize, then a chain of coroutines down to ``sendto``). A forwarded frame is
packetized once per room (``Packetizer``); per viewer only the RTP header differs, so
``RtpWriter`` (``forwarding/rtp.py``: pure RTP, checked here against aiortc's serializer) writes
each packet (its header around the room's payload) into one buffer,
``SenderTap`` protects it there with the sender's own libsrtp session (called directly: the
pylibsrtp wrapper's per-call copies cost as much as the cipher) and hands it to the ICE pair's
datagram transport, which is what ``RTCDtlsTransport._send_rtp`` -> ``aioice.Connection.sendto``
-> ``StunProtocol.send_data`` do. The rest of the sender stays aiortc's: RTCP SR/SDES/BYE (fed
with the counters it would keep), RR handling, PLI/FIR (``on_keyframe_request``) and NACK,
answered from ``RtpWriter``'s 128-packet history as RTX exactly as ``wrap_rtx`` would. The tap
does not send abs-send-time (it only feeds the viewer's REMB, which a forwarder cannot act on).
The aioice and pylibsrtp internals these paths touch are checked here too.

``check_compatible()`` fails loudly when the installed aiortc is not the pinned version or a seam
moved; ``tests/media/test_aiortc_adapter.py`` calls it, and the node calls it at start-up.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from importlib.metadata import version
from typing import Any, Protocol

import av

from media_nodes.forwarding.rtp import (
    ABS_SEND_TIME_URI,
    MID_URI,
    PACKET_ROOM,
    RtpWriter,
    ntp_now,
)

PINNED_AIORTC = "1.16.0"
PINNED_AIOICE = "0.13.0"  # host-candidate binding (restrict_udp_ports, loopback) and the ICE pair's transport
PINNED_PYLIBSRTP = "1.0.0"  # SenderTap protects through the libsrtp binding directly
_JITTER_ATTR = "_RTCRtpReceiver__jitter_buffer"
logger = logging.getLogger("crosslive.media.forwarding")


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
    for package, pinned in (("aiortc", PINNED_AIORTC), ("aioice", PINNED_AIOICE), ("pylibsrtp", PINNED_PYLIBSRTP)):
        installed = version(package)
        if installed != pinned:
            raise AdapterError(f"{package} {installed} installed; media_nodes is pinned to {package}=={pinned}")
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
    check_incoming = aioice.ice.Connection.check_incoming
    incoming_src = inspect.getsource(getattr(check_incoming, "_crosslive_original", check_incoming))
    if 'priority=message.attributes["PRIORITY"]' not in incoming_src or not hasattr(aioice.ice, "candidate_priority"):
        problems.append("aioice.Connection.check_incoming no longer reads PRIORITY for a peer-reflexive candidate")
    problems += _sender_tap_problems()
    problems += _dtls_problems()
    if problems:
        raise AdapterError("aiortc internals changed: " + "; ".join(problems))


def _sender_tap_problems() -> list[str]:
    """What ``SenderTap``, ``RtpWriter`` and ``Packetizer`` rely on, checked against the source."""
    import aioice.ice
    from aiortc import rtcdtlstransport, rtcicetransport, rtcpeerconnection, rtcrtpsender
    from aiortc.codecs import h264, vpx

    def source(obj: Any) -> str:
        return inspect.getsource(obj)

    sender = rtcrtpsender.RTCRtpSender
    expected = [
        (source(sender.__init__), "self._ssrc = random32()", "RTCRtpSender._ssrc"),
        (source(sender.__init__), "self._rtx_ssrc = random32()", "RTCRtpSender._rtx_ssrc"),
        (source(sender._next_encoded_frame), "data = await self.__track.recv()", "the sender pulling its track"),
        (source(sender._next_encoded_frame), "if not self._enabled:", "RTCRtpSender._enabled"),
        (source(sender._handle_rtcp_packet), "await self._retransmit(seq)", "NACK -> self._retransmit(seq)"),
        (source(sender._retransmit), "wrap_rtx(", "RTX through wrap_rtx"),
        (source(sender._run_rtp), "packet.extensions.mid = self.__mid", "the mid header extension"),
        (source(sender._run_rtcp), "packet_count=self.__packet_count & 0xFFFFFFFF", "the SR packet count"),
        (source(sender._run_rtcp), "octet_count=self.__octet_count & 0xFFFFFFFF", "the SR octet count"),
        (source(sender._run_rtcp), "rtp_timestamp=self.__rtp_timestamp", "the SR RTP timestamp"),
        (source(sender._run_rtcp), "ntp_timestamp=self.__ntp_timestamp", "the SR NTP timestamp"),
        (source(sender.send), "is_rtx(codec)", "the RTX payload type chosen in send()"),
        (
            source(rtcpeerconnection.RTCPeerConnection),
            "await transceiver.sender.send(self.__localRtp(transceiver))",
            "the peer connection starting senders through sender.send(parameters)",
        ),
        (
            source(rtcdtlstransport.RTCDtlsTransport._send_rtp),
            "data = self._tx_srtp.protect(data)",
            "RTCDtlsTransport._tx_srtp protecting RTP",
        ),
        (source(rtcdtlstransport.RTCDtlsTransport._send_rtp), "await self.transport._send(data)", "DTLS -> ICE"),
        (source(rtcdtlstransport.RTCDtlsTransport._send_rtp), "self.__tx_packets += 1", "DTLS tx counters"),
        (source(rtcicetransport.RTCIceTransport), "self._send = self._connection.send", "ICE -> aioice"),
        (source(rtcdtlstransport.RTCDtlsTransport._send_rtp), "if self._state != State.CONNECTED:", "DTLS _state"),
        (
            source(aioice.ice.Connection.sendto),
            "active_pair = self._nominated.get(component)",
            "aioice sending on the nominated pair",
        ),
        (
            source(aioice.ice.Connection.sendto),
            "await active_pair.protocol.send_data(data, active_pair.remote_addr)",
            "aioice sending through the pair's protocol",
        ),
        (source(aioice.ice.StunProtocol.send_data), "self.transport.sendto(data, addr)", "StunProtocol.send_data"),
        (source(vpx.Vp8Encoder.pack), "self._packetize(bytes(packet), self.picture_id)", "VP8 packetization"),
        (source(h264.H264Encoder.pack), "self._packetize(packages)", "H.264 packetization"),
    ]
    expected += [
        (
            source(rtcdtlstransport.RTCDtlsTransport._setup_srtp),
            "self._tx_srtp = Session(tx_policy)",
            "RTCDtlsTransport._tx_srtp as a pylibsrtp Session",
        ),
    ]
    problems = [f"{what} changed (expected {needle!r})" for text, needle, what in expected if needle not in text]
    try:
        rtp_writer_self_test()
    except AssertionError as exc:
        problems.append(f"RtpWriter no longer writes what RtpPacket.serialize/wrap_rtx write: {exc}")
    try:
        _protector_self_test()
    except (AssertionError, AttributeError, ImportError) as exc:
        problems.append(f"direct SRTP protection no longer matches pylibsrtp.Session.protect: {exc!r}")
    return problems


def _dtls_problems() -> list[str]:
    """What ``accept_rsa_dtls_peers`` and ``on_dtls_failure`` rely on."""
    from aiortc import rtcdtlstransport, rtcpeerconnection

    context_src = inspect.getsource(rtcdtlstransport.RTCCertificate._create_ssl_context)
    start_src = inspect.getsource(rtcdtlstransport.RTCDtlsTransport.start)
    handshake_src = inspect.getsource(rtcdtlstransport.RTCDtlsTransport._do_handshake)
    identity_src = inspect.getsource(rtcdtlstransport.RTCDtlsTransport._validate_peer_identity)
    expected = [
        (context_src, "ctx.set_cipher_list(", "RTCCertificate._create_ssl_context sets the cipher list"),
        (context_src, AIORTC_DTLS_CIPHERS.decode(), "aiortc's DTLS cipher list (the one widened here)"),
        (start_src, "self.__local_certificate._create_ssl_context(", "the DTLS context built at start()"),
        (
            inspect.getsource(rtcpeerconnection.RTCPeerConnection.__init__),
            "self.__certificates = [RTCCertificate.generateCertificate()]",
            "RTCPeerConnection.__certificates",
        ),
        (
            inspect.getsource(rtcpeerconnection.RTCPeerConnection),
            "RTCDtlsTransport(iceTransport, self.__certificates)",
            "DTLS transports built from RTCPeerConnection.__certificates",
        ),
        (handshake_src, 'self.__log_debug("x DTLS handshake failed (error %s)", exc)', "the handshake error log"),
        (identity_src, 'self.__log_debug("x DTLS handshake failed (fingerprint mismatch)")', "the fingerprint log"),
    ]
    return [f"{what} changed (expected {needle!r})" for text, needle, what in expected if needle not in text]


def _protector_self_test() -> None:
    """``_protector`` on one session must write what ``Session.protect`` writes on its twin."""
    from pylibsrtp import Policy, Session

    key = bytes(range(30))
    ours, theirs = (
        Session(Policy(key=key, ssrc_type=Policy.SSRC_ANY_OUTBOUND, srtp_profile=Policy.SRTP_PROFILE_AES128_CM_SHA1_80))
        for _ in range(2)
    )
    protect, view = _protector(ours), _get_scratch().view
    writer = RtpWriter(payload_type=96, ssrc=0x01020304)
    for packet in writer.frame([b"\x10" + bytes(1200), b"\x00tail"], 0, ntp_now()):
        view[: len(packet)] = packet
        size = protect(len(packet))
        if bytes(view[:size]) != theirs.protect(packet):
            raise AssertionError("SRTP output differs")


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


# aiortc's DTLS context offers ECDHE-ECDSA suites only: enough while the node is the DTLS server
# (its own certificate is ECDSA), but as the client (it answers an ``actpass`` offer with
# ``active``) it must also accept a server with an RSA certificate, such as GStreamer's webrtcbin.
# RFC 8827 §6.5 requires TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 of every WebRTC endpoint.
AIORTC_DTLS_CIPHERS = (
    b"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA"
)
DTLS_CIPHERS = (
    b"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    b"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    b"ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA"
)
_CERTIFICATES_ATTR = "_RTCPeerConnection__certificates"
_DTLS_FAILED = "x DTLS handshake failed"


def _interop_certificate_class() -> type:
    from aiortc.rtcdtlstransport import RTCCertificate

    class InteropCertificate(RTCCertificate):
        """aiortc's certificate whose DTLS context also offers the ECDHE-RSA suites."""

        def _create_ssl_context(self, srtp_profiles: Any) -> Any:
            context = super()._create_ssl_context(srtp_profiles)
            context.set_cipher_list(DTLS_CIPHERS)
            return context

    return InteropCertificate


def accept_rsa_dtls_peers(pc: Any) -> None:
    """Let ``pc``'s DTLS transports (created later, from this certificate) talk to RSA peers.

    Call right after creating the peer connection: aiortc builds each DTLS transport from the
    connection's certificate list, and the DTLS context (with its cipher list) from that
    certificate when the handshake starts.
    """
    certificates = getattr(pc, _CERTIFICATES_ATTR)
    cls = _interop_certificate_class()
    setattr(pc, _CERTIFICATES_ATTR, [cls(key=c._key, cert=c._cert) for c in certificates])


def dtls_transports(pc: Any) -> list[Any]:
    """The distinct DTLS transports of ``pc``'s transceivers (one with BUNDLE)."""
    found: list[Any] = []
    for transceiver in pc.getTransceivers():
        for transport in (transceiver.receiver.transport, transceiver.sender.transport):
            if transport is not None and all(transport is not t for t in found):
                found.append(transport)
    return found


def on_dtls_failure(pc: Any, callback: Callable[[str], None]) -> None:
    """Call ``callback(reason)`` when a DTLS handshake of ``pc`` fails (e.g. ``no shared cipher``).

    aiortc logs the reason at DEBUG only and then just reports the state ``failed``; its private
    debug logger of each transport is wrapped to hand that reason on. Call once the transports
    exist (after the remote description is set) and before ICE connects.
    """
    for transport in dtls_transports(pc):
        original = transport._RTCDtlsTransport__log_debug

        def log_debug(msg: str, *args: object, _original: Any = original) -> None:
            _original(msg, *args)
            if msg.startswith(_DTLS_FAILED):
                callback(msg[len("x ") :] % args)

        transport._RTCDtlsTransport__log_debug = log_debug


def accept_checks_without_priority() -> None:
    """Accept ICE checks that carry no PRIORITY attribute, as FFmpeg's WHIP muxer sends them.

    FFmpeg (``libavformat/whip.c``) offers no candidates and checks the answer's first host
    candidate with USERNAME, USE-CANDIDATE and integrity only. aioice then learns FFmpeg's address as
    a peer-reflexive candidate and reads its priority from the request: a KeyError, the check is
    dropped and ICE never connects. A missing PRIORITY is taken as the peer-reflexive priority
    RFC 8445 §5.1.2 gives such a candidate (what a compliant peer would have sent).
    """
    import aioice.ice

    original = aioice.ice.Connection.check_incoming
    if getattr(original, "_crosslive_priority", False):
        return

    def check_incoming(self: Any, message: Any, addr: Any, protocol: Any) -> None:
        if "PRIORITY" not in message.attributes:
            component = protocol.local_candidate.component
            message.attributes["PRIORITY"] = aioice.ice.candidate_priority(component, "prflx")
        original(self, message, addr, protocol)

    check_incoming._crosslive_priority = True  # type: ignore[attr-defined]
    check_incoming._crosslive_original = original  # type: ignore[attr-defined]
    aioice.ice.Connection.check_incoming = check_incoming  # type: ignore[method-assign]


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


# -- the forwarding send path ------------------------------------------------------------------------


def rtp_writer_self_test() -> None:
    """Raise ``AssertionError`` unless ``RtpWriter`` writes what aiortc's own serializer writes (this version)."""
    from aiortc import rtp
    from aiortc.rtcrtpparameters import RTCRtpHeaderExtensionParameters, RTCRtpSendParameters

    cases = [
        ({MID_URI: 1, ABS_SEND_TIME_URI: 3}, "0"),  # one-byte form (what browsers negotiate)
        ({MID_URI: 4}, "video-mid"),  # no abs-send-time
        ({ABS_SEND_TIME_URI: 15, MID_URI: 2}, "1"),  # id 15: two-byte form
        ({}, "0"),  # no extensions at all
    ]
    for ids, mid in cases:
        params = RTCRtpSendParameters(
            headerExtensions=[RTCRtpHeaderExtensionParameters(id=i, uri=u) for u, i in ids.items()]
        )
        ext_map = rtp.HeaderExtensionsMap()
        ext_map.configure(params)
        writer = RtpWriter(
            payload_type=96, ssrc=0x11223344, mid=mid, extension_ids=ids, rtx_payload_type=97, rtx_ssrc=7
        )
        ntp = ntp_now()
        start, origin = writer.sequence_number, writer.timestamp_origin
        ours = writer.frame([b"\x10abc", b"\x00defgh"], 3000, ntp)
        for i, payload in enumerate([b"\x10abc", b"\x00defgh"]):
            packet = rtp.RtpPacket(
                payload_type=96,
                marker=int(i == 1),
                sequence_number=(start + i) & 0xFFFF,
                timestamp=(origin + 3000) & 0xFFFFFFFF,
                ssrc=0x11223344,
                payload=payload,
            )
            packet.extensions.mid = mid
            packet.extensions.abs_send_time = (ntp >> 14) & 0xFFFFFF
            if ours[i] != packet.serialize(ext_map):
                raise AssertionError(f"RTP packet differs with extensions {ids}")
            rtx_seq = writer._rtx_sequence_number
            rtx = rtp.wrap_rtx(packet, payload_type=97, sequence_number=rtx_seq, ssrc=7)
            if writer.retransmission(packet.sequence_number) != rtx.serialize(ext_map):
                raise AssertionError(f"RTX packet differs with extensions {ids}")


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
        """The track ended: forget the path (the peer connection owns and closes it)."""
        self._wire = None

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
