"""Campaign signals: what a change of the coupon-campaigns or coupon-stock table pushes to viewers.

``{"type": "campaign", "room_id", "campaign_id", "change", "state", "left", "stock", "markets",
"server_time"}`` when a campaign is created/changed/removed (``change``) or its stock moves
(``change: "stock"``, one per claim): the stock bar and state come from the event itself, and only
a new or changed campaign makes the page refetch the campaigns.

Only public data travels (what ``GET .../campaigns`` shows anyone): no merchant, no holder, no
per-shard detail. Stock never goes back up (a cancelled order returns the coupon to its holder,
not the unit to the pool), so ``left`` is merged with ``min`` wherever two signals of one campaign
meet (``functions.shared.push.merge``).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from functions.coupons.campaigns import countdown, load_campaign, markets_of
from functions.coupons.claims import remaining_by_shard, shard_index
from functions.coupons.models import Campaign, StockShard
from functions.coupons.store import bound_store, campaign_zone, zone_store
from functions.shared.config import get_settings
from functions.shared.push import stronger

log = logging.getLogger("crosslive.coupons.signals")


def campaign_event(campaign: Any, left: int, change: str, now: float) -> dict[str, Any]:
    """The ``campaign`` signal: public state of one campaign, stock left included."""
    state = countdown(campaign, now).state
    left = max(0, int(left))
    return {
        "type": "campaign",
        "id": f"campaign:{campaign.campaign_id}:{change}:{state}:{left}",
        "room_id": campaign.room_id,
        "audience": "all",
        "signal": {
            "room_id": campaign.room_id,
            "campaign_id": campaign.campaign_id,
            "change": change,
            "state": state,
            "left": left,
            "stock": int(campaign.stock),
            "markets": markets_of(campaign),
            "server_time": round(now, 3),
        },
    }


def _stock_left(campaign: Any, recorded: dict[int, int]) -> int:
    """Units left over every shard of ``campaign``: this region's replica, read once per batch.

    A shard's value from this batch's records wins when lower (the replica read may be a little
    behind the record it follows; stock only goes down, so the lower value is the newer one).
    """
    shards = int(campaign.shards)
    zone = campaign_zone([str(m) for m in campaign.markets])
    # the default zone's stock from this region's replica; a zone's from its home (its only writer)
    store = bound_store(get_settings().aws_region) if zone is None else zone_store(zone)
    read = remaining_by_shard(store, campaign)
    total = 0
    for index in range(shards):
        values = [v for v in (read.get(index), recorded.get(index)) if v is not None]
        total += min(values) if values else 0
    return total


def _is_stock(record: dict[str, Any]) -> bool:
    """A coupon-stock record (keyed by ``shard_key``) rather than a coupon-campaigns one."""
    return "shard_key" in ((record.get("dynamodb") or {}).get("Keys") or {})


def campaign_events(records: list[dict[str, Any]], now: float | None = None) -> list[dict[str, Any]]:
    """The producer of the coupon-campaigns and coupon-stock tables: one ``campaign`` signal per
    campaign touched by ``records``.

    Per campaign: the strongest change of the batch (``removed`` > ``created`` > ``updated`` >
    ``stock``) and the stock left after the batch. Shard inserts (a new campaign's stock, written
    before the campaign item) are skipped: the campaign's own insert announces it.
    """
    now = time.time() if now is None else now
    touched: dict[str, dict[str, Any]] = {}
    for record in records:
        data = record.get("dynamodb") or {}
        new_image, old_image = data.get("NewImage"), data.get("OldImage")
        try:
            if not _is_stock(record):
                image = new_image or old_image
                if not image:
                    continue
                campaign = Campaign.from_raw_data(image)
                change = "created" if not old_image else ("removed" if not new_image else "updated")
                entry = touched.setdefault(campaign.campaign_id, {"change": change, "shards": {}})
                entry["campaign"] = campaign
                entry["change"] = stronger(entry["change"], change)
            elif new_image and old_image:  # a stock shard changed (a claim)
                shard = StockShard.from_raw_data(new_image)
                index = shard_index(shard.shard_key)
                entry = touched.setdefault(shard.campaign_id, {"change": "stock", "shards": {}})
                previous = entry["shards"].get(index)
                remaining = int(shard.remaining)
                entry["shards"][index] = remaining if previous is None else min(previous, remaining)
        except Exception:
            log.exception("undecodable stream record %s", record.get("eventID"))
    events = []
    for campaign_id, entry in touched.items():
        try:
            found: Any = entry.get("campaign")
            if found is None:
                found = load_campaign(campaign_id)
            left = 0 if entry["change"] == "removed" else _stock_left(found, entry["shards"])
            events.append(campaign_event(found, left, entry["change"], now))
        except Exception:  # e.g. a campaign that no longer exists: nothing to show
            log.warning("no campaign signal for %s", campaign_id, exc_info=True)
    return events
