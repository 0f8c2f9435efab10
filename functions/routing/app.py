"""Smart routing: rank healthy media nodes for a viewer.

``GET /v1/routing/rooms/{room_id}/nodes`` answers a player with the nodes to try, best first, each
with its WHEP URL and a probe URL; the player may measure RTTs to the probes and ask again with
``rtt=node-a:23,node-b:80``, and after a node fails it asks with ``exclude=<node>``.
"""

from __future__ import annotations

import re
import time
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from functions.rooms.access import ROOM_ID_PATTERN, get_room
from functions.routing.models import DEAD_AFTER_SECONDS, MediaNodeRecord
from functions.routing.ranking import is_alive, rank_nodes
from functions.shared.app import create_app, lambda_handler
from functions.shared.auth import Authenticated
from functions.shared.config import get_settings
from functions.shared.errors import ApiError, Forbidden
from functions.shared.plugins import get_plugins

router = APIRouter(prefix="/v1/routing", tags=["routing"])
MARKET = re.compile(r"^[A-Z]{2}$")
NODE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
MAX_RTTS = 32


def parse_rtts(raw: str | None) -> dict[str, float]:
    """``node-a:23,node-b:80.5`` -> {node: ms}; malformed input is a 422, never ignored."""
    rtts: dict[str, float] = {}
    if not raw:
        return rtts
    parts = raw.split(",")
    if len(parts) > MAX_RTTS:
        raise ApiError(422, "validation-failed", f"at most {MAX_RTTS} RTT measurements")
    for part in parts:
        node, sep, value = part.rpartition(":")
        try:
            ms = float(value)
        except ValueError:
            ms = -1.0
        if not sep or not NODE_ID.match(node) or not 0 <= ms <= 60_000:
            raise ApiError(422, "validation-failed", f"rtt must be node:milliseconds, got {part!r}")
        rtts[node] = ms
    return rtts


@router.get("/rooms/{room_id}/nodes", summary="Media nodes to watch a room from, best first")
def nodes_for_room(
    principal: Authenticated,
    room_id: Annotated[str, Path(pattern=ROOM_ID_PATTERN)],
    market: Annotated[str | None, Query(description="viewer market; default: the token's")] = None,
    rtt: Annotated[
        str | None, Query(max_length=2048, description="node:ms,... measured by the client")
    ] = None,
    exclude: Annotated[list[str] | None, Query(max_length=16, description="nodes that just failed")] = None,
    limit: Annotated[int, Query(ge=1, le=20)] = 5,
) -> dict[str, Any]:
    viewer_market = (market or principal.market or "").upper()
    if not MARKET.match(viewer_market):
        raise ApiError(422, "validation-failed", "a viewer market (two letters) is required")
    room = get_room(room_id)
    if (
        viewer_market not in room.markets
        and principal.sub != room.merchant_sub
        and not principal.has("moderator")
    ):
        raise Forbidden(
            "market-not-served", f"room {room_id!r} is not broadcast to market {viewer_market}"
        )
    rtts = parse_rtts(rtt)
    for node_id in exclude or []:
        if not NODE_ID.match(node_id):
            raise ApiError(422, "validation-failed", f"bad node id {node_id!r}")
    plugins = get_plugins()
    preference = plugins.routing_preference(viewer_market)
    # The embedded platform (stage "local") runs every node on this one machine, labelled with the
    # default AWS region: no border is crossed, so the rule has nothing to place there.
    residency = None if get_settings().is_local else plugins.data_residency(viewer_market)
    nodes = list(MediaNodeRecord.scan())
    ranked = rank_nodes(nodes, preference, room_id=room_id, rtts=rtts, exclude=exclude or [], residency=residency)
    # only live nodes count as withheld: a dead node's record is no node a viewer could have had
    now = time.time()
    withheld = sorted(
        {n.aws_region for n in nodes if residency and is_alive(n, now) and not residency.allows(n.aws_region)}
    )
    return {
        "room_id": room_id,
        "market": viewer_market,
        "dead_after_seconds": DEAD_AFTER_SECONDS,
        # Regions with nodes this market's data-residency rule does not allow: never offered, even
        # when no allowed node is left (the player then waits and asks again).
        "residency": (
            {
                "jurisdiction": residency.jurisdiction,
                "law": residency.law,
                "allowed_regions": list(residency.allowed_regions),
                "withheld_regions": withheld,
                "detail": f"market {viewer_market}: rule data-residency ({residency.law or residency.jurisdiction}) "
                f"allows only {', '.join(residency.allowed_regions)}; nodes in {', '.join(withheld)} are not offered",
            }
            if residency is not None and withheld
            else None
        ),
        "nodes": [
            {
                "node_id": n.node_id,
                "region": n.region_name,
                "aws_region": n.aws_region,
                "role": n.role,
                "whep_url": f"{n.base_url}/whep/{room_id}",
                "probe_url": f"{n.base_url}/ping",
                "tier": n.tier,
                "rtt_ms": n.rtt_ms,
                "load": n.load,
                "has_room": n.has_room,
                "score": n.score,
            }
            for n in ranked[:limit]
        ],
    }


app = create_app("routing", "Smart routing: rank healthy media nodes for a viewer")
app.include_router(router)
handler = lambda_handler(app, "routing")
