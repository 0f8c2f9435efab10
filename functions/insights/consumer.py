"""The insights stream consumer: records of comments, coupons, redemptions, stage, rooms -> tables.

In AWS one Lambda (``handler``) has an event source mapping on each of those tables' streams
(``streams.FOLDED_TABLES``), in the origin region only: the tables are global, so each replica's
stream carries every region's writes, and a consumer per region would count each event once per
region. On the embedded platform ``crosslive.dev.stream.subscribe`` hands it the same batches.
Each batch is folded in memory (``fold.fold_records``) and written once per touched item
(``store.apply``), so 100 comments of one room and market in one minute cost one counter update,
not 100.

Delivery is at least once (a Lambda retry re-folds its batch): the counters may then count a
batch twice, the distinct sets and per-viewer steps cannot (``docs/insights.md``).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from functions.fanout.records import records_of, table_of
from functions.insights import alerts, fold, history, sentiment, store
from functions.insights.models import CampaignRoom

log = logging.getLogger("crosslive.insights.consumer")
CAMPAIGN_CACHE_SECONDS = 300.0
_campaign_rooms: dict[str, tuple[float, str | None]] = {}


def room_of_campaign(campaign_id: str) -> str | None:
    """The room a campaign belongs to (campaigns are immutable: cached for minutes)."""
    cached = _campaign_rooms.get(campaign_id)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    try:
        room_id: str | None = str(CampaignRoom.get(campaign_id).room_id)
    except CampaignRoom.DoesNotExist:
        room_id = None
    _campaign_rooms[campaign_id] = (time.monotonic() + CAMPAIGN_CACHE_SECONDS, room_id)
    return room_id


def process_records(records: list[dict[str, Any]]) -> dict[str, int]:
    deltas = fold.fold_records(records, table_of, sentiment.scorer_for(records, table_of), room_of_campaign)
    writes = store.apply(deltas) if deltas else 0
    if deltas:
        alerts.evaluate_soon({key[0] for key in deltas.counters})
    for room_id, show in deltas.shows.items():
        if show.ended_at is not None:
            history.record_ended(room_id)
    return {"records": len(records), "writes": writes}


def handler(event: dict[str, Any], context: Any = None) -> dict[str, int]:
    """Lambda entry point for the streams insights folds (a failed batch is retried by Lambda)."""
    return process_records(records_of(event))
