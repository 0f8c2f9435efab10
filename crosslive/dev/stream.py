"""The streamed tables' DynamoDB Streams, on the embedded platform.

In AWS, each table defined with ``stream=True`` has a DynamoDB stream (replicated writes
included), and Lambda event source mappings hand its records in batches to the consumers: the
fan-out (``functions.fanout.handler``) for every streamed table, and any other consumer for the
tables it maps. moto's streams are not wired to anything, so the embedded platform installs a
``LocalStream`` as the sink of the stream port (``functions.shared.stream``): the table layer
reports each stored change, ``stream_record`` builds the record Lambda would deliver (keys and
``eventSourceARN`` from the model, so consumers tell the tables apart exactly as in AWS), and a
background thread hands batches to every subscribed consumer: a batching window of
``BATCH_WINDOW_SECONDS`` or ``BATCH_MAX_RECORDS``, like the event source mapping's
``MaximumBatchingWindowInSeconds``/``BatchSize``. The write path never waits for the push.

Consumers filter by table themselves here (the fan-out's dispatch ignores a table it has no
producer for); in AWS the event source mappings do that.
"""

from __future__ import annotations

import copy
import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from functions.shared import stream as port
from functions.shared.config import get_settings

BATCH_WINDOW_SECONDS = 0.01
BATCH_MAX_RECORDS = 100
LOCAL_ACCOUNT = "000000000000"
log = logging.getLogger("crosslive.dev.stream")

Consumer = Callable[[list[dict[str, Any]]], Any]


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
    region = str(getattr(type(item).Meta, "region", None) or get_settings().aws_region)  # a zone's: its home
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


def _fanout(records: list[dict[str, Any]]) -> Any:
    """The fan-out as deployed: it gets the records of the tables in its map only (infra gives it
    an event source mapping per table of ``PRODUCERS``; the others feed insights alone)."""
    from functions.fanout.dispatch import PRODUCERS
    from functions.fanout.handler import process_records
    from functions.shared.stream_records import table_of

    mine = [record for record in records if table_of(record) in PRODUCERS]
    return process_records(mine) if mine else None


class LocalStream:
    """The stream port's sink on the embedded platform: a thread delivering records in batches."""

    def __init__(self, consumers: list[Consumer] | None = None) -> None:
        self._queue: queue.Queue[dict[str, Any]] = queue.Queue()
        self._sequence = 0
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.consumers: list[Consumer] = list(consumers) if consumers is not None else [_fanout]
        self.delivered = 0

    def subscribe(self, consumer: Consumer) -> None:
        """Hand every later batch to ``consumer`` too (a second stream consumer, e.g. insights)."""
        if consumer not in self.consumers:
            self.consumers.append(consumer)

    def emit(self, old: Any | None, new: Any | None) -> None:
        with self._lock:
            self._sequence += 1
            record = stream_record(old, new, self._sequence)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="local-stream", daemon=True)
                self._thread.start()
        self._queue.put(record)

    def emit_stored(self, item: Any, old_of: Callable[[Any], Any | None]) -> None:
        """Read the item a transaction wrote (dev only: a deployment never reads back to emit)."""
        model = type(item)
        keys = [getattr(item, model._hash_keyname)]
        if model._range_keyname is not None:
            keys.append(getattr(item, model._range_keyname))
        try:
            new = model.get(*keys, consistent_read=True)
        except model.DoesNotExist:
            return
        self.emit(old_of(copy.deepcopy(new)), new)

    def _run(self) -> None:
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
            for consumer in list(self.consumers):
                try:
                    consumer(batch)
                except Exception:  # the stream keeps flowing; a failed batch is logged
                    log.exception("stream consumer %r failed on %d records", consumer, len(batch))
            self.delivered += len(batch)

    def drain(self, timeout: float = 5.0) -> bool:
        """Wait until every emitted record went through the consumers (tests)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._queue.empty() and self.delivered >= self._sequence:
                return True
            time.sleep(0.005)
        return False


_stream = LocalStream()


def install() -> port.Sink:
    """Make the local stream the stream port's sink; returns the previous sink."""
    return port.install(_stream)


def subscribe(consumer: Consumer) -> None:
    """Add a consumer of the local stream (see ``LocalStream.subscribe``)."""
    _stream.subscribe(consumer)


def drain(timeout: float = 5.0) -> bool:
    return _stream.drain(timeout)
