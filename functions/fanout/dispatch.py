"""Which producer turns which table's records into push events: the ``{table: producer}`` map.

Each domain owns the producer of its tables (what a change means to viewers); the fan-out only
routes. A producer takes the batch's records of its tables, in stream order, and returns push
events (``functions.shared.push``). One producer may serve several tables (a campaign signal
merges campaign and stock records), and then gets all their records in one call.

infra gives the fan-out an event source mapping for each table of this map. Every table defined
with ``stream=True`` has a consumer: an entry here, or the insights consumer's
(``functions.insights.streams.FOLDED_TABLES``; a test holds the three together).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from functions.comments.events import comment_events
from functions.coupons.signals import campaign_events
from functions.insights.events import alert_events
from functions.rooms.signals import room_signals, stage_signals
from functions.shared.push import coalesce
from functions.shared.stream_records import table_of

Producer = Callable[[list[dict[str, Any]]], list[dict[str, Any]]]
log = logging.getLogger("crosslive.fanout.dispatch")

PRODUCERS: dict[str, Producer] = {
    "comments": comment_events,
    "rooms": room_signals,
    "stage": stage_signals,
    "coupon-campaigns": campaign_events,
    "coupon-stock": campaign_events,
    "insights-alerts": alert_events,
}


def events_for_records(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The push events of a batch: each producer called once with its tables' records (in the
    map's order, so comments come first), with at most one signal per room status, stage and
    campaign."""
    groups: dict[Producer, list[dict[str, Any]]] = {}
    for record in records:
        table = table_of(record)
        producer = PRODUCERS.get(table or "")
        if producer is None:
            log.warning("no producer for stream record %s of table %s", record.get("eventID"), table)
            continue
        groups.setdefault(producer, []).append(record)
    events: list[dict[str, Any]] = []
    for producer in dict.fromkeys(PRODUCERS.values()):
        if producer in groups:
            events.extend(producer(groups[producer]))
    return coalesce(events)
