"""The coupon tables: campaigns, sharded stock, per-user holdings, coupons, redemptions, viewer activity.

Key design (why each table looks the way it does):

* ``StockShard`` is keyed ``<campaign>#<shard>``: every shard is its own partition key, so a flash
  burst spreads over N partitions instead of queueing on one (1,000 write units/s each).
* ``Holding`` (``<campaign>#<user>``) counts a user's claims against the per-user limit; it is
  written in the same ``TransactWriteItems`` as the stock decrement and the coupon, so neither
  limit can be passed under any concurrency.
* Every coupon-state table is a global table but is *written only in the campaign's home region*
  (the origin, ``CROSSLIVE_HOME_AWS_REGION``; see ``functions.coupons.store``): last-writer-wins
  replication then never sees two conditional writes race across regions.
* ``ViewerActivity`` and ``ShareLink`` are written where the viewer is; they only feed
  eligibility segments, where last-writer-wins on a timestamp is harmless.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from functions.shared.db import TableModel, table_meta


class CampaignsByRoom(GlobalSecondaryIndex["Campaign"]):
    class Meta:
        index_name = "by-room"
        projection = AllProjection()

    room_id = UnicodeAttribute(hash_key=True)
    created_at = NumberAttribute(range_key=True)


class Campaign(TableModel):
    """A coupon campaign of one room. Immutable once created (claims rely on its terms)."""

    Meta = table_meta("coupon-campaigns", stream=True)  # type: ignore[assignment]  # pushed as "campaign" signals

    campaign_id = UnicodeAttribute(hash_key=True)
    room_id = UnicodeAttribute()
    merchant_sub = UnicodeAttribute()
    title = UnicodeAttribute()
    markets = ListAttribute(of=UnicodeAttribute)
    currency = UnicodeAttribute()
    discount_kind = UnicodeAttribute()  # fixed | percent
    discount_amount_minor = NumberAttribute(null=True)
    discount_percent = NumberAttribute(null=True)
    max_discount_minor = NumberAttribute(null=True)
    min_spend_minor = NumberAttribute(default=0)
    prior_price_minor = NumberAttribute(null=True)
    stock = NumberAttribute()
    shards = NumberAttribute()
    per_user_limit = NumberAttribute()
    valid_from = NumberAttribute()
    valid_until = NumberAttribute()
    flash_start = NumberAttribute(null=True)
    flash_end = NumberAttribute(null=True)
    segment = UnicodeAttribute(default="everyone")  # everyone | new | lapsed | sharers | winback
    segment_days = NumberAttribute(null=True)
    segment_show = UnicodeAttribute(null=True)  # winback: the room whose win-back segment may claim
    created_at = NumberAttribute()

    by_room = CampaignsByRoom()


class StockShard(TableModel):
    """``remaining`` units of one shard of a campaign's stock."""

    Meta = table_meta("coupon-stock", stream=True, zoned=True)  # type: ignore[assignment]  # stock left, pushed

    shard_key = UnicodeAttribute(hash_key=True)  # "<campaign_id>#<shard>"
    campaign_id = UnicodeAttribute()
    remaining = NumberAttribute()
    initial = NumberAttribute()


class Holding(TableModel):
    """How many coupons of a campaign one user holds (the per-user limit's counter)."""

    Meta = table_meta("coupon-holdings", zoned=True)  # type: ignore[assignment]

    holding_key = UnicodeAttribute(hash_key=True)  # "<campaign_id>#<user sub>"
    claimed = NumberAttribute(default=0)


class CouponsByHolder(GlobalSecondaryIndex["Coupon"]):
    class Meta:
        index_name = "by-holder"
        projection = AllProjection()

    holder_sub = UnicodeAttribute(hash_key=True)
    claimed_at = NumberAttribute(range_key=True)


class Coupon(TableModel):
    """One claimed coupon, bound to its holder and to the market it was claimed in."""

    Meta = table_meta("coupons", stream=True, zoned=True)  # type: ignore[assignment]  # claims feed insights' funnel

    code_id = UnicodeAttribute(hash_key=True)  # 128-bit random, base64url
    campaign_id = UnicodeAttribute()
    holder_sub = UnicodeAttribute()
    market = UnicodeAttribute()
    shard = NumberAttribute()
    status = UnicodeAttribute(default="claimed")  # claimed | redeemed
    redemption_id = UnicodeAttribute(null=True)
    claimed_at = NumberAttribute()

    by_holder = CouponsByHolder()


class Redemption(TableModel):
    """A coupon used on a checkout order; cancelling it returns the coupon to usable."""

    Meta = table_meta("coupon-redemptions", stream=True, zoned=True)  # type: ignore[assignment]  # GMV in insights

    redemption_id = UnicodeAttribute(hash_key=True)
    code_id = UnicodeAttribute()
    campaign_id = UnicodeAttribute()
    holder_sub = UnicodeAttribute()
    order_id = UnicodeAttribute()
    market = UnicodeAttribute()
    currency = UnicodeAttribute()
    order_total_minor = NumberAttribute()
    discount_minor = NumberAttribute()
    status = UnicodeAttribute(default="redeemed")  # redeemed | cancelled
    redeemed_by = UnicodeAttribute()
    redeemed_at = NumberAttribute()
    cancelled_at = NumberAttribute(null=True)


class ViewerActivity(TableModel):
    """When a viewer was first and last seen in a merchant's rooms, and the gap before the last visit.

    Keyed ``<merchant>#<viewer>``: "new" and "lapsed" are about the merchant's audience, not one
    room. ``gap_before_last`` is the silence before the current session (a visit more than
    ``SESSION_GAP_SECONDS`` after the previous one starts a session), so a lapsed viewer who comes
    back to the live room is still recognised as lapsed while they are there.
    """

    Meta = table_meta("coupon-viewers", zoned=True)  # type: ignore[assignment]

    activity_key = UnicodeAttribute(hash_key=True)
    first_seen = NumberAttribute()
    last_seen = NumberAttribute()
    gap_before_last = NumberAttribute(default=0)
    session_start = NumberAttribute(null=True)  # start of the current session (absent on older records)
    sharer_rooms = UnicodeSetAttribute(null=True)  # rooms whose share someone else opened
    # Rooms where the platform itself saw the viewer (a comment, a WHEP session that delivered
    # frames), not what a client said: only these make an opened share count.
    present_rooms = UnicodeSetAttribute(null=True)
    credited_rooms = UnicodeSetAttribute(null=True)  # rooms where this viewer's open credited a sharer
    winback_rooms = UnicodeSetAttribute(null=True)  # shows whose win-back segment holds the viewer (insights)


class ShareLink(TableModel):
    """A viewer's share of a room; it counts only once someone else opens it."""

    Meta = table_meta("coupon-shares", zoned=True)  # type: ignore[assignment]

    share_id = UnicodeAttribute(hash_key=True)
    room_id = UnicodeAttribute()
    merchant_sub = UnicodeAttribute()
    sharer_sub = UnicodeAttribute()
    created_at = NumberAttribute()
    opened = BooleanAttribute(default=False)
    opened_by = UnicodeAttribute(null=True)  # the opener's pseudonym (shared/pseudonyms.py): maybe another zone's
    opened_at = NumberAttribute(null=True)
