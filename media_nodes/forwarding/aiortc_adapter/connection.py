"""Seams on a whole peer connection: its DTLS cipher list, its DTLS failure reasons, SDP parsing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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


def _failure_reason(msg: str, args: tuple[object, ...]) -> str:
    """aiortc's message, with what OpenSSL said; when it said nothing, what that means here."""
    error = next((a for a in args if isinstance(a, BaseException)), None)
    reason = msg[len("x ") :] % args
    if error is not None and not str(error).strip("[]() '\""):
        reason += (
            f" (OpenSSL {type(error).__name__} without a reason: the peer broke the handshake off, as"
            " GStreamer's webrtcbin does when it finds no cipher suite it shares with us)"
        )
    return reason


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
                callback(_failure_reason(msg, args))

        transport._RTCDtlsTransport__log_debug = log_debug


def parse_sdp(text: str) -> Any:
    """aiortc's SDP parser (``aiortc.sdp.SessionDescription``); raises on malformed input."""
    from aiortc import sdp

    return sdp.SessionDescription.parse(text)
