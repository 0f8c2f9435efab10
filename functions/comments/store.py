"""Reads and writes of comments; every write that others may see is also emitted as a change.

The comments table is streamed: in AWS its stream carries each change to the fan-out
(``functions.fanout``); on the embedded platform the table layer reports each write to the stream
port's local sink, which hands the same stream-shaped records to the same handler, so both paths
push exactly what DynamoDB stored, never what a request merely intended to store. Only the
transaction below (which bypasses the table layer) reports its insert itself.

``set_status`` is the entry point of moderation's review queue: approving a held comment
publishes it and pushes it to the room like a new one.

Residency (``functions.shared.zones``): a comment is stored in the zone of its author's market
(``comments`` and the request's idempotency record, in one transaction in the zone's home). A
room's comments are therefore spread over the default zone and each zone: reads of a room merge
them in id (time) order, reading each zone's table where it is (a transient cross-region read:
what is read is shown, not stored elsewhere); a comment found by its key is returned bound to the
table it was found in, so its updates go back there.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Iterable, Iterator, Sequence

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from functions.comments.ids import is_comment_id
from functions.comments.models import STATUSES, VISIBLE_STATUSES, Comment, room_status_key
from functions.shared import stream
from functions.shared.errors import BadRequest, Conflict, Invalid, NotFound
from functions.shared.idempotency import IdempotencyRecord, check_fingerprint, done_record, find, result_of
from functions.shared.zones import Zone, bind, bind_zone, everywhere, zone_of, zones


def create_comment(
    comment: Comment, *, request_id: str | None, body_hash: str, replies: Sequence[Comment] = ()
) -> Comment:
    """Store a new comment; with ``request_id`` atomically with its idempotency record and its
    ``replies`` (a FAQ auto-answer): one request for all of them.

    If the request already has its record (a retry whose first attempt was stored, an SDK retry
    of the applied transaction, a duplicate sent at once), nothing is written and the comment
    that attempt stored is returned: the author gets the same answer again. The same key with
    another body is 422 ``idempotency-key-reused``.
    """
    market = comment.author_market
    table = bind(Comment, market)
    comment, replies = placed(comment, table), [placed(r, table) for r in replies]
    if request_id is None:
        for item in (comment, *replies):
            item.save(condition=Comment.comment_id.does_not_exist())
        return comment
    records = bind(IdempotencyRecord, market)
    record = done_record(records, request_id, {"room_id": comment.room_id, "comment_id": comment.comment_id}, body_hash)
    try:
        with TransactWrite(connection=table._get_connection().connection) as tx:
            tx.save(record, condition=IdempotencyRecord.id.does_not_exist())
            for item in (comment, *replies):
                tx.save(item, condition=Comment.comment_id.does_not_exist())
    except TransactWriteError as exc:
        reasons = exc.cancellation_reasons or []
        if reasons and reasons[0] is not None and reasons[0].code == "ConditionalCheckFailed":
            stored = stored_comment(request_id, body_hash, market)
            if stored is not None:
                return stored
        raise
    for item in (comment, *replies):
        stream.emit(None, item)
    return comment


def placed(comment: Comment, table: type[Comment]) -> Comment:
    """``comment`` as an item of ``table`` (its author's zone's); the same item if already there."""
    if type(comment) is table:
        return comment
    return table.from_raw_data(comment.serialize())


def stored_comment(request_id: str, body_hash: str, market: str | None = None) -> Comment | None:
    """The comment a request with this record id stored, if it was stored (a consistent read).

    The record is in the zone of the author's ``market``; without one, every zone is asked."""
    tables = [bind(IdempotencyRecord, market)] if market else everywhere(IdempotencyRecord)
    for records in tables:
        record = find(records, request_id)
        if record is not None:
            check_fingerprint(record, body_hash)
            data = result_of(record)
            return get_comment(str(data["room_id"]), str(data["comment_id"]), zone_of(market) if market else None)
    return None


def get_comment(room_id: str, comment_id: str, zone: Zone | None = None) -> Comment:
    """A comment by its key, from whichever zone's table holds it (``zone`` first when known)."""
    if not is_comment_id(comment_id):
        raise NotFound("comment-not-found", f"no comment {comment_id!r} in room {room_id!r}")
    tables = everywhere(Comment)
    if zone is not None:
        tables.sort(key=lambda t: t is not bind_zone(Comment, zone))
    for table in tables:
        try:
            return table.get(room_id, comment_id, consistent_read=True)
        except DoesNotExist:
            continue
    raise NotFound("comment-not-found", f"no comment {comment_id!r} in room {room_id!r}")


def _merged(queries: Iterable[Iterable[Comment]], *, key: str, newest_first: bool) -> Iterator[Comment]:
    """Each zone's query of a room (each sorted by ``key``) as one sequence in that order."""
    return heapq.merge(*queries, key=lambda c: getattr(c, key), reverse=newest_first)


def room_tables() -> list[type[Comment]]:
    """The comments tables a room's comments may be in: the default zone's, then each zone's."""
    return everywhere(Comment)


def _update(comment: Comment, actions: list, now: float) -> Comment:  # type: ignore[type-arg]
    try:
        comment.update(actions=[*actions, Comment.updated_at.set(now)], condition=Comment.comment_id.exists())
    except UpdateError as exc:
        if getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException":
            raise NotFound("comment-not-found", f"no comment {comment.comment_id!r}") from exc
        raise
    return comment


def set_status(room_id: str, comment_id: str, status: str, actor_sub: str) -> Comment:
    """Change a comment's status (review queue, deletion); pushes the change to the room.

    ``held -> published`` publishes the comment to everyone; ``published -> deleted`` removes it
    from every viewer's screen. A comment leaving review is no longer shadowed.
    """
    if status not in STATUSES:
        raise Invalid("invalid-status", f"status must be one of {', '.join(STATUSES)}")
    comment = get_comment(room_id, comment_id)
    if comment.status == status:
        return comment
    actions = [
        Comment.status.set(status),
        Comment.room_status.set(room_status_key(room_id, status)),
        Comment.status_by.set(actor_sub),
    ]
    if status in VISIBLE_STATUSES or status == "deleted":
        actions.append(Comment.shadow.set(False))
    if status not in VISIBLE_STATUSES and comment.pinned:
        actions += [Comment.pinned.set(False), Comment.pinned_room.remove(), Comment.pinned_at.remove()]
    return _update(comment, actions, time.time())


def set_pinned(room_id: str, comment_id: str, pinned: bool) -> Comment:
    """Pin (a promo code, shipping info) or unpin a published comment."""
    comment = get_comment(room_id, comment_id)
    if pinned and comment.status not in VISIBLE_STATUSES:
        raise Conflict("comment-not-published", "only published comments can be pinned")
    if comment.pinned == pinned:
        return comment
    now = time.time()
    if pinned:
        actions = [Comment.pinned.set(True), Comment.pinned_room.set(room_id), Comment.pinned_at.set(now)]
    else:
        actions = [Comment.pinned.set(False), Comment.pinned_room.remove(), Comment.pinned_at.remove()]
    return _update(comment, actions, now)


def visible_to(comment: Comment, viewer_sub: str | None, moderator: bool) -> bool:
    """Shadow mode: held and rejected comments exist only for their author (and moderators)."""
    if moderator:
        return True
    if comment.status in VISIBLE_STATUSES:
        return True
    return comment.status != "deleted" and viewer_sub is not None and comment.author_sub == viewer_sub


def list_page(
    room_id: str,
    *,
    viewer_sub: str | None,
    moderator: bool,
    cursor: str | None,
    limit: int,
    newest_first: bool = True,
    status: str | None = None,
) -> tuple[list[Comment], str | None]:
    """One page of a room's comments as ``viewer_sub`` may see them, and the next cursor."""
    if cursor is not None and not is_comment_id(cursor):
        raise BadRequest("invalid-cursor", "cursor is not a comment id from a previous page")
    condition = None
    if cursor is not None:
        condition = Comment.comment_id < cursor if newest_first else Comment.comment_id > cursor
    items: list[Comment] = []
    page_size = max(limit * 2, 25)
    results = _merged(
        (
            table.query(
                room_id,
                range_key_condition=condition,
                scan_index_forward=not newest_first,
                consistent_read=True,
                page_size=page_size,
            )
            for table in room_tables()
        ),
        key="comment_id",
        newest_first=newest_first,
    )
    more = False
    for comment in results:
        if status is not None and comment.status != status:
            continue
        if not visible_to(comment, viewer_sub, moderator):
            continue
        if len(items) == limit:
            more = True
            break
        items.append(comment)
    return items, (items[-1].comment_id if more and items else None)


def pinned(room_id: str) -> list[Comment]:
    """The room's pinned comments, most recently pinned first."""
    index = Comment.pinned_in_room.Meta.index_name  # by name: an index object queries its own class's table
    queries = (table.query(room_id, scan_index_forward=False, index_name=index) for table in room_tables())
    return [c for c in _merged(queries, key="pinned_at", newest_first=True) if c.status in VISIBLE_STATUSES]


def recent(room_id: str, since: float, limit: int = 500) -> list[Comment]:
    """The room's comments created after ``since``, newest first (host view window)."""
    from functions.comments.ids import new_comment_id

    floor = new_comment_id(since)[:10]
    queries = (
        table.query(
            room_id,
            range_key_condition=Comment.comment_id > floor,
            scan_index_forward=False,
            consistent_read=True,
            limit=limit,
            page_size=min(limit, 500),
        )
        for table in room_tables()
    )
    merged = _merged(queries, key="comment_id", newest_first=True)
    return [c for _, c in zip(range(limit), merged, strict=False)]


def all_comments(room_id: str, zone: Zone | None = None) -> Iterator[Comment]:
    """Every comment of a room stored in ``zone`` (None: the default zone), in chat order: an
    export is produced per zone, from that zone's table only (``docs/residency.md``)."""
    yield from bind_zone(Comment, zone).query(room_id, scan_index_forward=True, page_size=500)


def export_zones() -> list[Zone | None]:
    """The zones a room's export is split into: the default zone, then each configured zone."""
    return [None, *zones()]


__all__ = [
    "all_comments",
    "create_comment",
    "export_zones",
    "get_comment",
    "list_page",
    "pinned",
    "placed",
    "recent",
    "room_tables",
    "set_pinned",
    "set_status",
    "stored_comment",
    "visible_to",
]
