"""Bad offers, bad tokens and floods: clear 4xx, the node stays healthy, viewers keep watching."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from aiortc import RTCPeerConnection

from media_nodes.client import WhepViewer, WhipPublisher
from media_nodes.node_tokens import issue_node_token
from media_nodes.peers import codec_capabilities
from media_nodes.testpattern import TestPatternTrack

pytestmark = pytest.mark.slow
SDP = {"Content-Type": "application/sdp"}
NODE_SECRET = "test-node-secret"  # the secret tests/media/conftest.py gives its nodes


async def real_offer(kind: str = "recvonly", codec: str = "VP8") -> str:
    pc = RTCPeerConnection()
    transceiver = pc.addTransceiver("video", direction=kind)
    transceiver.setCodecPreferences(codec_capabilities("video", codec))
    await pc.setLocalDescription(await pc.createOffer())
    sdp = pc.localDescription.sdp
    await pc.close()
    return str(sdp)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_bad_offers_tokens_and_floods_leave_the_node_and_its_viewers_alone(start_node, room, token):
    node = await start_node(offer_burst=40, offer_rate=1.0)
    room_id = room["room_id"]
    merchant = token("merchant", sub="merchant-1")
    publisher = await WhipPublisher.start(f"{node.url}/whip/{room_id}", merchant, [TestPatternTrack(160, 120, 30)])
    viewer = await WhepViewer.start(f"{node.url}/whep/{room_id}", token("viewer", sub="calm", market="ID"))
    try:
        assert await viewer.wait_frames(5) >= 5
        viewer_token = token("viewer", sub="v-bad", market="ID")
        offer = await real_offer()
        whep, whip = f"{node.url}/whep/{room_id}", f"{node.url}/whip/{room_id}"
        cases = [
            # (url, body, headers, status, code)
            (whep, b"hello", {**SDP, **bearer(viewer_token)}, 400, "malformed-sdp"),
            (whep, offer[: len(offer) // 3].encode(), {**SDP, **bearer(viewer_token)}, 400, "malformed-sdp"),
            (whep, b"v=0\r\n\xff\xfe", {**SDP, **bearer(viewer_token)}, 400, "malformed-sdp"),
            (
                whep,
                offer.replace("a=ice-pwd", "a=x-pwd").encode(),
                {**SDP, **bearer(viewer_token)},
                400,
                "malformed-sdp",
            ),
            (
                whep,
                offer.encode(),
                {"Content-Type": "application/json", **bearer(viewer_token)},
                415,
                "unsupported-media-type",
            ),
            (
                whep,
                offer.replace("VP8/90000", "AV1X/90000").encode(),
                {**SDP, **bearer(viewer_token)},
                422,
                "no-common-codec",
            ),
            (
                whip,
                (await real_offer("sendonly")).replace("VP8/90000", "AV1X/90000").encode(),
                {**SDP, **bearer(merchant)},
                422,
                "no-common-codec",
            ),
            # a send-only offer to WHEP (it would get a 201 whose sections are all inactive), and a
            # receive-only one to WHIP
            (whep, (await real_offer("sendonly")).encode(), {**SDP, **bearer(viewer_token)}, 422, "wrong-direction"),
            (whip, offer.encode(), {**SDP, **bearer(merchant)}, 422, "wrong-direction"),
            (whep, offer.encode(), SDP, 401, "unauthorized"),
            (whep, offer.encode(), {**SDP, **bearer("not.a.jwt")}, 401, "unauthorized"),
            (
                whep,
                offer.encode(),
                {**SDP, **bearer(token("viewer", sub="jp", market="JP"))},
                403,
                "market-not-served",
            ),
            (whip, offer.encode(), {**SDP, **bearer(viewer_token)}, 403, "forbidden"),
            (
                whip,
                offer.encode(),
                {**SDP, **bearer(token("merchant", sub="someone-else"))},
                403,
                "not-room-owner",
            ),
            (whep, offer.encode(), {**SDP, **bearer("cln1.eyJuIjoieCJ9.forged")}, 401, "unauthorized"),
            (
                whep,
                offer.encode(),
                {**SDP, **bearer(issue_node_token(NODE_SECRET, "edge", "other-room"))},
                403,
                "forbidden",
            ),
            (
                whep,
                offer.encode(),
                {**SDP, **bearer(issue_node_token(NODE_SECRET, "edge", room_id, now=1000))},
                401,
                "unauthorized",
            ),
            (
                f"{node.url}/whep/not-a-room-xyz",
                offer.encode(),
                {**SDP, **bearer(viewer_token)},
                404,
                "room-not-found",
            ),
            (
                whep,
                b"v=0\r\n" + b"a=x\r\n" * 20000,
                {**SDP, **bearer(viewer_token)},
                413,
                "payload-too-large",
            ),
        ]
        async with httpx.AsyncClient(timeout=10) as http:
            for url, body, headers, status, code in cases:
                response = await http.post(url, content=body, headers=headers)
                assert (response.status_code, response.json()["code"]) == (status, code), (url, body[:40])
                assert response.headers["content-type"].startswith("application/problem+json")
            # every refusal the node itself made is counted (413 is refused earlier, by the body limit)
            counters = (await http.get(f"{node.url}/metrics")).json()["counters"]
            assert counters["offers_rejected"] == sum(1 for case in cases if case[3] != 413)
            # PATCH (trickle) is not supported; unknown and foreign sessions cannot be deleted
            patch = await http.patch(f"{whep}/abcdefgh12", content=b"a=candidate", headers=bearer(viewer_token))
            assert patch.status_code == 405
            missing = await http.delete(f"{whep}/abcdefgh12", headers=bearer(viewer_token))
            assert missing.status_code == 404
            foreign = await http.delete(viewer.resource or "", headers=bearer(viewer_token))
            assert foreign.status_code == 403
            # THEN the node is healthy, nothing was created, and the viewer still watches
            assert (await http.get(f"{node.url}/health")).json()["status"] == "ok"
        assert node.node.viewers == 1
        before = viewer.recorder.frames["video"]
        assert await viewer.wait_frames(before + 10) >= before + 10
    finally:
        await viewer.stop()
        await publisher.stop()


async def test_a_room_nobody_broadcasts_is_not_live(start_node, room, token):
    node = await start_node(origin_url=None)
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.post(
            f"{node.url}/whep/{room['room_id']}",
            content=(await real_offer()).encode(),
            headers={**SDP, **bearer(token("viewer", sub="early", market="DE"))},
        )
    assert response.status_code == 404 and response.json()["code"] == "room-not-live"
    assert node.node.hubs == {} and node.node.sessions == {}


async def test_an_offer_flood_is_rate_limited_and_viewers_are_unaffected(start_node, room, token):
    node = await start_node(offer_burst=5, offer_rate=1.0)
    room_id = room["room_id"]
    publisher = await WhipPublisher.start(
        f"{node.url}/whip/{room_id}", token("merchant", sub="merchant-1"), [TestPatternTrack(160, 120, 30)]
    )
    viewer = await WhepViewer.start(f"{node.url}/whep/{room_id}", token("viewer", sub="calm", market="ID"))
    try:
        assert await viewer.wait_frames(5) >= 5
        offer = (await real_offer()).encode()
        headers = {**SDP, **bearer(token("viewer", sub="flood", market="ID"))}
        async with httpx.AsyncClient(timeout=10) as http:
            responses = await asyncio.gather(
                *[http.post(f"{node.url}/whep/{room_id}", content=offer, headers=headers) for _ in range(40)]
            )
            statuses = [r.status_code for r in responses]
            assert statuses.count(429) >= 30, statuses
            limited = next(r for r in responses if r.status_code == 429)
            assert int(limited.headers["retry-after"]) >= 1 and limited.json()["code"] == "too-many-offers"
            assert (await http.get(f"{node.url}/health")).status_code == 200
            # the few accepted flood sessions never connect; delete them as their owner would
            for r in responses:
                if r.status_code == 201:
                    await http.delete(f"{node.url}{r.headers['location']}", headers=headers)
        before = viewer.recorder.frames["video"]
        assert await viewer.wait_frames(before + 10) >= before + 10
        assert node.node.counters.rate_limited >= 30
    finally:
        await viewer.stop()
        await publisher.stop()
