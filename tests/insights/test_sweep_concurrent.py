"""The dead-node sweep of a large room: concurrent viewer updates, each closing its sessions once.

``sweep.close_dead_nodes`` sends a room's viewer updates from ``sweep.SWEEP_WORKERS`` threads. These
tests hold the figures it writes (each viewer's item, the dwell bins, the exits) to the values the
sessions imply, and drive the two things that interleave with it: a live write to a viewer between
the sweep's read and its update, and the deadline. Every DynamoDB call is watched through the viewer
table's botocore client (``_make_api_call``), whichever code path sends it.
"""

from __future__ import annotations

import math
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from functions.insights import dwell, store, sweep
from functions.insights.figures import minute_from_item
from functions.insights.fold import Deltas, viewer_key
from functions.insights.models import FLEET, MinuteCounters, NodeSeen, ViewerPresence, open_on_node, series_key
from functions.insights.schemas import SessionEvent

pytestmark = pytest.mark.usefixtures("embedded")

MARKETS = ("ID", "DE", "AE")
Hook = Callable[[dict[str, Any]], None]


@pytest.fixture
def on_viewer_update(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Hook], None]]:
    """``on_viewer_update(hook)``: ``hook(params)`` runs before every ``UpdateItem`` of the viewer
    table, in the thread that sends it."""
    connection = ViewerPresence._get_connection()
    client = connection.connection.client
    real = client._make_api_call
    hooks: list[Hook] = []

    def call(operation: str, params: dict[str, Any]) -> Any:
        if operation == "UpdateItem" and params.get("TableName") == connection.table_name:
            for hook in hooks:
                hook(params)
        return real(operation, params)

    monkeypatch.setattr(client, "_make_api_call", call)
    yield hooks.append


class Room:
    """A room whose viewers watch on nodes that report at chosen times (all times multiples of
    0.25 s: exact in binary and in decimal, so each expected dwell second is unambiguous)."""

    def __init__(self, viewers: int) -> None:
        self.now = float(int(time.time()))
        sweep.close_dead_nodes(self.now)  # other tests' dead nodes first (same clock)
        run = uuid.uuid4().hex[:8]
        self.room_id = f"swc-{run}"
        self.dead, self.second_dead, self.living = f"swc-{run}-dead", f"swc-{run}-dead2", f"swc-{run}-live"
        self.ends = {self.dead: self.now - 100.0 + 60.0, self.second_dead: self.now - 90.5 + 60.0}
        # viewer -> (market, start, its nodes)
        self.viewers: dict[str, tuple[str, float, tuple[str, ...]]] = {}
        for i in range(viewers):
            nodes = {0: (self.dead,), 1: (self.dead,), 2: (self.dead, self.second_dead), 3: (self.dead, self.living)}
            self.viewers[f"v{i:04d}"] = (MARKETS[i % 3], self.now - 300.0 + 0.25 * i, nodes[i % 4])
        for node in (self.dead, self.second_dead, self.living):
            later = 0.0 if node == self.dead else 2.5  # a second tab, or a failover, opens after the first
            starts = [
                SessionEvent(room_id=self.room_id, market=market, sub=sub, event="start", at=at + later)
                for sub, (market, at, nodes) in self.viewers.items()
                if node in nodes
            ]
            self.apply(starts, node)
        store.node_seen(self.dead, {self.room_id}, self.now - 100.0)
        store.node_seen(self.second_dead, {self.room_id}, self.now - 90.5)
        store.node_seen(self.living, {self.room_id}, self.now)

    def apply(self, events: list[SessionEvent], node: str) -> None:
        """What a node batch does to the viewers and the figures (``feed.accept_feed``)."""
        deltas = Deltas()
        store.apply_sessions(events, deltas, node)
        store.apply(deltas)

    def key(self, sub: str) -> str:
        return viewer_key(self.room_id, sub)

    def item(self, sub: str) -> ViewerPresence:
        return ViewerPresence.get(self.room_id, self.key(sub), consistent_read=True)

    def end_of(self, sub: str) -> float:
        """When the viewer's sessions on dead nodes end: the latest of their nodes' ends."""
        return max(self.ends[node] for node in self.viewers[sub][2] if node in self.ends)

    def stays(self, sub: str) -> bool:
        return self.living in self.viewers[sub][2]

    def exits(self, market: str) -> int:
        items = MinuteCounters.query(series_key(self.room_id, market), consistent_read=True)
        return sum(minute_from_item(item).counters["exits"] for item in items)

    def bins(self, market: str) -> tuple[dict[int, int], dict[int, int]]:
        """The market's dwell bins that hold anyone (a bin left at -1 would show here)."""
        read = dwell.load(self.room_id, market)
        return {s: n for s, n in read.closed.items() if n}, {s: n for s, n in read.open.items() if n}

    def expected_bins(self, market: str, watched: dict[str, float]) -> tuple[dict[int, int], dict[int, int]]:
        """Each viewer in one bin: a closed one at its whole seconds watched, one still watching on
        the living node at its virtual start (its open session's start less what it watched)."""
        closed: Counter[int] = Counter()
        still: Counter[int] = Counter()
        for sub, (in_market, _at, _nodes) in self.viewers.items():
            if in_market != market:
                continue
            if self.stays(sub):
                still[math.ceil(self.end_of(sub) - watched[sub])] += 1
            else:
                closed[math.floor(watched[sub])] += 1
        return dict(closed), dict(still)


def test_a_large_rooms_viewers_are_closed_concurrently_each_once_with_its_dwell_and_exit(
    on_viewer_update: Callable[[Hook], None],
) -> None:
    # GIVEN 240 viewers of one room in three markets on a node dead for 100 s: a quarter of them
    # also in a second tab on a second dead node, a quarter failed over to a living node
    room = Room(240)
    # AND the sweep's first two viewer updates held until both are in flight (a sweep sending one
    # update at a time would never release the first)
    both_sent = threading.Barrier(2, timeout=30)
    held = iter(range(2))

    def hold(params: dict[str, Any]) -> None:
        if next(held, None) is not None:
            both_sent.wait()

    on_viewer_update(hold)
    # WHEN the sweep runs
    result = sweep.close_dead_nodes(room.now)
    # THEN every viewer was closed in one update, every session on a dead node once
    assert result.viewers == 240
    assert result.sessions == 240 + 60  # the second tabs
    assert result.complete and result.closed_nodes == 2
    assert NodeSeen.get(FLEET, room.living).closed_at is None
    watched = {}
    for sub, (_market, at, _nodes) in room.viewers.items():
        item = room.item(sub)
        watched[sub] = room.end_of(sub) - at  # from its first start to its dead nodes' end
        assert float(item.watched) == watched[sub], sub
        assert int(item.sessions_open) == (1 if room.stays(sub) else 0), sub
        raw = ViewerPresence._get_connection().get_item(room.room_id, room.key(sub), consistent_read=True)["Item"]
        assert raw[open_on_node(room.dead).attr_name] == {"N": "0"}, sub
        if room.stays(sub):
            assert float(item.open_since) == room.end_of(sub)  # watching on, counted from there
        else:
            assert item.open_since is None
    # AND each market's dwell bins hold each viewer once, where its seconds put it, and the
    # viewers who left (not those still watching elsewhere) exited, once
    for market in MARKETS:
        assert room.bins(market) == room.expected_bins(market, watched), market
        assert room.exits(market) == sum(
            1 for sub, (m, _at, _nodes) in room.viewers.items() if m == market and not room.stays(sub)
        )
    # AND a second sweep finds nothing left to close
    again = sweep.close_dead_nodes(room.now)
    assert again.dead_nodes == 0 and again.sessions == 0


def test_a_viewer_written_by_a_living_node_mid_sweep_is_closed_by_the_next_sweep_once(
    on_viewer_update: Callable[[Hook], None],
) -> None:
    # GIVEN 40 viewers on a dead node (a quarter of them failed over to a living node)
    room = Room(40)
    ended, started = "v0003", "v0001"  # one who failed over, one who did not
    # AND, between the sweep's read and its update of two of them, the living node's batch: the
    # first ends its session there and starts another (its counts of open sessions do not change,
    # its seconds watched do), the second starts a session there
    late = {room.key(ended), room.key(started)}
    market_of = {sub: room.viewers[sub][0] for sub in (ended, started)}

    def living_node_writes(params: dict[str, Any]) -> None:
        viewer = params["Key"]["viewer"]["S"]
        if viewer in late:
            late.discard(viewer)
            sub = ended if viewer == room.key(ended) else started
            at = room.now - 1.0
            events = [
                SessionEvent(room_id=room.room_id, market=market_of[sub], sub=sub, event="start", at=at)
            ]
            if sub == ended:
                end = SessionEvent(
                    room_id=room.room_id, market=market_of[sub], sub=sub, event="end", at=at - 0.5, watched=7.5
                )
                events.insert(0, end)
            room.apply(events, room.living)

    on_viewer_update(living_node_writes)
    # WHEN the sweep runs
    first = sweep.close_dead_nodes(room.now)
    # THEN it closed the others and left those two for the next sweep: the node stays open
    assert not late  # both were raced
    assert first.viewers == 38 and not first.complete and first.closed_nodes == 0
    assert NodeSeen.get(FLEET, room.dead).closed_at is None
    for sub in (ended, started):  # their session on the dead node still open
        assert int(room.item(sub).sessions_open) == 2, sub
    # AND the next sweep closes them, once, from what the living node wrote
    second = sweep.close_dead_nodes(room.now)
    assert second.viewers == 2 and second.sessions == 2 and second.complete and second.closed_nodes == 2
    assert sweep.close_dead_nodes(room.now).sessions == 0
    moved = room.item(ended)
    watched = {sub: room.end_of(sub) - at for sub, (_m, at, _n) in room.viewers.items()}
    watched[ended] += 7.5  # the session it ended on the living node
    assert int(moved.sessions_open) == 1 and float(moved.watched) == watched[ended]
    assert float(moved.open_since) == room.end_of(ended)
    room.viewers[started] = (market_of[started], room.viewers[started][1], (room.dead, room.living))
    assert int(room.item(started).sessions_open) == 1
    for market in MARKETS:
        assert room.bins(market) == room.expected_bins(market, watched), market
        assert room.exits(market) == sum(
            1 for sub, (m, _at, _nodes) in room.viewers.items() if m == market and not room.stays(sub)
        )


class SteppedClock:
    """The sweep module's ``time``: ``monotonic`` steps one second per viewer update sent."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.lock = threading.Lock()

    def step(self, params: dict[str, Any]) -> None:
        with self.lock:
            self.seconds += 1.0

    def monotonic(self) -> float:
        with self.lock:
            return self.seconds

    def time(self) -> float:
        return time.time()


def test_the_deadline_stops_a_sweep_mid_room_and_the_next_sweep_closes_the_rest(
    monkeypatch: pytest.MonkeyPatch, on_viewer_update: Callable[[Hook], None]
) -> None:
    # GIVEN 120 viewers on a dead node, and a sweep whose clock passes its deadline after 20
    # viewer updates (one query page holds them all)
    room = Room(120)
    clock = SteppedClock()
    on_viewer_update(clock.step)
    monkeypatch.setattr(sweep, "time", clock)
    # WHEN it runs
    first = sweep.close_dead_nodes(room.now, deadline=20.0)
    monkeypatch.undo()
    # THEN it stopped starting updates at the deadline (those in flight finished) and said so
    assert first.queries == 1
    assert 20 <= first.viewers < 20 + sweep.SWEEP_WORKERS
    assert not first.complete and NodeSeen.get(FLEET, room.dead).closed_at is None
    # AND what it closed is counted: every viewer closed exited or stays, and no other did
    closed = [sub for sub in room.viewers if int(room.item(sub).sessions_open) == (1 if room.stays(sub) else 0)]
    assert len(closed) == first.viewers
    left = sum(1 for sub in closed if not room.stays(sub))
    assert sum(room.exits(market) for market in MARKETS) == left
    # AND the next sweep closes the rest, each viewer once
    second = sweep.close_dead_nodes(room.now)
    assert second.viewers == 120 - first.viewers and second.complete and second.closed_nodes == 2
    watched = {sub: room.end_of(sub) - at for sub, (_m, at, _n) in room.viewers.items()}
    for sub in room.viewers:
        assert float(room.item(sub).watched) == watched[sub], sub
    for market in MARKETS:
        assert room.bins(market) == room.expected_bins(market, watched), market
