"""The scheduled alert check: the rooms media nodes reported lately are evaluated without a batch.

Alerts are evaluated when a node batch or a stream batch arrives (``alerts.evaluate_soon``), and an
evaluation looks only at seconds at least ``alerts.LAG_SECONDS`` old. When a room's reports stop
(its last viewers left, its node went silent) shortly after a drop, the batches that carried the
drop were the last ones: the evaluations they triggered could not see it yet (too new, or within
``EVALUATE_EVERY_SECONDS`` of the previous evaluation) and nothing triggered another, so the drop
raised no alert. This check evaluates every room a node reported in the last
``RECENT_SECONDS``, over the last ``SCAN_SECONDS``, whatever arrives.

In AWS a scheduled Lambda (``handler``, every minute, origin only: the node registry is the
origin's; ``functions/specs.py``), on the embedded platform a periodic task
(``crosslive.dev.schedule``). Emission stays once per alert: each is claimed in ``AlertState``.
Cost per run: one query of the node registry, then per listed room one read of the room (a room
no longer live stops there) and, for a live one, the reads of one evaluation.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from functions.insights import alerts
from functions.insights.models import FLEET, NodeSeen

log = logging.getLogger("crosslive.insights.alert_check")

# A minute's schedule plus a late run: consecutive runs' scans overlap, so no second is left out.
SCAN_SECONDS = 150
# Rooms of nodes that reported within this: a room's last seconds are still being scanned.
RECENT_SECONDS = SCAN_SECONDS + alerts.LAG_SECONDS + 30


def recent_rooms(now: float) -> set[str]:
    """The rooms served by the nodes whose last batch is at most ``RECENT_SECONDS`` old."""
    rooms: set[str] = set()
    for node in NodeSeen.query(FLEET, filter_condition=NodeSeen.last_seen >= now - RECENT_SECONDS):
        rooms.update(str(r) for r in node.rooms or ())
    return rooms


def check(now: float | None = None) -> list[alerts.Detected]:
    """Evaluate every recently reported room; returns the alerts this run emitted."""
    now = time.time() if now is None else now
    emitted: list[alerts.Detected] = []
    for room_id in sorted(recent_rooms(now)):
        emitted.extend(alerts.evaluate_logged(room_id, now, SCAN_SECONDS))
    return emitted


def handler(event: dict[str, Any], context: Any = None) -> dict[str, int]:
    """Lambda entry point (EventBridge schedule): one check of the recently reported rooms."""
    emitted = check()
    if emitted:
        log.info("scheduled alert check emitted %d alerts", len(emitted))
    return {"emitted": len(emitted)}
