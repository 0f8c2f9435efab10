"""Every alert fires: a drop carried by a room's last batches (the scheduled check evaluates the
room), an alert whose store failed after its claim (the claim is given back).

Batch-triggered evaluations look only at seconds ``alerts.LAG_SECONDS`` old, at most every
``EVALUATE_EVERY_SECONDS``: when the batches after a drop all arrive within that and then the room
reports nothing more, no evaluation ever scanned the drop's second. The batches are accepted here
at a pinned clock (no waiting, no timing); the check runs as the platform schedules it.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest
from pynamodb.exceptions import PutError

from crosslive.dev.faults import FaultInjector, injected
from crosslive.dev.schedule import Scheduler
from functions.insights import alert_check, alerts, feed
from functions.insights.models import Alert
from functions.shared import signing


def _accept(node_id: str, batch: int, seconds: list[dict[str, Any]], now: float) -> None:
    """A node's batch, signed and accepted at ``now`` (as the node-feed route does)."""
    body = json.dumps({"node_id": node_id, "batch": batch, "seconds": seconds}).encode()
    parsed = feed.parse_feed(body, signing.sign(body, now), signing.verify, now)
    feed.accept_feed(parsed, now)


def _de(room_id: str, seconds: range, viewers: int) -> list[dict[str, Any]]:
    return [{"room_id": room_id, "market": "DE", "t": t, "viewers": viewers} for t in seconds]


def test_a_drop_in_the_batches_before_a_room_goes_quiet_raises_its_alert(live_room: dict[str, Any]) -> None:
    room_id, node = live_room["room_id"], f"quiet-node-{uuid.uuid4().hex[:8]}"
    drop = int(time.time()) - 20  # in the past, so the scheduled check's own clock sees it settled
    # GIVEN 5 minutes of 40 viewers in DE (their evaluation finds nothing: there is no drop yet)
    _accept(node, 1, _de(room_id, range(drop - 298, drop), 40), now=drop)
    # AND 60 % of them leave: the last two batches carry 4 seconds of 16 viewers, then the room
    # reports nothing more (its evaluations were within EVALUATE_EVERY_SECONDS, and saw seconds
    # up to LAG_SECONDS old at best)
    assert alerts.EVALUATE_EVERY_SECONDS > 4 and alerts.LAG_SECONDS >= 4
    _accept(node, 2, _de(room_id, range(drop, drop + 2), 16), now=drop + 2)
    _accept(node, 3, _de(room_id, range(drop + 2, drop + 4), 16), now=drop + 4)
    assert list(Alert.query(room_id)) == []  # nothing the batches triggered saw the drop
    # WHEN the platform's scheduled functions run (as EventBridge invokes them in AWS)
    Scheduler().run_once()
    # THEN the drop raised its alert, at the second the viewers fell, once
    (alert,) = list(Alert.query(room_id))
    assert (alert.kind, alert.market, float(alert.at)) == ("drop-off", "DE", float(drop))
    assert alert.figures["viewers"] == 16 and alert.figures["baseline"] == 40.0
    Scheduler().run_once()
    assert alert_check.check() == []  # already claimed: no second copy
    assert len(list(Alert.query(room_id))) == 1


def test_the_check_evaluates_only_rooms_of_nodes_that_reported_lately(live_room: dict[str, Any]) -> None:
    room_id, node = live_room["room_id"], f"old-node-{uuid.uuid4().hex[:8]}"
    now = time.time()
    _accept(node, 1, _de(room_id, range(int(now) - 30, int(now) - 28), 5), now=now - 28)
    assert room_id in alert_check.recent_rooms(now)
    assert room_id not in alert_check.recent_rooms(now + alert_check.RECENT_SECONDS)


def test_an_alert_whose_store_failed_is_emitted_by_the_next_evaluation(live_room: dict[str, Any]) -> None:
    room_id, node = live_room["room_id"], f"failing-node-{uuid.uuid4().hex[:8]}"
    drop = int(time.time()) - 40
    _accept(node, 1, _de(room_id, range(drop - 298, drop), 40), now=drop)
    _accept(node, 2, _de(room_id, range(drop, drop + 4), 16), now=drop + 4)  # (within 5 s: not evaluated)
    # GIVEN an evaluation that claims the drop's alert, then cannot store it (every attempt of the
    # PutItem fails: the claim is an UpdateItem, the alert a PutItem)
    failing = FaultInjector(1.0, kinds=["server-error"], operations=["PutItem"], lasting=True)
    with injected(failing) as faults, pytest.raises(PutError):
        alerts.evaluate(room_id, now=drop + 10)
    assert faults.injected["server-error"] >= 1 and list(Alert.query(room_id)) == []
    # WHEN the room is evaluated again
    emitted = alerts.evaluate(room_id, now=drop + 15)
    # THEN the alert is emitted (its claim was given back), once
    assert [(a.kind, a.market, a.at) for a in emitted] == [("drop-off", "DE", float(drop))]
    assert [a.kind for a in Alert.query(room_id)] == ["drop-off"]
    assert alerts.evaluate(room_id, now=drop + 20) == []
