"""A media node: its rooms (hubs), publishers, viewers and upstream pulls.

One ``MediaNode`` per process, living on the server's event loop. Publishing (WHIP) attaches an
``RtpSource`` to the room's hub; viewing (WHEP) subscribes to it. A viewer asking for a room that
has no source here makes the node pull the room once from a node that has it (the registry's
``ingest_rooms``, else the configured origin) over server-to-server WHEP; the pull is dropped when
the room's last viewer leaves (after ``upstream_linger`` seconds).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from aiortc import RTCPeerConnection

from functions.shared.errors import BadRequest, Conflict, NotFound, Unavailable
from media_nodes import registry
from media_nodes.config import NodeSettings
from media_nodes.forwarding import aiortc_adapter
from media_nodes.forwarding.hub import ForwardedTrack, RoomHub
from media_nodes.node_tokens import issue_node_token
from media_nodes.peers import (
    RtpSource,
    accept_pull_answer,
    answer_publisher,
    answer_viewer,
    offer_pull,
    rtc_configuration,
)
from media_nodes.sdp_checks import Offer, check_publish, check_view, receiving_kinds

logger = logging.getLogger("crosslive.media.node")
CONNECT_TIMEOUT = 20.0  # a session whose ICE/DTLS has not connected by then is closed


@dataclass
class Session:
    """One peer connection: a publisher, a viewer or an upstream pull."""

    id: str
    kind: str  # "publisher" | "viewer" | "upstream"
    room_id: str
    owner: str  # token subject (or node id) that created it: only it may DELETE
    pc: RTCPeerConnection
    source: RtpSource | None = None
    tracks: dict[str, ForwardedTrack] = field(default_factory=dict)
    created_at: float = field(default_factory=time.monotonic)
    upstream_url: str | None = None  # the remote resource of an upstream pull (for DELETE)
    closed: bool = False
    live: bool = False  # a publisher whose media has arrived (its room is then this node's ingest)


def _stalled_at(pc: RTCPeerConnection) -> str:
    """Which step of a connection that never connected stalled, in words for the log."""
    ice = pc.iceConnectionState
    transports = aiortc_adapter.dtls_transports(pc)
    dtls = transports[0].state if transports else "new"
    if ice not in ("connected", "completed"):
        return f"ICE never connected (ICE {ice}, no usable candidate pair)"
    if dtls == "connecting":
        return (
            "ICE connected but the DTLS handshake never completed (the peer did not answer it; a peer "
            "that finds no shared cipher, or a fingerprint it does not expect, may just go quiet)"
        )
    return f"ICE {ice}, DTLS {dtls}"


@dataclass
class Counters:
    offers_accepted: int = 0
    offers_rejected: int = 0
    rate_limited: int = 0
    upstream_pulls: int = 0
    upstream_drops: int = 0


IngestListener = Callable[[str], Awaitable[None]]
WatchListener = Callable[[str, str], Awaitable[None]]  # (room id, viewer sub)


class MediaNode:
    """``on_ingest_live(room_id)`` is awaited when a publisher's first frame arrives (not on the
    WHIP answer: a POST whose ICE never connects must neither take the room live nor hold it).
    ``on_viewer_watched(room_id, viewer_sub)`` is awaited once per viewer session still open
    ``settings.watched_seconds`` after it started and sent frames by then: the platform saw the
    viewer watch (the coupon segments' presence, ``functions/coupons/presence.py``)."""

    def __init__(
        self,
        settings: NodeSettings,
        on_ingest_live: IngestListener | None = None,
        on_viewer_watched: WatchListener | None = None,
    ) -> None:
        self.settings = settings
        self.on_ingest_live = on_ingest_live
        self.on_viewer_watched = on_viewer_watched
        self.hubs: dict[str, RoomHub] = {}
        self.sessions: dict[str, Session] = {}
        self.counters = Counters()
        self.started_at = time.time()
        self.pending_offers = 0
        self._pull_locks: dict[str, asyncio.Lock] = {}
        self._timers: set[asyncio.Task[Any]] = set()
        self._http: httpx.AsyncClient | None = None

    # -- state -------------------------------------------------------------------------------

    @property
    def viewers(self) -> int:
        return sum(1 for s in self.sessions.values() if s.kind == "viewer")

    def ingest_rooms(self) -> list[str]:
        """Rooms whose publisher here sends media (what the registry advertises as ingest)."""
        return sorted({s.room_id for s in self.sessions.values() if s.kind == "publisher" and s.live})

    def hub(self, room_id: str) -> RoomHub:
        hub = self.hubs.get(room_id)
        if hub is None:
            hub = RoomHub(room_id, on_empty=self._on_hub_empty)
            self.hubs[room_id] = hub
        return hub

    def publisher_of(self, room_id: str) -> Session | None:
        return next(
            (s for s in self.sessions.values() if s.kind == "publisher" and s.room_id == room_id), None
        )

    def upstream_of(self, room_id: str) -> Session | None:
        return next(
            (s for s in self.sessions.values() if s.kind == "upstream" and s.room_id == room_id), None
        )

    def _new_pc(self, session_id: str) -> RTCPeerConnection:
        pc = RTCPeerConnection(rtc_configuration(self.settings.ice_servers))
        aiortc_adapter.accept_rsa_dtls_peers(pc)  # webrtcbin and other RSA-certificate peers

        @pc.on("connectionstatechange")
        async def on_state() -> None:
            if pc.connectionState in ("failed", "closed"):
                session = self.sessions.get(session_id)
                if session is not None:
                    if pc.connectionState == "failed":
                        logger.warning(
                            "%s %s of room %s failed (ICE %s)",
                            session.kind,
                            session.id,
                            session.room_id,
                            pc.iceConnectionState,
                        )
                    await self.close_session(session)

        return pc

    def _register(self, session: Session) -> None:
        self.sessions[session.id] = session
        aiortc_adapter.on_dtls_failure(session.pc, lambda reason: self._dtls_failed(session, reason))
        self._later(CONNECT_TIMEOUT, self._close_if_unconnected, session)

    def _dtls_failed(self, session: Session, reason: str) -> None:
        if session.closed:  # we closed it ourselves mid-handshake (DELETE, timeout, shutdown)
            return
        logger.warning("%s %s of room %s: %s", session.kind, session.id, session.room_id, reason)

    async def _close_if_unconnected(self, session: Session) -> None:
        if not session.closed and session.pc.connectionState != "connected":
            logger.warning(
                "closing %s %s of room %s: not connected after %ss: %s",
                session.kind,
                session.id,
                session.room_id,
                CONNECT_TIMEOUT,
                _stalled_at(session.pc),
            )
            await self.close_session(session)

    def _later(self, delay: float, func: Callable[..., Awaitable[None]], *args: Any) -> None:
        async def run() -> None:
            await asyncio.sleep(delay)
            await func(*args)

        self._spawn(run())

    # -- publishing --------------------------------------------------------------------------

    async def publish(self, room_id: str, offer: Offer, owner: str) -> tuple[Session, str]:
        """Answer a WHIP offer for ``room_id``: one ingest per room, platform-wide.

        A publisher here that sends media holds the room (409); one that never connected (no
        media yet) is replaced, so a failed attempt does not block the next. A live publisher on
        another node (its heartbeat lists the room in ``ingest_rooms``) holds it too.
        """
        codecs = check_publish(offer)
        current = self.publisher_of(room_id)
        if current is not None and current.live:
            raise Conflict("room-already-live", f"room {room_id!r} already has a publisher on this node")
        elsewhere = await self._ingest_elsewhere(room_id)
        if elsewhere:
            raise Conflict(
                "room-already-live",
                f"room {room_id!r} is already being published to node {elsewhere}; "
                "stop that publisher first (one ingest per room)",
            )
        if current is not None:
            logger.info("replacing publisher %s of room %s: it never sent media", current.id, room_id)
            await self.close_session(current)
        hub = self.hub(room_id)
        if hub.viewers and hub.codecs.get("video") not in (None, codecs["video"]):
            raise Conflict(
                "codec-change", f"viewers of {room_id!r} receive {hub.codecs['video']}; publish that"
            )
        upstream = self.upstream_of(room_id)
        if upstream is not None:  # a local publisher replaces a pull of the same room
            await self.close_session(upstream)
        session_id = secrets.token_urlsafe(16)
        pc = self._new_pc(session_id)
        source = RtpSource(hub)
        session = Session(session_id, "publisher", room_id, owner, pc, source=source)
        source.on_first_frame = lambda: self._spawn(self._ingest_live(session))
        try:
            answer = await answer_publisher(pc, offer.sdp, codecs, source)
        except Exception as exc:
            await pc.close()
            raise BadRequest("negotiation-failed", f"the offer could not be negotiated: {exc}") from exc
        self._register(session)
        self.counters.offers_accepted += 1
        return session, answer

    async def _ingest_elsewhere(self, room_id: str) -> str | None:
        """The id of another live node whose heartbeat lists ``room_id`` as its ingest, if any."""
        if self.settings.heartbeat_seconds <= 0:
            return None
        try:
            nodes = await asyncio.to_thread(registry.publisher_nodes, room_id, self.settings.node_id)
        except Exception:  # the registry is down: do not refuse the merchant for it
            logger.warning("registry lookup failed; accepting the publisher of %s", room_id, exc_info=True)
            return None
        return str(nodes[0].node_id) if nodes else None

    async def _ingest_live(self, session: Session) -> None:
        if session.closed:
            return
        session.live = True
        logger.info("room %s is live on this node (publisher %s)", session.room_id, session.id)
        if self.on_ingest_live is not None:
            try:
                await self.on_ingest_live(session.room_id)
            except Exception:
                logger.exception("ingest listener failed for room %s", session.room_id)

    def _spawn(self, awaitable: Awaitable[None]) -> None:
        task = asyncio.ensure_future(awaitable)
        self._timers.add(task)
        task.add_done_callback(self._timers.discard)

    # -- viewing -----------------------------------------------------------------------------

    async def view(self, room_id: str, offer: Offer, owner: str) -> tuple[Session, str]:
        if self.viewers >= self.settings.max_viewers:
            raise Unavailable(
                "node-full", "this node carries its maximum of viewers; ask routing for another", retry_after=2
            )
        receiving_kinds(offer)  # before any pull: a send-only offer is refused as it is
        hub = await self.ensure_source(room_id)
        kinds = check_view(offer, hub.codecs)
        session_id = secrets.token_urlsafe(16)
        pc = self._new_pc(session_id)
        try:
            answer, tracks = await answer_viewer(pc, offer.sdp, hub, kinds)
        except Exception as exc:
            await pc.close()
            raise BadRequest("negotiation-failed", f"the offer could not be negotiated: {exc}") from exc
        session = Session(session_id, "viewer", room_id, owner, pc, tracks=tracks)
        self._register(session)
        self.counters.offers_accepted += 1
        if self.on_viewer_watched is not None and not owner.startswith("node:"):
            self._later(self.settings.watched_seconds, self._watched, session)
        return session, answer

    async def _watched(self, session: Session) -> None:
        """The viewer's session is still open and was sent frames: tell ``on_viewer_watched``."""
        listener = self.on_viewer_watched
        if listener is None or session.closed or not any(t.frames_sent for t in session.tracks.values()):
            return
        try:
            await listener(session.room_id, session.owner)
        except Exception:
            logger.warning("watch of %s in room %s not recorded", session.owner, session.room_id, exc_info=True)

    async def ensure_source(self, room_id: str) -> RoomHub:
        """The room's hub with a source: local publisher, existing pull, or a new pull."""
        hub = self.hubs.get(room_id)
        if hub is not None and hub.has_source:
            return hub
        lock = self._pull_locks.setdefault(room_id, asyncio.Lock())
        async with lock:  # one pull per room, however many viewers arrive at once
            hub = self.hubs.get(room_id)
            if hub is not None and hub.has_source:
                return hub
            for url in await self._upstream_candidates(room_id):
                try:
                    await self._pull(room_id, url)
                except Exception as exc:
                    logger.warning("pull of %s from %s failed: %s", room_id, url, exc)
                    continue
                return self.hub(room_id)
        raise NotFound("room-not-live", f"room {room_id!r} is not being broadcast")

    async def _upstream_candidates(self, room_id: str) -> list[str]:
        urls: list[str] = []
        if self.settings.heartbeat_seconds > 0:
            try:
                nodes = await asyncio.to_thread(registry.publisher_nodes, room_id, self.settings.node_id)
            except Exception:
                logger.warning("registry lookup failed", exc_info=True)
                nodes = []
            same_region = [n for n in nodes if n.region_name == self.settings.region_name]
            others = [n for n in nodes if n.region_name != self.settings.region_name]
            urls += [n.base_url for n in same_region + others]
        if self.settings.origin_url and self.settings.origin_url != self.settings.public_url:
            urls.append(self.settings.origin_url)
        return [u for u in dict.fromkeys(urls) if u != self.settings.public_url]

    async def _pull(self, room_id: str, base_url: str) -> None:
        if not self.settings.node_secret:
            raise RuntimeError("no node secret: cannot authenticate to the upstream node")
        hub = self.hub(room_id)
        session_id = secrets.token_urlsafe(16)
        pc = self._new_pc(session_id)
        source = RtpSource(hub)
        session = Session(session_id, "upstream", room_id, self.settings.node_id, pc, source=source)
        try:
            offer_sdp = await offer_pull(pc, source)
            token = issue_node_token(self.settings.node_secret, self.settings.node_id, room_id)
            response = await self.http.post(
                f"{base_url}/whep/{room_id}",
                content=offer_sdp,
                headers={"Content-Type": "application/sdp", "Authorization": f"Bearer {token}"},
            )
            if response.status_code != 201:
                raise RuntimeError(f"upstream answered {response.status_code}: {response.text[:200]}")
            location = response.headers.get("location", "")
            session.upstream_url = str(httpx.URL(base_url).join(location)) if location else None
            await accept_pull_answer(pc, source, response.text)
        except Exception:
            await pc.close()
            raise
        self._register(session)
        self.counters.upstream_pulls += 1
        logger.info("pulling %s from %s", room_id, base_url)

    @property
    def http(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=10.0)
        return self._http

    # -- leaving -----------------------------------------------------------------------------

    async def close_session(self, session: Session) -> None:
        if session.closed:
            return
        session.closed = True
        self.sessions.pop(session.id, None)
        if session.kind == "upstream":
            self.counters.upstream_drops += 1
        for track in session.tracks.values():
            track.stop()
        hub = self.hubs.get(session.room_id)
        source = session.source
        if hub is not None and source is not None and hub.detach_source(source.request_keyframe):
            self._later(self.settings.source_grace, self._end_if_sourceless, hub)
        try:
            await session.pc.close()
        except Exception:
            logger.debug("closing pc failed", exc_info=True)
        if session.kind == "upstream" and session.upstream_url and self.settings.node_secret:
            token = issue_node_token(self.settings.node_secret, self.settings.node_id, session.room_id)
            with contextlib.suppress(httpx.HTTPError):
                await self.http.delete(session.upstream_url, headers={"Authorization": f"Bearer {token}"})
        if hub is not None and hub.viewers == 0 and not hub.has_source and self.hubs.get(hub.room_id) is hub:
            del self.hubs[hub.room_id]

    async def _end_if_sourceless(self, hub: RoomHub) -> None:
        """The source left and none came back: end the viewers (their players re-route)."""
        if not hub.has_source and self.hubs.get(hub.room_id) is hub:
            hub.close_subscribers()
            for session in [
                s for s in self.sessions.values() if s.room_id == hub.room_id and s.kind == "viewer"
            ]:
                await self.close_session(session)
            if not hub.has_source and hub.viewers == 0:
                self.hubs.pop(hub.room_id, None)

    def _on_hub_empty(self, hub: RoomHub) -> None:
        """Last viewer gone: drop an upstream pull after the linger (a local publisher stays)."""
        if self.upstream_of(hub.room_id) is not None:
            self._later(self.settings.upstream_linger, self._drop_upstream_if_idle, hub.room_id)

    async def _drop_upstream_if_idle(self, room_id: str) -> None:
        hub = self.hubs.get(room_id)
        upstream = self.upstream_of(room_id)
        if upstream is not None and (hub is None or hub.viewers == 0):
            logger.info("dropping upstream of %s: no viewers", room_id)
            await self.close_session(upstream)

    async def shutdown(self) -> None:
        for session in list(self.sessions.values()):
            await self.close_session(session)
        for task in list(self._timers):
            task.cancel()
        if self._http is not None:
            await self._http.aclose()
