"""A residency zone's insights, counted inside the zone: its distinct counts and win-back counts.

A market whose plugin keeps its people's data in some regions (a residency zone, ``docs/residency.md``)
is aggregated there. Two of insights' figures need that zone's personal data: the distinct counts
(reach, qualified, commenters, ...), which union sets of pseudonymous viewer keys
(``insights-distinct``), and the win-back counts, which read every viewer item
(``insights-viewers``). Both tables are placed per zone, and this function, running in the zone's
home, counts them from the zone's own copies. What leaves the zone is only the result: counts per
market and reason in ``ZoneFigures`` (a global table, written in the origin), which the live read
(``live.py``) and the win-back poll (``winback_cache.py``) read (``zone_counted.py``) and combine
with the default zone's, counted where they run.

When: the zone copies of both tables stream their changes (``table_meta(..., zone_stream=True)``).
In AWS the ``insights-zone-figures`` function exists in each zone's home only, with one event
source mapping per table (``functions/specs.py``): the distinct sets' with no batching window (the
live panel's counts stay within seconds), the viewers' with ``streams.WINBACK_BATCH_SECONDS``, so
a room's win-back counts are recounted about every 30 s while its viewers change, as the console
polls them, and always after the last change. On the embedded platform ``crosslive.dev.stream``
hands it the same records.

Counting once for many records: a batch names (zone, room, figure) triples, each with the time of
its newest record. A count already stored that started after that time (with
``CLOCK_MARGIN_SECONDS``: a record's time is whole seconds) has seen those records, so nothing is
counted again; a count is stored only if no later-started count is there (a conditional write),
so two invocations racing never replace a newer count with an older one.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

from pynamodb.exceptions import UpdateError

from functions.insights import distinct_counts, winback
from functions.insights.models import DistinctSet, ZoneFigures
from functions.shared import zones
from functions.shared.stream_records import records_of, table_of, zone_of_record

log = logging.getLogger("crosslive.insights.zone_figures")

CLOCK_MARGIN_SECONDS = 1.0
DISTINCT = "distinct"
WINBACK = "winback"
FIGURE_OF_TABLE = {"insights-distinct": DISTINCT, "insights-viewers": WINBACK}
clock: Callable[[], float] = time.time  # a module attribute, so tests can move time

Touched = dict[tuple[str, str, str], float]  # (zone, room, figure) -> time of the newest record


def touched_by(records: list[dict[str, Any]]) -> Touched:
    """What a batch of the zone copies' stream records asks to recount."""
    out: Touched = {}
    for record in records:
        figure = FIGURE_OF_TABLE.get(table_of(record) or "")
        zone = zone_of_record(record)
        if figure is None or zone is None:  # the default copies are counted where they are read
            continue
        keys = record.get("dynamodb", {}).get("Keys", {})
        if figure == DISTINCT:
            room_id = str(keys.get("series", {}).get("S", "")).rsplit("#", 1)[0]
        else:
            room_id = str(keys.get("room_id", {}).get("S", ""))
        if not room_id:
            continue
        at = float(record.get("dynamodb", {}).get("ApproximateCreationDateTime") or clock())
        key = (zone, room_id, figure)
        out[key] = max(out.get(key, 0.0), at)
    return out


def count(zone: zones.Zone, room_id: str, figure: str) -> dict[str, Any]:
    """Count one figure of ``room_id`` from ``zone``'s own tables (strongly consistent reads in
    the zone's home, where its writes go)."""
    if figure == DISTINCT:
        model = zones.bind_zone(DistinctSet, zone)
        return distinct_counts.count_markets(room_id, zone.markets, lambda _market: model, consistent=True)
    body = winback.counts(room_id, zone.markets, zone_names=[zone.name])
    body.pop("zones", None)
    return body


def recount(zone_name: str, room_id: str, figure: str, newest: float) -> bool:
    """Count ``figure`` of the room in the zone unless a count that started after ``newest`` is
    stored; returns whether a count was made."""
    zone = zones.zone_named(zone_name)
    if zone is None:
        log.warning("stream record of zone %r, which is not configured here", zone_name)
        return False
    model = zones.in_origin(ZoneFigures)
    at_attr = model.distinct_at if figure == DISTINCT else model.winback_at
    body_attr = model.distinct if figure == DISTINCT else model.winback
    try:
        stored = model.get(room_id, zone_name, consistent_read=True, attributes_to_get=[at_attr.attr_name])
        done = getattr(stored, at_attr.attr_name)
    except model.DoesNotExist:
        done = None
    if done is not None and float(done) > newest + CLOCK_MARGIN_SECONDS:
        return False
    started = clock()
    body = count(zone, room_id, figure)
    try:
        model(room_id, zone_name).update(
            actions=[body_attr.set(json.dumps(body, sort_keys=True)), at_attr.set(started)],
            condition=at_attr.does_not_exist() | (at_attr < started),
        )
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
    return True


def process_records(records: list[dict[str, Any]]) -> dict[str, int]:
    """Recount what a batch of the zone copies' records touched."""
    touched = touched_by(records)
    counted = sum(recount(zone, room, figure, newest) for (zone, room, figure), newest in sorted(touched.items()))
    return {"records": len(records), "touched": len(touched), "counted": counted}


def handler(event: dict[str, Any], context: Any = None) -> dict[str, int]:
    """Lambda entry point: the zone copies' stream batches (a failed batch is retried by Lambda)."""
    return process_records(records_of(event))
