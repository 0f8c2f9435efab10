"""The comments tables.

``comments`` is a global table (a replica in every region) partitioned by room, sorted by a
time-ordered id, with its stream on: the stream is how a comment written in any region reaches
the push fan-out of every region (see ``functions/fanout/`` and ``docs/comments.md``).

A POST's idempotency record lives in the shared ``idempotency`` table
(``functions.shared.idempotency``), written in the same transaction as the comment, so a replayed
POST stores nothing twice and is answered with the comment the first attempt stored.
"""

from __future__ import annotations

import json

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from functions.shared.db import TableModel, table_meta

STATUSES = ("published", "masked", "held", "rejected", "deleted")
VISIBLE_STATUSES = ("published", "masked")
KINDS = ("viewer", "host", "moderator", "auto-faq")


def room_status_key(room_id: str, status: str) -> str:
    """Hash key of the ``by-room-status`` index: all comments of one status in one room."""
    return f"{room_id}#{status}"


class ByRoomStatus(GlobalSecondaryIndex["Comment"]):
    """Comments of a room in one status, oldest first: the moderators' held-for-review queue.

    ``Comment.by_room_status.query(room_status_key(room_id, "held"))``
    """

    class Meta:
        index_name = "by-room-status"
        projection = AllProjection()

    room_status = UnicodeAttribute(hash_key=True)
    created_at = NumberAttribute(range_key=True)


class PinnedInRoom(GlobalSecondaryIndex["Comment"]):
    """Sparse index of pinned comments: only pinned items carry ``pinned_room``."""

    class Meta:
        index_name = "pinned-in-room"
        projection = AllProjection()

    pinned_room = UnicodeAttribute(hash_key=True)
    pinned_at = NumberAttribute(range_key=True)


_CommentsMeta = table_meta("comments", stream=True, zoned=True)
_CommentsMeta.stream_view_type = "NEW_AND_OLD_IMAGES"  # type: ignore[attr-defined]  # PynamoDB: StreamSpecification


class Comment(TableModel):
    Meta = _CommentsMeta  # type: ignore[assignment]

    room_id = UnicodeAttribute(hash_key=True)
    comment_id = UnicodeAttribute(range_key=True)  # functions.comments.ids: time-ordered
    author_sub = UnicodeAttribute()
    author_name = UnicodeAttribute(null=True)
    author_market = UnicodeAttribute(null=True)
    author_role = UnicodeAttribute()  # the role the author posted with (viewer|merchant|moderator|admin|system)
    kind = UnicodeAttribute(default="viewer")  # viewer | host | moderator | auto-faq
    text = UnicodeAttribute()  # what others see (masked when moderation masked it)
    original_text = UnicodeAttribute()  # as posted; shown to its author and moderators only
    language = UnicodeAttribute(default="und")
    status = UnicodeAttribute()  # published | masked | held | rejected | deleted
    room_status = UnicodeAttribute()  # room_status_key(room_id, status)
    shadow = BooleanAttribute(default=False)  # held/rejected silently: the author sees it as published
    reasons = UnicodeAttribute(default="[]")  # moderation reasons, JSON
    reply_to = UnicodeAttribute(null=True)
    pinned = BooleanAttribute(default=False)
    pinned_room = UnicodeAttribute(null=True)  # == room_id while pinned (sparse index)
    pinned_at = NumberAttribute(null=True)
    tags = ListAttribute(of=UnicodeAttribute, default=list)
    links_allowed = BooleanAttribute(default=False)
    origin_region = UnicodeAttribute(default="local")
    created_at = NumberAttribute()
    updated_at = NumberAttribute()
    status_by = UnicodeAttribute(null=True)  # who last changed the status (moderation review)

    by_room_status = ByRoomStatus()
    pinned_in_room = PinnedInRoom()


def encode_reasons(reasons: list[dict[str, object]]) -> str:
    """The ``reasons`` attribute: moderation reasons (``code``, ``detail``, ``category``) as JSON."""
    return json.dumps(reasons, ensure_ascii=False)


def decode_reasons(raw: str | None) -> list[dict[str, object]]:
    """The reasons stored by ``encode_reasons`` ([] for none or unreadable JSON)."""
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return []
    return [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []
