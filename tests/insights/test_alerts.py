"""Alert detection (pure), the cause it names, one emission per cool-down, the push and EventBridge."""

from __future__ import annotations

import json
from typing import Any

from botocore.stub import Stubber

from functions.insights import emit, events
from functions.insights.alerts import Detected, detect, find_drop
from functions.insights.figures import Minute

T0 = 1_800_000_000  # a minute boundary


def _steady_then(fall_at: int, before: int, after: int, seconds: int = 600) -> dict[int, int]:
    return {T0 + s: (before if T0 + s < fall_at else after) for s in range(seconds)}


def _minute(at: int, **counters: int) -> Minute:
    return Minute(at // 60, counters, {})


def test_a_fall_of_a_fifth_within_a_minute_is_found_at_its_second() -> None:
    present = _steady_then(T0 + 400, before=100, after=70)
    assert find_drop(present, T0 + 300, T0 + 600) == (T0 + 400, 100.0, 70)
    gentle = {T0 + s: 100 - s // 20 for s in range(600)}  # -5 % a minute: never 20 % within 60 s
    assert find_drop(gentle, T0 + 300, T0 + 600) is None
    small = _steady_then(T0 + 400, before=8, after=2)  # too few viewers for a drop to mean anything
    assert find_drop(small, T0 + 300, T0 + 600) is None


def test_the_drop_names_the_product_shown_in_the_market_that_left() -> None:
    present = {"ID": _steady_then(T0 + 400, 100, 100), "DE": _steady_then(T0 + 400, 50, 20)}
    events = [{"at": T0 + 390, "kind": "highlight", "detail": "sku-silk"}]
    host = [_minute(T0 + 360, host_comments=2)]
    found = detect(present, {"ID": [], "DE": []}, host, events, T0 + 300, T0 + 600)
    assert [(a.kind, a.market, a.at, a.cause) for a in found] == [("drop-off", "DE", T0 + 400, "product-shown")]
    assert "sku-silk" in found[0].detail and found[0].figures["other_markets_fall"] == {"ID": 0.0}


def test_each_cause_is_named_by_what_happened_around_the_drop() -> None:
    present = {"ID": _steady_then(T0 + 400, 100, 60)}
    at = T0 + 400

    def cause(minutes: list[Minute], room: list[Minute], events: list[dict[str, Any]] | None = None) -> str | None:
        return detect(present, {"ID": minutes}, room, events or [], T0 + 300, T0 + 600)[0].cause

    spoke = [_minute(at - 120, host_comments=1)]
    assert cause([], [_minute(at, ingest_gap_s=3), *spoke]) == "ingest-drop"
    assert cause([_minute(at, stalls=4)], spoke) == "stall"
    assert cause([_minute(at, moderated=8, comments=4)], spoke) == "moderation-wave"
    assert cause([], []) == "host-quiet"
    assert cause([], spoke) == "unknown"


def test_a_negative_sentiment_spike_and_an_unanswered_surge() -> None:
    now = T0 + 600
    last = now - 60
    calm = [_minute(T0 + 60 * k, comments=10, positive=5, negative=1, questions=1) for k in range(4, 9)]
    angry = _minute(last, comments=10, positive=1, negative=6, questions=7)
    found = detect({}, {"ID": [*calm, angry]}, [], [], now - 60, now)
    assert {(a.kind, a.market) for a in found} == {("sentiment-spike", "ID"), ("unanswered-surge", "*")}
    answered = detect({}, {"ID": [*calm, angry]}, [_minute(last, host_comments=1)], [], now - 60, now)
    assert [a.kind for a in answered] == ["sentiment-spike"]


def test_an_alert_is_emitted_once_per_cool_down_and_pushed_to_the_room_owner(embedded: Any) -> None:
    alert = Detected("drop-off", "DE", float(T0), "DE: viewers fell 60 %", "stall", {"fall": 0.6})
    assert emit.claim("room-alerts", alert)
    assert not emit.claim("room-alerts", alert)  # another container evaluating the same room
    later = Detected("drop-off", "DE", float(T0 + 301), "again", "stall")
    assert emit.claim("room-alerts", later)
    item = emit.publish("room-alerts", "merchant-x", alert)
    from crosslive.dev.stream import stream_record

    event = events.push_event(stream_record(None, item, 1))
    assert event is not None
    assert (event["type"], event["audience"], event["owner_sub"]) == ("insights.alert", "private", "merchant-x")
    assert event["comment"]["cause"] == "stall" and event["comment"]["figures"] == {"fall": 0.6}


def test_the_alert_goes_to_eventbridge_in_the_shape_put_events_takes() -> None:
    client = emit.events_client()
    alert = Detected("drop-off", "ID", float(T0), "ID fell", "product-shown", {"product": "sku-1"})
    with Stubber(client) as stub:
        stub.add_response(
            "put_events",
            {"FailedEntryCount": 0, "Entries": [{"EventId": "11710aed-b79e-4468-a20b-bb3c0c3b4860"}]},
            {
                "Entries": [
                    {
                        "Source": "crosslive.insights",
                        "DetailType": "Insights alert",
                        "Detail": json.dumps(
                            {
                                "room_id": "r1",
                                "kind": "drop-off",
                                "market": "ID",
                                "at": float(T0),
                                "detail": "ID fell",
                                "cause": "product-shown",
                                "figures": {"product": "sku-1"},
                            }
                        ),
                    }
                ]
            },
        )
        emit.put_event("r1", alert, client=client)
        stub.assert_no_pending_responses()
