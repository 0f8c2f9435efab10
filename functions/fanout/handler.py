"""The fan-out's entry points: the Lambda handler and the batch function the local stream calls."""

from __future__ import annotations

from typing import Any

from functions.fanout.delivery import deliver
from functions.fanout.dispatch import events_for_records
from functions.shared.stream_records import records_of


def process_records(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Turn a batch of stream records into push events and send them to this region's nodes."""
    return deliver(events_for_records(records))


def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Lambda entry point for the streams of every streamed table (one event source mapping per
    table, all on this handler).

    Node failures are logged, not raised: re-running the batch would re-push to healthy nodes
    while viewers on a failed node recover by listing since their last comment id on reconnect.
    """
    return process_records(records_of(event))
