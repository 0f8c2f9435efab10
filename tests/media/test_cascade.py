"""Origin -> edge cascade: one pull per room, fanned out at the edge, dropped with the last viewer;
and a viewer whose node dies is routed elsewhere and resumes."""

from __future__ import annotations

import asyncio
import time

import pytest

from media_nodes.client import WhepViewer, WhipPublisher
from media_nodes.testpattern import TestPatternTrack

from .media_helpers import wait_until

pytestmark = pytest.mark.slow


async def test_edge_pulls_a_room_once_fans_it_out_and_drops_it_with_the_last_viewer(start_node, room, token):
    origin = await start_node(role="origin")
    # the edge finds the origin through the registry (no static origin URL)
    edge = await start_node(role="edge", region_name="europe", origin_url=None)
    room_id = room["room_id"]
    publisher = await WhipPublisher.start(
        f"{origin.url}/whip/{room_id}", token("merchant", sub="merchant-1"), [TestPatternTrack(320, 240, 30)]
    )
    viewers: list[WhepViewer] = []
    try:
        # GIVEN the origin has announced the room in its heartbeat
        from media_nodes.registry import publisher_nodes

        assert await wait_until(lambda: bool(publisher_nodes(room_id, exclude=edge.settings.node_id)))
        # WHEN three viewers join the edge at once
        viewers = list(
            await asyncio.gather(
                *[
                    WhepViewer.start(
                        f"{edge.url}/whep/{room_id}", token("viewer", sub=f"de-{i}", market="DE"), decode=True
                    )
                    for i in range(3)
                ]
            )
        )
        # THEN they all get frames, and the edge pulled the room from the origin exactly once
        assert [await v.wait_frames(15, timeout=15) >= 15 for v in viewers] == [True] * 3
        assert edge.node.counters.upstream_pulls == 1
        assert origin.node.viewers == 1  # the origin carries one leg: the edge's
        assert edge.node.viewers == 3
        assert all(v.recorder.decode_errors == 0 for v in viewers)
        # WHEN the viewers leave, THEN the edge drops its upstream and the origin's leg goes away
        for viewer in viewers:
            await viewer.stop()
        viewers = []
        assert await wait_until(lambda: edge.node.upstream_of(room_id) is None)
        assert await wait_until(lambda: origin.node.viewers == 0)
        assert edge.node.counters.upstream_drops == 1
    finally:
        for viewer in viewers:
            await viewer.stop()
        await publisher.stop()


async def test_a_viewer_whose_node_dies_is_rerouted_and_resumes(start_node, room, token, client):
    origin = await start_node(role="origin", node_id="reroute-origin")
    edge_a = await start_node(role="edge", node_id="reroute-edge-a")
    edge_b = await start_node(role="edge", node_id="reroute-edge-b")
    room_id = room["room_id"]
    viewer_token = token("viewer", sub="de-viewer", market="DE")
    headers = {"Authorization": f"Bearer {viewer_token}"}
    publisher = await WhipPublisher.start(
        f"{origin.url}/whip/{room_id}", token("merchant", sub="merchant-1"), [TestPatternTrack(320, 240, 30)]
    )
    viewer = second = None
    try:
        # GIVEN the origin announced the room and the viewer watches through edge A
        from media_nodes.registry import publisher_nodes

        assert await wait_until(lambda: bool(publisher_nodes(room_id, exclude="reroute-edge-a")))
        viewer = await WhepViewer.start(f"{edge_a.url}/whep/{room_id}", viewer_token)
        assert await viewer.wait_frames(10) >= 10
        url = f"/v1/routing/rooms/{room_id}/nodes"
        # WHEN edge A dies without a word: its server stops and its registry item stays behind
        # (a crashed node does not deregister; DynamoDB TTL deletion is lazy)
        from functions.routing.models import MediaNodeRecord

        last_beat = MediaNodeRecord.get("reroute-edge-a")
        await edge_a.stop()
        last_beat.save()
        # THEN within 10 s routing no longer offers edge A, and the player's next pick works
        deadline = time.monotonic() + 10
        while True:
            nodes = [n for n in client.get(url, headers=headers).json()["nodes"] if n["node_id"].startswith("reroute-")]
            if "reroute-edge-a" not in [n["node_id"] for n in nodes]:
                break
            assert time.monotonic() < deadline, nodes
            await asyncio.sleep(0.25)
        pick = next(n for n in nodes if n["node_id"] != "reroute-origin" or len(nodes) == 1)
        second = await WhepViewer.start(pick["whep_url"], viewer_token)
        assert await second.wait_frames(10) >= 10
        assert pick["node_id"] in ("reroute-edge-b", "reroute-origin")
        assert edge_b.node.viewers + origin.node.viewers >= 1
    finally:
        for v in (viewer, second):
            if v is not None:
                await v.stop()
        await publisher.stop()
