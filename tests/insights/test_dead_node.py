"""A media node that dies leaves no open sessions: they close at its last report + the grace."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from functions.insights import store
from functions.insights.fold import viewer_key
from functions.insights.models import FLEET, NodeSeen, ViewerPresence

from .conftest import FeedPoster


def _start(room_id: str, sub: str, at: float) -> dict[str, Any]:
    return {"room_id": room_id, "market": "ID", "sub": sub, "event": "start", "at": at}


def test_a_dead_nodes_viewers_close_at_last_report_plus_grace(
    client: Any, live_room: dict[str, Any], figures: Callable[[str], dict[str, Any]]
) -> None:
    room_id = live_room["room_id"]
    now = time.time()
    dying, living = FeedPoster(client, "node-dies"), FeedPoster(client, "node-lives")
    # GIVEN three viewers on a node that reports for the last time now; one of them also failed
    # over to a second node, which keeps reporting
    seconds = [{"room_id": room_id, "market": "ID", "t": int(now) - s, "viewers": 3} for s in range(10, 13)]
    starts = [_start(room_id, sub, now - 100) for sub in ("dn-a", "dn-b", "dn-c")]
    assert dying.post(seconds=seconds, sessions=starts).status_code == 202
    assert living.post(sessions=[_start(room_id, "dn-c", now - 3)]).status_code == 202
    before = figures(room_id)
    assert before["markets"]["ID"]["dwell"]["viewers"] == 3
    # WHEN the node is silent for longer than the grace (the other one kept reporting) and a sweep runs
    NodeSeen(FLEET, "node-lives").update(actions=[NodeSeen.last_seen.set(now + 50)])
    last_report = float(NodeSeen.get(FLEET, "node-dies").last_seen)  # the server's clock when it came
    # (a sweep out of budget does nothing and leaves the node for the next one)
    assert store.close_dead_nodes(now + store.NODE_GRACE_SECONDS + 1, budget_seconds=0.0) == 0
    assert NodeSeen.get(FLEET, "node-dies").closed_at is None
    closed = store.close_dead_nodes(now + store.NODE_GRACE_SECONDS + 1)
    # THEN its three sessions closed at its last report + grace, exactly once
    assert closed == 3
    assert store.close_dead_nodes(now + store.NODE_GRACE_SECONDS + 30) == 0
    ends_at = last_report + store.NODE_GRACE_SECONDS
    for sub in ("dn-a", "dn-b"):
        item = ViewerPresence.get(room_id, viewer_key(room_id, sub))
        assert int(item.sessions_open) == 0 and item.open_since is None
        assert abs(float(item.watched) - (ends_at - (now - 100))) < 0.01  # 100 s before + 60 s of grace
        assert abs(float(item.last_at) - ends_at) < 0.01
    # AND the viewer who failed over is still watching, from the dead node's end on
    moved = ViewerPresence.get(room_id, viewer_key(room_id, "dn-c"))
    assert int(moved.sessions_open) == 1 and abs(float(moved.open_since) - ends_at) < 0.01
    after = figures(room_id)
    market = after["markets"]["ID"]
    assert market["counters"]["exits"] == 2  # a and b left; c did not
    assert market["qualified"] == 3
    # dwell: the dead node's seconds count for all three (capped at the show's 2 minutes so far)
    assert market["dwell"]["buckets"]["1-5 min"] == 3
    # AND the dead node's late "end" (a batch it had kept) changes nothing
    late = {"room_id": room_id, "market": "ID", "sub": "dn-a", "event": "end", "at": now + 5, "watched": 105}
    assert dying.post(sessions=[late]).status_code == 202
    item = ViewerPresence.get(room_id, viewer_key(room_id, "dn-a"))
    assert int(item.sessions_open) == 0 and abs(float(item.watched) - (ends_at - (now - 100))) < 0.01
    assert figures(room_id)["markets"]["ID"]["counters"]["exits"] == 2
    # AND viewers present now come from the living node only: the dead node's seconds are in the past
    assert after["markets"]["ID"]["concurrent"]["now"] == 0
    assert before["markets"]["ID"]["concurrent"]["peak"] == 3
