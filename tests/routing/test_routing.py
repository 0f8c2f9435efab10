"""The routing function ranks live nodes by market preference, load and RTT, and drops dead ones."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from functions.routing.models import DEAD_AFTER_SECONDS, MediaNodeRecord
from functions.routing.ranking import rank_nodes, region_tier
from media_nodes.registry import NodeLoad, write_heartbeat
from plugins.types import RoutingPreference

SEA = RoutingPreference(
    preferred_regions=["ap-southeast-1"],
    fallback_regions=["ap-northeast-1"],
    excluded_regions=["me-central-1"],
)


def record(node_id: str, aws_region: str, **kw: object) -> MediaNodeRecord:
    values: dict[str, object] = {
        "base_url": f"http://{node_id}.test",
        "region_name": aws_region,
        "aws_region": aws_region,
        "role": "edge",
        "rooms": [],
        "ingest_rooms": [],
        "viewers": 0,
        "capacity": 100,
        "cpu_percent": 0,
        "heartbeat_at": time.time(),
        "started_at": time.time(),
        "expires_at": int(time.time()) + 300,
    }
    values.update(kw)
    return MediaNodeRecord(node_id, **values)


@pytest.fixture
def fleet(embedded: object) -> Iterator[list[MediaNodeRecord]]:
    nodes = [
        record("sg-1", "ap-southeast-1"),
        record("jp-1", "ap-northeast-1"),
        record("de-1", "eu-central-1"),
        record("ae-1", "me-central-1"),
    ]
    for node in nodes:
        node.save()
    yield nodes
    for node in nodes:
        node.delete()


def test_tiers_follow_the_market_preference() -> None:
    assert region_tier("ap-southeast-1", SEA) == "preferred"
    assert region_tier("ap-northeast-1", SEA) == "fallback"
    assert region_tier("eu-central-1", SEA) == "other"
    assert region_tier("me-central-1", SEA) is None
    assert region_tier("eu-central-1", None) == "other"


def test_ranking_prefers_region_then_load_then_room_and_honours_measured_rtt() -> None:
    now = time.time()
    nodes = [
        record("sg-1", "ap-southeast-1", heartbeat_at=now),
        record("jp-1", "ap-northeast-1", heartbeat_at=now),
        record("ae-1", "me-central-1", heartbeat_at=now),
    ]
    assert [n.node_id for n in rank_nodes(nodes, SEA, now=now)] == ["sg-1", "jp-1"]  # excluded region gone
    # a saturated preferred node loses to an idle fallback one
    nodes[0].cpu_percent = 100
    assert rank_nodes(nodes, SEA, now=now)[0].node_id == "jp-1"
    # a measured RTT beats the prior
    nodes[0].cpu_percent = 0
    ranked = rank_nodes(nodes, SEA, rtts={"jp-1": 5.0, "sg-1": 90.0}, now=now)
    assert ranked[0].node_id == "jp-1" and ranked[0].rtt_ms == 5.0
    # a full node is left out
    nodes[0].viewers = 100
    assert "sg-1" not in [n.node_id for n in rank_nodes(nodes, SEA, now=now)]


def test_dead_node_leaves_the_ranking_within_ten_seconds() -> None:
    # GIVEN two nodes heartbeating, then sg-1 stops (its item stays: DynamoDB TTL is lazy)
    t0 = time.time()
    nodes = [
        record("sg-1", "ap-southeast-1", heartbeat_at=t0),
        record("sg-2", "ap-southeast-1", heartbeat_at=t0),
    ]
    assert {n.node_id for n in rank_nodes(nodes, SEA, now=t0 + 1)} == {"sg-1", "sg-2"}
    # WHEN sg-2 keeps beating and sg-1 is silent
    later = t0 + DEAD_AFTER_SECONDS + 0.5
    nodes[1].heartbeat_at = later - 1
    # THEN sg-1 is out of the ranking before 10 s have passed
    assert DEAD_AFTER_SECONDS + 0.5 < 10
    assert [n.node_id for n in rank_nodes(nodes, SEA, now=later)] == ["sg-2"]


def test_routing_api_ranks_live_nodes_for_the_viewer_market(client, auth, room, fleet) -> None:
    response = client.get(f"/v1/routing/rooms/{room['room_id']}/nodes", headers=auth("viewer", market="ID"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["market"] == "ID"
    ids = [n["node_id"] for n in body["nodes"]]
    assert ids[:2] == ["sg-1", "jp-1"]  # ID prefers Singapore, falls back to Tokyo (market plugin)
    assert body["nodes"][0]["whep_url"] == f"http://sg-1.test/whep/{room['room_id']}"


def test_routing_api_reroutes_when_a_node_dies_or_fails(client, auth, room, fleet) -> None:
    headers = auth("viewer", market="ID")
    url = f"/v1/routing/rooms/{room['room_id']}/nodes"
    # GIVEN sg-1 stops heartbeating (simulated: its last beat is 7 s old)
    sg = MediaNodeRecord.get("sg-1")
    sg.heartbeat_at = time.time() - (DEAD_AFTER_SECONDS + 1)
    sg.save()
    ids = [n["node_id"] for n in client.get(url, headers=headers).json()["nodes"]]
    assert "sg-1" not in ids and ids[0] == "jp-1"
    # AND a player that failed on jp-1 asks again excluding it
    ids = [n["node_id"] for n in client.get(url, params={"exclude": "jp-1"}, headers=headers).json()["nodes"]]
    assert "jp-1" not in ids and ids


def test_heartbeat_write_brings_a_node_back(client, auth, room, fleet) -> None:
    sg = MediaNodeRecord.get("sg-1")
    sg.heartbeat_at = time.time() - 60
    sg.save()
    write_heartbeat(sg, NodeLoad(rooms=[room["room_id"]], ingest_rooms=[], viewers=3, cpu_percent=12.0))
    body = client.get(
        f"/v1/routing/rooms/{room['room_id']}/nodes", headers=auth("viewer", market="ID")
    ).json()
    first = body["nodes"][0]
    assert first["node_id"] == "sg-1" and first["has_room"] is True
    stored = MediaNodeRecord.get("sg-1")
    assert stored.viewers == 3 and stored.expires_at > time.time()


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"rtt": "sg-1:abc"}, 422),
        ({"rtt": "sg-1:-5"}, 422),
        ({"rtt": ",".join(f"n{i}:1" for i in range(40))}, 422),
        ({"exclude": "bad node!"}, 422),
        ({"market": "XYZ"}, 422),
        ({"market": "JP"}, 403),  # the room is not broadcast to Japan
        ({"limit": "0"}, 422),
    ],
)
def test_routing_api_rejects_bad_input(client, auth, room, params, status) -> None:
    response = client.get(
        f"/v1/routing/rooms/{room['room_id']}/nodes", params=params, headers=auth("viewer", market="ID")
    )
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


def test_routing_api_requires_a_token_and_a_known_room(client, auth) -> None:
    assert client.get("/v1/routing/rooms/abc123/nodes").status_code == 401
    forged = {"Authorization": "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln"}
    assert client.get("/v1/routing/rooms/abc123/nodes", headers=forged).status_code == 401
    assert (
        client.get("/v1/routing/rooms/nope-room/nodes", headers=auth("viewer", market="ID")).status_code
        == 404
    )


def test_routing_never_falls_back_outside_the_markets_allowed_regions(
    client, auth, room, fleet, monkeypatch, request
) -> None:
    from functions.routing import app as routing_app
    from functions.shared.config import get_settings

    url = f"/v1/routing/rooms/{room['room_id']}/nodes"
    # on the embedded platform every node is on this machine: routing is as before
    local = client.get(url, headers=auth("viewer", market="DE")).json()
    assert local["residency"] is None and len(local["nodes"]) == 4
    deployed = get_settings().model_copy(update={"stage": "prod"})
    monkeypatch.setattr(routing_app, "get_settings", lambda: deployed)
    headers = auth("viewer", market="DE")
    # a dead node's record left in the registry is nobody's node: never listed as withheld
    gone = record("us-gone", "us-east-1", heartbeat_at=time.time() - (DEAD_AFTER_SECONDS + 60))
    gone.save()
    request.addfinalizer(gone.delete)
    # GIVEN a German viewer (DE: EU personal data only in EU regions) while Frankfurt is up
    body = client.get(url, headers=headers).json()
    assert [n["node_id"] for n in body["nodes"]] == ["de-1"]  # never Singapore, Tokyo or the UAE
    assert body["residency"]["allowed_regions"][0] == "eu-central-1"
    assert body["residency"]["withheld_regions"] == ["ap-northeast-1", "ap-southeast-1", "me-central-1"]
    # WHEN the only EU node dies
    de = MediaNodeRecord.get("de-1")
    de.heartbeat_at = time.time() - (DEAD_AFTER_SECONDS + 1)
    de.save()
    body = client.get(url, headers=headers).json()
    # THEN no node outside the EU is offered, and the answer says why
    assert body["nodes"] == []
    assert "market DE: rule data-residency (GDPR)" in body["residency"]["detail"]
    # while a market without a residency rule is routed anywhere, with nothing withheld
    indonesian = client.get(url, headers=auth("viewer", market="ID")).json()
    assert indonesian["nodes"] and indonesian["residency"] is None


def test_every_market_plugin_routes_only_within_its_allowed_regions() -> None:
    from plugins.manager import build_plugin_manager

    pm = build_plugin_manager(None, validate=False)
    for market in ("AE", "CN", "DE", "FR", "ID", "JP", "MY", "PH", "SA", "SG", "TH", "US", "VN"):
        preference, residency = pm.routing_preference(market), pm.data_residency(market)
        assert preference is not None, market
        outside = [r for r in preference.preferred_regions + preference.fallback_regions if not residency.allows(r)]
        assert outside == [], (market, outside)


def test_ranking_leaves_out_regions_the_residency_rule_does_not_allow() -> None:
    from plugins.types import DataResidency

    eu = DataResidency(jurisdiction="EU", allowed_regions=["eu-central-1", "eu-west-1"], law="GDPR")
    nodes = [record("de-1", "eu-central-1"), record("us-1", "us-east-1"), record("ie-1", "eu-west-1")]
    prefers_us = RoutingPreference(preferred_regions=["us-east-1"], fallback_regions=["eu-west-1"])
    assert [n.node_id for n in rank_nodes(nodes, prefers_us, residency=eu)] == ["ie-1", "de-1"]
    assert rank_nodes(nodes, prefers_us)[0].node_id == "us-1"
