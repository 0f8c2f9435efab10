"""The first WHIP publish takes a scheduled room live (as Amazon IVS's stream start does) when its
media arrives, not on the 201 (a POST whose ICE never connects neither takes the room live nor
blocks the next publish), and the room's viewers hear of it at once by push (the ``room`` signal)."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect

from functions.fanout.delivery import ENV_PUSH_NODES
from media_nodes.client import WhipPublisher
from media_nodes.testpattern import TestPatternTrack

from .media_helpers import wait_until
from .test_h264_obs import OBS_30_WHIP_OFFER, SDP

pytestmark = pytest.mark.slow


async def test_publishing_a_scheduled_room_takes_it_live_and_ended_rooms_stay_ended(
    start_node: Any, room: dict[str, Any], client: Any, auth: Any, token: Any
) -> None:
    node = await start_node(origin_url=None)
    room_id = room["room_id"]
    merchant = bearer_headers = auth("merchant", sub="merchant-1")  # the room fixture's merchant
    assert client.get(f"/v1/rooms/{room_id}").json()["status"] == "scheduled"
    from functions.rooms.models import Room

    version = Room.get(room_id).version
    async with httpx.AsyncClient(timeout=15) as http:
        # WHEN a publish is answered but its ICE never connects (the OBS offer's candidates lead nowhere)
        response = await http.post(
            f"{node.url}/whip/{room_id}", content=OBS_30_WHIP_OFFER.encode(), headers={**SDP, **bearer_headers}
        )
        assert response.status_code == 201, response.text
        # THEN the room is not live: no media has arrived
        await asyncio.sleep(0.5)
        assert client.get(f"/v1/rooms/{room_id}").json()["status"] == "scheduled"
        assert node.node.ingest_rooms() == []
        # WHEN the merchant publishes again at once, from an encoder whose media does arrive
        publisher = await WhipPublisher.start(
            f"{node.url}/whip/{room_id}", token("merchant", sub="merchant-1"), [TestPatternTrack(160, 120, 15)]
        )
        try:
            # THEN the dead attempt did not block it, and the room is live for everyone who reads it
            assert await wait_until(lambda: client.get(f"/v1/rooms/{room_id}").json()["status"] == "live", 10)
            assert Room.get(room_id).version == version + 1  # a versioned change, like the merchant's own edits
            assert node.node.ingest_rooms() == [room_id]
        finally:
            await publisher.stop()
        # AND once the merchant ends the show, publishing again neither revives it nor is accepted
        ended = client.patch(f"/v1/rooms/{room_id}", json={"status": "ended"}, headers=merchant)
        assert ended.status_code == 200, ended.text
        again = await http.post(
            f"{node.url}/whip/{room_id}", content=OBS_30_WHIP_OFFER.encode(), headers={**SDP, **bearer_headers}
        )
        assert again.status_code == 409 and again.json()["code"] == "room-ended"
        assert client.get(f"/v1/rooms/{room_id}").json()["status"] == "ended"


def test_only_a_scheduled_room_is_taken_live(room: dict[str, Any], client: Any, auth: Any) -> None:
    from functions.rooms.lifecycle import go_live_on_ingest
    from functions.rooms.models import Room

    room_id = room["room_id"]
    stale = Room.get(room_id)  # read while scheduled
    ended = client.patch(f"/v1/rooms/{room_id}", json={"status": "ended"}, headers=auth("merchant", sub="merchant-1"))
    assert ended.status_code == 200
    # A publish that read the room before it ended must not revive it.
    assert go_live_on_ingest(stale) is False
    assert Room.get(room_id).status == "ended"
    assert go_live_on_ingest(Room.get(room_id)) is False


async def test_a_viewer_socket_hears_that_the_publish_took_the_room_live(
    start_node: Any, room: dict[str, Any], token: Any, auth: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a scheduled room and a viewer subscribed to its push socket on the node (the page opens
    # it on the first node it tries, before there is anything to play)
    node = await start_node(origin_url=None)
    monkeypatch.setenv(ENV_PUSH_NODES, node.url)  # the local fan-out posts to this node
    room_id = room["room_id"]
    ws_url = node.url.replace("http://", "ws://") + f"/v1/push/rooms/{room_id}"
    async with connect(ws_url, open_timeout=5) as ws:
        await ws.send(json.dumps({"type": "auth", "token": token("viewer", sub="ingest-watcher", market="ID")}))
        assert json.loads(await asyncio.wait_for(ws.recv(), 5))["type"] == "ready"
        # WHEN the merchant publishes without touching the console
        publisher = await WhipPublisher.start(
            f"{node.url}/whip/{room_id}", token("merchant", sub="merchant-1"), [TestPatternTrack(160, 120, 15)]
        )
        # THEN once its media arrives the viewer's socket carries the room's new status and version
        from functions.rooms.models import Room

        seen: list[dict[str, Any]] = []
        deadline = time.monotonic() + 10
        try:
            while not any(e["type"] == "room" for e in seen) and time.monotonic() < deadline:
                frame = json.loads(await asyncio.wait_for(ws.recv(), max(0.01, deadline - time.monotonic())))
                seen.extend(frame.get("events", []))
        finally:
            await publisher.stop()
        version = int(Room.get(room_id).version)
        assert [e for e in seen if e["type"] == "room"] == [
            {
                "type": "room",
                "id": f"room:{room_id}:{version}",
                "room_id": room_id,
                "status": "live",
                "version": version,
            }
        ]
