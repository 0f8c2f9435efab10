"""Live signals: stream records of the rooms, stage and coupon tables -> small public push events.

The viewer page used to poll the stage every second, the campaigns every two seconds and the room
every five, per viewer; at 10,000 viewers that alone is over API Gateway's default account limit.
Instead the same push path as comments (stream -> fan-out -> signed POST to the region's nodes ->
coalesced frames on each viewer's WebSocket) carries three signals:

* ``{"type": "room", "room_id", "status", "version"}`` when a room's status changes (the
  merchant's go-live or end, or the first WHIP publish of a scheduled room): the page updates its
  badge and starts or stops playback at once instead of at its next 15 s catch-up read.
* ``{"type": "stage", "room_id", "version"}`` when a room's ``Stage`` item gets a new version
  (highlights, pinned message): the page refetches the stage once, only if the version is newer.
* ``{"type": "campaign", "room_id", "campaign_id", "change", "state", "left", "stock", "markets",
  "server_time"}`` when a campaign is created/changed/removed (``change``) or its stock moves
  (``change: "stock"``, one per claim): the stock bar and state come from the event itself, and
  only a new or changed campaign makes the page refetch the campaigns.

Only public data travels (what ``GET /v1/rooms/{id}``, ``GET .../stage`` and ``GET .../campaigns``
show anyone): no merchant, no holder, no per-shard detail. Stock never goes back up (a cancelled order returns the
coupon to its holder, not the unit to the pool), so ``left`` is merged with ``min`` wherever two
signals of one campaign meet: in one fan-out batch and in a node's 100 ms flush (``merge``), so a
claim storm becomes one campaign signal per flush, not one frame per claim.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from functions.shared.config import get_settings

log = logging.getLogger("crosslive.comments.signals")

ROOMS_TABLE = "rooms"
STAGE_TABLE = "stage"
CAMPAIGNS_TABLE = "coupon-campaigns"
STOCK_TABLE = "coupon-stock"
SIGNAL_TABLES = (ROOMS_TABLE, STAGE_TABLE, CAMPAIGNS_TABLE, STOCK_TABLE)
SIGNAL_TYPES = ("room", "stage", "campaign")
# When signals of one campaign are merged, the stronger change wins: a viewer must refetch after
# a creation even if a stock signal of the same flush came later.
CHANGE_RANK = {"stock": 0, "updated": 1, "created": 2, "removed": 3}
# Which table a record comes from when it carries no eventSourceARN (GetRecords output): the key
# attributes of the streamed tables are distinct, except rooms and stage (both keyed by room_id:
# told apart by an attribute only a room item has, see ``table_of``).
_TABLE_BY_KEYS = {
    frozenset({"room_id", "comment_id"}): "comments",
    frozenset({"room_id"}): STAGE_TABLE,
    frozenset({"campaign_id"}): CAMPAIGNS_TABLE,
    frozenset({"shard_key"}): STOCK_TABLE,
}


def table_of(record: dict[str, Any]) -> str | None:
    """The short name (``comments``, ``stage``, ...) of the table a stream record comes from.

    From ``eventSourceARN`` (``arn:...:table/<prefix>-<short>/stream/<label>``, what Lambda
    delivers), else from the record's key attributes (records read with GetRecords carry no ARN);
    a ``room_id``-only key is a room when its image has a ``merchant_sub`` (a stage item has none).
    """
    arn = str(record.get("eventSourceARN") or "")
    if ":table/" in arn:
        name = arn.split(":table/", 1)[1].split("/", 1)[0]
        prefix = f"{get_settings().table_prefix}-"
        return name[len(prefix) :] if name.startswith(prefix) else name
    data = record.get("dynamodb") or {}
    table = _TABLE_BY_KEYS.get(frozenset(data.get("Keys") or {}))
    if table == STAGE_TABLE and "merchant_sub" in (data.get("NewImage") or data.get("OldImage") or {}):
        return ROOMS_TABLE
    return table


# -- room -------------------------------------------------------------------------------------


def room_event(record: dict[str, Any]) -> dict[str, Any] | None:
    """The ``room`` signal of a ``Room`` record, or None when its status did not change.

    Only ``status`` and ``version`` travel (``GET /v1/rooms/{id}`` shows both to anyone): a title
    or market edit, a creation (nobody watches a room that did not exist) and a deletion are not
    signalled; the page's catch-up read still picks those up.
    """
    from functions.rooms.models import Room

    data = record.get("dynamodb") or {}
    new_image, old_image = data.get("NewImage"), data.get("OldImage")
    if not new_image or not old_image:
        return None
    new, old = Room.from_raw_data(new_image), Room.from_raw_data(old_image)
    if new.status == old.status:
        return None
    version = int(new.version or 0)
    return {
        "type": "room",
        "id": f"room:{new.room_id}:{version}",
        "room_id": new.room_id,
        "audience": "all",
        "signal": {"room_id": new.room_id, "status": str(new.status), "version": version},
    }


# -- stage ------------------------------------------------------------------------------------


def stage_event(record: dict[str, Any]) -> dict[str, Any] | None:
    """The ``stage`` signal of a ``Stage`` record, or None when what viewers see did not change.

    Only a new version counts: the lazy creation of an empty stage (version 0) and a deletion
    show nothing new.
    """
    from functions.rooms.product_models import Stage

    data = record.get("dynamodb") or {}
    new_image, old_image = data.get("NewImage"), data.get("OldImage")
    if not new_image:
        return None
    new = Stage.from_raw_data(new_image)
    version = int(new.version or 0)
    old_version = int(Stage.from_raw_data(old_image).version or 0) if old_image else 0
    if version == 0 or version == old_version:
        return None
    return {
        "type": "stage",
        "id": f"stage:{new.room_id}:{version}",
        "room_id": new.room_id,
        "audience": "all",
        "signal": {"room_id": new.room_id, "version": version},
    }


# -- campaigns and stock -------------------------------------------------------------------------


def _stronger(a: str, b: str) -> str:
    return a if CHANGE_RANK.get(a, 0) >= CHANGE_RANK.get(b, 0) else b


def campaign_event(campaign: Any, left: int, change: str, now: float) -> dict[str, Any]:
    """The ``campaign`` signal: public state of one campaign, stock left included."""
    from functions.coupons.campaigns import countdown, markets_of

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
    from functions.coupons.claims import shard_key
    from functions.coupons.models import StockShard

    shards = int(campaign.shards)
    read: dict[int, int] = {}
    keys = [shard_key(campaign.campaign_id, i) for i in range(shards)]
    for item in StockShard.batch_get(keys):
        read[int(str(item.shard_key).rsplit("#", 1)[1])] = int(item.remaining)
    total = 0
    for index in range(shards):
        values = [v for v in (read.get(index), recorded.get(index)) if v is not None]
        total += min(values) if values else 0
    return total


def campaign_events(records: list[dict[str, Any]], now: float | None = None) -> list[dict[str, Any]]:
    """One ``campaign`` signal per campaign touched by ``records`` (campaign and stock records).

    Per campaign: the strongest change of the batch (``removed`` > ``created`` > ``updated`` >
    ``stock``) and the stock left after the batch. Shard inserts (a new campaign's stock, written
    before the campaign item) are skipped: the campaign's own insert announces it.
    """
    from functions.coupons.models import Campaign, StockShard

    now = time.time() if now is None else now
    touched: dict[str, dict[str, Any]] = {}
    for record in records:
        data = record.get("dynamodb") or {}
        new_image, old_image = data.get("NewImage"), data.get("OldImage")
        try:
            if table_of(record) == CAMPAIGNS_TABLE:
                image = new_image or old_image
                if not image:
                    continue
                campaign = Campaign.from_raw_data(image)
                change = "created" if not old_image else ("removed" if not new_image else "updated")
                entry = touched.setdefault(campaign.campaign_id, {"change": change, "shards": {}})
                entry["campaign"] = campaign
                entry["change"] = _stronger(entry["change"], change)
            elif new_image and old_image:  # a stock shard changed (a claim)
                shard = StockShard.from_raw_data(new_image)
                index = int(str(shard.shard_key).rsplit("#", 1)[1])
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
                from functions.coupons.campaigns import load_campaign

                found = load_campaign(campaign_id)
            left = 0 if entry["change"] == "removed" else _stock_left(found, entry["shards"])
            events.append(campaign_event(found, left, entry["change"], now))
        except Exception:  # e.g. a campaign that no longer exists: nothing to show
            log.warning("no campaign signal for %s", campaign_id, exc_info=True)
    return events


def events_for_records(records: list[dict[str, Any]], now: float | None = None) -> list[dict[str, Any]]:
    """Signals for a batch of room/stage/campaign/stock records, at most one per room status,
    stage and campaign."""
    events: dict[tuple[str, str], dict[str, Any]] = {}
    coupon_records = []
    for record in records:
        table = table_of(record)
        if table in (ROOMS_TABLE, STAGE_TABLE):
            try:
                event = room_event(record) if table == ROOMS_TABLE else stage_event(record)
            except Exception:
                log.exception("undecodable stream record %s", record.get("eventID"))
                continue
            if event is not None:
                key = signal_key(event)
                events[key] = merge(events[key], event) if key in events else event
        elif table in (CAMPAIGNS_TABLE, STOCK_TABLE):
            coupon_records.append(record)
    out = list(events.values())
    if coupon_records:
        out.extend(campaign_events(coupon_records, now))
    return out


# -- coalescing (fan-out batches and the nodes' flushes) -----------------------------------------


def signal_key(event: dict[str, Any]) -> tuple[str, str]:
    """What a signal is about: a room's status, its stage or one campaign. One per key per frame."""
    signal = event["signal"]
    if event["type"] in ("room", "stage"):
        return (str(event["type"]), str(signal["room_id"]))
    return ("campaign", str(signal["campaign_id"]))


def merge(older: dict[str, Any], newer: dict[str, Any]) -> dict[str, Any]:
    """One signal standing for two of the same key (arrival order ``older``, ``newer``).

    Room and stage: the higher version (every room write adds one, so it is the later status).
    Campaign: the later one's state, the lower ``left`` (stock only goes down, so it is the newer
    count even if deliveries crossed) and the stronger change.
    """
    if newer["type"] in ("room", "stage"):
        return newer if int(newer["signal"]["version"]) >= int(older["signal"]["version"]) else older
    a, b = older["signal"], newer["signal"]
    latest = newer if float(b["server_time"]) >= float(a["server_time"]) else older
    signal = dict(latest["signal"])
    signal["left"] = min(int(a["left"]), int(b["left"]))
    signal["change"] = _stronger(str(a["change"]), str(b["change"]))
    return {**latest, "signal": signal}
