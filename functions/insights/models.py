"""The insights tables: per-minute counters, distinct-viewer sets, viewer presence, shows, nonces.

Why each table looks the way it does (definitions of every figure: ``docs/insights.md``):

* ``MinuteCounters`` (``insights-minutes``): one item per (room, market, minute) holding plain
  counters that writers only ``ADD`` to (atomic, commutative: any number of consumers and nodes
  may write the same item without reading it) and ``c00``..``c59``, the viewers present in each
  second of the minute summed over media nodes. The room-wide series (ingest gaps) uses market
  ``ROOM_MARKET``.
* ``FoldPage`` (``insights-folds``): the counters folded from stream records (comments, claims,
  redemptions, stage), beside the markers of those records that make each count exactly once, in
  bounded pages per (room, market, minute); reads add them to the minute.
* ``DistinctSet`` (``insights-distinct``): ``DISTINCT_SHARDS`` items per (room, market, metric)
  such as reach or commenters (a node writes the shard of its id, so 200 nodes do not contend on
  one item): an exact set of pseudonymous viewer keys (``ADD`` to a string set is atomic) up to
  ``sketch.EXACT_LIMIT`` members, then an Apache DataSketches HLL image written with a version
  condition. Reads union the shards; the markets' unions merge into the room's total. Zoned: a
  residency zone's markets' sets are in the zone's copy and are counted there (``ZoneFigures``).
* ``ViewerPresence`` (``insights-viewers``): one item per (room, viewer), written when a session
  starts or ends (never per heartbeat): watched seconds, open sessions, funnel flags. The
  win-back segment comes from here; dwell comes from per-second bins in ``MinuteCounters`` that
  the writers of these items keep (``dwell.py``), so the live read never queries this table.
* ``ShowRecord`` (``insights-shows``): when the show went live and ended, and its event markers
  (products put on screen, stalls); and the win-back counts as last computed, so the console's
  polls read this one item instead of every viewer (``winback_cache.py``).
* ``ZoneFigures`` (``insights-zone-figures``): per (room, residency zone) the distinct counts and
  win-back counts of the zone's markets, counted inside the zone from its own tables
  (``zone_figures.py``, ``docs/residency.md``); counts only.
* ``CampaignRoom`` (``insights-campaigns``): the room of each coupon campaign.
* ``NodeSeen`` (``insights-nodes``): each media node's last batch and rooms, to close the sessions
  of a node that died.
* ``FeedNonce`` (``insights-nonces``): each accepted node batch, for 10 minutes, with a hash of
  its content: a replay is refused instead of counted twice, and a batch that failed part way
  holds the writes already made (``progress.BatchProgress``) until its retry finishes it.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    BinaryAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from functions.shared.db import TableModel, table_meta

ROOM_MARKET = "_room"  # the series of room-wide figures (the ingest), beside one per market

COUNTERS = (
    "starts",  # sessions whose first frame was sent in this minute (node)
    "joins",  # viewers whose first session of the show started in this minute
    "exits",  # viewers whose last open session ended in this minute
    "rendered",  # first frames rendered by players
    "ttff_ms",  # sum of players' time to first frame (ms); divide by ``rendered``
    "stalls",  # playback stalls reported by players
    "stall_ms",  # their summed duration (ms)
    "player_leaves",  # players that reported their viewer leaving (page closed, stop pressed)
    "taps",  # Buy/Claim taps while a product card was on screen (viewer pages)
    "shares",  # share links made by viewers (viewer pages)
    "ingest_gap_s",  # node-seconds without an ingest frame (``ROOM_MARKET``; its c00..c59: nodes per second)
    "comments",  # visible comments posted
    "positive",  # ... scored positive in their own language
    "negative",  # ... scored negative
    "questions",  # ... tagged as questions
    "moderated",  # comments held, rejected or masked by moderation
    "claims",  # coupons claimed
    "redemptions",  # coupons redeemed (net of cancellations)
    "gmv_minor",  # order totals of redemptions, minor units of the market's currency
    "highlights",  # products put on screen (``ROOM_MARKET``)
    "host_comments",  # comments by the host (``ROOM_MARKET``): a quiet host is a drop-off cause
)


QUALIFY_SECONDS = 10.0  # a viewer who watched this long is qualified (docs/insights.md)
DISTINCT_SHARDS = 8  # writers spread over this many items per (room, market, metric); reads union them


def series_key(room_id: str, market: str) -> str:
    return f"{room_id}#{market}"


def distinct_part(metric: str, shard: int) -> str:
    """Range key of one shard of a distinct set: ``reach#3``. Metrics: reach, qualified,
    commenters, claimers, redeemers, sharers, product_viewers (a product card on their screen
    while playing), tappers (tapped Buy or Claim then)."""
    return f"{metric}#{shard % DISTINCT_SHARDS}"


class MinuteCounters(TableModel):
    Meta = table_meta("insights-minutes")  # type: ignore[assignment]

    series = UnicodeAttribute(hash_key=True)  # series_key(room, market)
    minute = NumberAttribute(range_key=True)  # UNIX minute (epoch seconds // 60)
    currency = UnicodeAttribute(null=True)  # of gmv_minor in items written before ``FoldPage`` held it
    for _name in COUNTERS:
        locals()[_name] = NumberAttribute(null=True)
    for _second in range(60):
        locals()[f"c{_second:02d}"] = NumberAttribute(null=True)
    del _name, _second


def fold_part(minute: int, page: int) -> str:
    """Range key of one page of a minute's stream-folded counters: ``0029937412#0003``."""
    return f"{minute:010d}#{page:04d}"


class FoldPage(TableModel):
    """The counters of stream records (comments, claims, redemptions, stage, host) folded into one
    (room, market, minute), with the markers of those records, in pages of at most
    ``store.PAGE_MARKS`` markers (``docs/insights.md``, "Delivery").

    Counters and markers are in the same item so one conditional ``UpdateItem`` adds a batch's
    counts and checks that none of its records was counted before. A full page is closed and
    never written again; the next records go to the next page. So no item grows past ~10 KB
    however many records a minute gets, and a page's markers, once closed, can be cached.
    Reads add a minute's pages to its ``MinuteCounters`` item (node and player figures).
    """

    Meta = table_meta("insights-folds")  # type: ignore[assignment]

    series = UnicodeAttribute(hash_key=True)  # series_key(room, market)
    part = UnicodeAttribute(range_key=True)  # fold_part(minute, page)
    currency = UnicodeAttribute(null=True)  # of gmv_minor
    folded = UnicodeSetAttribute(null=True)  # markers of the stream records counted here (fold.record_marker)
    closed = NumberAttribute(null=True)  # 1: full, never written again
    for _name in COUNTERS:
        locals()[_name] = NumberAttribute(null=True)
    del _name


class DistinctSet(TableModel):
    # pseudonymous viewer keys are personal data: a zone's markets' sets stay in the zone, where
    # ``zone_figures`` counts them from the zone copy's stream
    Meta = table_meta("insights-distinct", zoned=True, zone_stream=True)  # type: ignore[assignment]

    series = UnicodeAttribute(hash_key=True)  # series_key(room, market)
    part = UnicodeAttribute(range_key=True)  # distinct_part(metric, shard)
    members = UnicodeSetAttribute(null=True)  # exact mode: viewer keys
    sketch = BinaryAttribute(null=True, legacy_encoding=False)  # HLL mode: DataSketches compact image
    version = NumberAttribute(default=0)


class ViewerPresence(TableModel):
    # a zone copy's stream feeds ``zone_figures``: the zone's win-back counts, counted in the zone
    Meta = table_meta("insights-viewers", zoned=True, zone_stream=True)  # type: ignore[assignment]

    room_id = UnicodeAttribute(hash_key=True)
    viewer = UnicodeAttribute(range_key=True)  # pseudonymous key (keys.viewer_key)
    market = UnicodeAttribute(null=True)
    sub = UnicodeAttribute(null=True)  # for the win-back segment; never leaves the insights API
    first_at = NumberAttribute(null=True)
    last_at = NumberAttribute(null=True)
    open_since = NumberAttribute(null=True)  # start of the current open session(s)
    sessions = NumberAttribute(default=0)  # sessions started (the first one makes the viewer a join)
    sessions_open = NumberAttribute(default=0)
    watched = NumberAttribute(default=0)  # seconds in closed sessions, capped to the show window
    claimed = NumberAttribute(null=True)
    redeemed = NumberAttribute(null=True)
    beacon_seq = NumberAttribute(null=True)  # the last player beacon accepted (replays refused)
    winback_published = NumberAttribute(null=True)  # 1: published to coupons as in the win-back segment
    # and per media node, ``o_<node hash>`` (``open_on_node``): this viewer's sessions open there,
    # so a dead node's sessions can be found and closed without a write per heartbeat


def open_on_node(node_id: str) -> NumberAttribute:
    """The viewer item's count of sessions open on ``node_id`` (an attribute named per node)."""
    import hashlib

    name = "o_" + hashlib.blake2b(node_id.encode(), digest_size=6).hexdigest()
    attr = NumberAttribute(attr_name=name)
    attr.attr_name = name
    return attr


class ShowsByMerchant(GlobalSecondaryIndex["ShowRecord"]):
    """A merchant's shows by start time: the health baselines and the next-show recommendation."""

    class Meta:
        index_name = "by-merchant"
        projection = AllProjection()

    merchant_sub = UnicodeAttribute(hash_key=True)
    live_at = NumberAttribute(range_key=True)


class ShowRecord(TableModel):
    Meta = table_meta("insights-shows")  # type: ignore[assignment]

    room_id = UnicodeAttribute(hash_key=True)
    merchant_sub = UnicodeAttribute(null=True)
    markets = ListAttribute(of=UnicodeAttribute, null=True)
    live_at = NumberAttribute(null=True)
    ended_at = NumberAttribute(null=True)
    events = ListAttribute(of=MapAttribute, null=True)  # {"at", "kind", "detail"} markers
    summary: MapAttribute[str, Any] = MapAttribute(null=True)  # written when the show ends (history.py)
    folded = UnicodeSetAttribute(null=True)  # markers of the stream records applied here (fold.record_marker)
    # the win-back counts as last computed (winback_cache.py): aggregates only, no viewer named
    winback_counts = UnicodeAttribute(null=True)  # JSON of winback.counts' answer
    winback_at = NumberAttribute(null=True)  # when that computation started (UNIX seconds)
    winback_lease = NumberAttribute(null=True)  # a computation is running until then (UNIX seconds)

    by_merchant = ShowsByMerchant()


class ZoneFigures(TableModel):
    """A residency zone's figures of one room, counted inside the zone (``zone_figures.py``).

    The distinct sets and viewer items of a zone's markets hold pseudonymous or personal data and
    stay in the zone; the function that counts them runs in the zone's home and writes here only
    counts (no key, no viewer), which the live read and the win-back poll anywhere combine with
    the default zone's. Global, written in the origin (like the other aggregates).
    """

    Meta = table_meta("insights-zone-figures")  # type: ignore[assignment]

    room_id = UnicodeAttribute(hash_key=True)
    zone = UnicodeAttribute(range_key=True)
    distinct = UnicodeAttribute(null=True)  # JSON of distinct_counts.ZoneCounts
    distinct_at = NumberAttribute(null=True)  # when that count started (UNIX seconds)
    winback = UnicodeAttribute(null=True)  # JSON of winback.counts for the zone's markets
    winback_at = NumberAttribute(null=True)


class AlertState(TableModel):
    """When an alert of one kind last fired for one room and market (at most one per cool-down)."""

    Meta = table_meta("insights-alert-state", replicated=False)  # type: ignore[assignment]

    room_id = UnicodeAttribute(hash_key=True)
    key = UnicodeAttribute(range_key=True)  # "<kind>#<market>"
    last_at = NumberAttribute()


class Alert(TableModel):
    """An alert for the merchant. Streamed: the fan-out pushes it to the console."""

    Meta = table_meta("insights-alerts", stream=True)  # type: ignore[assignment]

    room_id = UnicodeAttribute(hash_key=True)
    alert_id = UnicodeAttribute(range_key=True)  # "<at, zero-padded>#<kind>#<market>": time-ordered
    kind = UnicodeAttribute()  # drop-off | sentiment-spike | unanswered-surge
    market = UnicodeAttribute()  # a market code, or "*" for the whole room
    at = NumberAttribute()  # when the cause was seen (UNIX seconds)
    # drop-off only: ingest-drop | stall | product-shown | moderation-wave | host-quiet | unknown
    cause = UnicodeAttribute(null=True)
    detail = UnicodeAttribute()  # one sentence for the merchant
    figures: MapAttribute[str, Any] = MapAttribute(null=True)  # the numbers behind it
    merchant_sub = UnicodeAttribute(null=True)

    def view(self) -> dict[str, Any]:
        """What the merchant sees of the alert (the live API and the console push alike)."""
        figures: Any = self.figures
        return {
            "alert_id": self.alert_id,
            "kind": self.kind,
            "market": self.market,
            "at": self.at,
            "cause": self.cause,
            "detail": self.detail,
            "figures": figures.as_dict() if hasattr(figures, "as_dict") else figures or {},
        }


class CampaignRoom(TableModel):
    """Which room a coupon campaign belongs to, from the campaigns stream (claims name only the
    campaign; insights reads other packages' tables only through their streams)."""

    Meta = table_meta("insights-campaigns")  # type: ignore[assignment]

    campaign_id = UnicodeAttribute(hash_key=True)
    room_id = UnicodeAttribute()


FLEET = "nodes"  # the one partition of ``insights-nodes``: a query lists every node that reported


class NodeSeen(TableModel):
    """When a media node last sent a batch, and the rooms it served: a node silent for longer
    than ``sweep.NODE_GRACE_SECONDS`` is dead, and its viewers' sessions are closed
    (``sweep.close_dead_nodes``, scheduled). Origin-only, like the feed it comes from."""

    Meta = table_meta("insights-nodes", replicated=False)  # type: ignore[assignment]

    fleet = UnicodeAttribute(hash_key=True)  # always FLEET
    node_id = UnicodeAttribute(range_key=True)
    last_seen = NumberAttribute()
    rooms = UnicodeSetAttribute(null=True)  # rooms with a session open or reported lately (store.node_seen)
    batch = NumberAttribute(null=True)  # the newest batch that set ``rooms``
    closed_at = NumberAttribute(null=True)  # its sessions were closed (it may come back later)


class FeedNonce(TableModel):
    """A node batch seen (``store.claim_batch``): ``node:<node id>:<batch>``, for 10 minutes."""

    Meta = table_meta("insights-nonces", replicated=False, ttl_attribute="expires_at")  # type: ignore[assignment]

    nonce = UnicodeAttribute(hash_key=True)
    expires_at = NumberAttribute()
    digest = UnicodeAttribute(null=True)  # progress.digest_of the batch: a retry must carry the same
    # JSON of progress.BatchProgress: the writes an attempt made before it failed; removed by the
    # retry that takes the batch over (absent: counted whole, or still being applied)
    progress = UnicodeAttribute(null=True)
    attempts = NumberAttribute(null=True)  # failed attempts recorded (one retry takes each over)
