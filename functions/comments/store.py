"""Reads and writes of comments; every write that others may see is also emitted as a change.

The comments table is streamed: in AWS its stream carries each change to the fan-out
(``functions.fanout``); on the embedded platform the table layer reports each write to the stream
port's local sink, which hands the same stream-shaped records to the same handler, so both paths
push exactly what DynamoDB stored, never what a request merely intended to store. Only the
transaction below (which bypasses the table layer) reports its insert itself.

``set_status`` is the entry point of moderation's review queue: approving a held comment
publishes it and pushes it to the room like a new one.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from functions.comments.ids import is_comment_id
from functions.comments.models import STATUSES, VISIBLE_STATUSES, Comment, room_status_key
from functions.shared import stream
from functions.shared.errors import BadRequest, Conflict, Invalid, NotFound
from functions.shared.idempotency import IdempotencyRecord, check_fingerprint, done_record, find, result_of


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
    if request_id is None:
        for item in (comment, *replies):
            item.save(condition=Comment.comment_id.does_not_exist())
        return comment
    record = done_record(
        IdempotencyRecord, request_id, {"room_id": comment.room_id, "comment_id": comment.comment_id}, body_hash
    )
    try:
        with TransactWrite(connection=Comment._get_connection().connection) as tx:
            tx.save(record, condition=IdempotencyRecord.id.does_not_exist())
            for item in (comment, *replies):
                tx.save(item, condition=Comment.comment_id.does_not_exist())
    except TransactWriteError as exc:
        reasons = exc.cancellation_reasons or []
        if reasons and reasons[0] is not None and reasons[0].code == "ConditionalCheckFailed":
            stored = stored_comment(request_id, body_hash)
            if stored is not None:
                return stored
        raise
    for item in (comment, *replies):
        stream.emit(None, item)
    return comment


def stored_comment(request_id: str, body_hash: str) -> Comment | None:
    """The comment a request with this record id stored, if it was stored (a consistent read)."""
    record = find(IdempotencyRecord, request_id)
    if record is None:
        return None
    check_fingerprint(record, body_hash)
    data = result_of(record)
    return get_comment(str(data["room_id"]), str(data["comment_id"]))


def get_comment(room_id: str, comment_id: str) -> Comment:
    if not is_comment_id(comment_id):
        raise NotFound("comment-not-found", f"no comment {comment_id!r} in room {room_id!r}")
    try:
        return Comment.get(room_id, comment_id, consistent_read=True)
    except DoesNotExist as exc:
        raise NotFound("comment-not-found", f"no comment {comment_id!r} in room {room_id!r}") from exc


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
    results = Comment.query(
        room_id,
        range_key_condition=condition,
        scan_index_forward=not newest_first,
        consistent_read=True,
        page_size=page_size,
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
    return [c for c in Comment.pinned_in_room.query(room_id, scan_index_forward=False) if c.status in VISIBLE_STATUSES]


def recent(room_id: str, since: float, limit: int = 500) -> list[Comment]:
    """The room's comments created after ``since``, newest first (host view window)."""
    from functions.comments.ids import new_comment_id

    floor = new_comment_id(since)[:10]
    results = Comment.query(
        room_id,
        range_key_condition=Comment.comment_id > floor,
        scan_index_forward=False,
        consistent_read=True,
        limit=limit,
        page_size=min(limit, 500),
    )
    return list(results)


def all_comments(room_id: str) -> Iterator[Comment]:
    """Every comment of a room in chat order (export)."""
    yield from Comment.query(room_id, scan_index_forward=True, page_size=500)


__all__ = [
    "all_comments",
    "create_comment",
    "get_comment",
    "list_page",
    "pinned",
    "recent",
    "set_pinned",
    "set_status",
    "stored_comment",
    "visible_to",
]
