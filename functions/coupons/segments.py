"""Segments that other packages compute and publish here: a show's win-back segment (insights).

Insights knows who left a show early, left after a price reveal or claimed without redeeming
(``functions.insights.winback``); a ``winback`` campaign's claims are checked against that here,
in coupons' own table, because coupons may not read insights' tables (each package owns its
tables, and insights already depends on coupons through comments: ``docs/architecture.md``).
Insights publishes changes only: a viewer who joins the segment gets the show in
``ViewerActivity.winback_rooms`` (``coupon-viewers``, keyed by merchant and viewer), one who
leaves it loses it.

Public (``PUBLIC_MODULES``): ``set_winback`` and ``in_winback``.
"""

from __future__ import annotations

from pynamodb.exceptions import UpdateError

from functions.coupons.models import ViewerActivity
from functions.coupons.presence import activity_key
from functions.shared.zones import bind


def set_winback(
    merchant_sub: str, show_room: str, viewer_sub: str, member: bool, seen_at: float, market: str | None = None
) -> None:
    """Put ``viewer_sub`` in (``member``) or out of the win-back segment of ``show_room``, in the
    residency zone of the viewer's ``market`` (``functions.shared.zones``).

    ``seen_at``: when insights last saw the viewer in the show. A viewer with no activity record
    yet gets one seen then (they were in the merchant's room); an existing record keeps its times.
    """
    item = bind(ViewerActivity, market)(activity_key(merchant_sub, viewer_sub))
    if member:
        item.update(
            actions=[
                ViewerActivity.winback_rooms.add({show_room}),
                ViewerActivity.first_seen.set(ViewerActivity.first_seen | seen_at),
                ViewerActivity.last_seen.set(ViewerActivity.last_seen | seen_at),
            ]
        )
    else:
        try:
            item.update(
                actions=[ViewerActivity.winback_rooms.delete({show_room})],
                condition=ViewerActivity.activity_key.exists(),
            )
        except UpdateError as exc:
            if getattr(exc, "cause_response_code", None) != "ConditionalCheckFailedException":
                raise  # (no record: nothing to take the show out of)


def in_winback(merchant_sub: str, show_room: str, viewer_sub: str, market: str | None = None) -> bool:
    """Whether insights last published ``viewer_sub`` as in the win-back segment of ``show_room``
    (read in the residency zone of the viewer's ``market``)."""
    activities = bind(ViewerActivity, market)
    try:
        item = activities.get(activity_key(merchant_sub, viewer_sub), consistent_read=True)
    except activities.DoesNotExist:
        return False
    return show_room in (item.winback_rooms or set())
