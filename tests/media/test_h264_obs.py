"""OBS Studio's WHIP offer (H.264 + Opus) is accepted, and WHEP viewers of an H.264 room negotiate
H.264 or get a clear 422.

The offer below has the shape OBS Studio 30's WHIP output sends. Sources:

* obsproject/obs-studio ``plugins/obs-webrtc/whip-output.cpp``: audio first (mid ``0``, Opus
  payload type 111, ``addOpusCodec``), then video (mid ``1``, payload type 96, ``addH264Codec``),
  both ``Direction::SendOnly``, one SSRC each (video = audio + 1) with a cname and msid
  ``<stream>-audio`` / ``<stream>-video``; no RTX; POSTed as ``application/sdp`` with
  ``Authorization: Bearer``; candidates are never trickled (no PATCH).
* obsproject/obs-studio ``plugins/obs-webrtc/whip-service.cpp`` (``ApplyEncoderSettings``): the
  encoder runs without B-frames and with ``repeat_headers`` (SPS/PPS before every IDR).
* paullouisageneau/libdatachannel ``src/description.cpp`` (``generateSdp``) and
  ``include/rtc/description.hpp``: ``o=rtc <id> 0 IN IP4 127.0.0.1``, ``a=group:BUNDLE 0 1``,
  ``a=group:LS 0 1``, ``a=msid-semantic:WMS *``, the DTLS fingerprint at session level, per media
  ``a=mid``, direction, ssrc/msid, ``a=rtcp-mux``, rtpmap/rtcp-fb/fmtp, then ``a=setup:actpass``
  and the ICE credentials; candidates and ``a=end-of-candidates`` after the first media section;
  ``DEFAULT_H264_VIDEO_PROFILE`` = ``profile-level-id=42e01f;packetization-mode=1;
  level-asymmetry-allowed=1`` (whatever profile the encoder really uses), feedback ``nack``,
  ``nack pli``, ``goog-remb``; ``DEFAULT_OPUS_AUDIO_PROFILE`` = ``minptime=10;
  maxaveragebitrate=96000;stereo=1;sprop-stereo=1;useinbandfec=1``.

The candidates are documentation addresses (RFC 5737): the session is negotiated, never connected.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from aiortc import RTCPeerConnection

from media_nodes.forwarding.aiortc_adapter import parse_sdp
from media_nodes.peers import codec_capabilities

pytestmark = pytest.mark.slow
SDP = {"Content-Type": "application/sdp"}

OBS_30_WHIP_OFFER = "\r\n".join(
    [
        "v=0",
        "o=rtc 2923915325 0 IN IP4 127.0.0.1",
        "s=-",
        "t=0 0",
        "a=group:BUNDLE 0 1",
        "a=group:LS 0 1",
        "a=msid-semantic:WMS *",
        "a=ice-options:ice2,trickle",
        "a=fingerprint:sha-256 "
        "A1:6C:0B:9E:55:21:7F:3D:C4:88:90:12:AB:CD:EF:01:23:45:67:89:9A:BC:DE:F0:11:22:33:44:55:66:77:88",
        "m=audio 52931 UDP/TLS/RTP/SAVPF 111",
        "c=IN IP4 192.0.2.23",
        "a=mid:0",
        "a=sendonly",
        "a=ssrc:1847233581 cname:Yq3hFJ8cW2bLmN0p",
        "a=ssrc:1847233581 msid:Nq0tK3xR7vLp2Wz8 Nq0tK3xR7vLp2Wz8-audio",
        "a=msid:Nq0tK3xR7vLp2Wz8 Nq0tK3xR7vLp2Wz8-audio",
        "a=rtcp-mux",
        "a=rtpmap:111 opus/48000/2",
        "a=fmtp:111 minptime=10;maxaveragebitrate=96000;stereo=1;sprop-stereo=1;useinbandfec=1",
        "a=setup:actpass",
        "a=ice-ufrag:Hk7d",
        "a=ice-pwd:Qz2TcQp1kq3m5d8bVb0fWx",
        "a=candidate:1 1 UDP 2122317823 192.0.2.23 52931 typ host",
        "a=candidate:2 1 UDP 1686052607 203.0.113.7 52931 typ srflx raddr 0.0.0.0 rport 0",
        "a=end-of-candidates",
        "m=video 52931 UDP/TLS/RTP/SAVPF 96",
        "c=IN IP4 192.0.2.23",
        "a=mid:1",
        "a=sendonly",
        "a=ssrc:1847233582 cname:Yq3hFJ8cW2bLmN0p",
        "a=ssrc:1847233582 msid:Nq0tK3xR7vLp2Wz8 Nq0tK3xR7vLp2Wz8-video",
        "a=msid:Nq0tK3xR7vLp2Wz8 Nq0tK3xR7vLp2Wz8-video",
        "a=rtcp-mux",
        "a=rtpmap:96 H264/90000",
        "a=rtcp-fb:96 nack",
        "a=rtcp-fb:96 nack pli",
        "a=rtcp-fb:96 goog-remb",
        "a=fmtp:96 profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1",
        "a=setup:actpass",
        "a=ice-ufrag:Hk7d",
        "a=ice-pwd:Qz2TcQp1kq3m5d8bVb0fWx",
        "",
    ]
)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def viewer_offer(*codecs: str, h264_profile: str | None = None) -> str:
    """A receive-only aiortc offer listing only ``codecs`` (optionally H.264 renamed to a profile)."""
    pc = RTCPeerConnection()
    video = pc.addTransceiver("video", direction="recvonly")
    video.setCodecPreferences([c for name in codecs for c in codec_capabilities("video", name)])
    pc.addTransceiver("audio", direction="recvonly").setCodecPreferences(codec_capabilities("audio", "opus"))
    await pc.setLocalDescription(await pc.createOffer())
    sdp = str(pc.localDescription.sdp)
    await pc.close()
    if h264_profile:
        sdp = sdp.replace("profile-level-id=42001f", f"profile-level-id={h264_profile}")
        sdp = sdp.replace("profile-level-id=42e01f", f"profile-level-id={h264_profile}")
    return sdp


def section(answer: str, kind: str) -> Any:
    return next(m for m in parse_sdp(answer).media if m.kind == kind)


async def test_obs_whip_offer_is_answered_with_h264_and_opus_and_viewers_must_take_h264(
    start_node: Any, room: dict[str, Any], token: Any
) -> None:
    node = await start_node(origin_url=None)
    room_id = room["room_id"]
    merchant = bearer(token("merchant", sub="merchant-1"))
    whip, whep = f"{node.url}/whip/{room_id}", f"{node.url}/whep/{room_id}"
    viewer = bearer(token("viewer", sub="v-h264", market="DE"))
    async with httpx.AsyncClient(timeout=15) as http:
        # WHEN OBS posts its offer with the merchant's bearer token
        response = await http.post(whip, content=OBS_30_WHIP_OFFER.encode(), headers={**SDP, **merchant})
        # THEN the node answers 201 with an SDP answer and a resource to DELETE
        assert response.status_code == 201, response.text
        assert response.headers["content-type"].startswith("application/sdp")
        location = response.headers["location"]
        assert location.startswith(f"/whip/{room_id}/")
        answer = response.text
        description = parse_sdp(answer)
        # bundled on OBS's mids, audio first as offered, DTLS role chosen (OBS offered actpass)
        assert [m.rtp.muxId for m in description.media] == ["0", "1"]
        assert description.group[0].semantic == "BUNDLE" and description.group[0].items == ["0", "1"]
        assert "a=setup:active" in answer or "a=setup:passive" in answer
        assert "a=candidate:" in answer and "a=end-of-candidates" in answer  # OBS does not trickle
        audio, video = section(answer, "audio"), section(answer, "video")
        assert audio.direction == video.direction == "recvonly"
        # AND video is H.264 on OBS's payload type, same packetization mode and profile-level-id
        assert [c.mimeType for c in video.rtp.codecs] == ["video/H264"]
        h264 = video.rtp.codecs[0]
        assert h264.payloadType == 96
        assert str(h264.parameters["packetization-mode"]) == "1"
        assert str(h264.parameters["profile-level-id"]).lower() == "42e01f"
        assert {"type": "nack", "parameter": "pli"} in [
            {"type": fb.type, "parameter": fb.parameter} for fb in h264.rtcpFeedback
        ]  # the node may ask OBS for keyframes (OBS ignores PLI: see docs/media.md)
        # AND audio is Opus 48 kHz stereo on payload type 111
        assert [(c.mimeType, c.payloadType, c.clockRate, c.channels) for c in audio.rtp.codecs] == [
            ("audio/opus", 111, 48000, 2)
        ]
        # AND the room now carries H.264 + Opus on this node
        assert node.node.hubs[room_id].codecs == {"video": "H264", "audio": "opus"}
        assert node.node.publisher_of(room_id) is not None

        # WHEN a viewer offers VP8 only, THEN a problem document says there is no common codec
        refused = await http.post(whep, content=(await viewer_offer("VP8")).encode(), headers={**SDP, **viewer})
        assert refused.status_code == 422
        assert refused.headers["content-type"].startswith("application/problem+json")
        problem = refused.json()
        assert problem["code"] == "no-common-codec"
        assert "H264" in problem["detail"] and "VP8" in problem["detail"]
        # AND an H.264 offer in a profile aiortc cannot negotiate (High) gets the same 422, not 400
        high = await http.post(
            whep, content=(await viewer_offer("H264", h264_profile="64001f")).encode(), headers={**SDP, **viewer}
        )
        assert (high.status_code, high.json()["code"]) == (422, "no-common-codec")
        assert node.node.viewers == 0

        # WHEN a viewer offers VP8 first and H.264 second (as browsers do), THEN it gets H.264 only
        accepted = await http.post(
            whep, content=(await viewer_offer("VP8", "H264")).encode(), headers={**SDP, **viewer}
        )
        assert accepted.status_code == 201, accepted.text
        sent = section(accepted.text, "video")
        assert sent.direction == "sendonly"
        assert {c.mimeType for c in sent.rtp.codecs} <= {"video/H264", "video/rtx"}
        assert sent.rtp.codecs[0].mimeType == "video/H264"
        assert [c.mimeType for c in section(accepted.text, "audio").rtp.codecs] == ["audio/opus"]
        deleted = await http.delete(f"{node.url}{accepted.headers['location']}", headers=viewer)
        assert deleted.status_code == 200

        # WHEN OBS stops (DELETE on the resource URL), THEN the publisher session is gone
        stopped = await http.delete(f"{node.url}{location}", headers=merchant)
        assert stopped.status_code == 200
        assert node.node.publisher_of(room_id) is None


@pytest.mark.parametrize(
    ("rtpmap", "fmtp"),
    [
        ("AV1/90000", None),  # OBS 30 with an AV1 encoder (whip-output lists "h264;av1")
        ("H265/90000", None),  # later OBS with HEVC
        ("H264/90000", "profile-level-id=42e01f;packetization-mode=0"),  # single-NAL mode only
    ],
)
async def test_an_obs_offer_with_a_video_codec_the_node_cannot_forward_gets_422(
    start_node: Any, room: dict[str, Any], token: Any, rtpmap: str, fmtp: str | None
) -> None:
    node = await start_node(origin_url=None)
    offer = OBS_30_WHIP_OFFER.replace("a=rtpmap:96 H264/90000", f"a=rtpmap:96 {rtpmap}")
    if fmtp is not None:
        offer = offer.replace(
            "a=fmtp:96 profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1", f"a=fmtp:96 {fmtp}"
        )
    async with httpx.AsyncClient(timeout=15) as http:
        response = await http.post(
            f"{node.url}/whip/{room['room_id']}",
            content=offer.encode(),
            headers={**SDP, **bearer(token("merchant", sub="merchant-1"))},
        )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "no-common-codec"
    assert "H264" in response.json()["detail"]
    assert node.node.sessions == {} and node.node.hubs == {}
