"""Viewers go to an edge rather than an equally near origin (origins serve ingest and cascade)."""

from __future__ import annotations

import time

from functions.routing.models import MediaNodeRecord
from functions.routing.ranking import ORIGIN_VIEWER_PENALTY_MS, rank_nodes


def node(node_id: str, role: str, rooms: list[str]) -> MediaNodeRecord:
    now = time.time()
    return MediaNodeRecord(node_id, base_url=f"http://{node_id}.test", region_name="local",
                           aws_region="us-east-1", role=role, rooms=rooms, ingest_rooms=[], viewers=0,
                           capacity=100, cpu_percent=0,
                           heartbeat_at=now, started_at=now, expires_at=int(now) + 300)


def test_equally_near_edge_beats_the_origin_carrying_the_room() -> None:
    origin, edge = node("origin-1", "origin", ["r1"]), node("edge-1", "edge", [])
    ranked = rank_nodes([origin, edge], None, room_id="r1", rtts={"origin-1": 2.0, "edge-1": 2.0})
    assert [n.node_id for n in ranked] == ["edge-1", "origin-1"]


def test_a_much_nearer_origin_still_wins() -> None:
    origin, edge = node("origin-1", "origin", ["r1"]), node("edge-1", "edge", [])
    far = 2.0 + ORIGIN_VIEWER_PENALTY_MS + 50
    ranked = rank_nodes([origin, edge], None, room_id="r1", rtts={"origin-1": 2.0, "edge-1": far})
    assert ranked[0].node_id == "origin-1"
