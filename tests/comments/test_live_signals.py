"""Live signals: room, stage and coupon changes reach viewers by push (stream -> fan-out -> node -> WebSocket).

Unit level: what each stream record becomes (public fields only), how signals of one room, stage
or campaign are merged, and that a node's flush keeps one signal per room status and per campaign
however many changes arrive. Through the embedded platform: a viewer's socket gets the room,
stage and campaign signals after the merchant's and other viewers' API calls (the WHIP publish
that takes a room live: tests/media/test_live_on_ingest.py).
"""

from __future__ import annotations

import asyncio
import copy
import json
import time
import uuid
from typing import Any

import httpx
import pytest

from crosslive.dev import stream as local_stream
from functions.coupons.signals import campaign_events
from functions.fanout.delivery import PUSH_PATH
from functions.fanout.dispatch import events_for_records
from functions.fanout.handler import handler, process_records
from functions.rooms.signals import room_event, stage_event
from functions.shared import signing
from functions.shared.push import merge
from functions.shared.stream_records import table_of
from media_nodes.push.hub import PushHub, Subscriber
from tests.coupons.coupon_helpers import campaign_body

MERCHANT = "merchant-1"
ROOM_SIGNAL_FIELDS = {"type", "id", "room_id", "status", "version"}
CAMPAIGN_SIGNAL_FIELDS = {
    "type",
    "id",
    "room_id",
    "campaign_id",
    "change",
    "state",
    "left",
    "stock",
    "markets",
    "server_time",
}


def _stage(room_id: str, version: int, pinned: str | None = None) -> Any:
    from functions.rooms.product_models import Stage

    return Stage(
        room_id=room_id,
        highlights=["sku-1"],
        highlighted_at={"sku-1": 1.0},
        pinned=pinned,
        version=version,
        updated_at=time.time(),
    )


def _campaign(client, auth, room_id: str, **overrides: Any) -> dict[str, Any]:
    response = client.post(
        f"/v1/coupons/rooms/{room_id}/campaigns",
        json=campaign_body(**overrides),
        headers=auth("merchant", sub=MERCHANT),
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def _claim(client, auth, room_id: str, campaign_id: str, sub: str) -> Any:
    return client.post(
        f"/v1/coupons/rooms/{room_id}/campaigns/{campaign_id}/claims",
        headers={**auth("viewer", sub=sub, market="ID"), "Idempotency-Key": uuid.uuid4().hex},
    )


# -- records -> events ----------------------------------------------------------------------------


def test_a_new_stage_version_becomes_a_stage_signal_with_public_fields_only(embedded):
    old, new = _stage("room-sig-1", 3), _stage("room-sig-1", 4, pinned="secret-ish pin text")
    record = local_stream.stream_record(old, new, 1)
    assert table_of(record) == "stage"
    event = stage_event(record)
    assert event == {
        "type": "stage",
        "id": "stage:room-sig-1:4",
        "room_id": "room-sig-1",
        "audience": "all",
        "signal": {"room_id": "room-sig-1", "version": 4},
    }
    # the pinned text and highlights are not in the signal: the page reads them from the API
    assert "secret-ish" not in json.dumps(event)


def test_stage_records_without_a_new_version_are_not_signalled(embedded):
    created = local_stream.stream_record(None, _stage("room-sig-2", 0), 1)  # lazy creation on first read
    same = local_stream.stream_record(_stage("room-sig-2", 2), _stage("room-sig-2", 2), 2)
    removed = local_stream.stream_record(_stage("room-sig-2", 2), None, 3)
    assert [stage_event(r) for r in (created, same, removed)] == [None, None, None]


def _room_item(room_id: str, status: str, version: int) -> Any:
    from functions.rooms.models import Room

    return Room(
        room_id=room_id,
        merchant_sub=MERCHANT,
        title="Private working title",
        home_market="CN",
        host_language="zh-Hans",
        markets=["ID", "DE"],
        status=status,
        scheduled_start=None,
        created_at=1.0,
        updated_at=time.time(),
        version=version,
    )


def test_a_room_status_change_becomes_a_room_signal_with_public_fields_only(embedded):
    record = local_stream.stream_record(
        _room_item("room-sig-3", "scheduled", 1), _room_item("room-sig-3", "live", 2), 1
    )
    assert table_of(record) == "rooms"
    event = room_event(record)
    assert event == {
        "type": "room",
        "id": "room:room-sig-3:2",
        "room_id": "room-sig-3",
        "audience": "all",
        "signal": {"room_id": "room-sig-3", "status": "live", "version": 2},
    }
    # nothing of the merchant, the title or the markets rides along
    text = json.dumps(event)
    assert MERCHANT not in text and "Private working title" not in text and "DE" not in text
    ended = local_stream.stream_record(_room_item("room-sig-3", "live", 2), _room_item("room-sig-3", "ended", 3), 2)
    assert events_for_records([ended])[0]["signal"] == {
        "room_id": "room-sig-3",
        "status": "ended",
        "version": 3,
    }


def test_room_records_without_a_status_change_are_not_signalled(embedded):
    created = local_stream.stream_record(None, _room_item("room-sig-4", "scheduled", 1), 1)
    retitled = local_stream.stream_record(_room_item("room-sig-4", "live", 2), _room_item("room-sig-4", "live", 3), 2)
    removed = local_stream.stream_record(_room_item("room-sig-4", "ended", 3), None, 3)
    assert [room_event(r) for r in (created, retitled, removed)] == [None, None, None]
    assert events_for_records([created, retitled, removed]) == []


def test_a_room_and_its_stage_are_told_apart_without_an_arn(embedded):
    """Both tables are keyed by room_id alone: GetRecords output (no eventSourceARN) still works."""
    room = local_stream.stream_record(_room_item("room-sig-5", "scheduled", 1), _room_item("room-sig-5", "live", 2), 1)
    stage = local_stream.stream_record(_stage("room-sig-5", 1), _stage("room-sig-5", 2), 2)
    for record in (room, stage):
        record.pop("eventSourceARN")
    assert (table_of(room), table_of(stage)) == ("rooms", "stage")
    events = events_for_records([room, stage])
    assert sorted(e["type"] for e in events) == ["room", "stage"]


def test_status_changes_of_one_room_in_one_batch_are_one_signal_with_the_latest_status(embedded):
    went_live = local_stream.stream_record(
        _room_item("room-sig-6", "scheduled", 1), _room_item("room-sig-6", "live", 2), 1
    )
    ended = local_stream.stream_record(_room_item("room-sig-6", "live", 2), _room_item("room-sig-6", "ended", 3), 2)
    other = local_stream.stream_record(_room_item("room-sig-7", "scheduled", 4), _room_item("room-sig-7", "live", 5), 3)
    events = events_for_records([ended, went_live, other])  # delivered out of order
    by_room = {e["room_id"]: e["signal"] for e in events}
    assert by_room == {
        "room-sig-6": {"room_id": "room-sig-6", "status": "ended", "version": 3},
        "room-sig-7": {"room_id": "room-sig-7", "status": "live", "version": 5},
    }


def test_table_is_told_from_the_lambda_arn_or_else_from_the_keys(embedded):
    from functions.shared.config import get_settings

    prefix = get_settings().table_prefix
    arn = f"arn:aws:dynamodb:eu-central-1:123456789012:table/{prefix}-coupon-stock/stream/2025-01-01T00:00:00.000"
    assert table_of({"eventSourceARN": arn, "dynamodb": {}}) == "coupon-stock"
    room_arn = arn.replace("coupon-stock", "rooms")
    assert table_of({"eventSourceARN": room_arn, "dynamodb": {}}) == "rooms"
    by_keys = {
        "comments": {"room_id": {"S": "r"}, "comment_id": {"S": "c"}},
        "stage": {"room_id": {"S": "r"}},
        "coupon-campaigns": {"campaign_id": {"S": "c"}},
        "coupon-stock": {"shard_key": {"S": "c#000"}},
    }
    for table, keys in by_keys.items():
        assert table_of({"dynamodb": {"Keys": keys}}) == table


def test_a_created_campaign_becomes_a_public_campaign_signal(client, auth, room):
    from functions.coupons.models import Campaign

    created = _campaign(client, auth, room["room_id"], stock=7)
    campaign = Campaign.get(created["campaign_id"])
    record = local_stream.stream_record(None, campaign, 1)
    (event,) = campaign_events([record], now=time.time())
    assert event["type"] == "campaign" and event["room_id"] == room["room_id"] and event["audience"] == "all"
    signal = event["signal"]
    assert signal["campaign_id"] == created["campaign_id"]
    assert (signal["change"], signal["state"], signal["left"], signal["stock"]) == ("created", "live", 7, 7)
    assert signal["markets"] == ["ID"]
    # public only: nothing of the merchant, the shards or the discount terms
    assert set(signal) == CAMPAIGN_SIGNAL_FIELDS - {"type", "id"}
    assert MERCHANT not in json.dumps(event)


def test_claims_become_one_signal_per_campaign_with_the_stock_left(client, auth, room):
    from functions.coupons.claims import shard_key
    from functions.coupons.models import Campaign, StockShard

    created = _campaign(client, auth, room["room_id"], stock=16, stock_shards=4)
    campaign_id = created["campaign_id"]
    for i in range(5):
        assert _claim(client, auth, room["room_id"], campaign_id, f"storm-{i}").status_code == 201
    # every shard's stream records as the table would have them: one MODIFY per claim
    records = []
    for index in range(int(Campaign.get(campaign_id).shards)):
        shard = StockShard.get(shard_key(campaign_id, index), consistent_read=True)
        for remaining in range(int(shard.initial), int(shard.remaining), -1):
            old, new = copy.deepcopy(shard), copy.deepcopy(shard)
            old.remaining, new.remaining = remaining, remaining - 1
            records.append(local_stream.stream_record(old, new, len(records) + 1))
    assert len(records) == 5
    events = events_for_records(records)
    assert len(events) == 1
    assert events[0]["signal"]["change"] == "stock"
    assert events[0]["signal"]["left"] == 11
    assert (
        events[0]["signal"]["left"]
        == client.get(f"/v1/coupons/rooms/{room['room_id']}/campaigns/{campaign_id}").json()["remaining"]
    )


def test_a_stale_replica_read_never_raises_the_stock_left(client, auth, room):
    from functions.coupons.claims import shard_key
    from functions.coupons.models import StockShard

    created = _campaign(client, auth, room["room_id"], stock=4, stock_shards=1)
    shard = StockShard.get(shard_key(created["campaign_id"], 0))
    # a record says the shard is down to 1, the replica read (not yet caught up) still says 4
    old, new = copy.deepcopy(shard), copy.deepcopy(shard)
    old.remaining, new.remaining = 2, 1
    (event,) = events_for_records([local_stream.stream_record(old, new, 1)])
    assert event["signal"]["left"] == 1


def test_merge_keeps_the_newest_stage_and_the_lowest_stock():
    def stage(version: int) -> dict[str, Any]:
        return {"type": "stage", "room_id": "r1", "signal": {"room_id": "r1", "version": version}}

    assert merge(stage(5), stage(4))["signal"]["version"] == 5
    assert merge(stage(4), stage(5))["signal"]["version"] == 5

    def campaign(left: int, at: float, change: str = "stock", state: str = "live") -> dict[str, Any]:
        return {
            "type": "campaign",
            "room_id": "r1",
            "signal": {
                "room_id": "r1",
                "campaign_id": "camp-0001",
                "change": change,
                "state": state,
                "left": left,
                "stock": 10,
                "markets": ["ID"],
                "server_time": at,
            },
        }

    merged = merge(campaign(10, 1.0, change="created", state="upcoming"), campaign(7, 2.0))
    assert merged["signal"]["left"] == 7 and merged["signal"]["state"] == "live"
    assert merged["signal"]["change"] == "created"  # the page must still refetch the new campaign
    crossed = merge(campaign(3, 5.0), campaign(6, 4.0))  # deliveries crossed
    assert crossed["signal"]["left"] == 3 and crossed["signal"]["server_time"] == 5.0


# -- the node's flush ------------------------------------------------------------------------------


def _signal_event(kind: str, n: int, room_id: str = "room-flush") -> dict[str, Any]:
    if kind == "stage":
        return {
            "type": "stage",
            "id": f"stage:{room_id}:{n}",
            "room_id": room_id,
            "audience": "all",
            "signal": {"room_id": room_id, "version": n},
        }
    campaign_id, left = kind.split(":")[1], 1000 - n
    return {
        "type": "campaign",
        "id": f"campaign:{campaign_id}:stock:live:{left}",
        "room_id": room_id,
        "audience": "all",
        "signal": {
            "room_id": room_id,
            "campaign_id": campaign_id,
            "change": "stock",
            "state": "live",
            "left": left,
            "stock": 1000,
            "markets": ["ID"],
            "server_time": 1000.0 + n,
        },
    }


def test_a_claim_storm_is_one_campaign_signal_per_campaign_per_flush():
    async def run() -> tuple[list[dict[str, Any]], PushHub]:
        hub = PushHub(flush_interval=0.05)
        viewer = Subscriber(room_id="room-flush", sub="v1", roles=frozenset({"viewer"}))
        hub.subscribe(viewer)
        # 300 claims on campaign A and 200 on B, each its own fan-out POST, plus 3 stage versions,
        # all before the room's next flush (nothing yields to the loop in between)
        for n in range(1, 301):
            hub.publish([_signal_event("campaign:camp-AAAAA", n)])
            if n <= 200:
                hub.publish([_signal_event("campaign:camp-BBBBB", n)])
            if n in (10, 30, 20):
                hub.publish([_signal_event("stage", n)])
        await asyncio.sleep(0.2)
        frames = []
        while not viewer.queue.empty():
            frames.append(json.loads(viewer.queue.get_nowait() or "{}"))
        return frames, hub

    frames, hub = asyncio.run(run())
    assert len(frames) == 1
    events = frames[0]["events"]
    by_type = sorted((e["type"], e.get("campaign_id", "")) for e in events)
    assert by_type == [("campaign", "camp-AAAAA"), ("campaign", "camp-BBBBB"), ("stage", "")]
    left = {e["campaign_id"]: e["left"] for e in events if e["type"] == "campaign"}
    assert left == {"camp-AAAAA": 700, "camp-BBBBB": 800}
    assert next(e for e in events if e["type"] == "stage")["version"] == 30
    assert hub.stats.signals_coalesced == 300 + 200 + 3 - 3
    # the viewer's frame is flat and public: {"type": "campaign", "id", "room_id", "campaign_id", ...}
    assert all(set(e) == CAMPAIGN_SIGNAL_FIELDS for e in events if e["type"] == "campaign")
    assert set(next(e for e in events if e["type"] == "stage")) == {"type", "id", "room_id", "version"}


def _room_signal(room_id: str, status: str, version: int) -> dict[str, Any]:
    return {
        "type": "room",
        "id": f"room:{room_id}:{version}",
        "room_id": room_id,
        "audience": "all",
        "signal": {"room_id": room_id, "status": status, "version": version},
    }


def test_room_signals_coalesce_to_the_highest_version_per_room_per_flush():
    async def run() -> tuple[list[dict[str, Any]], PushHub]:
        hub = PushHub(flush_interval=0.05)
        viewer = Subscriber(room_id="room-status", sub="v1", roles=frozenset({"viewer"}))
        hub.subscribe(viewer)
        # live (v2), ended (v4) and a late-delivered stale write (v3), each its own fan-out POST
        for status, version in (("live", 2), ("ended", 4), ("live", 3)):
            hub.publish([_room_signal("room-status", status, version)])
        await asyncio.sleep(0.2)
        return [json.loads(viewer.queue.get_nowait() or "{}") for _ in range(viewer.queue.qsize())], hub

    frames, hub = asyncio.run(run())
    assert len(frames) == 1
    (event,) = frames[0]["events"]
    assert event == {
        "type": "room",
        "id": "room:room-status:4",
        "room_id": "room-status",
        "status": "ended",
        "version": 4,
    }
    assert set(event) == ROOM_SIGNAL_FIELDS
    assert hub.stats.signals_coalesced == 2


def test_comments_are_never_coalesced_away_by_signals():
    async def run() -> list[dict[str, Any]]:
        hub = PushHub(flush_interval=0.05)
        viewer = Subscriber(room_id="room-mix", sub="v1", roles=frozenset({"viewer"}))
        hub.subscribe(viewer)
        for n in range(1, 4):
            hub.publish(
                [
                    {
                        "type": "comment",
                        "id": f"c{n}:1",
                        "room_id": "room-mix",
                        "audience": "all",
                        "comment": {"comment_id": f"c{n}", "text": str(n)},
                    },
                    _signal_event("campaign:camp-CCCCC", n, room_id="room-mix"),
                ]
            )
        await asyncio.sleep(0.2)
        return [json.loads(viewer.queue.get_nowait() or "{}") for _ in range(viewer.queue.qsize())]

    frames = asyncio.run(run())
    events = [e for f in frames for e in f["events"]]
    assert [e["comment"]["comment_id"] for e in events if e["type"] == "comment"] == ["c1", "c2", "c3"]
    assert [e["left"] for e in events if e["type"] == "campaign"] == [997]


@pytest.mark.parametrize(
    "mutate",
    [
        lambda e: e["signal"].update(merchant_sub="merchant-1"),  # a private field
        lambda e: e.update(audience="private"),
        lambda e: e["signal"].update(room_id="another-room"),
        lambda e: e.update(comment={"text": "x"}),
    ],
)
def test_the_node_refuses_signals_that_are_not_public_and_well_formed(push_node, mutate):
    event = _signal_event("campaign:camp-DDDDD", 1, room_id="room-refuse")
    mutate(event)
    assert_refused(push_node, event)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda e: e["signal"].update(merchant_sub="merchant-1"),
        lambda e: e["signal"].update(title="Secret launch"),
        lambda e: e["signal"].update(status="paused"),  # not a room status
        lambda e: e["signal"].pop("version"),
        lambda e: e.update(audience="private"),
    ],
)
def test_the_node_refuses_room_signals_that_are_not_public_and_well_formed(push_node, mutate):
    event = _room_signal("room-refuse", "live", 2)
    mutate(event)
    assert_refused(push_node, event)


def assert_refused(push_node: Any, event: dict[str, Any]) -> None:
    """The node answers a correctly signed batch holding ``event`` with 400 and takes nothing in."""
    body = json.dumps({"events": [event]}).encode()
    before = push_node.hub.stats.events_in
    response = httpx.post(
        push_node.url + PUSH_PATH, content=body, headers={signing.SIGNATURE_HEADER: signing.sign(body)}
    )
    assert response.status_code == 400, response.text
    assert push_node.hub.stats.events_in == before


# -- through the embedded platform ------------------------------------------------------------------


def test_viewer_socket_gets_stage_and_campaign_signals_after_the_api_calls(client, auth, live_room, viewer):
    room_id = live_room["room_id"]
    merchant = auth("merchant", sub=MERCHANT)
    watcher = viewer(room_id, sub="signal-watcher")
    put = client.put(
        f"/v1/rooms/{room_id}/products/scarf-1",
        json={"title": "Silk scarf", "prices": {"ID": 15000000}},
        headers=merchant,
    )
    assert put.status_code == 201, put.text

    # the merchant puts the product on screen -> a stage signal with the stage's new version
    shown = client.post(f"/v1/rooms/{room_id}/stage/highlights", json={"sku": "scarf-1"}, headers=merchant)
    assert shown.status_code == 200, shown.text
    version = shown.json()["version"]
    stage = watcher.wait_for(lambda e: e["type"] == "stage" and e["version"] == version)
    assert set(stage) == {"type", "id", "room_id", "version"} and stage["room_id"] == room_id
    pinned = client.put(f"/v1/rooms/{room_id}/stage/pin", json={"text": "Free shipping today"}, headers=merchant)
    watcher.wait_for(lambda e: e["type"] == "stage" and e["version"] == pinned.json()["version"])

    # the merchant launches a flash sale -> a "created" campaign signal with its stock
    created = _campaign(client, auth, room_id, stock=3, flash={"start": time.time() - 1, "end": time.time() + 120})
    campaign_id = created["campaign_id"]
    new = watcher.wait_for(lambda e: e["type"] == "campaign" and e["campaign_id"] == campaign_id)
    assert (new["change"], new["state"], new["left"], new["stock"]) == ("created", "live", 3, 3)
    assert set(new) == CAMPAIGN_SIGNAL_FIELDS

    # viewers claim -> the stock left, in the signal itself
    for sub in ("claimer-a", "claimer-b"):
        assert _claim(client, auth, room_id, campaign_id, sub).status_code == 201
    low = watcher.wait_for(lambda e: e["type"] == "campaign" and e["campaign_id"] == campaign_id and e["left"] == 1)
    assert low["change"] == "stock" and low["state"] == "live"
    assert MERCHANT not in json.dumps(watcher.events)


def test_the_lambda_handler_takes_stage_records_with_their_stream_arn(client, auth, live_room, viewer):
    # GIVEN a stage change as Lambda delivers it (eventSourceARN names the stage table)
    room_id = live_room["room_id"]
    watcher = viewer(room_id, sub="arn-watcher")
    record = local_stream.stream_record(_stage(room_id, 41), _stage(room_id, 42), 1)
    assert record["eventSourceARN"].split(":table/")[1].startswith(_stage(room_id, 0).Meta.table_name + "/stream/")
    # WHEN the handler runs (twice: a redelivered batch)
    assert handler({"Records": [record]})["events"] == 1
    assert process_records([record])["events"] == 1
    # THEN the viewer gets the version once (the node drops the duplicate by id)
    watcher.wait_for(lambda e: e["type"] == "stage" and e["version"] == 42)
    assert sum(1 for e in watcher.quiet_for(0.3) if e["type"] == "stage") == 1


def test_viewer_socket_gets_the_room_status_after_the_merchants_patch(client, auth, room, viewer):
    # GIVEN a scheduled room with a viewer's socket open (the page opens it before playback starts)
    room_id = room["room_id"]
    merchant = auth("merchant", sub=MERCHANT)
    watcher = viewer(room_id, sub="status-watcher")
    # WHEN the merchant goes live
    live = client.patch(f"/v1/rooms/{room_id}", json={"status": "live"}, headers=merchant)
    assert live.status_code == 200, live.text
    # THEN the viewer gets the new status with the version the API now shows
    event = watcher.wait_for(lambda e: e["type"] == "room" and e["status"] == "live")
    assert event == {
        "type": "room",
        "id": f"room:{room_id}:{live.json()['version']}",
        "room_id": room_id,
        "status": "live",
        "version": live.json()["version"],
    }
    assert client.get(f"/v1/rooms/{room_id}").json()["version"] == event["version"]
    # a retitle is not a status change: no signal; the end of the show is
    retitled = client.patch(f"/v1/rooms/{room_id}", json={"title": "Silk scarves, part 2"}, headers=merchant)
    assert retitled.status_code == 200, retitled.text
    ended = client.patch(f"/v1/rooms/{room_id}", json={"status": "ended"}, headers=merchant)
    assert ended.status_code == 200, ended.text
    last = watcher.wait_for(lambda e: e["type"] == "room" and e["status"] == "ended")
    assert last["version"] == ended.json()["version"] == event["version"] + 2
    rooms = [e for e in watcher.quiet_for(0.3) if e["type"] == "room"]
    assert [e["status"] for e in rooms] == ["live", "ended"]
    assert MERCHANT not in json.dumps(watcher.events) and "part 2" not in json.dumps(watcher.events)


def test_a_faq_auto_reply_reaches_only_its_askers_market_and_the_moderators():
    """An Indonesian shipping answer on the push socket: Indonesian viewers and the room's merchant
    get it; a German viewer on the same node gets the room's other events without it."""

    def comment_event(comment_id: str, kind: str, market: str) -> dict[str, Any]:
        comment = {"comment_id": comment_id, "kind": kind, "author_market": market, "text": "…", "language": "id"}
        return {"type": "comment", "id": f"{comment_id}:1", "room_id": "room-faq", "audience": "all",
                "owner_sub": "merchant-faq", "author_sub": "someone", "comment": comment}

    async def run() -> dict[str, list[str]]:
        hub = PushHub(flush_interval=0.01)
        viewers = {
            "id": Subscriber(room_id="room-faq", sub="v-id", roles=frozenset({"viewer"}), market="ID"),
            "de": Subscriber(room_id="room-faq", sub="v-de", roles=frozenset({"viewer"}), market="DE"),
            "owner": Subscriber(room_id="room-faq", sub="merchant-faq", roles=frozenset({"merchant"}), market="CN"),
        }
        for viewer in viewers.values():
            hub.subscribe(viewer)
        hub.publish([comment_event("q-1", "viewer", "ID"), comment_event("a-1", "auto-faq", "ID")])
        await asyncio.sleep(0.1)
        seen: dict[str, list[str]] = {}
        for name, viewer in viewers.items():
            seen[name] = []
            while not viewer.queue.empty():
                frame = json.loads(viewer.queue.get_nowait() or "{}")
                seen[name] += [e["comment"]["comment_id"] for e in frame["events"]]
        return seen

    seen = asyncio.run(run())
    assert sorted(seen["id"]) == ["a-1", "q-1"]
    assert seen["de"] == ["q-1"]
    assert sorted(seen["owner"]) == ["a-1", "q-1"]
