"""The comment write path, behind ``POST /v1/comments/rooms/{room_id}`` (the route only reads HTTP).

In order: validate the text, check the room, moderate in-line
(``functions.moderation.pipeline.moderate_comment``), persist in DynamoDB together with the
request's idempotency record, and only then is it pushed (the table's stream does, see
``functions/fanout``). A comment is never shown to anyone before DynamoDB has it. Refusals are
domain errors (``functions.shared.errors``), which the app turns into problem documents.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from functions.comments import store
from functions.comments.faq import FAQ_AUTHOR_SUB, match_faq
from functions.comments.ids import is_comment_id, new_comment_id
from functions.comments.models import VISIBLE_STATUSES, Comment, encode_reasons, room_status_key
from functions.comments.schemas import CommentCreate
from functions.comments.tags import priority_tags
from functions.comments.translation import detect_language
from functions.comments.validation import clean_text
from functions.coupons.presence import note_once
from functions.moderation.verdict import CommentContext, Verdict
from functions.rooms.access import Room, market_languages, room_languages, room_missing
from functions.shared.auth import Principal
from functions.shared.config import get_settings
from functions.shared.db import get_items
from functions.shared.errors import Conflict, DomainError, Forbidden, Invalid, TooMany
from functions.shared.idempotency import fingerprint, record_id

log = logging.getLogger("crosslive.comments")

STATUS_FOR_ACTION = {"publish": "published", "mask": "masked", "hold": "held", "reject": "rejected"}
REFUSALS: dict[str, DomainError] = {  # moderation reasons that refuse the request outright (not shadowed)
    "muted": Forbidden("author-muted", "you are muted in this room"),
    "banned": Forbidden("author-banned", "you are banned"),
    "flood": TooMany("too-many-comments", "slow down: too many comments"),
    "ip-flood": TooMany("too-many-comments", "slow down: too many comments from your network"),
}


def moderate(text: str, context: CommentContext) -> Verdict:
    from functions.moderation.pipeline import moderate_comment

    return moderate_comment(text, context)


def is_moderator(room: Room, principal: Principal | None) -> bool:
    """The room's merchant or a moderator: sees every comment as stored."""
    return principal is not None and (principal.sub == room.merchant_sub or principal.has("moderator"))


def kind_of(room: Room, principal: Principal) -> str:
    if principal.sub == room.merchant_sub:
        return "host"
    if principal.has("moderator"):
        return "moderator"
    return "viewer"


def body_hash(room_id: str, body: CommentCreate) -> str:
    return fingerprint(room_id, body.text, body.reply_to, body.language)


def new_comment(
    room_id: str,
    now: float,
    *,
    author_sub: str,
    author_name: str | None,
    author_market: str,
    author_role: str,
    kind: str,
    text: str,
    original_text: str,
    language: str,
    status: str,
    reasons: list[dict[str, object]],
    tags: list[str],
    reply_to: str | None = None,
    shadow: bool = False,
    links_allowed: bool = False,
) -> Comment:
    """A new comment item: the one place its derived fields (id, room status key, reasons JSON,
    origin region, timestamps) are filled in."""
    return Comment(
        room_id,
        new_comment_id(now),
        author_sub=author_sub,
        author_name=author_name,
        author_market=author_market,
        author_role=author_role,
        kind=kind,
        text=text,
        original_text=original_text,
        language=language,
        status=status,
        room_status=room_status_key(room_id, status),
        shadow=shadow,
        reasons=encode_reasons(reasons),
        reply_to=reply_to,
        tags=tags,
        links_allowed=links_allowed,
        origin_region=get_settings().region_name,
        created_at=now,
        updated_at=now,
    )


def post_comment(
    room_id: str, body: CommentCreate, principal: Principal, *, idempotency_key: str, ip: str | None
) -> Comment:
    """Validate, moderate and store one comment; raises a domain error for every refusal.

    A retry of a stored request (same author, same key) returns the stored comment: moderation's
    counters see the key (``CommentContext.request_id``), so a retry is never counted twice nor
    taken for a duplicate of itself, and the transaction finds the request's record.
    """
    request_id = record_id("comment", principal.sub, idempotency_key)
    digest = body_hash(room_id, body)
    try:
        return _post(room_id, body, principal, request_id=request_id, digest=digest, ip=ip)
    except DomainError:
        # A refusal (now muted, now a flood, the room now ended) must not hide that an earlier
        # attempt of this very request was stored: that attempt's comment is the answer.
        stored = store.stored_comment(request_id, digest, principal.market)
        if stored is None:
            raise
        return stored


def _post(
    room_id: str, body: CommentCreate, principal: Principal, *, request_id: str, digest: str, ip: str | None
) -> Comment:
    text = clean_text(body.text)
    now = time.time()
    room, sanctions, target = read_state(room_id, principal.sub, body.reply_to, now, principal.market)
    if room.status == "ended":
        raise Conflict("room-ended", "this show has ended; comments are closed")
    if body.reply_to is not None and (
        target is None or not store.visible_to(target, principal.sub, is_moderator(room, principal))
    ):
        raise Invalid("reply-target-not-found", f"no comment {body.reply_to!r} to reply to in this room")
    market = str(principal.market or (room.markets[0] if room.markets else room.home_market))
    candidates = list(dict.fromkeys(market_languages(market) + room_languages(room)))
    language = body.language or detect_language(text, candidates) or (candidates[0] if candidates else "und")
    context = CommentContext(
        room_id=room_id,
        author_sub=principal.sub,
        author_roles=principal.roles,
        market=market,
        language=language,
        ip=ip,
        now=now,
        room_merchant_sub=room.merchant_sub,
        room_markets=tuple(str(m) for m in room.markets or []),
        home_market=room.home_market,
        request_id=request_id,
        sanctions=tuple(sanctions),
    )
    verdict = moderate(text, context)
    reasons: list[dict[str, object]] = [
        {"code": r.code, "detail": r.detail, "category": r.category} for r in verdict.reasons
    ]
    for reason in verdict.reasons:
        if verdict.action == "reject" and reason.code in REFUSALS:
            refusal = REFUSALS[reason.code]
            raise type(refusal)(refusal.code, reason.detail or refusal.detail)
    if verdict.action == "reject" and not verdict.shadow:
        raise Invalid(
            "comment-rejected", "; ".join(r.detail for r in verdict.reasons) or "comment rejected", reasons=reasons
        )
    status = STATUS_FOR_ACTION[verdict.action]
    kind = kind_of(room, principal)
    comment = new_comment(
        room_id,
        now,
        author_sub=principal.sub,
        author_name=principal.name,
        author_market=market,
        author_role=next(iter(sorted(principal.roles))),
        kind=kind,
        text=verdict.text if verdict.action == "mask" else text,
        original_text=text,
        language=language,
        status=status,
        shadow=bool(verdict.shadow and status in ("held", "rejected")),
        reasons=reasons,
        reply_to=body.reply_to,
        tags=priority_tags(text),
        links_allowed=kind in ("host", "moderator"),
    )
    reply = faq_reply(room, comment, market, now) if status in VISIBLE_STATUSES and kind == "viewer" else None
    stored = store.create_comment(
        comment, request_id=request_id, body_hash=digest, replies=[reply] if reply is not None else []
    )
    if stored.comment_id != comment.comment_id:  # a replay: answered with what the first attempt stored
        return stored
    if kind == "viewer":
        note_presence(room, principal.sub, now, market)
    return comment


def note_presence(room: Room, viewer_sub: str, now: float, market: str | None = None) -> None:
    """The platform saw the viewer in the room (their comment is stored): the coupon segments'
    presence (``functions.coupons.presence``), written at most once per viewer and room every
    ``REFRESH_SECONDS`` by this process. Best effort: the comment is stored either way."""
    try:
        note_once(room.merchant_sub, room.room_id, viewer_sub, "comment", now, market=market)
    except Exception:
        log.warning("presence of %s in room %s not recorded", viewer_sub, room.room_id, exc_info=True)


def read_state(
    room_id: str, sub: str, reply_to: str | None, now: float, market: str | None = None
) -> tuple[Room, list[Any], Comment | None]:
    """The room, the author's unexpired sanctions and the reply target, in ONE strongly consistent
    ``BatchGetItem``: a show's end and a ban apply to the very next comment, and they cost the
    write path one request, not three. With residency zones, the sanctions are read in the zone of
    the author's ``market`` and the reply target in every zone (its author's zone is unknown):
    one request per region then."""
    from functions.moderation.pipeline import sanction_keys, unexpired

    keys = sanction_keys(room_id, sub, market)
    requests: list[tuple[type[Any], tuple[Any, ...]]] = [(Room, (room_id,)), *keys]
    if reply_to is not None and is_comment_id(reply_to):
        requests += [(table, (room_id, reply_to)) for table in store.room_tables()]
    room, *found = get_items(requests)
    if room is None:
        raise room_missing(room_id)
    sanctions, targets = found[: len(keys)], [t for t in found[len(keys) :] if t is not None]
    return room, unexpired(sanctions, now), (targets[0] if targets else None)


def faq_reply(room: Room, question: Comment, market: str, now: float) -> Comment | None:
    """The FAQ's answer to ``question``, threaded to it and marked automatic (None: no FAQ matches).

    Stored in the question's own transaction: the answer costs no request of its own, and it
    exists exactly when the question does. Its time is a millisecond after the question's, so it
    sorts after it.
    """
    try:
        found = match_faq(question.original_text, market, [question.language, *market_languages(market)])
        if found is None:
            return None
        return new_comment(
            room.room_id,
            now + 0.001,
            author_sub=FAQ_AUTHOR_SUB,
            author_name="FAQ",
            author_market=market,
            author_role="system",
            kind="auto-faq",
            text=found.answer,
            original_text=found.answer,
            language=found.language,
            status="published",
            reasons=[{"code": "faq", "detail": found.faq_id, "category": None}],
            reply_to=question.comment_id,
            tags=list(found.tags) or priority_tags(found.answer),
        )
    except Exception:  # the question is stored either way
        log.exception("FAQ auto-reply failed for %s", question.comment_id)
        return None
