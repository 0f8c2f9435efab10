"""Emitting an alert once: claimed in ``AlertState``, stored in the streamed ``insights-alerts``
table (the fan-out pushes it to the console), and put on Amazon EventBridge in AWS.

EventBridge: source ``crosslive.insights``, detail-type ``Insights alert``, on the bus named by
``CROSSLIVE_INSIGHTS_EVENT_BUS`` (the default bus when unset). The embedded platform has no
EventBridge; there the console push is the only delivery.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any

from pynamodb.exceptions import UpdateError

from functions.insights.alerts import COOL_DOWN_SECONDS, Detected, as_dict
from functions.insights.models import Alert, AlertState
from functions.shared.config import get_settings

ENV_EVENT_BUS = "CROSSLIVE_INSIGHTS_EVENT_BUS"
EVENT_SOURCE = "crosslive.insights"
DETAIL_TYPE = "Insights alert"
log = logging.getLogger("crosslive.insights.emit")


def claim(room_id: str, alert: Detected) -> bool:
    """True for the one caller that may emit ``alert`` (none did in the cool-down before it)."""
    state = AlertState(room_id, f"{alert.kind}#{alert.market}")
    try:
        state.update(
            actions=[AlertState.last_at.set(alert.at)],
            condition=AlertState.last_at.does_not_exist() | (AlertState.last_at <= alert.at - COOL_DOWN_SECONDS),
        )
    except UpdateError as exc:
        if getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException":
            return False
        raise
    return True


def release(room_id: str, alert: Detected) -> None:
    """Undo this caller's claim of ``alert`` when it could not be published, so the next
    evaluation emits it: a claim left behind would refuse the same alert for good.

    The claim is reset to ``alert.at - COOL_DOWN_SECONDS`` (a claim admits only alerts at or
    after ``alert.at`` then, never one inside the cool-down of an earlier emitted alert), and only
    while it is still this caller's (``last_at == alert.at``).
    """
    state = AlertState(room_id, f"{alert.kind}#{alert.market}")
    try:
        state.update(
            actions=[AlertState.last_at.set(alert.at - COOL_DOWN_SECONDS)],
            condition=AlertState.last_at == alert.at,
        )
    except UpdateError as exc:
        if getattr(exc, "cause_response_code", None) != "ConditionalCheckFailedException":
            raise


def alert_id(alert: Detected) -> str:
    return f"{alert.at:014.3f}#{alert.kind}#{alert.market}"


def publish(room_id: str, merchant_sub: str | None, alert: Detected) -> Alert:
    """Store the alert (its stream record is the push) and put it on EventBridge in AWS."""
    item = Alert(
        room_id,
        alert_id(alert),
        kind=alert.kind,
        market=alert.market,
        at=alert.at,
        cause=alert.cause,
        detail=alert.detail,
        figures=as_dict(alert)["figures"],
        merchant_sub=merchant_sub,
    )
    item.save()  # a streamed table: the save reports the change to the stream port
    if not get_settings().is_local:
        put_event(room_id, alert)
    return item


def events_client() -> Any:
    """The EventBridge client (a seam for ``botocore.stub.Stubber`` in tests)."""
    from functions.shared.aws import aws_client

    return aws_client("events", get_settings().aws_region)


def put_event(room_id: str, alert: Detected, client: Any | None = None) -> None:
    entry: dict[str, Any] = {
        "Source": EVENT_SOURCE,
        "DetailType": DETAIL_TYPE,
        "Detail": json.dumps({"room_id": room_id, **as_dict(alert)}, ensure_ascii=False),
    }
    bus = os.environ.get(ENV_EVENT_BUS)
    if bus:
        entry["EventBusName"] = bus
    response = (client or events_client()).put_events(Entries=[entry])
    if response.get("FailedEntryCount"):
        log.error("EventBridge refused the alert: %s", response.get("Entries"))
