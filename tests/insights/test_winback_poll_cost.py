"""The win-back counts' poll reads the viewers at most once per room per window, whatever the tabs.

The console's panel asks for ``GET /v1/insights/rooms/{id}/winback`` every 30 s per open tab, and
each ask used to read every viewer item of the show. The counts are now kept on the show's item
(``functions/insights/winback_cache.py``); these tests count what each poll gets from DynamoDB
(the ``dynamodb_reads`` hook) under a clock they move.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest

from functions.insights import winback, winback_cache
from functions.insights.models import ShowRecord, ViewerPresence
from functions.shared.zones import everywhere

from .conftest import MERCHANT, FeedPoster, Reads

Headers = Callable[..., dict[str, str]]


class Clock:
    """The cache's clock, moved by the test; its sleep moves it too."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(winback_cache, "clock", fake)
    monkeypatch.setattr(winback_cache, "sleep", fake.sleep)
    return fake


def _left_early(feed: FeedPoster, room_id: str, subs: range) -> None:
    """Viewers of ID who watched 5 s and left (each one ``left-before-qualifying``)."""
    now = time.time()
    base = [{"room_id": room_id, "market": "ID", "sub": f"wbc-{k}"} for k in subs]
    starts = [{**b, "event": "start", "at": now - 60} for b in base]
    ends = [{**b, "event": "end", "at": now - 55, "watched": 5} for b in base]
    for sessions in (starts, ends):
        for batch in range(0, len(sessions), 400):
            assert feed.post(sessions=sessions[batch : batch + 400]).status_code == 202


def _viewer_items(reads: Reads) -> int:
    tables = {model.Meta.table_name for model in everywhere(ViewerPresence)}
    return sum(n for _, table, n in reads if table in tables)


def test_polls_within_the_window_read_the_viewers_once_and_as_much_with_ten_times_the_viewers(
    live_room: dict[str, Any], feed: FeedPoster, client: Any, auth: Headers, dynamodb_reads: Reads, clock: Clock
) -> None:
    room_id = live_room["room_id"]
    merchant = auth("merchant", sub=MERCHANT)

    def poll() -> tuple[dict[str, Any], Reads]:
        dynamodb_reads.clear()
        response = client.get(f"/v1/insights/rooms/{room_id}/winback", headers=merchant)
        assert response.status_code == 200, response.text
        return response.json(), list(dynamodb_reads)

    # GIVEN a show whose 40 viewers left before qualifying
    _left_early(feed, room_id, range(40))
    start = clock.now
    # WHEN the first tab polls: the counts are computed from the viewer items
    first, first_reads = poll()
    assert first["total"]["left-before-qualifying"] == 40
    assert _viewer_items(first_reads) == 40
    # THEN nine more tabs polling within the window read no viewer item, one small item each
    tabs = []
    for second in range(1, 10):
        clock.now = start + second * 3
        answer, reads = poll()
        assert answer == first
        tabs.append(reads)
    assert not [reads for reads in tabs if _viewer_items(reads)]
    assert first["as_of"] == start and first["max_age_seconds"] == winback_cache.MAX_AGE_SECONDS
    assert all(reads == tabs[0] for reads in tabs)
    assert {op for op, _, _ in tabs[0]} == {"GetItem"}  # the room and the show's item: no query at all
    # AND with ten times the viewers, a poll within the window reads exactly what it read with 40
    _left_early(feed, room_id, range(40, 400))
    clock.now = start + winback_cache.MAX_AGE_SECONDS - 1
    same, large_reads = poll()
    assert same == first  # as of the computation, and saying so
    assert large_reads == tabs[0]
    # AND once the counts are older than the window, one poll recomputes them: all 400 viewers
    clock.now = start + winback_cache.MAX_AGE_SECONDS
    fresh, fresh_reads = poll()
    assert fresh["total"]["left-before-qualifying"] == 400 and fresh["as_of"] == clock.now
    assert _viewer_items(fresh_reads) == 400
    clock.now += 1
    assert poll() == (fresh, tabs[0])


def test_a_poll_while_another_computes_answers_the_last_counts_or_waits_for_them(
    live_room: dict[str, Any], feed: FeedPoster, client: Any, auth: Headers, dynamodb_reads: Reads, clock: Clock
) -> None:
    room_id = live_room["room_id"]
    merchant = auth("merchant", sub=MERCHANT)
    url = f"/v1/insights/rooms/{room_id}/winback"
    _left_early(feed, room_id, range(3))
    # GIVEN another container holding the room's lease, with no counts computed yet
    ShowRecord(room_id).update(actions=[ShowRecord.winback_lease.set(clock.now + winback_cache.LEASE_SECONDS)])
    # WHEN a tab polls: it waits for them, then gives up with a clear 503 (nothing read of the viewers)
    dynamodb_reads.clear()
    busy = client.get(url, headers=merchant)
    assert busy.status_code == 503 and busy.json()["code"] == "winback-counting"
    assert busy.headers["retry-after"] == str(int(winback_cache.WAIT_SECONDS))
    assert _viewer_items(dynamodb_reads) == 0
    # AND once the other one has stored its counts (1 viewer then), with its lease still held and
    # its counts now past the window, a poll answers those, saying how old they are
    stored = {"room_id": room_id, "reasons": [], "price_reveals": [], "show_ended_at": None}
    row = {"members": 1, "left-before-qualifying": 1, "left-after-price-reveal": 0, "claimed-not-redeemed": 0}
    old = clock.now - winback_cache.MAX_AGE_SECONDS - 5
    body = {**stored, "markets": {"ID": row}, "total": row}
    ShowRecord(room_id).update(
        actions=[ShowRecord.winback_counts.set(json.dumps(body)), ShowRecord.winback_at.set(old)]
    )
    dynamodb_reads.clear()
    last = client.get(url, headers=merchant).json()
    assert last["as_of"] == old and last["total"]["members"] == 1
    assert last["markets"]["DE"]["members"] == 0  # the room's other markets, at zero
    assert _viewer_items(dynamodb_reads) == 0
    # AND when the lease expires (its holder died), the next poll computes them itself
    clock.now += winback_cache.LEASE_SECONDS
    dynamodb_reads.clear()
    recomputed = client.get(url, headers=merchant).json()
    assert recomputed["as_of"] == clock.now and recomputed["total"]["members"] == 3
    assert _viewer_items(dynamodb_reads) == 3
    assert ShowRecord.get(room_id).winback_lease is None  # freed


def test_a_count_that_fails_frees_the_lease(
    live_room: dict[str, Any], monkeypatch: pytest.MonkeyPatch, clock: Clock
) -> None:
    room_id = live_room["room_id"]

    def unreachable(room_id: str, markets: Any, zone_names: Any = None) -> dict[str, Any]:
        raise ConnectionError("a zone's table did not answer")

    # GIVEN a count that fails (a zone's table unreachable)
    monkeypatch.setattr(winback, "counts", unreachable)
    with pytest.raises(ConnectionError):
        winback_cache.counts(room_id, ["ID"])
    # THEN it leaves no lease behind, so the next poll counts at once instead of 60 s later
    assert ShowRecord.get(room_id, consistent_read=True).winback_lease is None
    monkeypatch.undo()
    monkeypatch.setattr(winback_cache, "clock", clock)
    assert winback_cache.counts(room_id, ["ID"])["as_of"] == clock.now
