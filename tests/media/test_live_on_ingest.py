"""The first WHIP publish takes a scheduled room live (as Amazon IVS's stream start does), and the
room's viewers hear of it at once by push (the ``room`` live signal)."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect

from functions.fanout.delivery import ENV_PUSH_NODES

from .test_h264_obs import OBS_30_WHIP_OFFER, SDP

pytestmark = pytest.mark.slow


async def test_publishing_a_scheduled_room_takes_it_live_and_ended_rooms_stay_ended(
    start_node: Any, room: dict[str, Any], client: Any, auth: Any
) -> None:
    node = await start_node(origin_url=None)
    room_id = room["room_id"]
    merchant = bearer_headers = auth("merchant", sub="merchant-1")  # the room fixture's merchant
    assert client.get(f"/v1/rooms/{room_id}").json()["status"] == "scheduled"
    from functions.rooms.models import Room

    version = Room.get(room_id).version
    async with httpx.AsyncClient(timeout=15) as http:
        # WHEN the merchant publishes from OBS without touching the console
        response = await http.post(
            f"{node.url}/whip/{room_id}", content=OBS_30_WHIP_OFFER.encode(), headers={**SDP, **bearer_headers}
        )
        assert response.status_code == 201, response.text
        # THEN the room is live for everyone who reads it
        live = client.get(f"/v1/rooms/{room_id}").json()
        assert live["status"] == "live"
        assert Room.get(room_id).version == version + 1  # a versioned change, like the merchant's own edits
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
    async with connect(ws_url, open_timeout=5) as ws, httpx.AsyncClient(timeout=15) as http:
        await ws.send(json.dumps({"type": "auth", "token": token("viewer", sub="ingest-watcher", market="ID")}))
        assert json.loads(await asyncio.wait_for(ws.recv(), 5))["type"] == "ready"
        # WHEN the merchant publishes from OBS without touching the console
        response = await http.post(
            f"{node.url}/whip/{room_id}",
            content=OBS_30_WHIP_OFFER.encode(),
            headers={**SDP, **auth("merchant", sub="merchant-1")},
        )
        assert response.status_code == 201, response.text
        # THEN the viewer's socket carries the room's new status and version
        from functions.rooms.models import Room

        version = int(Room.get(room_id).version)
        seen: list[dict[str, Any]] = []
        deadline = time.monotonic() + 5
        while not any(e["type"] == "room" for e in seen) and time.monotonic() < deadline:
            frame = json.loads(await asyncio.wait_for(ws.recv(), max(0.01, deadline - time.monotonic())))
            seen.extend(frame.get("events", []))
        assert [e for e in seen if e["type"] == "room"] == [
            {
                "type": "room",
                "id": f"room:{room_id}:{version}",
                "room_id": room_id,
                "status": "live",
                "version": version,
            }
        ]
