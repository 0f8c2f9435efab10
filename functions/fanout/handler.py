"""The fan-out's entry points: the Lambda handler and the batch function the local stream calls."""

from __future__ import annotations

from typing import Any

from functions.fanout.delivery import deliver
from functions.fanout.dispatch import events_for_records
from functions.shared.stream_records import records_of, zone_of_record


def process_records(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Turn a batch of stream records into push events and send them to this region's nodes.

    Records of a residency zone's tables reach only the zone home's fan-out (their streams are
    consumed there alone), so their events go to the live nodes of every region."""
    local = [r for r in records if zone_of_record(r) is None]
    zoned = [r for r in records if zone_of_record(r) is not None]
    result = deliver(events_for_records(local))
    if zoned:
        more = deliver(events_for_records(zoned), every_region=True)
        result = {
            "events": result["events"] + more["events"],
            "nodes": max(result["nodes"], more["nodes"]),
            "failed": [*result["failed"], *more["failed"]],
        }
    return result


def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Lambda entry point for the streams of every streamed table (one event source mapping per
    table, all on this handler).

    Node failures are logged, not raised: re-running the batch would re-push to healthy nodes
    while viewers on a failed node recover by listing since their last comment id on reconnect.
    """
    return process_records(records_of(event))
