"""The push module on a real media node process, found through the node registry."""

from __future__ import annotations

import json
import time

import pytest
from websockets.sync.client import connect

from crosslive.dev.media import MediaNodeService


@pytest.fixture(scope="module")
def media_node(embedded):
    from functions.fanout.delivery import registry_targets

    node = MediaNodeService("comments-test-edge", "edge", "local-edge", secret="comments-test-secret")
    node.start(embedded)
    try:
        yield node
    finally:
        node.stop()
        # A stopped node deregisters on its way out, so the next tests' fan-out never targets it;
        # wait out the fan-out's registry cache too (it is per process, like a warm Lambda's).
        assert node.url not in registry_targets(fresh=True), "the stopped node is still in the registry"
        deadline = time.monotonic() + 5
        while node.url in registry_targets():
            assert time.monotonic() < deadline, "the fan-out kept targeting the stopped node"
            time.sleep(0.2)


def test_comment_reaches_a_viewer_on_a_registered_edge_node(media_node, post, live_room, token):
    from functions.fanout.delivery import registry_targets

    # GIVEN the node's heartbeat is in the registry (another simulated region: "local-edge")
    deadline = time.monotonic() + 15
    while media_node.url not in registry_targets():
        assert time.monotonic() < deadline, "the node never appeared in the registry"
        time.sleep(0.5)
    room_id = live_room["room_id"]
    with connect(f"ws://127.0.0.1:{media_node.port}/v1/push/rooms/{room_id}", open_timeout=10) as ws:
        ws.send(json.dumps({"type": "auth", "token": token("viewer", sub="edge-viewer", market="DE")}))
        assert json.loads(ws.recv(timeout=10))["type"] == "ready"
        # WHEN a viewer in another market posts through the functions
        posted = post(room_id, "Does it ship to Germany?", sub="poster-sg", market="ID").json()
        # THEN the edge node's viewer gets it over the WebSocket
        deadline = time.monotonic() + 10
        while True:
            frame = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            ids = [e["comment"]["comment_id"] for e in frame.get("events", [])]
            if posted["comment_id"] in ids:
                break
