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
count of sessions open on each of those nodes and in all), so two sweeps never close a session
twice. A node is marked closed once every room it served was swept to the end.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from pynamodb.exceptions import UpdateError

from functions.insights import dwell, store
from functions.insights.fold import Deltas
from functions.insights.models import FLEET, QUALIFY_SECONDS, NodeSeen, ViewerPresence, open_on_node
from functions.shared.zones import everywhere

log = logging.getLogger("crosslive.insights.sweep")

NODE_GRACE_SECONDS = 60.0  # a node keeps unsent batches for a minute (media_nodes/insights_feed.py)
# A filter of more dead nodes than this would pass DynamoDB's 4 KB expression limit: the room's
# query then reads every viewer item and the sweep picks them out (the read costs the same).
MAX_FILTERED_NODES = 150
# What the scheduled Lambda leaves of its time when it stops starting new pages of work.
HANDLER_MARGIN_SECONDS = 10.0


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

    ``deadline`` (``time.monotonic()`` clock): no new page of work starts after it; a node not
    finished stays unmarked and the next sweep takes it up again (closing is idempotent).
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
    for room_id in sorted(by_room):
        for table in everywhere(ViewerPresence):  # every residency zone's viewer table
            if not _sweep_room(table, room_id, by_room[room_id], deltas, deadline, result):
                unfinished.add(room_id)
        result.rooms.add(room_id)
    if deltas:
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
) -> bool:
    """Close, in one zone's viewer table, the sessions of ``room_id`` open on any of ``nodes``.

    One query (paginated) for all the dead nodes of the room. Returns whether the room was swept
    to the end (False: out of time, or an item changed meanwhile and waits for the next sweep).
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
    client = connection.connection.client
    done = True
    while True:
        if _out_of_time(deadline):
            return False  # the next sweep reads this room again
        page = client.query(**query)
        result.queries += 1
        for raw in page.get("Items", []):
            if not _close_viewer(table, room_id, raw, attrs, deltas, result):
                done = False  # changed meanwhile: the next sweep reads it again
        if not page.get("LastEvaluatedKey"):
            return done
        query["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _close_viewer(
    table: type[ViewerPresence],
    room_id: str,
    raw: dict[str, Any],
    attrs: dict[str, _DeadNode],
    deltas: Deltas,
    result: SweepResult,
) -> bool:
    """Close one viewer's sessions on every dead node it has some open on (one conditional update).

    The sessions end at their node's last batch + the grace. The seconds from the viewer's open
    session start to the latest of those ends count as watched; a viewer with sessions left on a
    living node (a failover) keeps watching there, counted from that end on.
    """
    counts = {name: int(raw[name]["N"]) for name in attrs if name in raw and int(raw[name]["N"]) > 0}
    if not counts:
        return True
    open_now = int(raw.get("sessions_open", {}).get("N", "0"))
    ends_at = max(attrs[name].ends_at for name in counts)
    since = float(raw["open_since"]["N"]) if "open_since" in raw else ends_at
    key, market = raw["viewer"]["S"], raw.get("market", {}).get("S", "??")
    closing = sum(counts.values())
    left = open_now - closing
    actions: list[Any] = [
        ViewerPresence.sessions_open.add(-closing),
        ViewerPresence.watched.add(max(0.0, ends_at - since)),
        ViewerPresence.last_at.set(ends_at),
        ViewerPresence.open_since.set(ends_at) if left > 0 else ViewerPresence.open_since.remove(),
    ]
    condition = ViewerPresence.sessions_open == open_now
    for name, count in counts.items():
        on_node = open_on_node(attrs[name].node_id)
        actions.append(on_node.add(-count))
        condition &= on_node == count
    updated = table(room_id, key)
    try:
        updated.update(actions=actions, condition=condition)
    except UpdateError as exc:
        if not _conditional_failed(exc):
            raise
        return False
    result.sessions += closing
    result.viewers += 1
    # the item was read under this update's condition: what it held is the state before
    dwell.move(deltas, room_id, market, dwell.state_of_raw(raw), dwell.state_of(updated))
    if left <= 0:
        deltas.count(room_id, market, ends_at, "exits")
    if float(updated.watched or 0) >= QUALIFY_SECONDS:
        deltas.distinct[(room_id, market, "qualified")].add(key)
    return True


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
