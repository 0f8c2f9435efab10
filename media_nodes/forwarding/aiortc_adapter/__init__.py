"""Every use of aiortc, aioice and pylibsrtp internals, for aiortc==1.16.0 exactly, by seam.

A forwarding node wants what aiortc does not hand out: the encoded frames of a publisher, keyframe
requests passed upstream, one packetization per room instead of one per viewer, and peers aiortc
does not meet by default. Each seam lives in its own module:

* ``receive``: an ingest receiver's depayloaded packets go to a sink instead of the decoder
  (``tap_receiver``); the receiver's PLI toward the publisher (``send_pli``).
* ``ice``: 127.0.0.1 host candidates for one machine, host candidates bound inside a UDP port
  range, and FFmpeg's checks that carry no PRIORITY (aioice).
* ``connection``: the DTLS cipher list widened to ECDHE-RSA (GStreamer's webrtcbin and other RSA
  peers), the reason of a failed DTLS handshake, SDP parsing.
* ``send``: viewers' PLI/FIR to a callback, and ``SenderTap``: the forwarding path that writes,
  protects and sends each viewer's RTP past aiortc's per-packet sender.
* ``compat``: the pinned versions and every check that the seams above still fit, in one place.

``check_compatible()`` fails loudly when an installed version is not the pinned one or a seam
moved; ``tests/media/test_aiortc_adapter.py`` calls it, and the node calls it at start-up.
"""

from __future__ import annotations

from importlib.metadata import version

from . import compat
from .compat import (
    PINNED_AIOICE,
    PINNED_AIORTC,
    PINNED_PYLIBSRTP,
    AdapterError,
    rtp_writer_self_test,
)
from .connection import (
    AIORTC_DTLS_CIPHERS,
    DTLS_CIPHERS,
    accept_rsa_dtls_peers,
    dtls_transports,
    on_dtls_failure,
    parse_sdp,
)
from .ice import accept_checks_without_priority, include_loopback_candidates, restrict_udp_ports
from .receive import PacketSink, RtpView, fire_and_forget, send_pli, tap_receiver
from .send import BEHIND, NOT_SENDING, SENT, Packetizer, SenderBound, SenderTap, on_keyframe_request

__all__ = [
    "AIORTC_DTLS_CIPHERS",
    "BEHIND",
    "DTLS_CIPHERS",
    "NOT_SENDING",
    "PINNED_AIOICE",
    "PINNED_AIORTC",
    "PINNED_PYLIBSRTP",
    "SENT",
    "AdapterError",
    "PacketSink",
    "Packetizer",
    "RtpView",
    "SenderBound",
    "SenderTap",
    "accept_checks_without_priority",
    "accept_rsa_dtls_peers",
    "check_compatible",
    "dtls_transports",
    "fire_and_forget",
    "include_loopback_candidates",
    "on_dtls_failure",
    "on_keyframe_request",
    "parse_sdp",
    "restrict_udp_ports",
    "rtp_writer_self_test",
    "send_pli",
    "tap_receiver",
    "version",
]


def check_compatible() -> None:
    """``compat.check_compatible`` with this package's ``version`` (tests replace it to simulate a
    moved dependency)."""
    compat.check_compatible(version)
