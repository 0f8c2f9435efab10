"""The streamed tables' DynamoDB Streams, on the embedded platform.

In AWS, DynamoDB Streams (in every region, replicated writes included) invokes
``functions.comments.fanout.handler`` with batches of records of the comments, rooms, stage,
coupon-campaigns and coupon-stock tables. moto's streams are not wired to anything, so locally
``emit`` builds the same record from the item DynamoDB just stored (any ``TableModel``: keys
and ``eventSourceARN`` come from the model, so the fan-out tells the tables apart exactly as it
does in AWS) and a background thread hands batches to the same ``fanout.process_records``: a
batching window of ``BATCH_WINDOW_SECONDS`` or ``BATCH_MAX_RECORDS``, like the Lambda event
source mapping's ``MaximumBatchingWindowInSeconds``/``BatchSize``. The write path never waits
for the push.

Outside the local stage ``emit`` does nothing: the real streams are the only source of pushes.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Any

from functions.shared.config import get_settings

BATCH_WINDOW_SECONDS = 0.01
BATCH_MAX_RECORDS = 100
LOCAL_ACCOUNT = "000000000000"
log = logging.getLogger("crosslive.comments.stream")


def stream_arn(table_name: str, region: str) -> str:
    """The shape of a table's stream ARN (what Lambda puts in each record's ``eventSourceARN``)."""
    return f"arn:aws:dynamodb:{region}:{LOCAL_ACCOUNT}:table/{table_name}/stream/local"


def stream_record(old: Any | None, new: Any | None, sequence: int) -> dict[str, Any]:
    """A DynamoDB Streams record (``NEW_AND_OLD_IMAGES``) for a change of a PynamoDB item.

    Works for any model: ``Keys`` are the item's hash (and range) key attributes, and
    ``eventSourceARN`` names the model's table, as in the records Lambda receives.
    """
    item = new if new is not None else old
    assert item is not None
    image = item.serialize()
    keys = {
        attr.attr_name: image[attr.attr_name]
        for attr in type(item).get_attributes().values()
        if attr.is_hash_key or attr.is_range_key
    }
    region = get_settings().aws_region
    record: dict[str, Any] = {
        "eventID": f"local-{sequence}",
        "eventName": "INSERT" if old is None else ("REMOVE" if new is None else "MODIFY"),
        "eventSource": "aws:dynamodb",
        "eventSourceARN": stream_arn(str(type(item).Meta.table_name), region),
        "awsRegion": region,
        "dynamodb": {
            "ApproximateCreationDateTime": time.time(),
            "Keys": keys,
            "SequenceNumber": str(sequence),
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
    }
    if new is not None:
        record["dynamodb"]["NewImage"] = new.serialize()
    if old is not None:
        record["dynamodb"]["OldImage"] = old.serialize()
    return record


class LocalStream:
    """A thread delivering emitted records to the fan-out in small batches."""

    def __init__(self) -> None:
        self._queue: queue.Queue[dict[str, Any]] = queue.Queue()
        self._sequence = 0
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.delivered = 0

    def emit(self, old: Any | None, new: Any | None) -> None:
        with self._lock:
            self._sequence += 1
            record = stream_record(old, new, self._sequence)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="local-stream", daemon=True)
                self._thread.start()
        self._queue.put(record)

    def _run(self) -> None:
        from functions.comments.fanout import process_records

        while True:
            batch = [self._queue.get()]
            deadline = time.monotonic() + BATCH_WINDOW_SECONDS
            while len(batch) < BATCH_MAX_RECORDS:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    batch.append(self._queue.get(timeout=remaining))
                except queue.Empty:
                    break
            try:
                process_records(batch)
            except Exception:  # the stream keeps flowing; a failed batch is logged
                log.exception("fan-out of %d records failed", len(batch))
            self.delivered += len(batch)

    def drain(self, timeout: float = 5.0) -> bool:
        """Wait until every emitted record went through the fan-out (tests)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._queue.empty() and self.delivered >= self._sequence:
                return True
            time.sleep(0.005)
        return False


_stream = LocalStream()


def enabled() -> bool:
    """True where ``emit`` delivers (the local stage): callers skip work only the emit needs."""
    return get_settings().is_local


def emit(old: Any | None, new: Any | None) -> None:
    """Hand a stored change of any ``TableModel`` item to the local fan-out (local stage only).

    ``old``/``new`` are the item before and after the write (``None`` for an insert/delete), as
    the stream's ``OldImage``/``NewImage`` would carry them.
    """
    if enabled():
        _stream.emit(old, new)


def drain(timeout: float = 5.0) -> bool:
    return _stream.drain(timeout)
