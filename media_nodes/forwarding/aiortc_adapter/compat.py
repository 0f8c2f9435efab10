"""Every compatibility check of the adapter, in one place: pinned versions, then each seam's needles.

The seams (``receive``, ``ice``, ``connection``, ``send``) reach into private code of aiortc, aioice and
pylibsrtp. Each check below names the source line a seam relies on; ``check_compatible`` runs them
all (plus two self-tests that compare our RTP writer and SRTP call with the libraries' own) and
raises ``AdapterError`` naming what moved. The node calls it at start-up, and
``tests/media/test_aiortc_adapter.py`` calls it in CI.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from importlib.metadata import version
from typing import Any

from media_nodes.forwarding.rtp import ABS_SEND_TIME_URI, MID_URI, RtpWriter, ntp_now

PINNED_AIORTC = "1.16.0"
PINNED_AIOICE = "0.13.0"  # host-candidate binding (restrict_udp_ports, loopback), checks, the ICE pair's transport
PINNED_PYLIBSRTP = "1.0.0"  # SenderTap protects through the libsrtp binding directly
JITTER_ATTR = "_RTCRtpReceiver__jitter_buffer"  # receive.tap_receiver replaces it


class AdapterError(RuntimeError):
    """The installed aiortc does not match what this adapter was written against."""


def check_compatible(installed_version: Callable[[str], str] = version) -> None:
    """Raise ``AdapterError`` unless aiortc, aioice and pylibsrtp are the pinned versions and every
    seam of this package is where it was when it was written (``installed_version`` reads a
    distribution's version: ``importlib.metadata.version``)."""
    for package, pinned in (("aiortc", PINNED_AIORTC), ("aioice", PINNED_AIOICE), ("pylibsrtp", PINNED_PYLIBSRTP)):
        installed = installed_version(package)
        if installed != pinned:
            raise AdapterError(f"{package} {installed} installed; media_nodes is pinned to {package}=={pinned}")
    problems = _receive_problems() + _ice_problems() + _connection_problems() + _send_problems()
    if problems:
        raise AdapterError("aiortc internals changed: " + "; ".join(problems))


def _receive_problems() -> list[str]:
    """What ``receive.py`` relies on: the receiver's jitter-buffer slot and its PLI sender."""
    from aiortc import rtcrtpreceiver
    from aiortc.jitterbuffer import JitterBuffer

    receiver_src = inspect.getsource(rtcrtpreceiver.RTCRtpReceiver._handle_rtp_packet)
    problems: list[str] = []
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
    return problems


def _ice_problems() -> list[str]:
    """What ``ice.py`` relies on: aioice's host-candidate binding and its incoming checks."""
    import aioice.ice

    problems: list[str] = []
    gather_src = inspect.getsource(aioice.ice.Connection.get_component_candidates)
    if "loop = asyncio.get_running_loop()" not in gather_src or "local_addr=(address, 0)" not in gather_src:
        problems.append("aioice no longer binds host candidates via asyncio.get_running_loop() on port 0")
    check_incoming = aioice.ice.Connection.check_incoming
    incoming_src = inspect.getsource(getattr(check_incoming, "_crosslive_original", check_incoming))
    if 'priority=message.attributes["PRIORITY"]' not in incoming_src or not hasattr(aioice.ice, "candidate_priority"):
        problems.append("aioice.Connection.check_incoming no longer reads PRIORITY for a peer-reflexive candidate")
    return problems


def _send_problems() -> list[str]:
    """What ``send.py`` (keyframe requests, ``SenderTap``, ``Packetizer``) and ``RtpWriter`` rely on."""
    import aioice.ice
    from aiortc import rtcdtlstransport, rtcicetransport, rtcpeerconnection, rtcrtpsender
    from aiortc.codecs import h264, vpx

    def source(obj: Any) -> str:
        return inspect.getsource(obj)

    sender = rtcrtpsender.RTCRtpSender
    expected = [
        (source(sender._handle_rtcp_packet), "self._send_keyframe()", "PLI/FIR -> self._send_keyframe()"),
        (source(sender._next_encoded_frame), "self.__encoder.pack(data)", "packing pre-encoded av.Packet frames"),
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


def _connection_problems() -> list[str]:
    """What ``connection.py`` (``accept_rsa_dtls_peers``, ``on_dtls_failure``) relies on."""
    from aiortc import rtcdtlstransport, rtcpeerconnection

    from .connection import AIORTC_DTLS_CIPHERS

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

    from .send import _get_scratch, _protector

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
