"""The live read's cost does not grow with the room's viewers, and its dwell is the viewers' own.

The console polls ``GET /v1/insights/rooms/{id}/live`` every second. It used to read every viewer
item of the room (for dwell): 100,000 items per poll at 100,000 viewers. Dwell now comes from
per-second bins the writers keep (``functions/insights/dwell.py``); these tests count the items
one read gets from DynamoDB, and check the bins against the viewer items they summarize.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from functions.insights import figures, live, sweep
from functions.insights.models import FLEET, NodeSeen, ViewerPresence
from functions.rooms.access import find_room
from functions.shared.zones import everywhere

from .conftest import MERCHANT, FeedPoster, Reads


def _session(room_id: str, sub: str, event: str, at: float, watched: float = 0, market: str = "ID") -> dict[str, Any]:
    return {"room_id": room_id, "market": market, "sub": sub, "event": event, "at": at, "watched": watched}


def _add_viewers(feed: FeedPoster, room_id: str, subs: range, now: float) -> None:
    """Viewers who started at the same second; every other one left 30 s later (same bins)."""
    starts = [_session(room_id, f"cost-{k}", "start", now - 90) for k in subs]
    ends = [_session(room_id, f"cost-{k}", "end", now - 60, watched=30) for k in subs if k % 2]
    for batch in range(0, len(starts), 400):
        assert feed.post(sessions=starts[batch : batch + 400]).status_code == 202
    for batch in range(0, len(ends), 400):
        assert feed.post(sessions=ends[batch : batch + 400]).status_code == 202


def test_a_live_read_reads_as_many_items_with_ten_times_the_viewers(
    live_room: dict[str, Any], feed: FeedPoster, client: Any, auth: Callable[..., dict[str, str]], dynamodb_reads: Reads
) -> None:
    room_id = live_room["room_id"]
    now = time.time()

    def read() -> tuple[dict[str, Any], Reads]:
        dynamodb_reads.clear()
        response = client.get(f"/v1/insights/rooms/{room_id}/live", headers=auth("merchant", sub=MERCHANT))
        assert response.status_code == 200, response.text
        return response.json(), list(dynamodb_reads)

    # GIVEN a room with 40 viewers (half of them left after 30 s)
    _add_viewers(feed, room_id, range(40), now)
    small, small_reads = read()
    assert small["markets"]["ID"]["dwell"]["viewers"] == 40
    # WHEN ten times as many watched it the same way
    _add_viewers(feed, room_id, range(40, 400), now)
    large, large_reads = read()
    # THEN the figures count them all
    assert large["markets"]["ID"]["dwell"]["viewers"] == 400
    assert large["markets"]["ID"]["dwell"]["buckets"]["10-60 s"] == 200  # the 30 s ones
    assert large["markets"]["ID"]["dwell"]["buckets"]["1-5 min"] == 200  # still watching, 90 s in
    # AND the read made the same requests and got the same number of items: no viewer item at all
    assert [(op, table) for op, table, _ in large_reads] == [(op, table) for op, table, _ in small_reads]
    assert sum(n for _, _, n in large_reads) == sum(n for _, _, n in small_reads)
    viewer_tables = {model.Meta.table_name for model in everywhere(ViewerPresence)}
    assert not [read for read in large_reads if read[1] in viewer_tables]


def _dwell_from_viewer_items(room_id: str, now: float, live_at: float) -> Counter[float]:
    """The reference: every viewer item of the room, each one's dwell to the whole second (closed:
    watched, cut down; open: from the whole second after its virtual start to now's), capped."""
    values: Counter[float] = Counter()
    cap = now - live_at
    for table in everywhere(ViewerPresence):
        for viewer in table.query(room_id, consistent_read=True):
            if viewer.first_at is None:
                continue
            watched = float(viewer.watched or 0)
            if int(viewer.sessions_open or 0) > 0 and viewer.open_since is not None:
                value = max(0, math.floor(now) - math.ceil(float(viewer.open_since) - watched))
            else:
                value = math.floor(watched)
            values[min(value, cap)] += 1
    return values


def test_dwell_bins_follow_every_viewer_through_tabs_returns_and_a_dead_node(
    client: Any, live_room: dict[str, Any]
) -> None:
    room_id = live_room["room_id"]
    now = time.time()
    show = live.load_show(room_id)
    assert show is not None and show.live_at is not None
    live_at = float(show.live_at)  # about two minutes ago (the fixture)
    one, two = FeedPoster(client, "bins-node-1"), FeedPoster(client, "bins-node-2")
    # GIVEN ten viewers starting at fractional times on node 1, and one who never had a first frame
    assert (
        one.post(sessions=[_session(room_id, f"b{i}", "start", now - 110.3 + i * 0.7) for i in range(10)]).status_code
        == 202
    )
    # AND four of them leaving with fractional watched seconds (one of them 9.6 s: not qualified)
    ends = [_session(room_id, "b0", "end", now - 100.7, watched=9.6)]
    ends += [_session(room_id, f"b{i}", "end", now - 60, watched=50.3 - i * 0.7) for i in (1, 2, 3)]
    assert one.post(sessions=ends).status_code == 202
    # AND b4 opening a second tab on node 2, then closing the first: still watching
    assert two.post(sessions=[_session(room_id, "b4", "start", now - 80.5)]).status_code == 202
    assert one.post(sessions=[_session(room_id, "b4", "end", now - 40.2, watched=67.3)]).status_code == 202
    # AND b0 coming back on node 2, and b1 coming back and leaving again
    assert two.post(sessions=[_session(room_id, "b0", "start", now - 30.4)]).status_code == 202
    assert two.post(sessions=[_session(room_id, "b1", "start", now - 35)]).status_code == 202
    assert two.post(sessions=[_session(room_id, "b1", "end", now - 20.5, watched=14.5)]).status_code == 202
    # AND node 1 dying: the sweep closes b5..b9 at its last report + the grace
    NodeSeen(FLEET, "bins-node-1").update(actions=[NodeSeen.last_seen.set(now - sweep.NODE_GRACE_SECONDS - 10.5)])
    assert sweep.close_dead_nodes(now).complete
    # WHEN the live figures are read
    room = find_room(room_id)
    assert room is not None
    data = live.room_figures(room, now=now)
    # THEN the dwell they show is the one of the viewer items, viewer by viewer
    expected = figures.dwell(_dwell_from_viewer_items(room_id, now, live_at), now - live_at)
    assert data["markets"]["ID"]["dwell"] == expected
    assert data["total"]["dwell"] == expected
    assert expected["viewers"] == 10
    assert expected["buckets"]["0-10 s"] == 0  # b0 came back: 9.6 s + its open session
    # AND later reads grow the open ones with the clock, as the items say
    later = now + 37.6
    assert live.room_figures(room, now=later)["markets"]["ID"]["dwell"] == figures.dwell(
        _dwell_from_viewer_items(room_id, later, live_at), later - live_at
    )
