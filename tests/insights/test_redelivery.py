"""A Lambda retry of a stream batch counts nothing twice: whole, bisected, after a partial failure."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from crosslive.dev.stream import stream_record
from functions.comments.models import Comment
from functions.insights import consumer, store
from functions.rooms.product_models import Stage
from functions.shared.stream_records import table_of


def _records(room_id: str, count: int, first_seq: int) -> list[dict[str, Any]]:
    """``count`` viewer comments (ID and DE, over two minutes) and two products put on screen."""
    now = time.time() - 90
    records = []
    for i in range(count):
        market = ("ID", "DE")[i % 2]
        comment = Comment(
            room_id,
            f"redeliver-{first_seq + i:06d}",
            author_sub=f"rd-viewer-{i % 8}",
            author_market=market,
            author_role="viewer",
            text="bagus sekali?",
            original_text="bagus sekali?",
            language="id",
            status="published",
            room_status=f"{room_id}#published",
            created_at=now + i * (90 / count),
            updated_at=now,
        )
        records.append(stream_record(None, comment, first_seq + i))
    before = Stage(room_id, highlights=["SKU-1"], highlighted_at={"SKU-1": now}, updated_at=now, version=1)
    after = Stage(
        room_id, highlights=["SKU-1", "SKU-2"], highlighted_at={"SKU-1": now, "SKU-2": now + 30}, updated_at=now + 30
    )
    records.insert(count // 3, stream_record(None, before, first_seq + count))
    records.insert(2 * count // 3, stream_record(before, after, first_seq + count + 1))
    return records


def _seen(figures: dict[str, Any]) -> dict[str, Any]:
    markets = figures["markets"]
    return {
        "comments": {m: markets[m]["counters"]["comments"] for m in ("ID", "DE")},
        "questions": {m: markets[m]["counters"]["questions"] for m in ("ID", "DE")},
        "commenters": {m: figures["funnel"][m]["steps"]["commented"] for m in ("ID", "DE")},
        "highlights": [e["detail"] for e in figures["show"]["events"]],
    }


EXPECTED = {
    "comments": {"ID": 20, "DE": 20},
    "questions": {"ID": 20, "DE": 20},
    "commenters": {"ID": 4, "DE": 4},  # rd-viewer-0..7: even ones comment in ID, odd ones in DE
    "highlights": ["SKU-1", "SKU-2"],
}


def test_the_same_batch_delivered_twice_counts_once(
    live_room: dict[str, Any], figures: Callable[[str], dict[str, Any]]
) -> None:
    batch = _records(live_room["room_id"], 40, 1_000)
    consumer.process_records(batch)
    assert _seen(figures(live_room["room_id"])) == EXPECTED
    # WHEN Lambda delivers the batch again (the function timed out after writing), and then bisected
    consumer.process_records(batch)
    consumer.process_records(batch[: len(batch) // 2])
    consumer.process_records(batch[len(batch) // 2 :])
    # THEN nothing changed
    assert _seen(figures(live_room["room_id"])) == EXPECTED


def test_a_partly_failed_batch_redelivered_counts_each_record_once(
    live_room: dict[str, Any], figures: Callable[[str], dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = _records(live_room["room_id"], 40, 2_000)
    # GIVEN a first delivery that wrote some items and then failed (DynamoDB throttled the third write)
    real = store._write_minute
    calls = {"n": 0}

    def flaky(*args: Any, **kwargs: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("ProvisionedThroughputExceededException")
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "_write_minute", flaky)
    with pytest.raises(RuntimeError):
        consumer.process_records(batch)
    monkeypatch.setattr(store, "_write_minute", real)
    partial = _seen(figures(live_room["room_id"]))
    assert partial != EXPECTED  # some counts are missing: the retry must add exactly those
    # WHEN Lambda retries the batch: bisected first, then (as if from the start) whole
    consumer.process_records(batch[:10])
    consumer.process_records(batch)
    # AND a later delivery overlaps the end of it with new records (a retry that grew)
    newer = [r for r in _records(live_room["room_id"], 4, 3_000) if table_of(r) == "comments"]
    assert len(newer) == 4
    consumer.process_records(batch[-5:] + newer)
    # THEN every record counts once
    seen = _seen(figures(live_room["room_id"]))
    assert seen["highlights"] == ["SKU-1", "SKU-2"]
    assert seen["comments"] == {"ID": 22, "DE": 22}
    assert seen["questions"] == {"ID": 22, "DE": 22}
    assert seen["commenters"] == EXPECTED["commenters"]
