"""Viewer activity for eligibility segments: presence in a merchant's rooms, and shares.

* Presence is recorded by the services that see the viewer (``functions.coupons.presence``: a
  comment, a WHEP session that delivered frames); ``POST /v1/coupons/rooms/{room}/visits`` (the
  viewer's page) can only add to it. ``check_segment`` decides new / lapsed on the viewer's whole
  history with the merchant (``functions.coupons.history``: presence, claims, redemptions).
* A *share* (``POST /v1/coupons/rooms/{room}/shares``) makes a link id. It counts for the sharer
  only when **someone else** opens it (``POST /v1/coupons/shares/{id}/opens`` with their own
  token), and only if that opener is a viewer of one of the room's markets whom the platform saw
  in the room (a comment or a watched WHEP session), and only for the first sharer that opener
  credits in the room (``OPENS_CREDITED_PER_OPENER``). So a viewer cannot make themselves a sharer
  by saying so, and a fresh account that never watched unlocks nobody.
"""

from __future__ import annotations

import secrets
import time

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from functions.coupons.history import viewer_history
from functions.coupons.models import Campaign, ShareLink, ViewerActivity
from functions.coupons.presence import activity_key, record_presence
from functions.coupons.segments import in_winback
from functions.rooms.access import Room, get_room
from functions.shared.auth import Principal
from functions.shared.errors import Conflict, Forbidden, Invalid, NotFound
from functions.shared.pseudonyms import pseudonym
from functions.shared.zones import bind, bind_zone, everywhere, zone_name_of, zone_of_model

DAY = 86_400.0
DEFAULT_NEW_VIEWER_DAYS = 7
# How many sharers of one room a viewer's opens can credit: the first link that brought them.
OPENS_CREDITED_PER_OPENER = 1


def record_visit(
    room: Room, viewer_sub: str, now: float | None = None, *, market: str | None = None
) -> ViewerActivity:
    """The viewer's page says they joined ``room``: presence, but not proof of watching."""
    return record_presence(room.merchant_sub, room.room_id, viewer_sub, "visit", now, market=market)


def create_share(room: Room, sharer_sub: str, *, market: str | None = None) -> ShareLink:
    """A share link of ``room`` by ``sharer_sub``, stored in the residency zone of their ``market``."""
    link = bind(ShareLink, market)(
        secrets.token_urlsafe(16),
        room_id=room.room_id,
        merchant_sub=room.merchant_sub,
        sharer_sub=sharer_sub,
        created_at=time.time(),
    )
    link.save(condition=ShareLink.share_id.does_not_exist())
    return link


def open_share(share_id: str, opener: Principal) -> tuple[ShareLink, bool]:
    """Someone else opened the link; the answer says whether this open made the sharer a sharer.

    Refused: the sharer's own open (422 ``own-share``), an opener outside the room's markets (403
    ``opener-market-not-in-room``), an opener the platform has not seen in the room yet (409
    ``opener-not-present``: watch or comment first; the page retries after watching). Not counted
    (200, ``counted: false``): a link someone else opened first (a link counts once), an opener who
    already credited ``OPENS_CREDITED_PER_OPENER`` sharers of this room.
    """
    link = _find_share(share_id)
    if link.sharer_sub == opener.sub:
        raise Invalid("own-share", "opening your own share link does not count")
    room = get_room(link.room_id)
    if not opener.market or opener.market not in (room.markets or []):
        raise Forbidden(
            "opener-market-not-in-room",
            f"room {room.room_id!r} is not broadcast to {opener.market or 'no market'}: the open does not count",
        )
    if link.opened:
        return link, link.opened_by == pseudonym(opener.sub)
    openers = bind(ViewerActivity, opener.market)  # the opener's residency zone
    try:
        seen: ViewerActivity | None = openers.get(activity_key(link.merchant_sub, opener.sub))
    except openers.DoesNotExist:
        seen = None
    if seen is None or link.room_id not in (seen.present_rooms or set()):
        raise Conflict(
            "opener-not-present",
            "the open counts once you have watched the room (or commented in it); try again after watching",
            retry_after=10,
        )
    credited = seen.credited_rooms or set()
    if link.room_id in credited:  # OPENS_CREDITED_PER_OPENER == 1: a room in the set is spent
        return link, False
    if not _credit(link, seen):
        link.refresh()
        return link, link.opened_by == pseudonym(opener.sub)
    now = time.time()
    sharers = bind_zone(ViewerActivity, zone_of_model(type(link)))  # the sharer's zone: the link's
    sharers(activity_key(link.merchant_sub, link.sharer_sub)).update(
        actions=[
            ViewerActivity.sharer_rooms.add({link.room_id}),
            ViewerActivity.first_seen.set(ViewerActivity.first_seen | now),
            ViewerActivity.last_seen.set(ViewerActivity.last_seen | now),
        ]
    )
    return link, True


def _find_share(share_id: str) -> ShareLink:
    """The share link, from whichever residency zone holds it (its sharer's)."""
    for table in everywhere(ShareLink):
        try:
            return table.get(share_id, consistent_read=True)
        except table.DoesNotExist:
            continue
    raise NotFound("share-not-found", "no such share link")


def _credit(link: ShareLink, opener: ViewerActivity) -> bool:
    """Mark the link opened by ``opener`` and spend the opener's credit in the room, both or neither.

    One transaction when sharer and opener are in one residency zone. Across zones (a DE sharer,
    an ID opener) no transaction spans both tables' regions: the opener's credit is spent first
    (conditionally), then the link marked (conditionally), and the credit given back if the link
    was opened meanwhile."""
    if zone_name_of(type(link)) != zone_name_of(type(opener)):
        return _credit_across_zones(link, opener)
    links = type(link)
    now = time.time()
    try:
        with TransactWrite(connection=links._get_connection().connection) as tx:
            tx.update(
                links(link.share_id),
                actions=[
                    ShareLink.opened.set(True),
                    ShareLink.opened_by.set(pseudonym(opener.activity_key.split("#", 1)[1])),
                    ShareLink.opened_at.set(now),
                ],
                condition=ShareLink.opened == False,  # noqa: E712 (PynamoDB condition, not a bool)
            )
            tx.update(
                type(opener)(opener.activity_key),
                actions=[ViewerActivity.credited_rooms.add({link.room_id})],
                condition=~ViewerActivity.credited_rooms.contains(link.room_id),
            )
    except TransactWriteError:
        return False  # the link was opened meanwhile, or this opener spent their credit meanwhile
    return True


def _credit_across_zones(link: ShareLink, opener: ViewerActivity) -> bool:
    try:
        type(opener)(opener.activity_key).update(
            actions=[ViewerActivity.credited_rooms.add({link.room_id})],
            condition=~ViewerActivity.credited_rooms.contains(link.room_id),
        )
    except UpdateError:
        return False  # this opener spent their credit meanwhile
    try:
        type(link)(link.share_id).update(
            actions=[
                ShareLink.opened.set(True),
                ShareLink.opened_by.set(pseudonym(opener.activity_key.split("#", 1)[1])),
                ShareLink.opened_at.set(time.time()),
            ],
            condition=ShareLink.opened == False,  # noqa: E712 (PynamoDB condition, not a bool)
        )
    except UpdateError:
        type(opener)(opener.activity_key).update(actions=[ViewerActivity.credited_rooms.delete({link.room_id})])
        return False  # the link was opened meanwhile: the credit is given back
    return True


def check_segment(campaign: Campaign, viewer_sub: str, now: float, market: str | None = None) -> None:
    """403 unless the viewer is in the campaign's segment right now (checked at claim time).

    New and lapsed are decided on the viewer's whole history with the merchant (presence, claims,
    redemptions: ``functions.coupons.history``)."""
    if campaign.segment == "everyone":
        return
    if campaign.segment == "winback":
        show = str(campaign.segment_show)
        if not in_winback(campaign.merchant_sub, show, viewer_sub, market):
            raise Forbidden(
                "not-in-segment",
                "this coupon is for viewers of an earlier show who left early, left after a price was shown, "
                "or claimed a coupon they did not use",
                segment="winback",
                show=show,
            )
        return
    history = viewer_history(campaign.merchant_sub, viewer_sub, now, market)
    days = campaign.segment_days
    if campaign.segment == "new":
        window = (days or DEFAULT_NEW_VIEWER_DAYS) * DAY
        if history.first_seen is not None and now - history.first_seen > window:
            raise Forbidden(
                "not-in-segment",
                f"this coupon is for viewers new in the last {window / DAY:g} days",
                segment="new",
            )
        return
    if campaign.segment == "lapsed":
        needed = float(days or 0) * DAY
        if not history.known:
            raise Forbidden("not-in-segment", "this coupon is for returning viewers", segment="lapsed")
        if history.away < needed:
            raise Forbidden(
                "not-in-segment",
                f"this coupon is for viewers away for {days} days or more",
                segment="lapsed",
            )
        return
    if campaign.segment == "sharers":
        if campaign.room_id not in history.sharer_rooms:
            raise Forbidden(
                "not-in-segment",
                "this coupon is for viewers whose share of the room someone opened",
                segment="sharers",
            )
        return
    # segments are validated when a campaign is created: an unknown one is a fault (logged, 500)
    raise RuntimeError(f"campaign {campaign.campaign_id} has unknown segment {campaign.segment!r}")
