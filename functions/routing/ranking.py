"""Ranking media nodes for a viewer: market preference, health, load and measured latency.

A node's score is an estimate in milliseconds of what the viewer will suffer there (lower is
better): the measured RTT if the client sent one, else a prior by how the market's plugin ranks
the node's region (preferred, fallback, other); plus a load penalty that grows steeply as the node
fills; minus a small bonus when the node already carries the room (no cascade hop to set up).
Nodes that are dead (heartbeat older than ``DEAD_AFTER_SECONDS``), draining, full, in a region
the market excludes, or outside the regions the market's data-residency rule allows are left out:
routing never falls back outside a market's allowed regions (the API says so instead).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from functions.routing.models import DEAD_AFTER_SECONDS, MediaNodeRecord
from plugins.types import DataResidency, RoutingPreference

PRIOR_RTT_MS = {"preferred": 40.0, "fallback": 120.0, "other": 250.0}
HAS_ROOM_BONUS_MS = 15.0
# Origins take the merchants' ingest and feed the edges: a viewer goes to an origin only when it is
# clearly nearer than every edge (about 50 ms), so an edge as near as the origin serves the viewer.
ORIGIN_VIEWER_PENALTY_MS = 50.0
LOAD_PENALTY_MS = 150.0  # added at 100 % CPU or a full node, quadratic on the way there


@dataclass(frozen=True)
class RankedNode:
    node_id: str
    region_name: str
    aws_region: str
    role: str
    base_url: str
    tier: str
    rtt_ms: float | None
    load: float
    has_room: bool
    score: float
    heartbeat_age: float


def region_tier(aws_region: str, preference: RoutingPreference | None) -> str | None:
    """ "preferred" | "fallback" | "other", or None when the market excludes the region."""
    if preference is None:
        return "other"
    if aws_region in preference.excluded_regions:
        return None
    if aws_region in preference.preferred_regions:
        return "preferred"
    if aws_region in preference.fallback_regions:
        return "fallback"
    return "other"


def node_load(node: MediaNodeRecord) -> float:
    """0..1: the larger of CPU (of all cores) and viewer share of capacity."""
    viewers = float(node.viewers or 0) / max(1.0, float(node.capacity or 1))
    return max(min(1.0, float(node.cpu_percent or 0) / 100.0), min(1.0, viewers))


def is_alive(node: MediaNodeRecord, now: float) -> bool:
    """Whether the node's last heartbeat is recent enough for it to be offered (or withheld)."""
    return now - float(node.heartbeat_at) <= DEAD_AFTER_SECONDS


def rank_nodes(
    nodes: Iterable[MediaNodeRecord],
    preference: RoutingPreference | None,
    *,
    room_id: str | None = None,
    rtts: dict[str, float] | None = None,
    exclude: Iterable[str] = (),
    now: float | None = None,
    residency: DataResidency | None = None,
) -> list[RankedNode]:
    now = time.time() if now is None else now
    rtts = rtts or {}
    excluded = set(exclude)
    ranked = []
    for node in nodes:
        age = now - float(node.heartbeat_at)
        if not is_alive(node, now) or node.draining or node.node_id in excluded:
            continue
        if node.viewers is not None and node.capacity is not None and node.viewers >= node.capacity:
            continue
        tier = region_tier(node.aws_region, preference)
        if tier is None or (residency is not None and not residency.allows(node.aws_region)):
            continue
        load = node_load(node)
        rtt = rtts.get(node.node_id)
        has_room = bool(room_id) and room_id in (node.rooms or [])
        score = (rtt if rtt is not None else PRIOR_RTT_MS[tier]) + LOAD_PENALTY_MS * load * load
        if has_room:
            score -= HAS_ROOM_BONUS_MS
        if node.role == "origin":
            score += ORIGIN_VIEWER_PENALTY_MS
        ranked.append(
            RankedNode(
                node_id=node.node_id,
                region_name=node.region_name,
                aws_region=node.aws_region,
                role=node.role,
                base_url=node.base_url,
                tier=tier,
                rtt_ms=rtt,
                load=round(load, 3),
                has_room=has_room,
                score=round(score, 1),
                heartbeat_age=round(age, 2),
            )
        )
    ranked.sort(key=lambda n: (n.score, n.node_id))
    return ranked
