"""The dead-node sweep: the open sessions of a media node that stopped reporting are closed.

A node whose last batch is older than ``NODE_GRACE_SECONDS`` is dead; each of its viewers'
sessions ends at its last batch + the grace (``docs/insights.md``, "A dead node's sessions").
The sweep runs off the read path: in AWS a scheduled Lambda (``handler``, every minute, origin
only: ``functions/specs.py``), on the embedded platform a periodic task (``crosslive.dev.schedule``).
It never runs inside a request, so a dead fleet of large rooms costs the merchant's live read
nothing.

Work per sweep: one query of the node registry, then one (paginated) query per room a dead
node served, per residency zone's viewer table, however many dead nodes served the room: the
viewer items with a session open on any of them. Each such viewer is closed for all its dead
nodes in one ``UpdateItem``, under the condition that nothing changed since it was read (its
count of sessions open on each of those nodes and in all, its seconds watched, its open
session's start), so two sweeps never close a session twice. A node is marked closed once every
room it served was swept to the end.

The viewers' updates are independent, so ``SWEEP_WORKERS`` threads send them concurrently (one
shared botocore client; the deltas are added to in the calling thread only). Not one
``TransactWriteItems`` of 100: while a transaction is in flight, any other write to one of its
items fails with ``TransactionConflictException`` (botocore does not retry it), and the viewers
of a dead node who failed over are the ones a living node and their player write to: their
batches and beacons would fail and have to be sent again.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError
from pynamodb.exceptions import UpdateError

from functions.insights import dwell, store
from functions.insights.fold import UNKNOWN_MARKET, Deltas
from functions.insights.models import FLEET, QUALIFY_SECONDS, NodeSeen, ViewerPresence, open_on_node
from functions.shared.zones import everywhere

log = logging.getLogger("crosslive.insights.sweep")

NODE_GRACE_SECONDS = 60.0  # a node keeps unsent batches for a minute (media_nodes/insights_feed.py)
# A filter of more dead nodes than this would pass DynamoDB's 4 KB expression limit: the room's
# query then reads every viewer item and the sweep picks them out (the read costs the same).
MAX_FILTERED_NODES = 150
# What the scheduled Lambda leaves of its time when it stops starting new work.
HANDLER_MARGIN_SECONDS = 10.0
# Viewer updates in flight at once. A conditional UpdateItem waits ~5-10 ms on DynamoDB and costs
# this process ~1 ms of CPU (botocore: build, sign, send, parse), so past ~8 in flight the sweep
# waits on its own CPU, not on DynamoDB. It stays under PynamoDB's pool of 10 connections
# (``max_pool_connections``), which the workers share through one botocore client.
SWEEP_WORKERS = 8


@dataclass
class SweepResult:
    """What one sweep did (returned by ``close_dead_nodes``; logged by the scheduled function)."""

    dead_nodes: int = 0
    closed_nodes: int = 0  # marked closed: every room they served swept to the end
    sessions: int = 0  # sessions closed
    viewers: int = 0  # viewer items updated
    queries: int = 0  # query requests (pages) of the viewer tables
    complete: bool = True  # False: out of time or raced; the rest waits for the next sweep
    rooms: set[str] = field(default_factory=set)


@dataclass
class _DeadNode:
    node_id: str
    last_seen: float
    rooms: set[str]

    @property
    def ends_at(self) -> float:
        return self.last_seen + NODE_GRACE_SECONDS


def dead_nodes(now: float) -> list[_DeadNode]:
    """Nodes not yet closed whose last batch is older than the grace (one query of the registry)."""
    found = []
    for node in NodeSeen.query(FLEET, filter_condition=NodeSeen.closed_at.does_not_exist()):
        if float(node.last_seen) + NODE_GRACE_SECONDS <= now:
            found.append(_DeadNode(str(node.node_id), float(node.last_seen), set(node.rooms or ())))
    return found


def close_dead_nodes(now: float | None = None, *, deadline: float | None = None) -> SweepResult:
    """Close the open sessions of every node silent for longer than ``NODE_GRACE_SECONDS``.

    ``deadline`` (``time.monotonic()`` clock): no new query page or viewer update starts after it;
    a node not finished stays unmarked and the next sweep takes it up again (closing is idempotent).
    """
    now = time.time() if now is None else now
    result = SweepResult()
    dead = dead_nodes(now)
    result.dead_nodes = len(dead)
    by_room: dict[str, list[_DeadNode]] = defaultdict(list)
    for node in dead:
        for room_id in node.rooms:
            by_room[room_id].append(node)
    unfinished: set[str] = set()  # rooms not swept to the end
    deltas = Deltas()
    try:
        with ThreadPoolExecutor(max_workers=SWEEP_WORKERS, thread_name_prefix="sweep") as pool:
            for room_id in sorted(by_room):
                for table in everywhere(ViewerPresence):  # every residency zone's viewer table
                    if not _sweep_room(table, room_id, by_room[room_id], deltas, deadline, result, pool):
                        unfinished.add(room_id)
                result.rooms.add(room_id)
    finally:
        if deltas:  # what was closed is counted, even if a later update raised
            store.apply(deltas)
    for node in dead:
        if node.rooms & unfinished:
            result.complete = False
            continue
        try:
            NodeSeen(FLEET, node.node_id).update(
                actions=[NodeSeen.closed_at.set(now)],
                condition=NodeSeen.last_seen == node.last_seen,  # it did not come back meanwhile
            )
            result.closed_nodes += 1
        except UpdateError as exc:
            if not _conditional_failed(exc):
                raise
    return result


def _conditional_failed(exc: Exception) -> bool:
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"


def _out_of_time(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() >= deadline


def _sweep_room(
    table: type[ViewerPresence],
    room_id: str,
    nodes: list[_DeadNode],
    deltas: Deltas,
    deadline: float | None,
    result: SweepResult,
    pool: ThreadPoolExecutor,
) -> bool:
    """Close, in one zone's viewer table, the sessions of ``room_id`` open on any of ``nodes``.

    One query (paginated) for all the dead nodes of the room; each page's viewers are closed by
    ``SWEEP_WORKERS`` concurrent updates. Returns whether the room was swept to the end (False:
    out of time, or an item changed meanwhile and waits for the next sweep).
    """
    attrs = {open_on_node(node.node_id).attr_name: node for node in nodes}
    connection = table._get_connection()
    query: dict[str, Any] = {
        "TableName": connection.table_name,
        "KeyConditionExpression": "room_id = :room",
        "ExpressionAttributeValues": {":room": {"S": room_id}},
        "ConsistentRead": True,
    }
    if len(attrs) <= MAX_FILTERED_NODES:
        names = {f"#o{i}": name for i, name in enumerate(sorted(attrs))}
        query["FilterExpression"] = " OR ".join(f"{placeholder} > :zero" for placeholder in names)
        query["ExpressionAttributeNames"] = names
        query["ExpressionAttributeValues"][":zero"] = {"N": "0"}
    # made here, in this thread, before any worker uses it: botocore clients are thread-safe, and
    # PynamoDB creates its client lazily (two threads could each make one)
    client = connection.connection.client
    done = True
    while True:
        if _out_of_time(deadline):
            return False  # the next sweep reads this room again
        page = client.query(**query)
        result.queries += 1
        closings = [
            closing
            for raw in page.get("Items", [])
            if (closing := _closing(connection.table_name, room_id, raw, attrs)) is not None
        ]
        if not _close_all(client, closings, deltas, deadline, result, pool):
            done = False  # changed meanwhile or out of time: the next sweep reads it again
        if not page.get("LastEvaluatedKey"):
            return done
        query["ExclusiveStartKey"] = page["LastEvaluatedKey"]


@dataclass(frozen=True)
class _Closing:
    """One viewer's close: its conditional ``UpdateItem`` and its dwell state before and after."""

    room_id: str
    key: str
    market: str
    request: dict[str, Any]  # the UpdateItem's parameters (low-level client)
    sessions: int  # sessions it closes
    ends_at: float
    before: dwell.State
    after: dwell.State


def _closing(table_name: str, room_id: str, raw: dict[str, Any], attrs: dict[str, _DeadNode]) -> _Closing | None:
    """The close of one viewer's sessions on every dead node it has some open on (None: none).

    The sessions end at their node's last batch + the grace. The seconds from the viewer's open
    session start to the latest of those ends count as watched; a viewer with sessions left on a
    living node (a failover) keeps watching there, counted from that end on.

    The update's condition is that nothing it depends on changed since the item was read: the
    counts of sessions open (on each of those nodes and in all), the seconds watched and the open
    session's start. So a session is never closed twice, and the item's state before the update
    is the one read, and after it the one computed here (``dwell.move`` needs both, and the
    update returns nothing: ``ReturnValues`` would cost its parsing per viewer).
    """
    counts = {name: int(raw[name]["N"]) for name in attrs if name in raw and int(raw[name]["N"]) > 0}
    if not counts:
        return None
    before = dwell.state_of_raw(raw)
    ends_at = max(attrs[name].ends_at for name in counts)
    since = float(raw["open_since"]["N"]) if "open_since" in raw else ends_at
    closing = sum(counts.values())
    left = before.sessions_open - closing
    added = max(0.0, ends_at - since)
    names = {
        "#open": ViewerPresence.sessions_open.attr_name,
        "#watched": ViewerPresence.watched.attr_name,
        "#last": ViewerPresence.last_at.attr_name,
        "#since": ViewerPresence.open_since.attr_name,
    }
    values: dict[str, Any] = {
        ":closing": {"N": str(-closing)},
        ":added": {"N": ViewerPresence.watched.serialize(added)},
        ":end": {"N": ViewerPresence.last_at.serialize(ends_at)},
        ":open": {"N": str(before.sessions_open)},
    }
    adds = ["#open :closing", "#watched :added"]
    conditions = ["#open = :open"]
    for i, (name, count) in enumerate(sorted(counts.items())):
        names[f"#o{i}"] = name
        values[f":c{i}"], values[f":m{i}"] = {"N": str(count)}, {"N": str(-count)}
        adds.append(f"#o{i} :m{i}")
        conditions.append(f"#o{i} = :c{i}")
    for placeholder, attr in (("#watched", "watched"), ("#since", "open_since")):
        if attr in raw:
            values[f":was_{attr}"] = raw[attr]
            conditions.append(f"{placeholder} = :was_{attr}")
        else:
            conditions.append(f"attribute_not_exists({placeholder})")
    sets = "SET #last = :end, #since = :end" if left > 0 else "SET #last = :end REMOVE #since"
    request = {
        "TableName": table_name,
        "Key": {"room_id": raw["room_id"], "viewer": raw["viewer"]},
        "UpdateExpression": f"{sets} ADD {', '.join(adds)}",
        "ConditionExpression": " AND ".join(conditions),
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }
    after = dwell.State(
        before.first_at, left, dwell.exact(ends_at) if left > 0 else None, before.watched + dwell.exact(added)
    )
    market = raw.get("market", {}).get("S", UNKNOWN_MARKET)
    return _Closing(room_id, raw["viewer"]["S"], market, request, closing, ends_at, before, after)


CLOSED, CHANGED, NOT_STARTED = "closed", "changed", "not started"


def _close_all(
    client: Any,
    closings: list[_Closing],
    deltas: Deltas,
    deadline: float | None,
    result: SweepResult,
    pool: ThreadPoolExecutor,
) -> bool:
    """Send the updates of ``closings`` through ``pool``; count what each closed into ``deltas``.

    The workers only send requests; the deltas and the result are added to here, in this thread,
    for every update that succeeded, even when another one raised (which is then raised): a
    viewer closed is always counted. Returns whether every viewer was closed.
    """
    futures = [pool.submit(_commit, client, closing, deadline) for closing in closings]
    failure: BaseException | None = None
    every = True
    for closing, future in zip(closings, futures, strict=True):
        try:
            outcome = future.result()
        except Exception as exc:  # raised below, once the others are counted
            failure = failure or exc
            every = False
            continue
        if outcome != CLOSED:
            every = False
            continue
        result.sessions += closing.sessions
        result.viewers += 1
        dwell.move(deltas, closing.room_id, closing.market, closing.before, closing.after)
        if closing.after.sessions_open <= 0:
            deltas.count(closing.room_id, closing.market, closing.ends_at, "exits")
        if closing.after.watched >= QUALIFY_SECONDS:
            deltas.distinct[(closing.room_id, closing.market, "qualified")].add(closing.key)
    if failure is not None:
        raise failure
    return every


def _commit(client: Any, closing: _Closing, deadline: float | None) -> str:
    """One viewer's conditional update (a worker thread): ``CLOSED``, ``CHANGED`` since it was read
    (its condition failed: the next sweep reads it again), or ``NOT_STARTED`` (out of time)."""
    if _out_of_time(deadline):
        return NOT_STARTED
    try:
        client.update_item(**closing.request)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            return CHANGED
        raise
    return CLOSED


def handler(event: dict[str, Any] | None = None, context: Any = None) -> dict[str, Any]:
    """The scheduled Lambda (an EventBridge rule every minute, ``functions/specs.py``).

    It stops starting new pages of work ``HANDLER_MARGIN_SECONDS`` before its timeout; what is
    left is swept by the next run. Called without a Lambda context (the embedded platform's
    periodic task), it runs to the end.
    """
    deadline = None
    if context is not None and hasattr(context, "get_remaining_time_in_millis"):
        remaining = context.get_remaining_time_in_millis() / 1000
        deadline = time.monotonic() + max(0.0, remaining - HANDLER_MARGIN_SECONDS)
    result = close_dead_nodes(deadline=deadline)
    if result.dead_nodes:
        log.info(
            "swept %d dead nodes (%d closed): %d sessions of %d viewers in %d rooms, %d queries%s",
            result.dead_nodes,
            result.closed_nodes,
            result.sessions,
            result.viewers,
            len(result.rooms),
            result.queries,
            "" if result.complete else "; the rest next time",
        )
    return {
        "dead_nodes": result.dead_nodes,
        "closed_nodes": result.closed_nodes,
        "sessions": result.sessions,
        "queries": result.queries,
        "complete": result.complete,
    }
