"""A node batch (or a beacon) that fails while being applied is finished by its retry, counted once.

A batch is several writes: viewer items per session event, minute items (``ADD`` counters, per
second counts, dwell bins), distinct sets, the node's registry item. These tests make one write in
the middle fail (throttled, as DynamoDB answers after the SDK's retries), send the same batch
again, and compare every stored figure with a control room that got the same batch without fault.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import botocore.client
import pytest
from botocore.exceptions import ClientError

from crosslive.dev import stream as local_stream
from functions.insights import store
from functions.insights.models import DistinctSet, FeedNonce, MinuteCounters, ShowRecord, ViewerPresence
from functions.insights.progress import BatchProgress
from functions.shared.zones import everywhere
from media_nodes.insights_feed import FEED_PATH, SIGNATURE_HEADER, InsightsFeed
from tests.room_helpers import room_key

from .conftest import MERCHANT, FeedPoster
from .test_node_side_feed import FakeNode, FakeSession


class Faults:
    """Fails the ``nth`` write of ``operation`` to a table whose name holds ``table`` (once), and
    notes every write request that went through as (operation, table)."""

    def __init__(self) -> None:
        self.plan: tuple[str, str, int] | None = None
        self.writes: list[tuple[str, str]] = []

    def fail(self, operation: str, table: str, nth: int) -> None:
        self.plan = (operation, table, nth)

    def check(self, operation: str, table: str) -> None:
        if self.plan is None or operation != self.plan[0] or self.plan[1] not in table:
            return
        op, name, nth = self.plan
        if nth > 1:
            self.plan = (op, name, nth - 1)
            return
        self.plan = None
        error = {"Code": "ProvisionedThroughputExceededException", "Message": "injected"}
        raise ClientError({"Error": error, "ResponseMetadata": {"HTTPStatusCode": 400}}, operation)

    def count(self, operation: str, table: str) -> int:
        return sum(1 for op, name in self.writes if op == operation and table in name)


WRITES = ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems")


@pytest.fixture
def faults(monkeypatch: pytest.MonkeyPatch) -> Iterator[Faults]:
    injected = Faults()
    real = botocore.client.BaseClient._make_api_call

    def call(self: Any, operation: str, params: dict[str, Any]) -> Any:
        table = str(params.get("TableName", ""))
        if operation in WRITES:
            injected.check(operation, table)
        answer = real(self, operation, params)
        if operation in WRITES:
            injected.writes.append((operation, table))
        return answer

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", call)
    yield injected


def _session(room_id: str, sub: str, event: str, at: float, market: str = "ID", watched: float = 0) -> dict[str, Any]:
    return {"room_id": room_id, "market": market, "sub": sub, "event": event, "at": at, "watched": watched}


def _opening(room_id: str, now: float) -> dict[str, Any]:
    """Five viewers whose sessions started a minute ago (the batch under test ends some)."""
    starts = [_session(room_id, f"v{k}", "start", now - 70 + k, market="ID" if k % 2 else "DE") for k in range(5)]
    return {"sessions": starts}


def _batch(room_id: str, now: float) -> dict[str, Any]:
    """Ends (last close, qualified), new starts and a viewer's second session, seconds over two
    minutes in three markets and an ingest gap: many viewer and minute items, and dwell moves."""
    t = int(now) - 4
    sessions = [
        _session(room_id, "v0", "end", t - 3, market="DE", watched=67),
        _session(room_id, "v1", "end", t - 3, market="ID", watched=5),
        _session(room_id, "n1", "start", t - 2, market="AE"),
        _session(room_id, "n2", "start", t - 2, market="ID"),
        _session(room_id, "v1", "start", t - 1, market="ID"),
        _session(room_id, "v2", "qualified", t - 1, market="DE"),
        _session(room_id, "n1", "end", t, market="AE", watched=2),
    ]
    seconds = [
        {"room_id": room_id, "market": market, "t": second, "viewers": viewers}
        for second in range(t - 70, t + 1, 7)
        for market, viewers in (("ID", 3), ("DE", 2), ("AE", 1))
    ]
    return {"sessions": sessions, "seconds": seconds, "ingest_gaps": [{"room_id": room_id, "t": t - 1}]}


def _stored(room_id: str) -> dict[str, Any]:
    """Every figure stored for a room, without its id: minute items (counters, seconds, dwell bins),
    distinct set sizes and viewer items by subject."""
    prefix = f"{room_id}#"
    minutes = {
        (item.series[len(prefix) :], int(item.minute)): {
            k: v for k, v in item.attribute_values.items() if k not in ("series", "minute")
        }
        for item in MinuteCounters.scan(consistent_read=True)
        if item.series.startswith(prefix)
    }
    distinct: Counter[tuple[str, str]] = Counter()
    for item in DistinctSet.scan(consistent_read=True):
        if item.series.startswith(prefix):
            distinct[(item.series[len(prefix) :], item.part.split("#")[0])] += len(item.members or ())
    viewers = {}
    for table in everywhere(ViewerPresence):
        for viewer in table.query(room_id, consistent_read=True):
            values = {k: v for k, v in viewer.attribute_values.items() if k not in ("room_id", "viewer")}
            viewers[viewer.sub] = values
    return {"minutes": minutes, "distinct": dict(distinct), "viewers": viewers}


@pytest.fixture
def control_room(client: Any, auth: Callable[..., dict[str, str]]) -> str:
    """A second live room of the same merchant (the control: the same batch, no fault)."""
    body = {"title": "Control", "markets": ["ID", "DE", "AE"], "home_market": "CN", "host_language": "zh-Hans"}
    response = client.post("/v1/rooms", json=body, headers={**auth("merchant", sub=MERCHANT), **room_key()})
    assert response.status_code == 201, response.text
    room_id = str(response.json()["room_id"])
    patched = client.patch(f"/v1/rooms/{room_id}", json={"status": "live"}, headers=auth("merchant", sub=MERCHANT))
    assert patched.status_code == 200, patched.text
    local_stream.drain()
    ShowRecord(room_id).update(actions=[ShowRecord.live_at.set(time.time() - 120)])
    return room_id


FAULT_POINTS = [
    pytest.param("UpdateItem", "insights-viewers", 3, id="third-session-write"),
    pytest.param("UpdateItem", "insights-minutes", 4, id="fourth-minute-item"),
    pytest.param("UpdateItem", "insights-distinct", 2, id="a-distinct-set"),
    pytest.param("UpdateItem", "insights-nodes", 1, id="the-node-registry"),
]


@pytest.mark.parametrize(("operation", "table", "nth"), FAULT_POINTS)
def test_a_batch_that_failed_part_way_is_finished_by_its_retry_and_counted_once(
    live_room: dict[str, Any], control_room: str, feed: FeedPoster, faults: Faults, operation: str, table: str, nth: int
) -> None:
    room_id = live_room["room_id"]
    now = time.time()
    for room in (room_id, control_room):
        assert feed.post(**_opening(room, now)).status_code == 202
    # GIVEN the control room got the batch whole
    faults.writes.clear()
    assert feed.post(**_batch(control_room, now)).status_code == 202
    control_writes = list(faults.writes)
    faults.writes.clear()
    # WHEN one write in the middle of the same batch for the other room fails
    body = feed.body(**_batch(room_id, now))
    faults.fail(operation, table, nth)
    failed = feed.send(body)
    assert failed.status_code == 503, failed.text  # the node keeps the batch and sends it again
    assert faults.plan is None  # the fault did happen
    # AND the node sends it again
    retried = feed.send(body)
    # THEN the retry is accepted and every figure is what one clean batch gives
    assert retried.status_code == 202, retried.text
    assert _stored(room_id) == _stored(control_room)
    # AND each viewer item and minute item was written once over the two attempts, as in the control
    for counted in ("insights-viewers", "insights-minutes"):
        control = sum(1 for op, name in control_writes if op == "UpdateItem" and counted in name)
        assert faults.count("UpdateItem", counted) == control, counted
    # AND once counted, the batch sent yet again is a replay
    replay = feed.send(body)
    assert replay.status_code == 409 and replay.json()["code"] == "feed-replayed"
    assert _stored(room_id) == _stored(control_room)


def test_a_clean_batch_costs_no_extra_write_for_its_progress(
    live_room: dict[str, Any], feed: FeedPoster, faults: Faults
) -> None:
    now = time.time()
    assert feed.post(**_opening(live_room["room_id"], now)).status_code == 202
    faults.writes.clear()
    assert feed.post(**_batch(live_room["room_id"], now)).status_code == 202
    nonce_writes = [w for w in faults.writes if "insights-nonces" in w[1]]
    assert nonce_writes == [("PutItem", nonce_writes[0][1])]  # the nonce put, as before; nothing else


def test_the_same_batch_number_with_other_content_is_refused_and_nothing_is_counted_twice(
    live_room: dict[str, Any], control_room: str, feed: FeedPoster, faults: Faults
) -> None:
    room_id = live_room["room_id"]
    now = time.time()
    for room in (room_id, control_room):
        assert feed.post(**_opening(room, now)).status_code == 202
    assert feed.post(**_batch(control_room, now)).status_code == 202
    body = feed.body(**_batch(room_id, now))
    faults.fail("UpdateItem", "insights-minutes", 3)
    assert feed.send(body).status_code == 503
    # WHEN a batch with the same node and number but other content comes
    other = json.loads(body)
    other["sessions"] = [_session(room_id, "intruder", "start", now - 2)]
    forged = feed.send(json.dumps(other).encode())
    # THEN it is refused, saying why, and counts nothing
    assert forged.status_code == 422, forged.text
    assert forged.json()["code"] == "feed-batch-mismatch"
    assert "intruder" not in _stored(room_id)["viewers"]
    # AND the genuine retry still finishes the batch, once
    assert feed.send(body).status_code == 202
    assert _stored(room_id) == _stored(control_room)
    # AND after that, the other content is still refused as such, and the batch as a replay
    assert feed.send(json.dumps(other).encode()).json()["code"] == "feed-batch-mismatch"
    assert feed.send(body).status_code == 409
    assert _stored(room_id) == _stored(control_room)


def test_only_one_of_two_concurrent_retries_takes_a_failed_batch_over(faults: Faults) -> None:
    nonce, digest = "node:race:1", "d" * 32
    first = store.claim_batch(nonce, digest)
    first.minutes.add(("room", "ID", 1))
    store.record_progress(nonce, first)
    taken = store.claim_batch(nonce, digest)
    assert taken.resumed and taken.minutes == {("room", "ID", 1)}
    with pytest.raises(store.ReplayedError):  # the other retry: already being finished
        store.claim_batch(nonce, digest)
    with pytest.raises(store.BatchMismatchError):
        store.claim_batch(nonce, "e" * 32)
    assert FeedNonce.get(nonce, consistent_read=True).progress is None
    assert BatchProgress.from_json(first.to_json()).minutes == first.minutes


def test_a_node_whose_post_failed_part_way_sends_the_batch_again_and_it_counts_once(
    live_room: dict[str, Any], client: Any, faults: Faults, figures: Callable[[str], dict[str, Any]]
) -> None:
    room_id = live_room["room_id"]
    statuses: list[int] = []

    async def post(body: bytes, signature: str) -> int:
        response = client.post(
            FEED_PATH, content=body, headers={"Content-Type": "application/json", SIGNATURE_HEADER: signature}
        )
        statuses.append(int(response.status_code))
        return int(response.status_code)

    node = FakeNode()
    feed = InsightsFeed(node, "node-retry", post)
    t0 = time.time() - 20
    node.sessions["s1"] = FakeSession("s1", room_id)
    node.sessions["s1"].tracks["video"].waiting_keyframe = False
    feed.track("s1", room_id, "ID", "ayu")
    feed.sample(t0)
    feed.sample(t0 + 1)
    faults.fail("UpdateItem", "insights-minutes", 1)
    asyncio.run(feed.flush())  # the start's viewer item is written, then a minute item fails
    assert statuses == [503] and len(feed.pending) == 1
    asyncio.run(feed.flush())
    assert statuses == [503, 202] and not feed.pending
    data = figures(room_id)
    assert data["markets"]["ID"]["counters"]["starts"] == 1
    assert data["markets"]["ID"]["counters"]["joins"] == 1
    assert data["markets"]["ID"]["reach"] == 1
    assert data["markets"]["ID"]["dwell"]["viewers"] == 1


def test_a_beacon_whose_counters_failed_counts_once_when_sent_again(
    live_room: dict[str, Any],
    client: Any,
    auth: Callable[..., dict[str, str]],
    faults: Faults,
    figures: Callable[[str], dict[str, Any]],
) -> None:
    room_id = live_room["room_id"]
    url = f"/v1/insights/rooms/{room_id}/beacons"
    viewer = auth("viewer", sub="beacon-retry", market="DE")
    body = {"seq": int(time.time() * 1000), "events": [{"type": "rendered", "ms": 700}, {"type": "share"}]}
    faults.fail("UpdateItem", "insights-minutes", 1)
    assert client.post(url, json=body, headers=viewer).status_code == 503
    again = client.post(url, json=body, headers=viewer)
    assert again.status_code == 202, again.text
    replay = client.post(url, json=body, headers=viewer)
    assert replay.status_code == 409 and replay.json()["code"] == "beacon-replayed"
    data = figures(room_id)["markets"]["DE"]
    assert data["counters"]["rendered"] == 1
    assert data["counters"]["ttff_ms"] == 700
    assert data["counters"]["shares"] == 1
