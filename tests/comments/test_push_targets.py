"""Which nodes the fan-out pushes to: the registry's live nodes, never one whose heartbeat stopped."""

from __future__ import annotations

import time

from functions.fanout.delivery import deliver, registry_targets
from functions.routing.registry import DEAD_AFTER_SECONDS, MediaNodeRecord


def _node(node_id: str, heartbeat_at: float) -> MediaNodeRecord:
    node = MediaNodeRecord(
        node_id,
        base_url=f"http://127.0.0.1:9/{node_id}",  # the discard port: nothing answers there
        region_name="local",
        aws_region="us-east-1",
        role="edge",
        heartbeat_at=heartbeat_at,
        started_at=heartbeat_at - 60,
        expires_at=int(heartbeat_at) + 300,  # the TTL item is still there: only the heartbeat tells
    )
    node.save()
    return node


def test_the_fanout_skips_a_node_whose_heartbeat_stopped(embedded):
    now = time.time()
    # GIVEN one node heartbeating and one whose last heartbeat is older than DEAD_AFTER_SECONDS
    alive = _node("targets-alive", now)
    dead = _node("targets-dead", now - DEAD_AFTER_SECONDS - 1)
    try:
        # THEN only the live one is a push target, and a batch is never sent to the dead one
        targets = registry_targets(fresh=True)
        assert alive.base_url in targets and dead.base_url not in targets
        event = {"type": "stage", "id": "stage:r:1", "room_id": "r", "audience": "all", "signal": {}}
        result = deliver([event])
        assert not any(str(dead.base_url) in failure for failure in result["failed"])
        # WHEN the live node's heartbeats stop too, it stops being a target
        alive.heartbeat_at = now - DEAD_AFTER_SECONDS - 0.1
        alive.save()
        assert alive.base_url not in registry_targets(fresh=True)
    finally:
        alive.delete()
        dead.delete()
        registry_targets(fresh=True)  # leave no fake node in the fan-out's cache for later tests
