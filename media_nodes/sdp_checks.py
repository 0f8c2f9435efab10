"""Checks on WHIP/WHEP offers before any peer connection is made for them.

A malformed, truncated or hostile offer gets a clear 4xx problem here and never reaches aiortc's
negotiation: ``400 malformed-sdp`` when it does not parse or lacks what WebRTC requires (ICE
credentials, DTLS fingerprint, RTCP mux), ``422 no-common-codec`` when it parses but offers no
codec the node forwards (video: VP8, or H.264 in packetization-mode 1 with a profile aiortc
negotiates, i.e. (constrained) baseline as OBS, libdatachannel and browsers offer it; audio: Opus),
and ``422 wrong-direction`` when a WHIP offer sends nothing or a WHEP offer receives nothing
(a ``sendonly`` offer to WHEP would otherwise get a 201 whose sections are all inactive).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from aiortc import RTCRtpSender
from aiortc.sdp import parse_h264_profile_level_id

from functions.shared.errors import ApiError
from media_nodes.forwarding.aiortc_adapter import parse_sdp

VIDEO_CODECS = ("VP8", "H264")
AUDIO_CODECS = ("opus",)
MAX_MEDIA_SECTIONS = 4
SEND_DIRECTIONS = {"sendonly", "sendrecv"}
RECV_DIRECTIONS = {"recvonly", "sendrecv"}


@dataclass(frozen=True)
class Offer:
    sdp: str
    codecs: dict[str, tuple[str, ...]]  # kind -> codec names offered, in the offer's order
    directions: dict[str, str] = field(default_factory=dict)  # kind -> the offerer's a=sendrecv etc.


def _malformed(detail: str) -> ApiError:
    return ApiError(400, "malformed-sdp", detail)


@cache
def _h264_profiles() -> frozenset[Any]:
    """The H.264 profiles aiortc negotiates (it matches offers by profile, ignoring the level)."""
    return frozenset(
        parse_h264_profile_level_id(str(c.parameters["profile-level-id"]))[0]
        for c in RTCRtpSender.getCapabilities("video").codecs
        if c.mimeType.lower() == "video/h264" and "profile-level-id" in c.parameters
    )


def _h264_usable(parameters: dict[str, Any]) -> bool:
    """Packetization mode 1 (aiortc packetizes FU-A/STAP-A only) and a profile aiortc negotiates.

    Without the profile check an offer of, say, High profile only would pass here and then fail
    inside aiortc's negotiation as an opaque ``400 negotiation-failed``. A missing
    ``profile-level-id`` means constrained baseline 3.1 (RFC 6184's default, as aiortc reads it).
    """
    if str(parameters.get("packetization-mode", "0")) != "1":
        return False
    try:
        profile, _level = parse_h264_profile_level_id(str(parameters.get("profile-level-id", "42e01f")))
    except ValueError:
        return False
    return profile in _h264_profiles()


def _codec_names(media: Any) -> tuple[str, ...]:
    names = []
    for codec in media.rtp.codecs:
        name = codec.mimeType.split("/", 1)[1]
        if name.upper() == "H264" and not _h264_usable(codec.parameters):
            continue
        names.append("H264" if name.upper() == "H264" else "VP8" if name.upper() == "VP8" else name.lower())
    return tuple(names)


def parse_offer(body: bytes, content_type: str | None) -> Offer:
    """The offer of a WHIP/WHEP POST, or a 4xx problem."""
    if (content_type or "").split(";")[0].strip().lower() != "application/sdp":
        raise ApiError(415, "unsupported-media-type", "the offer must be sent as application/sdp")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _malformed("the offer is not UTF-8 text") from exc
    text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    if not text.startswith("v=0"):
        raise _malformed("an SDP offer starts with 'v=0'")
    try:
        description = parse_sdp(text)
    except Exception as exc:  # aiortc's parser raises assorted errors on garbage
        raise _malformed(f"the offer does not parse: {type(exc).__name__}") from exc
    media = [m for m in description.media if m.kind in ("audio", "video")]
    if not media:
        raise _malformed("the offer has no audio or video section")
    if len(description.media) > MAX_MEDIA_SECTIONS:
        raise _malformed(f"at most {MAX_MEDIA_SECTIONS} media sections are accepted")
    codecs: dict[str, tuple[str, ...]] = {}
    directions: dict[str, str] = {}
    for m in media:
        if not m.ice.usernameFragment or not m.ice.password:
            raise _malformed(f"{m.kind} section has no ICE credentials (a=ice-ufrag / a=ice-pwd)")
        if not m.dtls.fingerprints:
            raise _malformed(f"{m.kind} section has no DTLS fingerprint")
        if not m.rtcp_mux:
            raise _malformed(f"{m.kind} section does not use rtcp-mux")
        if m.kind in codecs:
            raise _malformed(f"more than one {m.kind} section")
        codecs[m.kind] = _codec_names(m)
        directions[m.kind] = "inactive" if m.port == 0 else (m.direction or "sendrecv")
    return Offer(sdp=text, codecs=codecs, directions=directions)


def receiving_kinds(offer: Offer) -> dict[str, tuple[str, ...]]:
    """The kinds a WHEP offer receives, with their codecs; 422 when it receives nothing."""
    return _directed(offer, RECV_DIRECTIONS, "WHEP", "receive")


def _directed(offer: Offer, wanted: set[str], endpoint: str, verb: str) -> dict[str, tuple[str, ...]]:
    """The offer's kinds whose direction is in ``wanted``; 422 when there are none."""
    kinds = {kind: names for kind, names in offer.codecs.items() if offer.directions.get(kind, "sendrecv") in wanted}
    if not kinds:
        raise ApiError(
            422,
            "wrong-direction",
            f"a {endpoint} offer must {verb} media (a=sendonly or a=sendrecv for WHIP, a=recvonly or "
            f"a=sendrecv for WHEP); this one is {sorted(set(offer.directions.values()))}",
        )
    return kinds


def check_publish(offer: Offer) -> dict[str, str]:
    """Codec per kind the publisher will send (first of ours in its order), or 422."""
    offered = _directed(offer, SEND_DIRECTIONS, "WHIP", "send")
    chosen: dict[str, str] = {}
    for kind, supported in (("video", VIDEO_CODECS), ("audio", AUDIO_CODECS)):
        if kind not in offered:
            continue
        match = next((c for c in offered[kind] if c in supported), None)
        if match is None:
            raise ApiError(
                422,
                "no-common-codec",
                f"{kind}: offered {list(offered[kind])}, this node accepts {list(supported)}",
            )
        chosen[kind] = match
    if "video" not in chosen:
        raise ApiError(422, "no-common-codec", "a WHIP offer must carry video (VP8 or H.264)")
    return chosen


def check_view(offer: Offer, room_codecs: dict[str, str]) -> tuple[str, ...]:
    """Kinds this viewer will receive (the room's codecs it accepts), or 422."""
    offered = receiving_kinds(offer)
    kinds = []
    for kind, codec in room_codecs.items():
        if kind not in offered:
            continue
        if codec not in offered[kind]:
            raise ApiError(
                422,
                "no-common-codec",
                f"the room sends {kind} as {codec}; the offer accepts {list(offered[kind])}",
            )
        kinds.append(kind)
    if not kinds:
        raise ApiError(422, "no-common-codec", f"the offer receives none of the room's media {room_codecs}")
    return tuple(kinds)
