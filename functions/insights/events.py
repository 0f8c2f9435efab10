"""The fan-out's producer of the ``insights-alerts`` table: each new alert, pushed to the console.

An alert travels the comment push path as a ``private`` event owned by the room's merchant, so
only the merchant and the room's moderators receive it (``media_nodes/push/hub.py``), as
``{"type": "insights.alert", "id", "comment": {alert_id, kind, market, at, cause, detail, figures}}``.
"""

from __future__ import annotations

from typing import Any

from functions.insights.models import Alert
from functions.shared.push import events_of


def push_event(record: dict[str, Any]) -> dict[str, Any] | None:
    """The console push of one ``insights-alerts`` stream record (new alerts only)."""
    data = record.get("dynamodb") or {}
    if record.get("eventName") != "INSERT" or not data.get("NewImage"):
        return None
    alert = Alert.from_raw_data(data["NewImage"])
    body = alert.view()
    return {
        "type": "insights.alert",
        "id": f"alert:{alert.room_id}:{alert.alert_id}",
        "room_id": alert.room_id,
        "audience": "private",
        "owner_sub": alert.merchant_sub,
        "author_sub": None,
        "comment": body,
    }


def alert_events(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The producer: one push event per new alert in the batch."""
    return events_of(records, push_event)
