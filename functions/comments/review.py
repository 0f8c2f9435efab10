"""The review queue: comments held by moderation, and the decision that publishes or rejects one.

The comments function owns its table, so it owns the change a review decision makes (the routes
are ``/v1/comments/rooms/{room_id}/queue...`` in ``app.py``); moderation's part is the rules that
held the comment (``functions.moderation.pipeline``) and the audit log the decision is written to
(``functions.moderation.sanctions.audit``). Moderation imports nothing of comments.
"""

from __future__ import annotations

import heapq
import time

from functions.comments.models import Comment, room_status_key
from functions.comments.store import get_comment, room_tables, set_status
from functions.shared.errors import Conflict

DECISIONS = {"approve": "published", "reject": "rejected"}


def held_comments(room_id: str, limit: int) -> list[Comment]:
    """The room's comments held for review, oldest first, from every residency zone's table (each
    comment bound to its table, so a decision on it is written back there)."""
    index = Comment.by_room_status.Meta.index_name  # by name: an index object queries its own class's table
    queries = [table.query(room_status_key(room_id, "held"), limit=limit, index_name=index) for table in room_tables()]
    merged = heapq.merge(*queries, key=lambda c: float(c.created_at))
    return [c for _, c in zip(range(limit), merged, strict=False)]


def decide(room_id: str, comment_id: str, decision: str, actor_sub: str, reason: str = "") -> Comment:
    """Publish (``approve``) or reject a held comment and audit it; a replayed or concurrent
    decision is refused (409 ``not-held``): the first one stands."""
    from functions.moderation import sanctions  # only this route: not at the comments cold start

    comment = get_comment(room_id, comment_id)
    if comment.status != "held":
        raise Conflict("not-held", f"comment {comment_id!r} is {comment.status}, not held for review")
    updated = set_status(room_id, comment_id, DECISIONS[decision], actor_sub)
    sanctions.audit(
        sanctions.room_scope(room_id),
        actor_sub,
        decision,
        time.time(),
        target_sub=comment.author_sub,
        comment_id=comment_id,
        reason=reason,
        market=comment.author_market,  # the audit entry is about the author: kept in their zone
    )
    return updated
