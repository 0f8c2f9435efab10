"""The node's HTTP face: WHIP ingest, WHEP egress, health, metrics, the player script.

WHIP (RFC 9725) and WHEP (draft-ietf-wish-whep) share one shape: ``POST`` an SDP offer, get
``201 Created`` with the SDP answer (ICE candidates included: no trickle needed) and a
``Location`` naming the session; ``DELETE`` that location to leave. Trickle ICE (``PATCH``) is not
supported and answers 405, which both specs allow. Errors are RFC 9457 problem documents.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Annotated, Any

import psutil
from fastapi import FastAPI, Request, Response
from fastapi import Path as PathParam
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import PlainTextResponse
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from functions.coupons.presence import record_presence
from functions.rooms.access import ROOM_ID_PATTERN, get_room
from functions.rooms.lifecycle import go_live_on_ingest
from functions.routing.registry import MediaNodeRecord
from functions.shared.app import create_app
from functions.shared.auth import bearer_token, verify_token
from functions.shared.errors import ApiError, DomainError
from media_nodes import registry
from media_nodes.config import NodeSettings
from media_nodes.forwarding import aiortc_adapter
from media_nodes.insights_feed import InsightsFeed, http_poster, insights_url
from media_nodes.node import MediaNode, Session
from media_nodes.node_tokens import is_node_token, verify_node_token
from media_nodes.ratelimit import TokenBuckets
from media_nodes.sdp_checks import parse_offer

logger = logging.getLogger("crosslive.media.app")
STATIC_DIR = Path(__file__).parent / "static"
RoomId = Annotated[str, PathParam(pattern=ROOM_ID_PATTERN)]
SessionId = Annotated[str, PathParam(pattern=r"^[A-Za-z0-9_-]{8,64}$")]
SDP_HEADERS = {"Accept-Post": "application/sdp"}
EXPOSED = ["Location", "Link", "ETag", "Accept-Post", "Retry-After"]


class AcceptPostOnOptions:
    """``Accept-Post: application/sdp`` on every OPTIONS answer of a WHIP/WHEP endpoint.

    RFC 9725 §4.2: the 200 to an OPTIONS request SHOULD carry it; a CORS preflight is answered by
    the CORS middleware, which does not know the header, so it is added here on the way out.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or scope["method"] != "OPTIONS" or not path.startswith(("/whip/", "/whep/")):
            await self.app(scope, receive, send)
            return

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Accept-Post", SDP_HEADERS["Accept-Post"])
            await send(message)

        await self.app(scope, receive, send_with_header)


class CpuGauge:
    """This process's CPU use, as a percentage of one core, between successive reads."""

    def __init__(self) -> None:
        self._process = psutil.Process()
        self._process.cpu_percent(interval=None)
        self.last = 0.0

    def read(self) -> float:
        self.last = self._process.cpu_percent(interval=None)
        return self.last


def create_node_app(settings: NodeSettings) -> FastAPI:
    """The ASGI app of one media node process."""
    aiortc_adapter.check_compatible()
    aiortc_adapter.accept_checks_without_priority()  # FFmpeg's WHIP muxer
    if settings.ice_loopback:
        aiortc_adapter.include_loopback_candidates()
    if settings.udp_ports:
        aiortc_adapter.restrict_udp_ports(*settings.udp_ports)
    buckets = TokenBuckets(settings.offer_rate, settings.offer_burst)
    cpu = CpuGauge()
    record = MediaNodeRecord(
        settings.node_id,
        base_url=settings.public_url,
        region_name=settings.region_name,
        aws_region=settings.aws_region,
        role=settings.role,
        capacity=settings.max_viewers,
    )

    registry_writes = asyncio.Lock()  # an ingest's own heartbeat never lands after the shutdown's deregister
    stopping = False

    async def ingest_live(room_id: str) -> None:
        """A publisher's media arrived: tell the registry now (one ingest per room), and take a
        scheduled room live (``functions/rooms/lifecycle.py``, as Amazon IVS's stream start does)."""
        if settings.heartbeat_seconds > 0:
            async with registry_writes:
                if not stopping:
                    await asyncio.to_thread(registry.write_heartbeat, record, load())
        room = await asyncio.to_thread(get_room, room_id)
        if room.status == "scheduled":
            await asyncio.to_thread(go_live_on_ingest, room)

    # The market of each viewer's token, by (room, viewer): their presence is stored in that
    # market's residency zone (functions/shared/zones.py). Bounded: the oldest are forgotten.
    viewer_markets: OrderedDict[tuple[str, str], str | None] = OrderedDict()

    async def viewer_watched(room_id: str, viewer_sub: str) -> None:
        """A viewer was delivered the room's frames for ``watched_seconds``: presence the platform
        saw itself (new / lapsed / share opens, ``functions/coupons/presence.py``)."""
        room = await asyncio.to_thread(get_room, room_id)
        if viewer_sub != room.merchant_sub:
            market = viewer_markets.get((room_id, viewer_sub))
            await asyncio.to_thread(
                functools.partial(record_presence, market=market), room.merchant_sub, room_id, viewer_sub, "watch"
            )

    node = MediaNode(settings, on_ingest_live=ingest_live, on_viewer_watched=viewer_watched)
    record.started_at = node.started_at
    feed_url = insights_url()
    feed = InsightsFeed(node, settings.node_id, http_poster(feed_url, node.http) if feed_url else None)

    def load() -> registry.NodeLoad:
        return registry.NodeLoad(
            rooms=list(node.hubs),
            ingest_rooms=node.ingest_rooms(),
            viewers=node.viewers,
            cpu_percent=cpu.read(),
        )

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        nonlocal stopping
        heartbeat: asyncio.Task[None] | None = None
        if settings.heartbeat_seconds > 0:
            heartbeat = asyncio.ensure_future(registry.heartbeat_loop(record, load, settings.heartbeat_seconds))
        feeding = asyncio.ensure_future(feed.run()) if feed.post is not None else None
        try:
            yield
        finally:
            if feeding is not None:
                feeding.cancel()
                await asyncio.gather(feeding, return_exceptions=True)
            if heartbeat is not None:
                heartbeat.cancel()
                await asyncio.gather(heartbeat, return_exceptions=True)
                async with registry_writes:
                    stopping = True
                    await asyncio.to_thread(registry.deregister, settings.node_id)
            await node.shutdown()

    app = create_app("media", "Media node: WHIP ingest, WHEP egress, forwarding without re-encoding")
    app.router.lifespan_context = lifespan
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "POST", "DELETE", "PATCH", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", "If-Match"],
        expose_headers=EXPOSED,
        max_age=600,
    )
    app.add_middleware(AcceptPostOnOptions)  # outside CORS: its preflight answer gets it too
    app.state.node = node
    app.state.insights_feed = feed

    async def guard_offer(request: Request) -> None:
        client = request.client.host if request.client else "unknown"
        wait = buckets.take(client)
        if wait > 0:
            node.counters.rate_limited += 1
            raise ApiError(
                429,
                "too-many-offers",
                "too many offers from this address; slow down",
                headers={"Retry-After": str(max(1, round(wait)))},
            )
        if node.pending_offers >= settings.max_pending:
            node.counters.rate_limited += 1
            raise ApiError(503, "node-busy", "too many offers being negotiated; retry", headers={"Retry-After": "1"})

    async def read_offer(request: Request) -> Any:
        return parse_offer(await request.body(), request.headers.get("content-type"))

    def created(session: Session, base: str, answer: str) -> Response:
        return Response(
            answer,
            status_code=201,
            media_type="application/sdp",
            headers={
                "Location": f"/{base}/{session.room_id}/{session.id}",
                "ETag": f'"{session.id}"',
                **SDP_HEADERS,
            },
        )

    def owned(session_id: str, room_id: str, kind: str) -> Session:
        session = node.sessions.get(session_id)
        if session is None or session.room_id != room_id or session.kind not in kind:
            raise ApiError(404, "session-not-found", "no such session on this node")
        return session

    # -- WHIP --------------------------------------------------------------------------------

    @contextlib.contextmanager
    def counted_refusal() -> Iterator[None]:
        """An offer refused with a problem counts in ``offers_rejected`` (rate limits have their own)."""
        try:
            yield
        except (ApiError, DomainError) as exc:  # the room lookup raises domain errors (e.g. NotFound)
            if exc.status not in (429, 503):
                node.counters.offers_rejected += 1
            raise

    @app.post("/whip/{room_id}", status_code=201, tags=["whip"], summary="Publish a room (SDP offer in, answer out)")
    async def whip(room_id: RoomId, request: Request) -> Response:
        with counted_refusal():
            return await publish(room_id, request)

    async def publish(room_id: str, request: Request) -> Response:
        await guard_offer(request)
        principal = verify_token(bearer_token(request) or "")
        if not principal.has("merchant"):
            raise ApiError(403, "forbidden", "publishing requires the merchant role")
        room = await asyncio.to_thread(get_room, room_id)
        if principal.sub != room.merchant_sub and "admin" not in principal.roles:
            raise ApiError(403, "not-room-owner", "only the room's merchant may publish it")
        if room.status == "ended":
            raise ApiError(409, "room-ended", "this room has ended")
        offer = await read_offer(request)
        node.pending_offers += 1
        try:
            session, answer = await node.publish(room_id, offer, principal.sub)
        finally:
            node.pending_offers -= 1
        return created(session, "whip", answer)  # the room goes live when media arrives (ingest_live)

    @app.delete("/whip/{room_id}/{session_id}", tags=["whip"], summary="Stop publishing")
    async def whip_delete(room_id: RoomId, session_id: SessionId, request: Request) -> Response:
        principal = verify_token(bearer_token(request) or "")
        session = owned(session_id, room_id, "publisher")
        if session.owner != principal.sub and "admin" not in principal.roles:
            raise ApiError(403, "forbidden", "not your session")
        await node.close_session(session)
        return Response(status_code=200)

    # -- WHEP --------------------------------------------------------------------------------

    async def viewer_identity(request: Request, room_id: str) -> str:
        token = bearer_token(request) or ""
        if token and is_node_token(token):
            return "node:" + verify_node_token(settings.node_secret, token, room_id)
        principal = verify_token(token)
        room = await asyncio.to_thread(get_room, room_id)
        if principal.sub == room.merchant_sub or principal.has("moderator"):
            return principal.sub
        if not principal.market or principal.market not in room.markets:
            raise ApiError(403, "market-not-served", f"room {room_id!r} is not broadcast to market {principal.market}")
        request.state.viewer_market = principal.market  # a viewer (not the host or a node): insights counts it
        return principal.sub

    @app.post("/whep/{room_id}", status_code=201, tags=["whep"], summary="Watch a room (SDP offer in, answer out)")
    async def whep(room_id: RoomId, request: Request) -> Response:
        with counted_refusal():
            return await view(room_id, request)

    async def view(room_id: str, request: Request) -> Response:
        await guard_offer(request)
        owner = await viewer_identity(request, room_id)
        offer = await read_offer(request)
        node.pending_offers += 1
        try:
            session, answer = await node.view(room_id, offer, owner)
        finally:
            node.pending_offers -= 1
        market = getattr(request.state, "viewer_market", None)
        feed.track(session.id, room_id, market, owner)
        viewer_markets[(room_id, owner)] = market
        viewer_markets.move_to_end((room_id, owner))
        while len(viewer_markets) > 10_000:
            viewer_markets.popitem(last=False)
        return created(session, "whep", answer)

    @app.delete("/whep/{room_id}/{session_id}", tags=["whep"], summary="Stop watching")
    async def whep_delete(room_id: RoomId, session_id: SessionId, request: Request) -> Response:
        owner = await viewer_identity(request, room_id)
        session = owned(session_id, room_id, "viewer")
        if session.owner != owner:
            raise ApiError(403, "forbidden", "not your session")
        await node.close_session(session)
        return Response(status_code=200)

    @app.patch("/whip/{room_id}/{session_id}", include_in_schema=False)
    @app.patch("/whep/{room_id}/{session_id}", include_in_schema=False)
    async def no_trickle(room_id: str, session_id: str) -> Response:
        raise ApiError(
            405,
            "trickle-not-supported",
            "candidates are in the answer; trickle ICE is not supported",
            headers={"Allow": "DELETE"},
        )

    @app.options("/whip/{room_id}", include_in_schema=False)
    @app.options("/whep/{room_id}", include_in_schema=False)
    async def options(room_id: str) -> Response:
        return Response(status_code=200, headers={**SDP_HEADERS, "Allow": "POST, OPTIONS"})

    # -- health and load ---------------------------------------------------------------------

    def snapshot() -> dict[str, Any]:
        rooms = {}
        for room_id, hub in node.hubs.items():
            upstream = node.upstream_of(room_id)
            rooms[room_id] = {
                "viewers": hub.viewers,
                "codecs": hub.codecs,
                "live": hub.has_source,
                "source": "publisher" if node.publisher_of(room_id) else "upstream" if upstream else None,
                "frames_in": hub.stats.frames_in,
                "keyframes_in": hub.stats.keyframes_in,
                "frames_out": hub.stats.frames_out,
                "bytes_in": hub.stats.bytes_in,
                "keyframe_requests": hub.stats.keyframe_requests,
                "keyframe_requests_sent": hub.stats.keyframe_requests_sent,
            }
        return {
            "node_id": settings.node_id,
            "region": settings.region_name,
            "aws_region": settings.aws_region,
            "role": settings.role,
            "base_url": settings.public_url,
            "viewers": node.viewers,
            "capacity": settings.max_viewers,
            "cpu_percent": cpu.last,
            "cpu_count": psutil.cpu_count(),
            "sessions": len(node.sessions),
            "pending_offers": node.pending_offers,
            "tasks": len(asyncio.all_tasks()),  # a leak shows here first (crosslive bench soak)
            "counters": vars(node.counters),
            "rooms": rooms,
        }

    @app.get("/health", tags=["health"], summary="Liveness and load of this node")
    async def health() -> dict[str, Any]:
        return {
            "status": "ok",
            "node_id": settings.node_id,
            "role": settings.role,
            "region": settings.region_name,
            "viewers": node.viewers,
            "rooms": sorted(node.hubs),
        }

    @app.get("/ping", tags=["health"], summary="Tiny response for client RTT probes")
    async def ping() -> Response:
        return Response(status_code=204, headers={"Cache-Control": "no-store"})

    @app.get("/metrics", tags=["health"], summary="Load and forwarding counters (JSON, or Prometheus text)")
    async def metrics(request: Request, format: str = "json") -> Any:
        cpu.read()
        data = snapshot()
        if format != "prometheus" and "text/plain" not in request.headers.get("accept", ""):
            return data
        labels = f'node="{settings.node_id}",region="{settings.region_name}"'
        lines = [
            f"crosslive_media_viewers{{{labels}}} {data['viewers']}",
            f"crosslive_media_sessions{{{labels}}} {data['sessions']}",
            f"crosslive_media_cpu_percent{{{labels}}} {data['cpu_percent']}",
        ]
        lines += [f"crosslive_media_{k}_total{{{labels}}} {v}" for k, v in data["counters"].items()]
        for room_id, room in data["rooms"].items():
            rl = f'{labels},room="{room_id}"'
            lines += [
                f"crosslive_media_room_{k}{{{rl}}} {room[k]}"
                for k in (
                    "viewers",
                    "frames_in",
                    "keyframes_in",
                    "frames_out",
                    "bytes_in",
                    "keyframe_requests_sent",
                )
            ]
        return PlainTextResponse("\n".join(lines) + "\n", media_type="text/plain; version=0.0.4")

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    try:  # the comment push (WebSocket) lives beside the media when the push module is present
        from media_nodes.push import mount_push  # type: ignore[attr-defined]
    except ImportError:
        pass
    else:
        mount_push(app)
    return app
