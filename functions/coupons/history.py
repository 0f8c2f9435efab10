"""A viewer's history with a merchant: everything the platform recorded, merged into one timeline.

"New" and "lapsed" are decided on it, not on page-reported visits alone:

* presence (``coupon-viewers``: comments, watched WHEP sessions, visits; ``functions.coupons.presence``),
* the viewer's coupons of this merchant's campaigns (``coupons``, by holder: when each was claimed),
* their redemptions (``coupon-redemptions``: when the checkout used one).

So a viewer who claimed in an earlier room 45 days ago and left no presence record is neither new
nor a stranger: they have been away 45 days. The timeline is a set of covered intervals (a
presence record gives its earlier history up to the last session and the current session; each
claim or redemption is an instant); intervals closer than ``SESSION_GAP_SECONDS`` are one session.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from functions.coupons.campaigns import load_campaign
from functions.coupons.models import Coupon, Redemption, ViewerActivity
from functions.coupons.presence import SESSION_GAP_SECONDS, activity_key
from functions.coupons.store import market_store, zone_store
from functions.shared.errors import NotFound
from functions.shared.zones import bind, zone_of

# How many of the viewer's newest coupons are read (one query; campaigns are cached per process).
COUPONS_READ = 100


@dataclass(frozen=True)
class History:
    """When the merchant's platform first and last saw the viewer, and how long they were away."""

    first_seen: float | None
    last_seen: float | None
    # Seconds away before the current session (if the viewer is in one), else since last seen;
    # 0 for a viewer whose only session is the current one.
    away: float
    sharer_rooms: frozenset[str]

    @property
    def known(self) -> bool:
        return self.first_seen is not None


def viewer_history(merchant_sub: str, viewer_sub: str, now: float, market: str | None = None) -> History:
    """The viewer's history with the merchant, read in the residency zone of their ``market``."""
    activities = bind(ViewerActivity, market)
    try:
        activity: ViewerActivity | None = activities.get(activity_key(merchant_sub, viewer_sub))
    except activities.DoesNotExist:
        activity = None
    coupon_times = _coupon_times(merchant_sub, viewer_sub, market)
    intervals = _activity_intervals(activity) + [(t, t) for t in coupon_times]
    sharers = frozenset(activity.sharer_rooms or ()) if activity is not None else frozenset()
    if not intervals:
        return History(None, None, 0.0, sharers)
    sessions = _sessions(intervals)
    last_end = sessions[-1][1]
    if now - last_end > SESSION_GAP_SECONDS:
        away = now - last_end
    elif len(sessions) > 1:
        away = sessions[-1][0] - sessions[-2][1]
    else:
        away = 0.0
    return History(sessions[0][0], last_end, away, sharers)


def _activity_intervals(activity: ViewerActivity | None) -> list[tuple[float, float]]:
    if activity is None:
        return []
    first, last, gap = float(activity.first_seen), float(activity.last_seen), float(activity.gap_before_last or 0)
    if gap <= 0:
        return [(first, last)]
    # Older records have no session_start: their gap ended at the last presence.
    start = float(activity.session_start) if activity.session_start is not None else last
    previous = max(first, start - gap)
    return [(first, previous), (start, last)]


def holder_coupons(holder_sub: str, market: str | None, limit: int) -> list[Coupon]:
    """The holder's newest coupons, from their market's residency zone (the default zone's from
    this region's replica, a zone's from its home)."""
    zone = zone_of(market)
    if zone is None:
        return list(Coupon.by_holder.query(holder_sub, scan_index_forward=False, limit=limit))
    table = zone_store(zone).coupons
    index = Coupon.by_holder.Meta.index_name  # by name: an index object queries its own class's table
    return list(table.query(holder_sub, scan_index_forward=False, limit=limit, index_name=index))


def _coupon_times(merchant_sub: str, viewer_sub: str, market: str | None = None) -> list[float]:
    """When the viewer claimed (and redeemed) coupons of ``merchant_sub``'s campaigns.

    Read from this region's replica: history is about days, replication lag about a second."""
    times: list[float] = []
    redemptions = market_store(market).redemptions if zone_of(market) else Redemption
    for coupon in holder_coupons(viewer_sub, market, COUPONS_READ):
        try:
            campaign = load_campaign(coupon.campaign_id)
        except NotFound:
            continue
        if campaign.merchant_sub != merchant_sub:
            continue
        times.append(float(coupon.claimed_at))
        if coupon.redemption_id:
            with contextlib.suppress(redemptions.DoesNotExist):
                times.append(float(redemptions.get(coupon.redemption_id).redeemed_at))
    return times


def _sessions(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The intervals merged where less than ``SESSION_GAP_SECONDS`` apart, oldest first."""
    merged: list[tuple[float, float]] = []
    for start, end in sorted(intervals):
        if merged and start - merged[-1][1] <= SESSION_GAP_SECONDS:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
