"""The insights stream consumer: records of comments, coupons, redemptions, stage, rooms -> tables.

In AWS one Lambda (``handler``) has an event source mapping on each of those tables' streams
(``streams.FOLDED_TABLES``), in the origin region only: the tables are global, so each replica's
stream carries every region's writes, and a consumer per region would count each event once per
region. On the embedded platform ``crosslive.dev.stream.subscribe`` hands it the same batches.
Each batch is folded in memory (``fold.fold_records``) and written once per touched item
(``store.apply``), so 100 comments of one room and market in one minute cost one counter update,
not 100.

Delivery is at least once (a Lambda retry re-folds its batch, whole or bisected), counting is
exactly once: every fold page (the stream-folded counts of a minute, in bounded pages) and show
item records the markers of the stream records folded into it, in the same conditional
``UpdateItem`` as the counts (``store.apply``); distinct sets and
per-viewer steps are idempotent anyway (``docs/insights.md``, "Delivery").
"""

from __future__ import annotations

import logging
import time
from typing import Any

from functions.insights import alerts, fold, history, sentiment, store
from functions.insights.models import Alert, CampaignRoom, FoldPage, MinuteCounters, ShowRecord
from functions.shared.config import Settings, get_settings
from functions.shared.stream_records import records_of, table_of

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
    """Fold a batch and write it; each record counts once however often the batch is delivered."""
    score = sentiment.scorer_for(records, table_of)
    deltas = fold.fold_records(records, table_of, score, room_of_campaign)

    def refold(applied: frozenset[str]) -> fold.Deltas:
        rest = [r for r in records if fold.record_marker(r) not in applied]
        return fold.fold_records(rest, table_of, score, room_of_campaign)

    writes = store.apply(deltas, refold=refold) if deltas else 0
    if deltas:
        alerts.evaluate_soon({key[0] for key in deltas.counters})
    for room_id, show in deltas.shows.items():
        if show.ended_at is not None:
            history.record_ended(room_id)
    return {"records": len(records), "writes": writes}


# The global aggregate tables (not personal: counts, show timelines). The distinct sets are not
# among them: placed per zone, a zone home's consumer writes its zone's copy in the zone.
AGGREGATES = (MinuteCounters, FoldPage, ShowRecord, Alert, CampaignRoom)


def aggregates_in_origin(settings: Settings | None = None) -> None:
    """Write the aggregates in the origin when this consumer runs in an edge.

    An edge runs this consumer only as a residency zone's home, fed by the zone tables' streams
    (``docs/residency.md``). The aggregates are ADD counters on global tables: written from two
    regions, last-writer-wins replication would lose updates, so from an edge they are written in
    the origin (``CROSSLIVE_HOME_AWS_REGION``), as coupon writes are; the per-viewer records still
    go to the zone's table (``store``). In the origin (and on the embedded platform) nothing changes.
    """
    settings = settings or get_settings()
    if settings.aws_region == settings.home_aws_region:
        return
    for model in AGGREGATES:
        if model.Meta.region != settings.home_aws_region:
            model.Meta.region = settings.home_aws_region
            model._connection = None  # PynamoDB caches a connection per model class


def handler(event: dict[str, Any], context: Any = None) -> dict[str, int]:
    """Lambda entry point for the streams insights folds (a failed batch is retried by Lambda)."""
    aggregates_in_origin()
    return process_records(records_of(event))
