"""Tables of what a room sells and what is on screen right now.

``Product``: one item per (room, SKU) with the merchant's price in each viewer market (a
cross-border shop sets its own local prices; nothing here converts currencies). ``Stage``: one
item per room holding the highlighted SKUs (at most ``MAX_HIGHLIGHTS``, in the order the host
put them up) and the pinned message, versioned so concurrent console tabs cannot lose updates.
"""

from __future__ import annotations

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute

from functions.shared.db import TableModel, table_meta

MAX_HIGHLIGHTS = 3


class Product(TableModel):
    Meta = table_meta("products")  # type: ignore[assignment]

    room_id = UnicodeAttribute(hash_key=True)
    sku = UnicodeAttribute(range_key=True)
    title = UnicodeAttribute()
    titles: MapAttribute[str, str] = MapAttribute(null=True)  # market -> the merchant's own title for it
    description = UnicodeAttribute(null=True)  # shown on the viewer's card, screened like the title
    descriptions: MapAttribute[str, str] = MapAttribute(null=True)  # market -> the merchant's own description
    category = UnicodeAttribute(null=True)
    image_url = UnicodeAttribute(null=True)
    buy_url = UnicodeAttribute(null=True)  # the merchant's product page / checkout (https)
    prices: MapAttribute[str, int] = MapAttribute(default=dict)  # market -> amount in minor units
    created_at = NumberAttribute()
    updated_at = NumberAttribute()


class Stage(TableModel):
    Meta = table_meta("stage", stream=True)  # type: ignore[assignment]  # viewers get "stage" signals by push

    room_id = UnicodeAttribute(hash_key=True)
    highlights = ListAttribute(of=UnicodeAttribute, default=list)
    highlighted_at: MapAttribute[str, float] = MapAttribute(default=dict)  # sku -> UNIX time put up
    pinned = UnicodeAttribute(null=True)
    pinned_texts: MapAttribute[str, str] = MapAttribute(null=True)  # market -> the merchant's own text for it
    pinned_at = NumberAttribute(null=True)
    version = NumberAttribute(default=0)
    updated_at = NumberAttribute(default=0)
