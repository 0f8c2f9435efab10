"""What a publisher meets besides media: one ingest per room platform-wide, a failed DTLS handshake
logged with its reason, and OPTIONS answered as RFC 9725 §4.2 asks."""

from __future__ import annotations

import logging
import re
from typing import Any

import httpx
import pytest
from aiortc import RTCPeerConnection, RTCSessionDescription

from media_nodes.client import WhipPublisher
from media_nodes.peers import codec_capabilities
from media_nodes.testpattern import TestPatternTrack

from .media_helpers import post_offer, wait_until
from .test_h264_obs import OBS_30_WHIP_OFFER

pytestmark = pytest.mark.slow


async def test_a_failed_dtls_handshake_is_logged_with_its_reason(
    start_node: Any, room: dict[str, Any], token: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # GIVEN a publisher whose offer names a certificate fingerprint that is not its certificate's
    node = await start_node(origin_url=None)
    room_id = room["room_id"]
    pc = RTCPeerConnection()
    pc.addTransceiver(TestPatternTrack(160, 120, 15), direction="sendonly").setCodecPreferences(
        codec_capabilities("video", "VP8")
    )
    await pc.setLocalDescription(await pc.createOffer())
    forged = re.sub(r"(a=fingerprint:sha-256 )\S+", r"\g<1>" + ":".join(["AB"] * 32), pc.localDescription.sdp)
    caplog.set_level(logging.WARNING)  # the level a node logs at by default
    try:
        response = await post_offer(f"{node.url}/whip/{room_id}", forged, token("merchant", sub="merchant-1"))
        assert response.status_code == 201, response.text
        await pc.setRemoteDescription(RTCSessionDescription(sdp=response.text, type="answer"))
        # WHEN ICE connects and the node's DTLS handshake checks the peer's certificate
        # THEN the failure is logged at WARNING with its reason and the session is gone
        assert await wait_until(lambda: "fingerprint mismatch" in caplog.text, 15), caplog.text
        failure = next(r for r in caplog.records if "fingerprint mismatch" in r.getMessage())
        assert failure.levelno == logging.WARNING and room_id in failure.getMessage()
        assert "DTLS handshake failed" in failure.getMessage()
        assert await wait_until(lambda: node.node.sessions == {}, 5)
        assert node.node.ingest_rooms() == []
    finally:
        await pc.close()


async def test_a_room_has_one_ingest_across_nodes(start_node: Any, room: dict[str, Any], token: Any) -> None:
    # GIVEN two origin nodes sharing the registry, and the room published to the first
    first = await start_node(role="origin", node_id="ingest-one", origin_url=None)
    second = await start_node(role="origin", node_id="ingest-two", origin_url=None)
    room_id = room["room_id"]
    merchant = token("merchant", sub="merchant-1")
    publisher = await WhipPublisher.start(f"{first.url}/whip/{room_id}", merchant, [TestPatternTrack(160, 120, 15)])
    try:
        assert await wait_until(lambda: first.node.ingest_rooms() == [room_id], 10)
        # WHEN a second encoder publishes the same room to the other node
        response = await post_offer(f"{second.url}/whip/{room_id}", OBS_30_WHIP_OFFER, merchant)
        # THEN it is refused, naming where the room is published, and nothing is created there
        assert response.status_code == 409, response.text
        problem = response.json()
        assert problem["code"] == "room-already-live" and "ingest-one" in problem["detail"]
        assert second.node.sessions == {}
        async with httpx.AsyncClient(timeout=10) as http:
            metrics = (await http.get(f"{second.url}/metrics")).json()
        assert metrics["counters"]["offers_rejected"] == 1
    finally:
        await publisher.stop()


async def test_options_answers_200_with_accept_post_plain_and_as_a_preflight(start_node: Any) -> None:
    node = await start_node(origin_url=None, cors_origins=("https://shop.example",))
    async with httpx.AsyncClient(timeout=10) as http:
        for path in ("/whip/some-room", "/whep/some-room"):
            plain = await http.options(f"{node.url}{path}")
            assert plain.status_code == 200 and plain.headers["accept-post"] == "application/sdp"
            preflight = await http.options(
                f"{node.url}{path}",
                headers={
                    "Origin": "https://shop.example",
                    "Access-Control-Request-Method": "POST",
                    "Access-Control-Request-Headers": "authorization,content-type",
                },
            )
            assert preflight.status_code == 200 and preflight.headers["accept-post"] == "application/sdp"
            assert "POST" in preflight.headers["access-control-allow-methods"]


PAGES = "http://127.0.0.1:8000"  # the page origin the node is told (the embedded platform's pages)


async def test_only_the_page_origin_may_call_whip_and_whep_from_a_browser(start_node: Any) -> None:
    # GIVEN a node told its stage's page origin
    node = await start_node(origin_url=None, cors_origins=(PAGES,))
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
    }
    async with httpx.AsyncClient(timeout=10) as http:
        for path in ("/whip/some-room", "/whep/some-room"):
            # WHEN a page of another site asks to POST an offer (the browser's preflight)
            other = await http.options(f"{node.url}{path}", headers={"Origin": "https://other.example", **preflight})
            # THEN it gets no CORS allow header (the browser never sends the offer)
            assert "access-control-allow-origin" not in other.headers, path
            # and a simple request from there gets none either (the browser hides the answer)
            probe = await http.get(f"{node.url}/health", headers={"Origin": "https://other.example"})
            assert "access-control-allow-origin" not in probe.headers
            # WHILE the stage's pages get it, for their origin only
            page = await http.options(f"{node.url}{path}", headers={"Origin": PAGES, **preflight})
            assert page.status_code == 200 and page.headers["access-control-allow-origin"] == PAGES, path


def test_a_node_allows_no_origin_unless_told_and_never_a_wildcard() -> None:
    from media_nodes.config import ENV_CORS_ORIGINS, NodeConfigError, node_settings

    assert node_settings(port=8081, env={}).cors_origins == ()
    told = node_settings(port=8081, env={ENV_CORS_ORIGINS: "https://d1.cloudfront.net, https://shop.example/"})
    assert told.cors_origins == ("https://d1.cloudfront.net", "https://shop.example")
    for bad in ("*", "https://*.example", "shop.example", "https://shop.example/watch", "ftp://shop.example"):
        with pytest.raises(NodeConfigError, match=ENV_CORS_ORIGINS):
            node_settings(port=8081, env={ENV_CORS_ORIGINS: bad})


async def test_a_dtls_failure_openssl_gives_no_reason_for_is_explained() -> None:
    # GIVEN the failure hook on a real peer connection's DTLS transport
    from OpenSSL import SSL

    from media_nodes.forwarding import aiortc_adapter

    pc = RTCPeerConnection()
    pc.addTransceiver("video", direction="recvonly")
    reasons: list[str] = []
    aiortc_adapter.on_dtls_failure(pc, reasons.append)
    (transport,) = aiortc_adapter.dtls_transports(pc)
    # WHEN aiortc reports a handshake error whose OpenSSL error queue was empty (what a webrtcbin
    # that found no shared cipher leaves us), and then one with a reason
    transport._RTCDtlsTransport__log_debug("x DTLS handshake failed (error %s)", SSL.Error([]))
    transport._RTCDtlsTransport__log_debug(
        "x DTLS handshake failed (error %s)", SSL.Error([("SSL routines", "", "no shared cipher")])
    )
    # THEN the first says what an empty reason means here, the second passes OpenSSL's on
    assert reasons[0].startswith("DTLS handshake failed (error [])") and "no cipher suite" in reasons[0]
    assert "no shared cipher" in reasons[1] and "broke the handshake off" not in reasons[1]
    await pc.close()
