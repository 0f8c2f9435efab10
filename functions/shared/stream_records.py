"""Stream records: the batch Lambda delivers, and which table each record comes from.

Every stream consumer reads them (the fan-out, the insights consumer), so they live in the base
layer: the fan-out dispatches to insights' alert producer, and insights must not import the fan-out.
"""

from __future__ import annotations

from typing import Any

from functions.shared.config import get_settings

# Which table a record comes from when it carries no eventSourceARN (GetRecords output): the key
# attributes of the streamed tables are distinct, except rooms and stage (both keyed by room_id:
# told apart by an attribute only a room item has, see ``table_of``).
_TABLE_BY_KEYS = {
    frozenset({"room_id", "comment_id"}): "comments",
    frozenset({"room_id"}): "stage",
    frozenset({"campaign_id"}): "coupon-campaigns",
    frozenset({"shard_key"}): "coupon-stock",
}


def records_of(event: dict[str, Any]) -> list[dict[str, Any]]:
    """The raw records of a Lambda DynamoDB Streams event (images stay in DynamoDB JSON, which the
    producers' PynamoDB models decode).

    What Powertools' ``DynamoDBStreamEvent(event).records`` gave, each ``.raw_event``: the dicts
    of ``event["Records"]``. Read directly: importing that class ran Powertools' whole
    ``data_classes`` package (every event type of every AWS service), the largest import of the
    fan-out's cold start that it did not use."""
    return list(event["Records"])


def zone_of_record(record: dict[str, Any]) -> str | None:
    """The residency zone whose table a stream record comes from (``<prefix>-<zone>-<short>`` in
    its ``eventSourceARN``); None: a default-zone table, or a record without an ARN."""
    arn = str(record.get("eventSourceARN") or "")
    if ":table/" not in arn:
        return None
    settings = get_settings()
    name = arn.split(":table/", 1)[1].split("/", 1)[0]
    prefix = f"{settings.table_prefix}-"
    short = name[len(prefix) :] if name.startswith(prefix) else name
    return next((zone for zone in settings.zones if short.startswith(f"{zone}-")), None)


def table_of(record: dict[str, Any]) -> str | None:
    """The short name (``comments``, ``stage``, ...) of the table a stream record comes from.

    From ``eventSourceARN`` (``arn:...:table/<prefix>-<short>/stream/<label>``, what Lambda
    delivers; a residency zone's copy ``<prefix>-<zone>-<short>`` is the same table's), else from
    the record's key attributes (records read with GetRecords carry no ARN);
    a ``room_id``-only key is a room when its image has a ``merchant_sub`` (a stage item has none).
    """
    arn = str(record.get("eventSourceARN") or "")
    if ":table/" in arn:
        name = arn.split(":table/", 1)[1].split("/", 1)[0]
        settings = get_settings()
        prefix = f"{settings.table_prefix}-"
        short = name[len(prefix) :] if name.startswith(prefix) else name
        for zone in settings.zones:  # a residency zone's copy: "<prefix>-<zone>-<short>"
            if short.startswith(f"{zone}-"):
                return short[len(zone) + 1 :]
        return short
    data = record.get("dynamodb") or {}
    table = _TABLE_BY_KEYS.get(frozenset(data.get("Keys") or {}))
    if table == "stage" and "merchant_sub" in (data.get("NewImage") or data.get("OldImage") or {}):
        return "rooms"
    return table
