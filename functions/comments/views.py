"""How a stored comment looks to a given reader (shadow mode lives here)."""

from __future__ import annotations

from functions.comments.models import Comment, decode_reasons
from functions.comments.schemas import CommentOut, ReasonOut, TranslationOut


def comment_out(
    comment: Comment,
    *,
    viewer_sub: str | None = None,
    moderator: bool = False,
    translation: TranslationOut | None = None,
) -> CommentOut:
    """The comment as ``viewer_sub`` sees it.

    Moderators see everything as stored, reasons included. The author of a *shadowed* comment
    sees it as published, with the text they typed: that is the point of shadow mode, a troll
    does not learn they were filtered. The author of a comment held without shadow sees that it
    waits for review, and why.
    """
    own = viewer_sub is not None and viewer_sub == comment.author_sub
    status = comment.status
    text = comment.text
    reasons = None
    if moderator:
        reasons = _reasons(comment)
    elif own and comment.shadow and status in ("held", "rejected"):
        status = "published"
        text = comment.original_text
    elif own and status in ("held", "rejected"):
        reasons = _reasons(comment)
    return CommentOut(
        room_id=comment.room_id,
        comment_id=comment.comment_id,
        author_sub=comment.author_sub,
        author_name=comment.author_name,
        author_market=comment.author_market,
        kind=comment.kind,  # type: ignore[arg-type]
        text=text,
        language=comment.language,
        status=status,
        reply_to=comment.reply_to,
        pinned=bool(comment.pinned),
        links_allowed=bool(comment.links_allowed),
        tags=[str(t) for t in comment.tags or []],
        created_at=float(comment.created_at),
        translation=translation,
        reasons=reasons,
    )


def _reasons(comment: Comment) -> list[ReasonOut]:
    return [
        ReasonOut(code=str(r.get("code", "")), detail=str(r.get("detail", "")), category=r.get("category"))  # type: ignore[arg-type]
        for r in decode_reasons(comment.reasons)
    ]
