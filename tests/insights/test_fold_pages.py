"""A minute busier than one DynamoDB item can remember still counts each stream record exactly once.

The markers that make a stream record count once used to live in the minute item itself: 13 bytes
per record, so ~30,000 records of one market in one minute passed DynamoDB's 400 KB item limit
(moto enforces it too) and the minute could take no more. They now live in bounded fold pages
beside the counts they guard (``store._write_folded``). This folds 32,000 records into one
(room, market, minute) through the real table layer, then replays old batches warm, cold (the
process forgot every page) and bisected, and a retry that overlaps new records.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import pytest

from functions.insights import live, store
from functions.insights.fold import Deltas
from functions.insights.models import FoldPage, series_key

# Past store.MAX_CONDITION_MARKS a condition checks the first and last marker only (a retry is a
# contiguous run): batches this size keep moto's slow parse of long conditions out of the test's time.
BATCH = 250
RECORDS = 32_000  # 448 KB of markers: past the old single-item limit


def _batch(room_id: str, minute: int, markers: list[str]) -> tuple[Deltas, Callable[[frozenset[str]], Deltas]]:
    """A stream batch's deltas for one minute: each record a comment, every third a question."""

    def fold(kept: list[str]) -> Deltas:
        deltas = Deltas()
        key = (room_id, "ID", minute)
        for marker in kept:
            deltas.marking = marker
            deltas.count(room_id, "ID", minute * 60 + 5, "comments")
            if int(marker.rsplit("-", 1)[1]) % 3 == 0:
                deltas.count(room_id, "ID", minute * 60 + 5, "questions")
        deltas.marking = None
        assert list(deltas.minute_marks[key]) == kept
        return deltas

    return fold(markers), lambda applied: fold([m for m in markers if m not in applied])


def _markers(run: str, first: int, count: int) -> list[str]:
    return [f"{run}-{n}" for n in range(first, first + count)]  # 14 bytes: as long as a real marker


def _apply(room_id: str, minute: int, markers: list[str]) -> None:
    deltas, refold = _batch(room_id, minute, markers)
    store.apply(deltas, refold=refold)


def _counts(room_id: str, minute: int) -> tuple[int, int]:
    (found,) = [m for m in live.load_minutes(room_id, "ID", minute) if m.minute == minute]
    return found.counters["comments"], found.counters["questions"]


def _questions(first: int, count: int) -> int:
    return sum(1 for n in range(first, first + count) if n % 3 == 0)


@pytest.mark.usefixtures("embedded")
def test_thirty_two_thousand_records_in_one_minute_each_count_once() -> None:
    run = uuid.uuid4().hex[:8]
    room_id, minute = f"pages-{run}", int(time.time() // 60)
    # GIVEN 32,000 records of one market in one minute, delivered in batches
    for first in range(0, RECORDS, BATCH):
        _apply(room_id, minute, _markers(run, first, BATCH))
    # THEN every one counted, once
    assert _counts(room_id, minute) == (RECORDS, _questions(0, RECORDS))
    # AND no item holds more than a page of markers: the minute has many bounded pages
    pages = list(FoldPage.query(series_key(room_id, "ID"), consistent_read=True))
    assert len(pages) >= RECORDS // store.PAGE_MARKS
    assert max(len(p.folded or ()) for p in pages) <= store.PAGE_MARKS
    assert all(p.closed for p in pages[:-1]) and not pages[-1].closed
    assert sum(len(p.folded or ()) for p in pages) == RECORDS
    # WHEN Lambda redelivers old batches: whole (their records are in a closed page) ...
    _apply(room_id, minute, _markers(run, 0, BATCH))
    _apply(room_id, minute, _markers(run, 20_000, BATCH))
    # ... and after the process forgot every page (a cold container), whole and bisected
    store.forget_known()
    _apply(room_id, minute, _markers(run, 100, BATCH))
    _apply(room_id, minute, _markers(run, 30_050, BATCH // 2))
    _apply(room_id, minute, _markers(run, 1_000, 40))  # (a short run: every marker in the condition)
    _apply(room_id, minute, _markers(run, RECORDS - BATCH, BATCH))  # the open page's own records
    # THEN nothing changed
    assert _counts(room_id, minute) == (RECORDS, _questions(0, RECORDS))
    # WHEN a retry overlaps the end of the last batch with new records (from a cold start too)
    store.forget_known()
    _apply(room_id, minute, _markers(run, RECORDS - 50, BATCH))
    # THEN only the new ones count
    total = RECORDS - 50 + BATCH
    assert _counts(room_id, minute) == (total, _questions(0, total))
    pages = list(FoldPage.query(series_key(room_id, "ID"), consistent_read=True))
    assert sum(len(p.folded or ()) for p in pages) == total
    assert max(len(p.folded or ()) for p in pages) <= store.PAGE_MARKS
