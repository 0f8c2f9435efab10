"""Accepting inputs: signed node feeds and viewers' player beacons, checked before anything counts.

A node feed is accepted only when signed with the fleet's push secret (the key the nodes already
share with the fan-out), recent, never seen before (``node_id``/``batch`` nonce) and within
bounds; otherwise the whole batch is refused with a problem and nothing of it is counted. A
batch that fails while being applied is finished by the node's retry of it, each part counted
once (``progress.py``). A
beacon must come from a verified viewer of a market the room is broadcast to, carry a sequence
number newer than the viewer's last one, and concern a room that is live.
"""

from __future__ import annotations

import logging
import time
import zlib
from collections.abc import Callable

from pydantic import ValidationError

from functions.insights import alerts, store
from functions.insights.fold import Deltas, viewer_key
from functions.insights.models import ROOM_MARKET
from functions.insights.progress import BatchProgress, digest_of
from functions.insights.schemas import Beacon, NodeFeed
from functions.shared.errors import Conflict, Invalid, Unauthenticated

FEED_SIGNATURE_HEADER = "X-Crosslive-Feed-Signature"
MAX_AGE_SECONDS = 300  # a sample older than this is refused (a node buffers at most a few seconds)
MAX_AHEAD_SECONDS = 5  # clock skew allowed into the future
log = logging.getLogger("crosslive.insights.feed")


def _check_time(at: float, now: float) -> None:
    if at < now - MAX_AGE_SECONDS or at > now + MAX_AHEAD_SECONDS:
        raise Invalid("stale-event", f"event time {at:.0f} is outside the accepted window around {now:.0f}")


Verifier = Callable[[str | None, bytes, float | None], None]


def parse_feed(body: bytes, signature: str | None, verify: Verifier, now: float | None = None) -> NodeFeed:
    """The verified, bounded feed; ``Unauthenticated`` (unsigned/forged/stale signature) or ``Invalid``.

    ``verify``: the fleet's signature check (``functions.shared.signing.verify``, passed in by the
    entry module; tests pass a clock-pinned one). It raises on a bad signature.
    """
    try:
        verify(signature, body, now)
    except Exception as exc:
        raise Unauthenticated("bad-feed-signature", f"node feed refused: {exc}") from exc
    try:
        feed = NodeFeed.model_validate_json(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise Invalid("validation-failed", f"{where}: {first.get('msg')}") from exc
    current = time.time() if now is None else now
    for sample in feed.seconds:
        _check_time(sample.t, current)
    for event in feed.sessions:
        _check_time(event.at, current)
    for gap in feed.ingest_gaps:
        _check_time(gap.t, current)
    return feed


def accept_feed(feed: NodeFeed, now: float | None = None) -> dict[str, int]:
    """Count a verified feed once: nonce first (a replay changes nothing), then one fold.

    A batch that fails part way (a throttled or failing write) answers 5xx and the node sends it
    again: the writes the failed attempt made are recorded on the nonce item, and the retry makes
    only the others (``progress.py``), so each part of the batch is counted exactly once.
    """
    nonce = f"node:{feed.node_id}:{feed.batch}"
    try:
        progress = store.claim_batch(nonce, digest_of(feed), now)
    except store.ReplayedError as exc:
        raise Conflict("feed-replayed", f"batch {feed.batch} of node {feed.node_id} was already counted") from exc
    except store.BatchMismatchError as exc:
        raise Invalid(
            "feed-batch-mismatch",
            f"batch {feed.batch} of node {feed.node_id} came before with other content; this one is not counted",
        ) from exc
    try:
        counted = _apply_feed(feed, progress, now)
    except Exception:
        try:
            store.record_progress(nonce, progress, now)
        except Exception:
            log.exception("node batch %s failed part way and its progress was not recorded: a retry is refused", nonce)
        raise
    if progress.resumed:
        log.info("node batch %s finished by a retry (%d writes this time)", nonce, counted["writes"])
    return counted


def _apply_feed(feed: NodeFeed, progress: BatchProgress, now: float | None) -> dict[str, int]:
    deltas = Deltas()
    for sample in feed.seconds:
        deltas.present(sample.room_id, sample.market, sample.t, sample.viewers)
    for gap in feed.ingest_gaps:  # node-seconds (a cause), and the second itself (how long)
        deltas.count(gap.room_id, ROOM_MARKET, gap.t, "ingest_gap_s")
        deltas.present(gap.room_id, ROOM_MARKET, gap.t, 1)
    writes = store.apply_sessions(feed.sessions, deltas, feed.node_id, progress)
    writes += store.apply(deltas, shard=zlib.crc32(feed.node_id.encode()), progress=progress)
    rooms = {s.room_id for s in feed.seconds} | {e.room_id for e in feed.sessions}
    active_rooms = None if feed.active_rooms is None else set(feed.active_rooms)
    writes += store.node_seen(
        feed.node_id, rooms, time.time() if now is None else now, batch=feed.batch, active_rooms=active_rooms
    )
    alerts.evaluate_soon({key[0] for key in deltas.seconds} | {key[0] for key in deltas.counters}, now)
    return {"writes": writes, "seconds": len(feed.seconds), "sessions": len(feed.sessions)}


def accept_beacon(room_id: str, sub: str, market: str, beacon: Beacon, now: float | None = None) -> int:
    """Count a viewer's beacon at the server's clock (a player's clock is not trusted).

    The seq is taken before anything is counted (a replay changes nothing); if counting fails,
    it is given back, so the same beacon sent again counts once (the shipped player does not
    resend a failed beacon; another client may).
    """
    try:
        store.accept_beacon_seq(room_id, sub, market, beacon.seq)
    except store.ReplayedError as exc:
        raise Conflict("beacon-replayed", "this beacon (or a newer one) was already counted") from exc
    at = time.time() if now is None else now
    deltas = Deltas()
    for event in beacon.events:
        if event.type == "rendered":
            deltas.count(room_id, market, at, "rendered")
            deltas.count(room_id, market, at, "ttff_ms", event.ms)
        elif event.type == "stall":
            deltas.count(room_id, market, at, "stalls")
            deltas.count(room_id, market, at, "stall_ms", event.ms)
        elif event.type == "leave":
            deltas.count(room_id, market, at, "player_leaves")
        elif event.type == "seen":
            deltas.distinct[(room_id, market, "product_viewers")].add(viewer_key(room_id, sub))
        elif event.type == "tap":
            deltas.count(room_id, market, at, "taps")
            deltas.distinct[(room_id, market, "product_viewers")].add(viewer_key(room_id, sub))
            deltas.distinct[(room_id, market, "tappers")].add(viewer_key(room_id, sub))
        else:
            deltas.count(room_id, market, at, "shares")
            deltas.distinct[(room_id, market, "sharers")].add(viewer_key(room_id, sub))
    # The distinct sets first (adding a member again changes nothing), the counters last: a beacon
    # whose counters were not written gives its seq back, and its retry counts it once.
    try:
        writes = store.apply(Deltas(distinct=deltas.distinct))
        return writes + store.apply(Deltas(counters=deltas.counters))
    except Exception:
        try:
            store.release_beacon_seq(room_id, sub, market, beacon.seq)
        except Exception:
            log.exception("beacon %s of a viewer of room %s failed and its seq was not given back", beacon.seq, room_id)
        raise
