"""Viewer activity for eligibility segments: first/last seen in a merchant's rooms, and shares.

* A *visit* (``POST /v1/coupons/rooms/{room}/visits``, the viewer's own token) records when the
  viewer was first and last seen by the room's merchant. A visit more than
  ``SESSION_GAP_SECONDS`` after the previous one starts a new session and remembers the silence
  before it (``gap_before_last``): that is what "lapsed for N days" is measured on.
* A *share* (``POST /v1/coupons/rooms/{room}/shares``) makes a link id. It counts for the sharer
  only when **someone else** opens it (``POST /v1/coupons/shares/{id}/opens`` with their own
  token), so a viewer cannot make themselves a sharer by saying so.
"""

from __future__ import annotations

import secrets
import time

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.update import Action

from functions.coupons.models import Campaign, ShareLink, ViewerActivity
from functions.rooms.access import Room
from functions.shared.errors import ApiError, Forbidden, Invalid, NotFound

SESSION_GAP_SECONDS = 30 * 60
DAY = 86_400.0
DEFAULT_NEW_VIEWER_DAYS = 7


def activity_key(merchant_sub: str, viewer_sub: str) -> str:
    return f"{merchant_sub}#{viewer_sub}"


def record_visit(room: Room, viewer_sub: str, now: float | None = None) -> ViewerActivity:
    """Record that ``viewer_sub`` is in ``room`` now (idempotent within a session)."""
    now = time.time() if now is None else now
    key = activity_key(room.merchant_sub, viewer_sub)
    try:
        current = ViewerActivity.get(key)
    except ViewerActivity.DoesNotExist:
        current = ViewerActivity(key, first_seen=now, last_seen=now, gap_before_last=0)
        try:
            current.save(condition=ViewerActivity.activity_key.does_not_exist())
            return current
        except Exception:  # a concurrent first visit won: fall through to the update
            current = ViewerActivity.get(key)
    gap = now - current.last_seen
    actions: list[Action] = [ViewerActivity.last_seen.set(max(now, current.last_seen))]
    if gap > SESSION_GAP_SECONDS:
        actions.append(ViewerActivity.gap_before_last.set(gap))
    try:
        current.update(actions=actions, condition=ViewerActivity.last_seen == current.last_seen)
    except UpdateError:  # another visit of the same viewer landed first: theirs is as good
        current.refresh()
    return current


def create_share(room: Room, sharer_sub: str) -> ShareLink:
    link = ShareLink(
        secrets.token_urlsafe(16),
        room_id=room.room_id,
        merchant_sub=room.merchant_sub,
        sharer_sub=sharer_sub,
        created_at=time.time(),
    )
    link.save(condition=ShareLink.share_id.does_not_exist())
    return link


def open_share(share_id: str, opener_sub: str) -> ShareLink:
    """Someone else opened the link: the sharer now counts as a sharer of the room (once)."""
    try:
        link = ShareLink.get(share_id)
    except ShareLink.DoesNotExist as exc:
        raise NotFound("share-not-found", "no such share link") from exc
    if link.sharer_sub == opener_sub:
        raise Invalid("own-share", "opening your own share link does not count")
    if not link.opened:
        try:
            link.update(
                actions=[
                    ShareLink.opened.set(True),
                    ShareLink.opened_by.set(opener_sub),
                    ShareLink.opened_at.set(time.time()),
                ],
                condition=ShareLink.opened == False,  # noqa: E712 (PynamoDB condition, not a bool)
            )
        except UpdateError:
            link.refresh()
    key = activity_key(link.merchant_sub, link.sharer_sub)
    now = time.time()
    ViewerActivity(key).update(
        actions=[
            ViewerActivity.sharer_rooms.add({link.room_id}),
            ViewerActivity.first_seen.set(ViewerActivity.first_seen | now),
            ViewerActivity.last_seen.set(ViewerActivity.last_seen | now),
        ]
    )
    return link


def check_segment(campaign: Campaign, viewer_sub: str, now: float) -> None:
    """403 unless the viewer is in the campaign's segment right now (checked at claim time)."""
    if campaign.segment == "everyone":
        return
    try:
        activity: ViewerActivity | None = ViewerActivity.get(activity_key(campaign.merchant_sub, viewer_sub))
    except ViewerActivity.DoesNotExist:
        activity = None
    days = campaign.segment_days
    if campaign.segment == "new":
        window = (days or DEFAULT_NEW_VIEWER_DAYS) * DAY
        if activity is not None and now - activity.first_seen > window:
            raise Forbidden(
                "not-in-segment",
                f"this coupon is for viewers new in the last {window / DAY:g} days",
                segment="new",
            )
        return
    if campaign.segment == "lapsed":
        needed = float(days or 0) * DAY
        if activity is None:
            raise Forbidden("not-in-segment", "this coupon is for returning viewers", segment="lapsed")
        silence = max(activity.gap_before_last, now - activity.last_seen)
        if silence < needed:
            raise Forbidden(
                "not-in-segment",
                f"this coupon is for viewers away for {days} days or more",
                segment="lapsed",
            )
        return
    if campaign.segment == "sharers":
        rooms = set(activity.sharer_rooms or ()) if activity is not None else set()
        if campaign.room_id not in rooms:
            raise Forbidden(
                "not-in-segment",
                "this coupon is for viewers whose share of the room someone opened",
                segment="sharers",
            )
        return
    raise ApiError(500, "unknown-segment", f"campaign has unknown segment {campaign.segment!r}")
