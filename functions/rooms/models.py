"""The rooms table: one item per live room (global: every region reads its rooms).

Streamed: each region's fan-out turns a status change into the viewers' ``room`` live signal.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from functions.shared.db import TableModel, table_meta


class ByMerchant(GlobalSecondaryIndex["Room"]):
    class Meta:
        index_name = "by-merchant"
        projection = AllProjection()

    merchant_sub = UnicodeAttribute(hash_key=True)
    created_at = NumberAttribute(range_key=True)


def plain_map(raw: Any) -> dict[str, Any]:
    """A raw ``MapAttribute`` value as a plain dict (PynamoDB wraps maps it has read)."""
    return dict(raw.as_dict() if hasattr(raw, "as_dict") else raw or {})


class Room(TableModel):
    Meta = table_meta("rooms", stream=True)  # status changes are live signals (functions/rooms/signals.py)

    room_id = UnicodeAttribute(hash_key=True)
    merchant_sub = UnicodeAttribute()
    title = UnicodeAttribute()
    titles: MapAttribute[str, str] = MapAttribute(null=True)  # market -> the merchant's title for it
    home_market = UnicodeAttribute()
    host_language = UnicodeAttribute()
    markets = ListAttribute(of=UnicodeAttribute)
    status = UnicodeAttribute(default="scheduled")  # scheduled | live | ended
    scheduled_start = NumberAttribute(null=True)
    created_at = NumberAttribute()
    updated_at = NumberAttribute()
    version = NumberAttribute(default=1)

    by_merchant = ByMerchant()


from functions.rooms import product_models  # noqa: E402,F401  registers the products and stage tables
