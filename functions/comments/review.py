"""The comments function's surface for moderation: the held queue and status decisions.

Moderation's review queue (``functions.moderation.app``) and its after-publish toxicity screen
(``functions.moderation.toxicity``) change comments only through this module: the comments table
stays the comments function's own.
"""

from __future__ import annotations

from functions.comments.models import Comment, room_status_key
from functions.comments.store import get_comment, set_status

__all__ = ["Comment", "get_comment", "held_comments", "set_status"]


def held_comments(room_id: str, limit: int) -> list[Comment]:
    """The room's comments held for review, oldest first."""
    return list(Comment.by_room_status.query(room_status_key(room_id, "held"), limit=limit))
