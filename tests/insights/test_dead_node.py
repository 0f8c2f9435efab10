"""A media node that dies leaves no open sessions: they close at its last report + the grace.

The sweep (``functions/insights/sweep.py``) runs off the read path, as the scheduled function in AWS
and a periodic task on the embedded platform; here it is called directly.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from functions.insights import store, sweep
from functions.insights.fold import Deltas, viewer_key
from functions.insights.models import FLEET, NodeSeen, ViewerPresence
from functions.insights.schemas import SessionEvent
from functions.shared.zones import everywhere

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
    # WHEN the node has been silent for longer than the grace (the other one kept reporting)
    NodeSeen(FLEET, "node-dies").update(actions=[NodeSeen.last_seen.set(now - sweep.NODE_GRACE_SECONDS - 1)])
    last_report = float(NodeSeen.get(FLEET, "node-dies").last_seen)
    # (reading the live figures sweeps nothing: the sweep runs off the read path)
    assert figures(room_id)["markets"]["ID"]["counters"].get("exits", 0) == 0
    assert int(ViewerPresence.get(room_id, viewer_key(room_id, "dn-a")).sessions_open) == 1
    # (a sweep out of time does nothing and leaves the node for the next one)
    out_of_time = sweep.close_dead_nodes(now, deadline=time.monotonic())
    assert out_of_time.sessions == 0 and not out_of_time.complete
    assert NodeSeen.get(FLEET, "node-dies").closed_at is None
    # AND the sweep runs (as the scheduled function does)
    closed = sweep.close_dead_nodes(now)
    # THEN its three sessions closed at its last report + grace, exactly once
    assert room_id in closed.rooms and closed.sessions >= 3 and closed.complete
    assert NodeSeen.get(FLEET, "node-dies").closed_at is not None
    assert NodeSeen.get(FLEET, "node-lives").closed_at is None
    assert sweep.close_dead_nodes(now + 1).sessions == 0
    ends_at = last_report + sweep.NODE_GRACE_SECONDS
    for sub in ("dn-a", "dn-b"):
        item = ViewerPresence.get(room_id, viewer_key(room_id, sub))
        assert int(item.sessions_open) == 0 and item.open_since is None
        assert (
            abs(float(item.watched) - (ends_at - (now - 100))) < 0.01
        )  # from its start to the last report + 60 s of grace
        assert abs(float(item.last_at) - ends_at) < 0.01
    # AND the viewer who failed over is still watching, from the dead node's end on
    moved = ViewerPresence.get(room_id, viewer_key(room_id, "dn-c"))
    assert int(moved.sessions_open) == 1 and abs(float(moved.open_since) - ends_at) < 0.01
    after = figures(room_id)
    market = after["markets"]["ID"]
    assert market["counters"]["exits"] == 2  # a and b left; c did not
    assert market["qualified"] == 3
    # dwell: the dead node's seconds count for all three (99 s; the show is 2 minutes old)
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


@pytest.mark.usefixtures("embedded")
@pytest.mark.parametrize("filtered", [True, False], ids=["filtered", "past-the-filter-limit"])
def test_a_dead_fleet_costs_one_query_per_room_and_one_update_per_viewer(
    monkeypatch: pytest.MonkeyPatch, filtered: bool
) -> None:
    now = time.time()
    # GIVEN the dead nodes of other tests already swept (same clock: none of them dies in between)
    sweep.close_dead_nodes(now)
    run = uuid.uuid4().hex[:8]
    rooms = [f"sweep-{run}-a", f"sweep-{run}-b"]
    nodes = [f"sweep-{run}-node-{i:02d}" for i in range(12)]
    # AND 12 nodes, silent for 100 s, that each served 5 viewers in each of two rooms; the first
    # viewer of each node also watches in a second tab on the next node (two dead nodes, one viewer)
    for i, node in enumerate(nodes):
        events = [
            SessionEvent(room_id=room, market="ID", sub=f"{run}-v{i}-{j}", event="start", at=now - 200)
            for room in rooms
            for j in range(5)
        ]
        events += [
            SessionEvent(room_id=room, market="ID", sub=f"{run}-v{(i + 1) % 12}-0", event="start", at=now - 150)
            for room in rooms
        ]
        store.apply_sessions(events, Deltas(), node)
        store.node_seen(node, set(rooms), now - 100)
    # AND a viewer of the first room who watches on a living node only
    store.apply_sessions(
        [SessionEvent(room_id=rooms[0], market="ID", sub=f"{run}-alive", event="start", at=now)],
        Deltas(),
        f"sweep-{run}-alive",
    )
    store.node_seen(f"sweep-{run}-alive", {rooms[0]}, now)
    if not filtered:
        monkeypatch.setattr(sweep, "MAX_FILTERED_NODES", 4)  # 12 dead nodes: the query reads every item
    # WHEN the sweep runs
    result = sweep.close_dead_nodes(now)
    # THEN it read each room once per residency zone's viewer table, whatever the number of dead nodes
    assert result.dead_nodes == 12 and result.rooms == set(rooms)
    assert result.queries == len(rooms) * len(everywhere(ViewerPresence))
    # AND closed every session, each viewer in one update (60 viewers per room, 12 of them with two tabs)
    assert result.sessions == len(rooms) * (12 * 5 + 12)
    assert result.viewers == len(rooms) * 12 * 5
    assert result.complete and result.closed_nodes == 12
    ends_at = now - 100 + sweep.NODE_GRACE_SECONDS
    for room in rooms:
        both = ViewerPresence.get(room, viewer_key(room, f"{run}-v3-0"))  # tabs on nodes 2 and 3
        assert int(both.sessions_open) == 0 and both.open_since is None
        assert abs(float(both.watched) - (ends_at - float(both.first_at))) < 0.01  # from its first start
    alive = ViewerPresence.get(rooms[0], viewer_key(rooms[0], f"{run}-alive"))
    assert int(alive.sessions_open) == 1
    # AND a second sweep finds nothing left
    again = sweep.close_dead_nodes(now)
    assert again.dead_nodes == 0 and again.sessions == 0 and again.queries == 0


@pytest.mark.usefixtures("embedded")
def test_the_scheduled_function_stops_before_its_timeout() -> None:
    class Context:
        def get_remaining_time_in_millis(self) -> int:
            return int(sweep.HANDLER_MARGIN_SECONDS * 1000) - 1  # already inside the margin

    now = time.time()
    sweep.close_dead_nodes(now)
    run = uuid.uuid4().hex[:8]
    room = f"sweep-{run}"
    store.apply_sessions(
        [SessionEvent(room_id=room, market="ID", sub=f"{run}-v", event="start", at=now - 200)], Deltas(), f"node-{run}"
    )
    store.node_seen(f"node-{run}", {room}, now - 100)
    # WHEN the scheduled function is invoked with less time left than its margin: it starts nothing
    assert sweep.handler({}, Context())["complete"] is False
    assert int(ViewerPresence.get(room, viewer_key(room, f"{run}-v")).sessions_open) == 1
    # AND with time (or on the embedded platform, without a Lambda context) it sweeps the node
    swept = sweep.handler({}, None)
    assert swept["sessions"] >= 1 and swept["complete"] is True
    assert int(ViewerPresence.get(room, viewer_key(room, f"{run}-v")).sessions_open) == 0


@pytest.mark.usefixtures("embedded")
def test_the_embedded_platform_runs_the_sweep_as_a_periodic_task() -> None:
    from crosslive.dev.schedule import Scheduler, scheduled_handlers

    # GIVEN the scheduled functions of the specs (EventBridge rules in AWS): the sweep among them
    assert scheduled_handlers()["insights-sweep"] is sweep.handler
    now = time.time()
    run = uuid.uuid4().hex[:8]
    room = f"sweep-{run}"
    store.apply_sessions(
        [SessionEvent(room_id=room, market="ID", sub=f"{run}-v", event="start", at=now - 200)], Deltas(), f"node-{run}"
    )
    store.node_seen(f"node-{run}", {room}, now - 100)
    # WHEN the platform's periodic task runs (as ``EmbeddedPlatform.start`` starts it)
    scheduler = Scheduler(every=0.05)
    scheduler.start()
    try:
        deadline = time.monotonic() + 30
        while NodeSeen.get(FLEET, f"node-{run}").closed_at is None and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        scheduler.stop()
    # THEN the dead node's viewer left, with nobody reading the live figures
    assert scheduler.runs >= 1
    assert int(ViewerPresence.get(room, viewer_key(room, f"{run}-v")).sessions_open) == 0


@pytest.mark.usefixtures("embedded")
def test_the_registry_keeps_the_rooms_a_node_serves_now_not_every_room_it_served(client: Any) -> None:
    run = uuid.uuid4().hex[:8]
    node = f"reg-{run}"
    poster = FeedPoster(client, node)
    now = time.time()

    def start(room: str, sub: str) -> dict[str, Any]:
        return {"room_id": room, "market": "ID", "sub": sub, "event": "start", "at": now - 50}

    def served() -> set[str]:
        return set(NodeSeen.get(FLEET, node).rooms or ())

    # GIVEN a long-lived node that opened sessions in rooms a and b, then in c (a's viewer left)
    first = poster.post(
        sessions=[start(f"{run}-a", "v1"), start(f"{run}-b", "v2")], active_rooms=[f"{run}-a", f"{run}-b"]
    )
    assert first.status_code == 202
    assert served() == {f"{run}-a", f"{run}-b"}
    older = poster.body(sessions=[start(f"{run}-d", "v4")], active_rooms=[f"{run}-d", f"{run}-b"])
    newer = poster.body(sessions=[start(f"{run}-c", "v3")], active_rooms=[f"{run}-b", f"{run}-c"])
    assert poster.send(newer).status_code == 202
    # THEN the registry holds the rooms it serves now: a is gone
    assert served() == {f"{run}-b", f"{run}-c"}
    # AND a batch that arrives late only adds its rooms (its open set is older than the one kept)
    assert poster.send(older).status_code == 202
    assert served() == {f"{run}-b", f"{run}-c", f"{run}-d"}
    # AND when its last session ends, the registry holds no room: a sweep of it queries nothing
    ends = [
        {"room_id": room, "market": "ID", "sub": sub, "event": "end", "at": now - 1, "watched": 49}
        for room, sub in ((f"{run}-b", "v2"), (f"{run}-c", "v3"), (f"{run}-d", "v4"))
    ]
    assert poster.post(sessions=ends, active_rooms=[]).status_code == 202
    assert served() == set()


@pytest.mark.usefixtures("embedded")
def test_a_dead_node_is_swept_in_the_rooms_it_served_last_only(client: Any) -> None:
    now = time.time()
    sweep.close_dead_nodes(now)  # other tests' dead nodes first
    run = uuid.uuid4().hex[:8]
    node = f"reg-{run}"
    poster = FeedPoster(client, node)
    at = now - 200
    # GIVEN a node that served 20 rooms one after another, and dies watching the last
    for i in range(20):
        room = f"{run}-{i:02d}"
        begin = {"room_id": room, "market": "ID", "sub": f"v{i}", "event": "start", "at": at}
        finish = {**begin, "event": "end", "at": at + 1, "watched": 1}
        sessions = [begin] if i == 19 else [begin, finish]
        assert poster.post(sessions=sessions, active_rooms=[room] if i == 19 else []).status_code == 202
    NodeSeen(FLEET, node).update(actions=[NodeSeen.last_seen.set(now - sweep.NODE_GRACE_SECONDS - 1)])
    # WHEN the sweep runs
    result = sweep.close_dead_nodes(now)
    # THEN it queried the last room only (once per residency zone's viewer table) and closed its session
    assert result.rooms == {f"{run}-19"} and result.sessions == 1
    assert result.queries == len(everywhere(ViewerPresence))
