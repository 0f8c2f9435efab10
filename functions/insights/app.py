"""Live insights: the node feed, player beacons and the merchant's live figures per market."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from functions.insights import feed, live, nextshow, winback, winback_cache, zoned
from functions.insights.schemas import ROOM_ID, Beacon
from functions.rooms.access import get_room, require_owner
from functions.shared import signing
from functions.shared.app import create_app, lambda_handler
from functions.shared.auth import Authenticated
from functions.shared.errors import Conflict, Forbidden, NotFound
from functions.shared.zones import EXPORT_OUTSIDE_ZONE_RESPONSE, export_zone

router = APIRouter(prefix="/v1/insights", tags=["insights"])
RoomId = Annotated[str, Path(pattern=ROOM_ID)]


@router.post(
    "/internal/node-feed",
    status_code=202,
    summary="A media node's per-second batch (signed)",
    responses={401: {"description": "Missing, stale or forged node signature"}},
)
async def node_feed(request: Request) -> dict[str, int]:
    body = await request.body()
    parsed = feed.parse_feed(body, request.headers.get(feed.FEED_SIGNATURE_HEADER), signing.verify)
    return feed.accept_feed(parsed)


@router.post("/rooms/{room_id}/beacons", status_code=202, summary="The viewer's player reports playback")
def beacons(room_id: RoomId, beacon: Beacon, principal: Authenticated) -> dict[str, int]:
    room = get_room(room_id)
    if not principal.market or principal.market not in room.markets:
        raise Forbidden("market-not-served", f"room {room_id!r} is not broadcast to market {principal.market}")
    if room.status != "live":
        raise Conflict("room-not-live", f"room {room_id!r} is {room.status}; beacons count only while live")
    return {"writes": feed.accept_beacon(room_id, principal.sub, principal.market, beacon)}


@router.get("/rooms/{room_id}/live", summary="The room's live figures per market (its merchant)")
def live_figures(room_id: RoomId, principal: Authenticated) -> dict[str, Any]:
    room = get_room(room_id)
    require_owner(room, principal)
    return live.room_figures(room)


@router.get("/rooms/{room_id}/winback", summary="The show's win-back segment: counts per reason and market")
def winback_counts(room_id: RoomId, principal: Authenticated) -> dict[str, Any]:
    room = get_room(room_id)
    require_owner(room, principal)
    return winback_cache.counts(room_id, [str(m) for m in room.markets or []])  # at most 30 s old: as_of


@router.post(
    "/rooms/{room_id}/winback/publish",
    summary="Make the show's winback coupon campaigns admit exactly one residency zone's win-back segment as it is now",
    responses={**EXPORT_OUTSIDE_ZONE_RESPONSE},
)
def winback_publish(
    room_id: RoomId,
    principal: Authenticated,
    zone: Annotated[str, Query(pattern=r"^[a-z0-9]{1,32}$")] = zoned.DEFAULT_ZONE,
) -> dict[str, Any]:
    room = get_room(room_id)
    require_owner(room, principal)
    _check_zone(zone, "publish")  # a zone's people are read only by a function inside the zone (421)
    return {"room_id": room_id, "zone": zone, **winback.publish(room_id, room.merchant_sub, zone)}


@router.get(
    "/rooms/{room_id}/winback.csv",
    summary="Export the win-back segment of one residency zone (its merchant)",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {}}},
        **EXPORT_OUTSIDE_ZONE_RESPONSE,
    },
)
def winback_export(
    room_id: RoomId,
    principal: Authenticated,
    zone: Annotated[str, Query(pattern=r"^[a-z0-9]{1,32}$")] = zoned.DEFAULT_ZONE,
) -> Response:
    room = get_room(room_id)
    require_owner(room, principal)
    _check_zone(zone, "export")  # a zone's people are exported only by a function inside the zone (421)
    body = winback.export_csv(winback.segment(room_id, zone))
    filename = f"winback-{room_id}-{zone}.csv"
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


def _check_zone(zone: str, what: str) -> None:
    """404 for no such zone; 421 when a named zone's people are asked outside the zone's regions."""
    if zone not in zoned.zone_names():
        raise NotFound("zone-not-found", f"no residency zone {zone!r}; zones: {', '.join(zoned.zone_names())}")
    if zone != zoned.DEFAULT_ZONE:
        export_zone(zone, what)


@router.get("/rooms/{room_id}/next-show", summary="When to go live next: the start that maximizes expected viewers")
def next_show(room_id: RoomId, principal: Authenticated) -> dict[str, Any]:
    room = get_room(room_id)
    require_owner(room, principal)
    return nextshow.recommend_for(room)


app = create_app("insights", "Live insights: funnel, sentiment, hot questions, alerts")
app.include_router(router)
handler = lambda_handler(app, "insights")
