"""The node's insights feed: per-second viewer counts and session events, one signed POST per flush.

The node knows every WHEP session, so it is the primary source of who is watching. Once a second
``sample`` looks at the viewer sessions it was told about (``track``, from the WHEP route) and
notes, per room and market, how many are present (their first frame was sent: the first keyframe
released to the session), which sessions started, passed ``QUALIFY_SECONDS`` of watching, or
ended, and the seconds in which a room's source delivered no frame (ingest gaps). Every
``flush_seconds`` these go as one batch to ``POST /v1/insights/internal/node-feed``, signed with
the fleet's push secret (``functions.shared.signing``) and numbered, so the insights function can
refuse forged and replayed batches. A failed POST keeps the batch for the next flush (bounded),
which sends the same bytes again: a batch the API failed to apply part way is finished by it,
each part counted once (``functions/insights/progress.py``).

Cost: one request per node per flush, however many viewers; nothing per viewer per second.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from functions.shared import signing

ENV_INSIGHTS_URL = "CROSSLIVE_MEDIA_INSIGHTS_URL"  # API base URL (…/v1/insights/internal/node-feed is appended)
FEED_PATH = "/v1/insights/internal/node-feed"
SIGNATURE_HEADER = "X-Crosslive-Feed-Signature"
QUALIFY_SECONDS = 10.0
MAX_PENDING_BATCHES = 30  # a minute of flushes kept while the API is unreachable
MAX_EVENTS_PER_BATCH = 500
MAX_ACTIVE_ROOMS = 200  # the API's bound (functions/insights/schemas.py); past it, rooms are only added
# A room this node reported stays named active this long after its last report, sessions or not: the
# API's scheduled alert check evaluates the rooms of the last ~3 minutes (functions/insights/alert_check.py)
REPORTED_ROOM_SECONDS = 240.0
log = logging.getLogger("crosslive.media.insights")


class _Track(Protocol):
    waiting_keyframe: bool
    frames_sent: int


class _Session(Protocol):
    id: str
    room_id: str
    tracks: Any


class _Node(Protocol):
    sessions: dict[str, Any]
    hubs: dict[str, Any]


@dataclass
class _Watch:
    room_id: str
    market: str
    sub: str
    started_at: float | None = None
    qualified: bool = False


Poster = Callable[[bytes, str], Awaitable[int]]


class InsightsFeed:
    """Samples a node's sessions each second and posts pre-aggregated batches."""

    def __init__(self, node: _Node, node_id: str, post: Poster | None, flush_seconds: float = 2.0) -> None:
        self.node = node
        self.node_id = node_id
        self.post = post
        self.flush_seconds = flush_seconds
        self.batch = int(time.time() * 1000)  # increasing across restarts of this node id
        self.watching: dict[str, _Watch] = {}
        self.seconds: dict[tuple[str, str, int], int] = {}
        self.sessions: list[dict[str, Any]] = []
        self.gaps: list[dict[str, Any]] = []
        self.pending: list[bytes] = []
        self._frames_in: dict[str, int] = {}
        self._reported: dict[str, float] = {}  # room -> when a batch last carried something of it
        self.posted = 0

    def track(self, session_id: str, room_id: str, market: str | None, sub: str) -> None:
        """A viewer session was created (WHEP); it counts from its first frame."""
        if market:
            self.watching[session_id] = _Watch(room_id, market, sub)

    @staticmethod
    def _first_frame_sent(session: Any) -> bool:
        return any(not t.waiting_keyframe or t.frames_sent > 0 for t in session.tracks.values())

    def sample(self, now: float | None = None) -> None:
        """One second's look at the sessions and hubs."""
        now = time.time() if now is None else now
        second = int(now)
        for session_id, watch in list(self.watching.items()):
            session = self.node.sessions.get(session_id)
            if session is None or getattr(session, "closed", False):
                if watch.started_at is not None:
                    self._event(watch, "end", now, watched=now - watch.started_at)
                del self.watching[session_id]
                continue
            if watch.started_at is None:
                if not self._first_frame_sent(session):
                    continue
                watch.started_at = now
                self._event(watch, "start", now)
            elif not watch.qualified and now - watch.started_at >= QUALIFY_SECONDS:
                watch.qualified = True
                self._event(watch, "qualified", now)
            key = (watch.room_id, watch.market, second)
            self.seconds[key] = self.seconds.get(key, 0) + 1
        for room_id, hub in self.node.hubs.items():
            frames = int(hub.stats.frames_in)
            if room_id in self._frames_in and frames == self._frames_in[room_id] and hub.viewers:
                self.gaps.append({"room_id": room_id, "t": second})
            self._frames_in[room_id] = frames

    def _event(self, watch: _Watch, event: str, at: float, watched: float = 0.0) -> None:
        self.sessions.append(
            {
                "room_id": watch.room_id,
                "market": watch.market,
                "sub": watch.sub,
                "event": event,
                "at": round(at, 3),
                "watched": round(max(0.0, watched), 3),
            }
        )

    def take_batches(self, now: float | None = None) -> list[bytes]:
        """Everything sampled since the last flush, as JSON batches within the API's bounds."""
        now = time.time() if now is None else now
        samples = [
            {"room_id": room, "market": market, "t": t, "viewers": n} for (room, market, t), n in self.seconds.items()
        ]
        events, gaps = self.sessions, self.gaps
        self.seconds, self.sessions, self.gaps = {}, [], []
        for part in (samples, events, gaps):
            for item in part:
                self._reported[str(item["room_id"])] = now
        for room_id, at in list(self._reported.items()):
            if at < now - REPORTED_ROOM_SECONDS:
                del self._reported[room_id]
        # The rooms the API must keep looking at for this node (its registry item): those with a
        # session the API counts as open (a start sent, no end yet), which the dead-node sweep closes
        # if the node dies, and those reported lately (this flush's included), whose last seconds the
        # alert check scans
        active = sorted({w.room_id for w in self.watching.values() if w.started_at is not None} | set(self._reported))
        active_rooms = active if len(active) <= MAX_ACTIVE_ROOMS else None
        bodies = []
        first = True
        while first or events:
            first = False
            self.batch += 1
            chunk, events = events[:MAX_EVENTS_PER_BATCH], events[MAX_EVENTS_PER_BATCH:]
            body = {
                "node_id": self.node_id,
                "batch": self.batch,
                "seconds": samples,
                "sessions": chunk,
                "ingest_gaps": gaps,
                "active_rooms": active_rooms,
            }
            samples, gaps = [], []
            if body["seconds"] or body["sessions"] or body["ingest_gaps"]:
                bodies.append(json.dumps(body, separators=(",", ":")).encode())
        return bodies

    async def flush(self) -> None:
        self.pending.extend(self.take_batches())
        del self.pending[:-MAX_PENDING_BATCHES]
        while self.pending and self.post is not None:
            body = self.pending[0]
            try:
                status = await self.post(body, signing.sign(body))
            except Exception as exc:
                log.warning("insights feed: POST failed (%s); keeping %d batches", exc, len(self.pending))
                return
            if status >= 500:
                log.warning("insights feed: HTTP %d; keeping %d batches", status, len(self.pending))
                return
            if status >= 300 and status != 409:  # 409: already counted (a retry after a lost answer)
                log.error("insights feed: batch refused with HTTP %d; dropped", status)
            self.pending.pop(0)
            self.posted += 1

    async def run(self) -> None:
        """Sample every second and flush every ``flush_seconds`` until cancelled.

        A flush runs beside the sampling, one at a time: sampling used to wait for the POST, so
        an API answering in 3 s left 3 seconds unsampled (presence missing, which alerts read as
        nobody reporting) and delayed the next batch by as much. A flush still running when the
        next is due is not doubled: the one after it takes everything sampled meanwhile.
        """
        next_flush = time.monotonic() + self.flush_seconds
        flushing: asyncio.Future[None] | None = None
        try:
            while True:
                self.sample()
                if time.monotonic() >= next_flush and (flushing is None or flushing.done()):
                    flushing = asyncio.ensure_future(self.flush())
                    flushing.add_done_callback(_log_failure)
                    next_flush = time.monotonic() + self.flush_seconds
                await asyncio.sleep(1.0 - (time.time() % 1.0))
        finally:
            if flushing is not None:
                flushing.cancel()


def _log_failure(task: asyncio.Future[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("insights feed: flush failed", exc_info=task.exception())


def http_poster(base_url: str, client: Any) -> Poster:
    """POST a signed batch to ``base_url`` with an ``httpx.AsyncClient``."""
    url = base_url.rstrip("/") + FEED_PATH

    async def post(body: bytes, signature: str) -> int:
        response = await client.post(
            url, content=body, headers={"Content-Type": "application/json", SIGNATURE_HEADER: signature}
        )
        return int(response.status_code)

    return post


def insights_url() -> str | None:
    return os.environ.get(ENV_INSIGHTS_URL) or None
