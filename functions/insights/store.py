"""Writing ``Deltas`` to the insights tables: one request per touched item, atomic counters.

Counters and per-second presence are ``ADD`` updates (commutative, so nodes, beacons and stream
consumers never read before writing and never lose a concurrent update). Distinct sets grow with
an atomic set ``ADD`` while exact, and become an HLL sketch written under a version condition
past ``sketch.EXACT_LIMIT``. Viewer items change only when a session starts or ends or a funnel
step happens, never per heartbeat.
"""

from __future__ import annotations

import random
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from pynamodb.exceptions import PutError, UpdateError
from pynamodb.expressions.condition import size

from functions.insights import dwell
from functions.insights.fold import Deltas, viewer_key
from functions.insights.models import (
    DISTINCT_SHARDS,
    FLEET,
    QUALIFY_SECONDS,
    CampaignRoom,
    DistinctSet,
    FeedNonce,
    FoldPage,
    MinuteCounters,
    NodeSeen,
    ShowRecord,
    ViewerPresence,
    distinct_part,
    fold_part,
    open_on_node,
    series_key,
)
from functions.insights.progress import BatchProgress, SessionWrite
from functions.insights.schemas import SessionEvent
from functions.insights.sketch import EXACT_LIMIT, Distinct
from functions.shared.zones import bind

NONCE_TTL_SECONDS = 600
SKETCH_RETRIES = 8


class ReplayedError(Exception):
    """An input whose nonce or sequence number was accepted before."""


def _conditional_failed(exc: Exception) -> bool:
    cause = getattr(exc, "cause_response_code", None)
    return cause == "ConditionalCheckFailedException"


class BatchMismatchError(Exception):
    """A node batch whose number was seen before with other content (a node reusing numbers, or a
    forgery by a holder of the fleet's secret): counting it could mix two batches."""


def claim_batch(nonce: str, digest: str, now: float | None = None) -> BatchProgress:
    """Take node batch ``nonce`` (content hash ``digest``) to apply it; what earlier attempts wrote.

    The first time: the nonce item is put with the digest (one write, as before), and the batch is
    applied from scratch. Seen before with other content: ``BatchMismatchError``. Seen before and
    counted whole, or still being applied: ``ReplayedError``. Seen before, and an attempt failed part
    way (``record_progress``): its progress is taken over (removed under the condition that no other
    retry took it first) and returned, so this attempt makes only the writes still missing.
    """
    now = time.time() if now is None else now
    try:
        FeedNonce(nonce, expires_at=int(now + NONCE_TTL_SECONDS), digest=digest).save(
            condition=FeedNonce.nonce.does_not_exist()
        )
        return BatchProgress()
    except PutError as exc:
        if not _conditional_failed(exc):
            raise
    try:
        seen = FeedNonce.get(nonce, consistent_read=True)
    except FeedNonce.DoesNotExist:
        raise ReplayedError(nonce) from None  # expired this very moment: older than any retry
    if seen.digest is not None and seen.digest != digest:
        raise BatchMismatchError(nonce)
    if seen.progress is None:
        raise ReplayedError(nonce)
    try:
        FeedNonce(nonce).update(
            actions=[FeedNonce.progress.remove()],
            condition=FeedNonce.progress.exists() & (FeedNonce.attempts == int(seen.attempts or 0)),
        )
    except UpdateError as exc:
        if _conditional_failed(exc):
            raise ReplayedError(nonce) from exc  # another retry took it over
        raise
    return BatchProgress.from_json(seen.progress)


def record_progress(nonce: str, progress: BatchProgress, now: float | None = None) -> None:
    """After a failed attempt: the writes it made, for the batch's retry (``claim_batch``)."""
    now = time.time() if now is None else now
    FeedNonce(nonce).update(
        actions=[
            FeedNonce.progress.set(progress.to_json()),
            FeedNonce.attempts.add(1),
            FeedNonce.expires_at.set(int(now + NONCE_TTL_SECONDS)),
        ]
    )


Refold = Callable[[frozenset[str]], Deltas]  # the batch folded again without the records already applied


def apply(
    deltas: Deltas, shard: int | None = None, refold: Refold | None = None, progress: BatchProgress | None = None
) -> int:
    """Write every change of ``deltas``; returns the number of DynamoDB write requests made.

    ``shard``: which shard of each distinct set to add to (a node passes its own; otherwise one
    is drawn at random, which spreads stream batches over the shards).

    ``refold``: for stream batches. Each minute's fold page (``_write_folded``) and show item a
    batch touches is written under the condition that none of the batch's records for it were
    applied before (``_marks_condition``), adding their markers in the same ``UpdateItem``. When
    the condition fails (a Lambda retry of a batch that partly succeeded), the item is read,
    ``refold`` folds the batch again without the records it already holds, and only the rest is
    written.

    ``progress``: for node batches. The minute items it names were written by an earlier attempt
    of the batch and are skipped; each minute item written now is added to it as soon as its write
    returns (a failed attempt records it: ``record_progress``). Distinct sets are idempotent.
    """
    shard = random.randrange(DISTINCT_SHARDS) if shard is None else shard
    writes = 0
    keys = set(deltas.counters) | set(deltas.seconds) | set(deltas.currency)
    for key in sorted(keys):
        if progress is not None and key in progress.minutes:
            continue
        writes += _write_minute(key, deltas, refold)
        if progress is not None:
            progress.minutes.add(key)
    for (room_id, market, metric), members in sorted(deltas.distinct.items()):
        fresh = {m for m in members if ("d", room_id, market, metric, m) not in _known}
        if fresh:
            add_distinct(room_id, market, metric, fresh, shard)
            _remember(("d", room_id, market, metric, m) for m in fresh)
            writes += 1
    for (room_id, viewer_id), viewer in deltas.viewers.items():
        writes += _write_viewer(room_id, viewer_id, viewer)
    for campaign_id, room_id in deltas.campaigns.items():
        CampaignRoom(campaign_id, room_id=room_id).save()
        writes += 1
    for room_id in deltas.shows:
        writes += _write_show(room_id, deltas, refold)
    return writes


# -- exactly once per stream record ---------------------------------------------------------------

MAX_CONDITION_MARKS = 120  # markers checked one by one in a condition (its expression stays < 4 KB)
CONFLICT_RETRIES = 4


def _marks_condition(attr: Any, marks: list[str]) -> Any:
    """None of ``marks`` is in ``attr`` yet.

    Every marker is checked up to ``MAX_CONDITION_MARKS`` (Lambda's batches are 100 records).
    Past that only the first and the last: Lambda delivers a shard's records in order and a retry
    (whole or bisected) is a contiguous run of an earlier delivery, so an item either holds all of
    a run's records for it or none, or a prefix ending before the last one.
    """
    checked = marks if len(marks) <= MAX_CONDITION_MARKS else [marks[0], marks[-1]]
    condition = None
    for mark in checked:
        part = ~attr.contains(mark)
        condition = part if condition is None else condition & part
    return attr.does_not_exist() | condition


def _applied(model: type[Any], *key: Any) -> frozenset[str]:
    try:
        item = model.get(*key, consistent_read=True)
    except model.DoesNotExist:
        return frozenset()
    return frozenset(item.folded or ())


def _write_minute(key: tuple[str, str, int], deltas: Deltas, refold: Refold | None) -> int:
    """Node and player figures go to the minute item (plain ``ADD``s); stream records' counts,
    marked, go to the minute's fold pages (``_write_folded``)."""
    if deltas.minute_marks.get(key):
        return _write_folded(key, deltas, refold)
    room_id, market, minute = key
    actions: list[Any] = []
    for name, amount in sorted(deltas.counters.get(key, {}).items()):
        if amount:
            actions.append(getattr(MinuteCounters, name).add(amount))
    for second, viewers in sorted(deltas.seconds.get(key, {}).items()):
        actions.append(getattr(MinuteCounters, f"c{second:02d}").add(viewers))
    currency = deltas.currency.get(key)
    if currency:
        actions.append(MinuteCounters.currency.set(currency))
    if not actions:
        return 0
    MinuteCounters(series_key(room_id, market), minute).update(actions=actions)
    return 1


# A fold page holds at most this many markers (~6.5 KB): a write to it costs at most ~8 write units
# however busy the minute, and a closed page's markers are cheap to read and to keep in memory.
PAGE_MARKS = 500
PAGE_CACHE = 2_000  # closed pages' markers kept per process (at most ~1M markers, ~60 MB)
MAX_PAGE_STEPS = 1_000  # writes, re-folds and page moves for one batch's minute before giving up
_open_page: OrderedDict[tuple[str, str, int], int] = OrderedDict()  # the lowest page not known closed
_closed_pages: OrderedDict[tuple[str, str, int, int], frozenset[str]] = OrderedDict()


def _closed_marks(key: tuple[str, str, int], page: int) -> frozenset[str]:
    """The markers of a closed page: it is never written again, so they are read once and cached."""
    cached = _closed_pages.get((*key, page))
    if cached is not None:
        _closed_pages.move_to_end((*key, page))
        return cached
    room_id, market, minute = key
    item = FoldPage.get(series_key(room_id, market), fold_part(minute, page), consistent_read=True)
    assert item.closed, f"fold page {key}/{page} is not closed"
    marks = frozenset(item.folded or ())
    _closed_pages[(*key, page)] = marks
    while len(_closed_pages) > PAGE_CACHE:
        _closed_pages.popitem(last=False)
    return marks


def _write_folded(key: tuple[str, str, int], deltas: Deltas, refold: Refold | None) -> int:
    """Add a stream batch's counts for one (room, market, minute) to its open fold page, once.

    The page is written under the condition that it is not closed, that none of the batch's
    records for it is in it yet (``_marks_condition``) and that their markers fit in
    ``PAGE_MARKS``. The closed pages before it are checked from their (cached) markers. Records
    found already counted (a Lambda retry) are folded out with ``refold``; a page the batch does
    not fit in is closed and the next one is tried. Returns the number of write requests.
    """
    room_id, market, minute = key
    series = series_key(room_id, market)
    page = _open_page[key] if key in _open_page else _load_pages(key)
    applied: set[str] = set()
    writes = 0
    for _ in range(MAX_PAGE_STEPS):
        marks = list(deltas.minute_marks.get(key, {}))
        if not marks:
            return writes
        wanted = set(marks)
        for closed in range(page):
            applied |= wanted & _closed_marks(key, closed)
        if applied & wanted:
            if refold is None:
                raise RuntimeError(f"records already counted in {series}/{minute}, and no way to fold them out")
            deltas = refold(frozenset(applied)).minute_only(key)
            continue
        actions: list[Any] = []
        for name, amount in sorted(deltas.counters.get(key, {}).items()):
            if amount:
                actions.append(getattr(FoldPage, name).add(amount))
        currency = deltas.currency.get(key)
        if currency:
            actions.append(FoldPage.currency.set(currency))
        actions.append(FoldPage.folded.add(wanted))
        room_left = FoldPage.folded.does_not_exist() | (size(FoldPage.folded) <= PAGE_MARKS - len(marks))
        condition = FoldPage.closed.does_not_exist() & _marks_condition(FoldPage.folded, marks) & room_left
        try:
            FoldPage(series, fold_part(minute, page)).update(actions=actions, condition=condition)
            _remember_open_page(key, page)
            return writes + 1
        except UpdateError as exc:
            if not _conditional_failed(exc):
                raise
        writes += 1
        try:
            item = FoldPage.get(series, fold_part(minute, page), consistent_read=True)
        except FoldPage.DoesNotExist:
            continue  # (cannot fail on a missing page; retried as it is)
        held = wanted & set(item.folded or ())
        if held:
            applied |= held  # a retry of records counted in this page: fold them out, same page
            continue
        if not item.closed:
            # the batch does not fit: close the page (it is never written again) and go on
            FoldPage(series, fold_part(minute, page)).update(actions=[FoldPage.closed.set(1)])
            writes += 1
        page += 1
        _remember_open_page(key, page)
    raise RuntimeError(f"fold page of {series}/{minute} kept conflicting; gave up")


def _load_pages(key: tuple[str, str, int]) -> int:
    """A minute this process has not written yet: one query reads its pages, caches the closed
    ones' markers and returns the first page not closed (a cold container, or a retry of an old
    minute, does not walk the pages one failed write at a time)."""
    room_id, market, minute = key
    page = 0
    pages = FoldPage.query(
        series_key(room_id, market),
        FoldPage.part.startswith(f"{minute:010d}#"),
        consistent_read=True,
        attributes_to_get=["part", "closed", "folded"],
    )
    for item in pages:
        number = int(str(item.part).split("#", 1)[1])
        if not item.closed:
            break
        _closed_pages[(*key, number)] = frozenset(item.folded or ())
        page = number + 1
    while len(_closed_pages) > PAGE_CACHE:
        _closed_pages.popitem(last=False)
    return page


def _remember_open_page(key: tuple[str, str, int], page: int) -> None:
    _open_page[key] = page
    _open_page.move_to_end(key)
    while len(_open_page) > KNOWN_LIMIT // 50:
        _open_page.popitem(last=False)


def _write_show(room_id: str, deltas: Deltas, refold: Refold | None) -> int:
    for attempt in range(CONFLICT_RETRIES):
        show = deltas.shows.get(room_id)
        if show is None:
            return attempt
        actions: list[Any] = []
        if show.merchant_sub is not None:
            actions.append(ShowRecord.merchant_sub.set(show.merchant_sub))
        if show.markets is not None:
            actions.append(ShowRecord.markets.set(show.markets))  # type: ignore[arg-type]
        if show.live_at is not None:
            actions.append(ShowRecord.live_at.set(ShowRecord.live_at | show.live_at))
        if show.ended_at is not None:
            actions.append(ShowRecord.ended_at.set(show.ended_at))
        if show.events:
            actions.append(ShowRecord.events.set((ShowRecord.events | []).append(show.events)))
        if not actions:
            return attempt
        marks = list(deltas.show_marks.get(room_id, {}))
        condition = None
        if marks:
            actions.append(ShowRecord.folded.add(set(marks)))
            condition = _marks_condition(ShowRecord.folded, marks)
        try:
            ShowRecord(room_id).update(actions=actions, condition=condition)
            return attempt + 1
        except UpdateError as exc:
            if not (_conditional_failed(exc) and refold is not None):
                raise
        deltas = refold(_applied(ShowRecord, room_id)).show_only(room_id)
    raise RuntimeError(f"show item {room_id} kept conflicting; gave up")


# -- first touches only -----------------------------------------------------------------------------

KNOWN_LIMIT = 500_000  # (viewer, step) and (set, member) facts remembered per process, ~60 MB at most
_known: OrderedDict[tuple[str, ...], None] = OrderedDict()


def _remember(facts: Iterable[tuple[str, ...]]) -> None:
    """Remember facts already stored for good (a set member, a viewer's first step time): writing
    them again changes nothing, so a later batch skips them. Least recently used are forgotten."""
    for fact in facts:
        _known[fact] = None
        _known.move_to_end(fact)
    while len(_known) > KNOWN_LIMIT:
        _known.popitem(last=False)


def forget_known() -> None:
    """Forget every remembered fact and fold page (tests that recreate tables, a cold container)."""
    _known.clear()
    _open_page.clear()
    _closed_pages.clear()


STEPS = ("claimed", "redeemed")


def _write_viewer(room_id: str, key: str, viewer: Any) -> int:
    """A viewer's first claim or redemption (what the win-back segment reads): written once,
    skipped when already stored.

    The step times are ``if_not_exists``: once a step is stored, writing it again changes nothing,
    so a step this process already stored is not written again. A viewer who claims 3 coupons
    costs one write here, not 3. Comments write no viewer item (the commenters set is the step).
    """
    steps = [name for name in STEPS if getattr(viewer, name) is not None and ("v", room_id, key, name) not in _known]
    if not steps:
        return 0
    actions: list[Any] = []
    if viewer.market is not None:  # the first market stays: the viewer's dwell bin is in it (``dwell.py``)
        actions.append(ViewerPresence.market.set(ViewerPresence.market | viewer.market))
    if viewer.sub is not None:
        actions.append(ViewerPresence.sub.set(viewer.sub))
    for name in steps:
        attr = getattr(ViewerPresence, name)
        actions.append(attr.set(attr | getattr(viewer, name)))  # if_not_exists: the first time counts
    bind(ViewerPresence, viewer.market)(room_id, key).update(actions=actions)  # the viewer's residency zone
    _remember(("v", room_id, key, name) for name in steps)
    return 1


def add_distinct(room_id: str, market: str, metric: str, members: set[str], shard: int = 0) -> None:
    """Add viewer keys to a distinct set: atomic set ``ADD`` while exact, a versioned HLL after.

    The set is in ``market``'s residency zone (the keys are pseudonymous personal data).
    """
    model = bind(DistinctSet, market)
    series = series_key(room_id, market)
    part = distinct_part(metric, shard)
    for _ in range(SKETCH_RETRIES):
        try:
            item = model.get(series, part)
        except model.DoesNotExist:
            item = None
        if item is None or item.sketch is None:
            fresh = model(series, part)
            try:
                fresh.update(
                    actions=[model.members.add(members)],
                    condition=model.sketch.does_not_exist(),
                )
            except UpdateError as exc:
                if _conditional_failed(exc):
                    continue  # became a sketch meanwhile: add to the sketch
                raise
            if len(fresh.members or ()) <= EXACT_LIMIT:
                return
            item = fresh
        distinct = Distinct.load(item.members, item.sketch)
        distinct.add(members)
        version = int(item.version or 0)
        try:
            model(series, part).update(
                actions=[
                    model.sketch.set(distinct.image() or b""),
                    model.members.remove(),
                    model.version.set(version + 1),
                ],
                condition=(model.version == version) | model.version.does_not_exist(),
            )
            return
        except UpdateError as exc:
            if not _conditional_failed(exc):
                raise
    raise RuntimeError(f"distinct set {series}/{part} kept changing; gave up after {SKETCH_RETRIES} tries")


def apply_sessions(
    events: list[SessionEvent], deltas: Deltas, node_id: str = "", progress: BatchProgress | None = None
) -> int:
    """Update viewer items for session starts/ends; joins, exits, reach, qualified go to ``deltas``.

    One ``UpdateItem`` per event (a session starts and ends once), returning the new item so the
    first session of a viewer counts as a join and the last one closing as an exit, without a read.

    ``progress``: for node batches. An event it holds was written by an earlier attempt of the
    batch: its deltas come from the item as that write returned it, and nothing is written again.
    Each event written now is added to it as soon as its write returns.
    """
    writes = 0
    on_node = open_on_node(node_id)
    for index, event in enumerate(events):
        key = viewer_key(event.room_id, event.sub)
        if event.event == "qualified":
            deltas.distinct[(event.room_id, event.market, "qualified")].add(key)
            continue
        if progress is not None and index in progress.sessions:
            written = progress.sessions[index]
        else:
            written = _write_session(event, key, on_node)
            writes += 1
            if progress is not None:
                progress.sessions[index] = written
        if written is None:
            continue  # a node declared dead had its sessions closed already: its late "end" is ignored
        state = written.state
        if event.event == "start":
            dwell.move(deltas, event.room_id, written.market, dwell.before_start(state, written.sessions), state)
            deltas.count(event.room_id, event.market, event.at, "starts")
            deltas.distinct[(event.room_id, event.market, "reach")].add(key)
            if written.sessions == 1:
                deltas.count(event.room_id, event.market, event.at, "joins")
            continue
        dwell.move(deltas, event.room_id, written.market, dwell.before_end(state, event.watched), state)
        if state.sessions_open <= 0:
            deltas.count(event.room_id, event.market, event.at, "exits")
            if progress is None or index not in progress.closed:
                _close_last_session(event, key)
                writes += 1
                if progress is not None:
                    progress.closed.add(index)
        if state.watched >= QUALIFY_SECONDS:
            deltas.distinct[(event.room_id, event.market, "qualified")].add(key)
    return writes


def _write_session(event: SessionEvent, key: str, on_node: Any) -> SessionWrite | None:
    """The viewer item's update for a session start or end, and the item as it returned it (None:
    an end from a node declared dead, whose sessions the sweep closed already)."""
    item = bind(ViewerPresence, event.market)(event.room_id, key)  # the viewer's residency zone
    if event.event == "start":
        item.update(
            actions=[
                # the first market stays: the viewer's dwell bin is in it (``dwell.py``)
                ViewerPresence.market.set(ViewerPresence.market | event.market),
                ViewerPresence.sub.set(event.sub),
                ViewerPresence.first_at.set(ViewerPresence.first_at | event.at),
                ViewerPresence.open_since.set(ViewerPresence.open_since | event.at),
                ViewerPresence.sessions.add(1),
                ViewerPresence.sessions_open.add(1),
                on_node.add(1),
            ]
        )
    else:
        try:
            item.update(
                actions=[
                    ViewerPresence.watched.add(event.watched),
                    ViewerPresence.sessions_open.add(-1),
                    ViewerPresence.last_at.set(event.at),
                    on_node.add(-1),
                ],
                condition=(on_node > 0) | on_node.does_not_exist(),
            )
        except UpdateError as exc:
            if _conditional_failed(exc):
                return None
            raise
    return SessionWrite(str(item.market), int(item.sessions or 0), dwell.state_of(item))


def _close_last_session(event: SessionEvent, key: str) -> None:
    """The viewer's last open session ended: its ``open_since`` goes, unless a session started
    meanwhile (it kept this start, and its dwell bin did too)."""
    try:
        bind(ViewerPresence, event.market)(event.room_id, key).update(
            actions=[ViewerPresence.open_since.remove()],
            condition=ViewerPresence.sessions_open <= 0,
        )
    except UpdateError as exc:
        if not _conditional_failed(exc):
            raise


def accept_beacon_seq(room_id: str, sub: str, market: str, seq: int) -> None:
    """Advance the viewer's beacon sequence; ``ReplayedError`` unless ``seq`` is newer."""
    item = bind(ViewerPresence, market)(room_id, viewer_key(room_id, sub))  # the viewer's residency zone
    try:
        item.update(
            actions=[ViewerPresence.beacon_seq.set(seq), ViewerPresence.market.set(ViewerPresence.market | market)],
            condition=ViewerPresence.beacon_seq.does_not_exist() | (ViewerPresence.beacon_seq < seq),
        )
    except UpdateError as exc:
        if _conditional_failed(exc):
            raise ReplayedError(f"{room_id}/{seq}") from exc
        raise


def release_beacon_seq(room_id: str, sub: str, market: str, seq: int) -> None:
    """Give back beacon ``seq`` that was taken but not counted (its counters' write failed), so the
    same beacon sent again is accepted; unless a newer beacon was accepted meanwhile."""
    item = bind(ViewerPresence, market)(room_id, viewer_key(room_id, sub))
    try:
        item.update(actions=[ViewerPresence.beacon_seq.set(seq - 1)], condition=ViewerPresence.beacon_seq == seq)
    except UpdateError as exc:
        if not _conditional_failed(exc):
            raise


# -- the node registry (the dead-node sweep reads it: ``sweep.py``) ---------------------------------


def node_seen(
    node_id: str, rooms: set[str], now: float, *, batch: int | None = None, active_rooms: set[str] | None = None
) -> int:
    """Note a node's batch: its last report and the rooms the API must keep looking at for it.

    Those are the rooms where it has sessions open (the dead-node sweep closes them if it dies) and
    the rooms it reported lately (the scheduled alert check scans their last seconds). A node that
    names them (``active_rooms``, with its increasing ``batch``) replaces the registry's set with
    them, unless a newer batch already did: so the set holds what the node serves now, not every
    room it ever served (a long-lived edge would otherwise grow its item towards DynamoDB's 400 KB
    limit, and every sweep and check of it would read every room of its life). A late, older batch
    only adds its rooms (a room too many costs one empty read; a room too few would leave sessions
    open). Without ``active_rooms`` the batch's rooms are added. One write per batch; two for a
    late one.
    """
    alive: list[Any] = [NodeSeen.last_seen.set(now), NodeSeen.closed_at.remove()]
    node = NodeSeen(FLEET, node_id)
    if active_rooms is not None and batch is not None:
        rooms_now = NodeSeen.rooms.set(active_rooms) if active_rooms else NodeSeen.rooms.remove()
        replace = [rooms_now, NodeSeen.batch.set(batch)]
        try:
            node.update(actions=alive + replace, condition=NodeSeen.batch.does_not_exist() | (NodeSeen.batch < batch))
            return 1
        except UpdateError as exc:
            if not _conditional_failed(exc):
                raise
        node.update(actions=alive + ([NodeSeen.rooms.add(rooms)] if rooms else []))
        return 2
    node.update(actions=alive + ([NodeSeen.rooms.add(rooms)] if rooms else []))
    return 1
