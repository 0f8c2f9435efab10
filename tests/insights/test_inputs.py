"""The node feed and player beacons: counted once when genuine, refused whole with a 4xx otherwise."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from functions.insights.schemas import MAX_ACTIVE_ROOMS
from functions.shared import signing
from tests.room_helpers import room_key

from .conftest import FeedPoster


def _session(room_id: str, sub: str, event: str, at: float, market: str = "ID", watched: float = 0) -> dict[str, Any]:
    return {"room_id": room_id, "market": market, "sub": sub, "event": event, "at": at, "watched": watched}


def test_node_feed_counts_viewers_present_reach_and_joins(
    live_room: dict[str, Any], feed: FeedPoster, figures: Callable[[str], dict[str, Any]]
) -> None:
    # GIVEN two viewers in ID and one in DE whose first frames the node sent a few seconds ago
    room_id = live_room["room_id"]
    now = time.time()
    t = int(now) - 3
    starts = [
        _session(room_id, "v-id-1", "start", t - 2),
        _session(room_id, "v-id-2", "start", t - 1),
        _session(room_id, "v-de-1", "start", t - 1, market="DE"),
    ]
    seconds = [
        {"room_id": room_id, "market": "ID", "t": t - 2, "viewers": 1},
        {"room_id": room_id, "market": "ID", "t": t - 1, "viewers": 2},
        {"room_id": room_id, "market": "ID", "t": t, "viewers": 2},
        {"room_id": room_id, "market": "DE", "t": t, "viewers": 1},
    ]
    # WHEN the node posts its batch
    response = feed.post(seconds=seconds, sessions=starts)
    # THEN it is accepted and the merchant sees who is there, per market and in total
    assert response.status_code == 202, response.text
    data = figures(room_id)
    assert data["markets"]["ID"]["concurrent"]["now"] == 2
    assert data["markets"]["ID"]["concurrent"]["peak"] == 2
    assert data["markets"]["DE"]["concurrent"]["now"] == 1
    assert data["total"]["concurrent"]["now"] == 3
    assert data["markets"]["ID"]["reach"] == 2
    assert data["total"]["reach"] == 3
    assert data["markets"]["ID"]["counters"]["joins"] == 2
    assert data["funnel"]["ID"]["steps"]["joined"] == 2


def test_a_session_that_ends_after_ten_seconds_qualifies_and_exits(
    live_room: dict[str, Any], feed: FeedPoster, figures: Callable[[str], dict[str, Any]]
) -> None:
    room_id = live_room["room_id"]
    now = time.time()
    feed.post(sessions=[_session(room_id, "v1", "start", now - 30), _session(room_id, "v2", "start", now - 30)])
    feed.post(
        sessions=[
            _session(room_id, "v1", "end", now - 18, watched=12),  # qualified: 12 s >= 10 s
            _session(room_id, "v2", "end", now - 25, watched=5),  # left before qualifying
        ]
    )
    data = figures(room_id)
    market = data["markets"]["ID"]
    assert market["qualified"] == 1
    assert market["counters"]["exits"] == 2
    assert market["dwell"]["buckets"]["0-10 s"] == 1
    assert market["dwell"]["buckets"]["10-60 s"] == 1
    assert data["funnel"]["ID"]["rates"]["qualified"] == 0.5


def test_forged_replayed_stale_oversized_and_malformed_feeds_are_refused_and_not_counted(
    live_room: dict[str, Any], feed: FeedPoster, client: Any, figures: Callable[[str], dict[str, Any]]
) -> None:
    room_id = live_room["room_id"]
    now = time.time()
    start = {"sessions": [_session(room_id, "v-x", "start", now - 1)]}

    body = feed.body(**start)
    forged = feed.send(body, signature=signing.sign(body).replace("v1=", "v1=00"))
    assert forged.status_code == 401 and forged.json()["code"] == "bad-feed-signature"
    assert feed.send(body, signature="").json()["code"] == "bad-feed-signature"
    old_signature = feed.send(body, signature=signing.sign(body, now=now - 600))
    assert old_signature.status_code == 401

    assert feed.send(body).status_code == 202  # the genuine batch, once
    replay = feed.send(body)
    assert replay.status_code == 409 and replay.json()["code"] == "feed-replayed"

    stale = feed.post(sessions=[_session(room_id, "v-y", "start", now - 3600)])
    assert stale.status_code == 422 and stale.json()["code"] == "stale-event"
    too_many = feed.post(sessions=[_session(room_id, f"v{i}", "start", now) for i in range(501)])
    assert too_many.status_code in (413, 422)
    oversized = feed.send(b'{"node_id":"n","batch":1,"seconds":[' + b" " * 70_000 + b"]}")
    assert oversized.status_code == 413
    unknown = feed.post(sessions=[{**_session(room_id, "v-z", "start", now), "admin": True}])
    assert unknown.status_code == 422 and unknown.json()["code"] == "validation-failed"
    bad_room = feed.post(sessions=[_session("../etc", "v-z", "start", now)])
    assert bad_room.status_code == 422
    bad_open_room = feed.post(**start, active_rooms=["../etc"])
    assert bad_open_room.status_code == 422 and bad_open_room.json()["code"] == "validation-failed"
    too_many_open = feed.post(**start, active_rooms=[f"room-{i}" for i in range(MAX_ACTIVE_ROOMS + 1)])
    assert too_many_open.status_code == 422

    data = figures(room_id)
    assert data["markets"]["ID"]["reach"] == 1  # only the genuine batch counted
    assert data["markets"]["ID"]["counters"]["joins"] == 1


def test_player_beacons_count_first_frames_and_stalls_once(
    live_room: dict[str, Any],
    client: Any,
    auth: Callable[..., dict[str, str]],
    figures: Callable[[str], dict[str, Any]],
) -> None:
    room_id = live_room["room_id"]
    url = f"/v1/insights/rooms/{room_id}/beacons"
    viewer = auth("viewer", sub="beacon-viewer", market="DE")
    seq = int(time.time() * 1000)
    body = {"seq": seq, "events": [{"type": "rendered", "ms": 800}, {"type": "stall", "ms": 1200}]}
    assert client.post(url, json=body, headers=viewer).status_code == 202
    replay = client.post(url, json=body, headers=viewer)
    assert replay.status_code == 409 and replay.json()["code"] == "beacon-replayed"
    older = client.post(url, json={**body, "seq": seq - 1}, headers=viewer)
    assert older.status_code == 409
    other_market = client.post(url, json={**body, "seq": seq + 1}, headers=auth("viewer", sub="jp-1", market="JP"))
    assert other_market.status_code == 403 and other_market.json()["code"] == "market-not-served"
    too_many = client.post(url, json={"seq": seq + 2, "events": [{"type": "stall", "ms": 1}] * 11}, headers=viewer)
    assert too_many.status_code == 422
    negative = client.post(url, json={"seq": seq + 3, "events": [{"type": "stall", "ms": -5}]}, headers=viewer)
    assert negative.status_code == 422
    anonymous = client.post(url, json={"seq": seq + 4, "events": [{"type": "leave"}]})
    assert anonymous.status_code == 401
    other_room = client.post("/v1/insights/rooms/no-such-room/beacons", json={**body, "seq": seq + 5}, headers=viewer)
    assert other_room.status_code == 404

    counters = figures(room_id)["markets"]["DE"]["counters"]
    assert counters["rendered"] == 1
    assert counters["ttff_ms"] == 800
    assert counters["stalls"] == 1
    assert counters["stall_ms"] == 1200


def test_live_figures_are_the_merchants_alone(
    live_room: dict[str, Any], client: Any, auth: Callable[..., dict[str, str]]
) -> None:
    url = f"/v1/insights/rooms/{live_room['room_id']}/live"
    assert client.get(url).status_code == 401
    other = client.get(url, headers=auth("merchant", sub="someone-else"))
    assert other.status_code == 403 and other.json()["code"] == "not-room-owner"
    assert json.loads(client.get(url, headers=auth("merchant", sub="merchant-ins")).text)["room_id"]


def test_products_seen_taps_and_shares_make_click_through_sharers_and_engagement(
    live_room: dict[str, Any],
    client: Any,
    auth: Callable[..., dict[str, str]],
    figures: Callable[[str], dict[str, Any]],
    feed: Any,
) -> None:
    room_id = live_room["room_id"]
    url = f"/v1/insights/rooms/{room_id}/beacons"
    now = time.time()
    # GIVEN four viewers in ID who watched (a node saw them), each with a product card on screen
    subs = ["ct-a", "ct-b", "ct-c", "ct-d"]
    starts = [{"room_id": room_id, "market": "ID", "sub": s, "event": "start", "at": now - 30} for s in subs]
    assert feed.post(sessions=starts).status_code == 202
    seq = int(now * 1000)
    for i, sub in enumerate(subs):
        body = {"seq": seq + i, "events": [{"type": "seen"}]}
        assert client.post(url, json=body, headers=auth("viewer", sub=sub, market="ID")).status_code == 202
    # WHEN a taps Buy twice, b taps Claim, and c makes a share link
    taps = {"seq": seq + 10, "events": [{"type": "tap", "on": "buy"}, {"type": "tap", "on": "buy"}]}
    assert client.post(url, json=taps, headers=auth("viewer", sub="ct-a", market="ID")).status_code == 202
    claim = {"seq": seq + 11, "events": [{"type": "tap", "on": "claim"}]}
    assert client.post(url, json=claim, headers=auth("viewer", sub="ct-b", market="ID")).status_code == 202
    share = {"seq": seq + 12, "events": [{"type": "share"}]}
    assert client.post(url, json=share, headers=auth("viewer", sub="ct-c", market="ID")).status_code == 202
    # AND malformed ones are refused: a tap without its button, a button on something else
    for bad in ({"type": "tap"}, {"type": "share", "on": "buy"}, {"type": "tap", "on": "cart"}):
        viewer_d = auth("viewer", sub="ct-d", market="ID")
        refused = client.post(url, json={"seq": seq + 20, "events": [bad]}, headers=viewer_d)
        assert refused.status_code == 422 and refused.json()["code"] == "validation-failed"
    # THEN click-through is distinct tappers ÷ viewers with a product on screen: 2 / 4
    market = figures(room_id)["markets"]["ID"]
    assert (market["tappers"], market["product_viewers"], market["product_click_through"]) == (2, 4, 0.5)
    assert market["counters"]["taps"] == 3
    # AND the sharer counts in engagement: (commenters, claimers or sharers) ÷ reach = 1 / 4
    assert market["sharers"] == 1 and market["counters"]["shares"] == 1
    assert market["engagement_rate"] == 0.25
    data = figures(room_id)
    assert data["total"]["sharers"] == 1 and data["total"]["product_click_through"] == 0.5


def test_beacons_out_of_bounds_or_outside_a_live_show_are_refused_and_neither_counted_nor_spend_their_seq(
    live_room: dict[str, Any],
    client: Any,
    auth: Callable[..., dict[str, str]],
    figures: Callable[[str], dict[str, Any]],
) -> None:
    room_id = live_room["room_id"]
    url = f"/v1/insights/rooms/{room_id}/beacons"
    viewer = auth("viewer", sub="bounds-viewer", market="ID")
    seq = int(time.time() * 1000)
    # GIVEN beacons a real player never sends: a field it does not have, a stall over ten minutes, no seq
    for bad in (
        {"seq": seq, "events": [{"type": "stall", "ms": 10, "bitrate": 900}]},
        {"seq": seq, "events": [{"type": "stall", "ms": 600_001}]},
        {"seq": 0, "events": [{"type": "stall", "ms": 10}]},
        {"seq": seq, "events": []},
    ):
        refused = client.post(url, json=bad, headers=viewer)
        assert refused.status_code == 422 and refused.json()["code"] == "validation-failed", (bad, refused.text)
    # AND a body over the size limit, refused before it is read
    padded = json.dumps({"seq": seq, "events": [{"type": "stall", "ms": 10}], "pad": "x" * 70_000})
    oversized = client.post(url, content=padded, headers={**viewer, "Content-Type": "application/json"})
    assert oversized.status_code == 413 and oversized.json()["code"] == "payload-too-large"
    # AND a beacon to the same merchant's room to ID that is not live (yet)
    body = {"title": "Later", "markets": ["ID"], "home_market": "CN", "host_language": "zh-Hans"}
    draft = client.post("/v1/rooms", json=body, headers={**auth("merchant", sub="merchant-ins"), **room_key()})
    assert draft.status_code == 201, draft.text
    not_live = client.post(
        f"/v1/insights/rooms/{draft.json()['room_id']}/beacons",
        json={"seq": seq, "events": [{"type": "stall", "ms": 10}]},
        headers=viewer,
    )
    assert not_live.status_code == 409 and not_live.json()["code"] == "room-not-live"
    # THEN none of them counted a stall ...
    assert figures(room_id)["markets"]["ID"]["counters"].get("stalls", 0) == 0
    # ... nor spent the seq: the player's genuine beacon with it is still taken, and counted once
    genuine = client.post(url, json={"seq": seq, "events": [{"type": "stall", "ms": 700}]}, headers=viewer)
    assert genuine.status_code == 202, genuine.text
    counters = figures(room_id)["markets"]["ID"]["counters"]
    assert (counters["stalls"], counters["stall_ms"]) == (1, 700)
