"""Comments API: post, list, pin, delete, the host view and the export of a room's comments.

Routes read the HTTP request and hand the work to logic modules: the write path is
``posting.py``, reads and status changes ``store.py``, how a comment looks to a reader
``views.py``. Pushing is not here: the table's stream feeds ``functions/fanout``.
"""

from __future__ import annotations

import csv
import io
import logging
import time
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from functions.comments import posting, review, store
from functions.comments.clusters import Item, cluster
from functions.comments.faq import faq_reaches
from functions.comments.ids import ID_PATTERN
from functions.comments.models import VISIBLE_STATUSES
from functions.comments.posting import is_moderator
from functions.comments.schemas import (
    CommentCreate,
    CommentOut,
    CommentPage,
    HeldCommentOut,
    HostView,
    HotQuestion,
    ReviewIn,
    ReviewOut,
)
from functions.comments.tags import priority_tags
from functions.comments.translation import translate_text
from functions.comments.views import comment_out
from functions.rooms.access import (
    ROOM_ID_PATTERN,
    get_room,
    require_moderator,
    require_owner,
)
from functions.shared.app import create_app, lambda_handler
from functions.shared.auth import MaybeAuthenticated, Principal, require_role
from functions.shared.errors import Conflict, Forbidden, NotFound
from functions.shared.idempotency import IdempotencyKey
from functions.shared.zones import EXPORT_OUTSIDE_ZONE_RESPONSE, export_zone, zones

router = APIRouter(prefix="/v1/comments", tags=["comments"])
log = logging.getLogger("crosslive.comments")

RoomId = Annotated[str, Path(pattern=ROOM_ID_PATTERN)]
CommentId = Annotated[str, Path(pattern=ID_PATTERN)]
Language = Annotated[str | None, Query(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
Poster = Annotated[Principal, Depends(require_role("viewer", "merchant", "moderator"))]
Member = Annotated[Principal, Depends(require_role("viewer", "merchant", "moderator"))]
HOT_AUTHORS = 3  # distinct viewers asking the same thing make a question hot


@router.post(
    "/rooms/{room_id}",
    status_code=201,
    response_model=CommentOut,
    response_model_exclude_none=True,
    summary="Post a comment (moderated, stored, then pushed)",
)
def post_comment(
    room_id: RoomId,
    body: CommentCreate,
    principal: Poster,
    request: Request,
    idempotency_key: IdempotencyKey,
) -> CommentOut:
    """Post a comment to a live room (``functions.comments.posting``).

    ``Idempotency-Key`` (8-128 of ``[A-Za-z0-9_.:-]``, unique per author) is required: a retry
    of a stored request is answered with the comment it stored (draft-ietf-httpapi-idempotency-
    key-header), the same key with another body is 422 ``idempotency-key-reused``.
    """
    ip = request.client.host if request.client else None
    comment = posting.post_comment(room_id, body, principal, idempotency_key=idempotency_key, ip=ip)
    return comment_out(comment, viewer_sub=principal.sub)


@router.get(
    "/rooms/{room_id}",
    response_model=CommentPage,
    summary="List a room's comments, newest first, optionally in the reader's language",
)
def list_comments(
    room_id: RoomId,
    principal: MaybeAuthenticated,
    cursor: Annotated[str | None, Query(max_length=26)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    lang: Language = None,
    order: Annotated[str, Query(pattern="^(newest|oldest)$")] = "newest",
    status: Annotated[str | None, Query(pattern="^(published|masked|held|rejected|deleted)$")] = None,
    market: Annotated[str | None, Query(pattern=r"^[A-Z]{2}$", description="the reader's market")] = None,
) -> CommentPage:
    """Shadow mode: held and rejected comments are listed only to their author (and moderators).

    FAQ auto-replies answer for the asker's market (its shipping, its returns), so a reader sees
    only those of their own market: the token's market, else ``?market=``; a reader with neither
    sees none. Moderators see every market's."""
    room = get_room(room_id)
    moderator = is_moderator(room, principal)
    items, next_cursor = store.list_page(
        room_id,
        viewer_sub=principal.sub if principal else None,
        moderator=moderator,
        cursor=cursor,
        limit=limit,
        newest_first=order == "newest",
        status=status,
    )
    viewer = principal.sub if principal else None
    reader_market = (principal.market if principal else None) or market
    out = []
    for comment in items:
        if not moderator and not faq_reaches(comment, reader_market):
            continue
        view = comment_out(comment, viewer_sub=viewer, moderator=moderator)
        if lang:
            view.translation = translate_text(view.text, comment.language, lang)
        out.append(view)
    return CommentPage(items=out, cursor=next_cursor)


@router.get(
    "/rooms/{room_id}/pinned",
    response_model=list[CommentOut],
    response_model_exclude_none=True,
    summary="The room's pinned messages, latest first",
)
def list_pinned(room_id: RoomId, lang: Language = None) -> list[CommentOut]:
    get_room(room_id)
    out = []
    for comment in store.pinned(room_id):
        view = comment_out(comment)
        if lang:
            view.translation = translate_text(view.text, comment.language, lang)
        out.append(view)
    return out


@router.get(
    "/rooms/{room_id}/comments/{comment_id}",
    response_model=CommentOut,
    response_model_exclude_none=True,
    summary="One comment (as the caller may see it)",
)
def read_comment(
    room_id: RoomId, comment_id: CommentId, principal: MaybeAuthenticated, lang: Language = None
) -> CommentOut:
    room = get_room(room_id)
    moderator = is_moderator(room, principal)
    comment = store.get_comment(room_id, comment_id)
    viewer = principal.sub if principal else None
    if not store.visible_to(comment, viewer, moderator):
        raise NotFound("comment-not-found", f"no comment {comment_id!r} in room {room_id!r}")
    view = comment_out(comment, viewer_sub=viewer, moderator=moderator)
    if lang:
        view.translation = translate_text(view.text, comment.language, lang)
    return view


@router.put(
    "/rooms/{room_id}/comments/{comment_id}/pin",
    response_model=CommentOut,
    response_model_exclude_none=True,
    summary="Pin a comment (room's merchant or a moderator)",
)
def pin(room_id: RoomId, comment_id: CommentId, principal: Member) -> CommentOut:
    room = get_room(room_id)
    require_moderator(room, principal)
    return comment_out(store.set_pinned(room_id, comment_id, True), moderator=True)


@router.delete(
    "/rooms/{room_id}/comments/{comment_id}/pin",
    response_model=CommentOut,
    response_model_exclude_none=True,
    summary="Unpin a comment (room's merchant or a moderator)",
)
def unpin(room_id: RoomId, comment_id: CommentId, principal: Member) -> CommentOut:
    room = get_room(room_id)
    require_moderator(room, principal)
    return comment_out(store.set_pinned(room_id, comment_id, False), moderator=True)


@router.delete(
    "/rooms/{room_id}/comments/{comment_id}",
    status_code=204,
    summary="Delete a comment (its author, the room's merchant or a moderator)",
)
def delete_comment(room_id: RoomId, comment_id: CommentId, principal: Member) -> Response:
    room = get_room(room_id)
    comment = store.get_comment(room_id, comment_id)
    if comment.author_sub != principal.sub and not is_moderator(room, principal):
        raise Forbidden(
            "not-comment-author", "only its author, the room's merchant or a moderator may delete a comment"
        )
    store.set_status(room_id, comment_id, "deleted", principal.sub)
    return Response(status_code=204)


@router.get(
    "/rooms/{room_id}/host",
    response_model=HostView,
    response_model_exclude_none=True,
    summary="Host view: every market in the host's language, buying questions first, hot questions",
)
def host_view(
    room_id: RoomId,
    principal: Member,
    window: Annotated[int, Query(ge=10, le=3600)] = 300,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> HostView:
    room = get_room(room_id)
    require_moderator(room, principal)
    target = room.host_language
    recent = [c for c in store.recent(room_id, time.time() - window) if c.status in VISIBLE_STATUSES]
    views: list[CommentOut] = []
    items: list[Item] = []
    for comment in recent:
        view = comment_out(comment, moderator=True)
        view.reasons = None
        translation = translate_text(comment.text, comment.language, target)
        view.translation = translation
        host_text = translation.text if translation is not None and translation.translated else comment.text
        if translation is not None and translation.translated:
            view.tags = [t for t in dict.fromkeys([*view.tags, *priority_tags(host_text)])]
        views.append(view)
        if comment.kind == "viewer":
            items.append(
                Item(comment.comment_id, host_text, comment.author_sub, comment.author_market, tuple(view.tags))
            )
    hot = [
        HotQuestion(
            label=c.label,
            count=len(c.comment_ids),
            authors=len(c.authors),
            markets=sorted(c.markets),
            comment_ids=c.comment_ids,
            tags=sorted(c.tags),
            hot=len(c.authors) >= HOT_AUTHORS,
        )
        for c in cluster(items, min_authors=HOT_AUTHORS)
    ]
    views.sort(key=lambda v: (0 if v.tags and v.kind == "viewer" else 1, -v.created_at))
    return HostView(
        room_id=room_id, host_language=target, items=views[:limit], hot_questions=hot, window_seconds=window
    )


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def csv_cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not execute (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


EXPORT_COLUMNS = (
    "created_at",
    "comment_id",
    "reply_to",
    "kind",
    "author_sub",
    "author_name",
    "author_market",
    "language",
    "status",
    "pinned",
    "tags",
    "text",
    "original_text",
)


@router.get(
    "/rooms/{room_id}/export.csv",
    summary="Export the room's chat as CSV (its merchant, after the show)",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {}}},
        **EXPORT_OUTSIDE_ZONE_RESPONSE,
    },
)
def export_csv(
    room_id: RoomId,
    principal: Member,
    zone: Annotated[
        str | None,
        Query(
            pattern=r"^[a-z][a-z0-9]{0,15}$",
            description="a data-residency zone: its viewers' comments, produced by a function inside the zone",
        ),
    ] = None,
) -> Response:
    """The room's chat as CSV. With residency zones configured, one export per zone: without
    ``zone`` the default zone's comments, with ``zone=eu`` the "eu" zone's, read from that zone's
    table by a function running in one of the zone's regions; elsewhere 421 ``export-outside-zone``
    names the regions to ask (``docs/residency.md``). The other exports are listed in the
    ``Crosslive-Residency-Zones`` header."""
    room = get_room(room_id)
    require_owner(room, principal)
    if room.status != "ended":
        raise Conflict("room-not-ended", "the chat can be exported once the show has ended")
    place = export_zone(zone)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    for c in store.all_comments(room_id, place):
        created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(float(c.created_at)))
        writer.writerow(
            [
                csv_cell(v)
                for v in (
                    created,
                    c.comment_id,
                    c.reply_to,
                    c.kind,
                    c.author_sub,
                    c.author_name,
                    c.author_market,
                    c.language,
                    c.status,
                    "yes" if c.pinned else "",
                    " ".join(str(t) for t in c.tags or []),
                    c.text,
                    c.original_text,
                )
            ]
        )
    others = [z.name for z in zones() if z != place]
    suffix = f"-{place.name}" if place is not None else ""
    headers = {"Content-Disposition": f'attachment; filename="{room_id}-chat{suffix}.csv"'}
    if others:
        headers["Crosslive-Residency-Zones"] = ", ".join(others)
    return Response(content="\ufeff" + buffer.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)


# -- review queue: comments held by moderation ---------------------------------------------------

QueueCommentId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")]  # an unknown id is 404, not 422


@router.get(
    "/rooms/{room_id}/queue",
    response_model=list[HeldCommentOut],
    summary="Comments held for review, oldest first (room's merchant or a moderator)",
)
def review_queue(
    room_id: RoomId, principal: Member, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> list[HeldCommentOut]:
    require_moderator(get_room(room_id), principal)
    return [
        HeldCommentOut(
            comment_id=c.comment_id,
            author_sub=c.author_sub,
            text=c.text,
            original_text=c.original_text,
            reasons=c.reasons,
            created_at=c.created_at,
        )
        for c in review.held_comments(room_id, limit)
    ]


def _decider(decision: str) -> Callable[..., ReviewOut]:
    """The route of one review decision (``approve`` publishes, ``reject`` rejects)."""

    def decide(
        room_id: RoomId, comment_id: QueueCommentId, principal: Member, body: ReviewIn | None = None
    ) -> ReviewOut:
        require_moderator(get_room(room_id), principal)
        updated = review.decide(room_id, comment_id, decision, principal.sub, body.reason if body else "")
        return ReviewOut(comment_id=comment_id, status=updated.status)

    decide.__name__ = decision
    return decide


for _decision, _summary in (
    ("approve", "Publish a held comment (room's merchant or a moderator)"),
    ("reject", "Reject a held comment (room's merchant or a moderator)"),
):
    router.add_api_route(
        f"/rooms/{{room_id}}/queue/{{comment_id}}/{_decision}",
        _decider(_decision),
        methods=["POST"],
        response_model=ReviewOut,
        summary=_summary,
    )


app = create_app("comments", "Comments: post, list and push danmaku across markets")
app.include_router(router)
handler = lambda_handler(app, "comments")
