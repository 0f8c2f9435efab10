"""The change-stream port: where a write of a streamed table reports what it changed.

In AWS nothing needs reporting: DynamoDB Streams carries every write of a table defined with
``stream=True`` to that stream's consumers (the fan-out Lambda and any other event source
mapping). The embedded platform has no such wiring (moto's streams invoke nothing), so it
installs a sink (``crosslive.dev.stream``) that turns each reported change into the record Lambda
would receive and hands it to the same consumers. The default sink does nothing, so in a
deployment a report costs one attribute check and never a read.

Who reports: the table layer (``TableModel.save``/``update``/``delete`` of a streamed table), and
code after a ``TransactWrite`` (which bypasses the model methods), through ``emit`` when it holds
the item's images or ``emit_stored`` when it does not (the sink reads the stored item back only
if it needs it; the null sink never does).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol


class Sink(Protocol):
    """Where reported changes go (``NullSink`` in a deployment, the local stream in dev)."""

    def emit(self, old: Any | None, new: Any | None) -> None:
        """``old``/``new``: the item before and after the write (``None`` for an insert/delete)."""

    def emit_stored(self, item: Any, old_of: Callable[[Any], Any | None]) -> None:
        """After a write that returned no image: ``item`` names the key; the sink reads the stored
        item if it wants images, and ``old_of(stored)`` rebuilds the image before the write."""


class NullSink:
    """The default: the table's real stream (in AWS) is the only source of records."""

    def emit(self, old: Any | None, new: Any | None) -> None:
        return None

    def emit_stored(self, item: Any, old_of: Callable[[Any], Any | None]) -> None:
        return None


_NULL = NullSink()
_sink: Sink = _NULL


def install(sink: Sink | None) -> Sink:
    """Make ``sink`` receive every reported change (``None``: back to the null sink); returns the
    previous sink so a caller can restore it."""
    global _sink
    previous, _sink = _sink, sink or _NULL
    return previous


def active() -> bool:
    """True when a sink other than the null sink is installed (the embedded platform)."""
    return _sink is not _NULL


def emit(old: Any | None, new: Any | None) -> None:
    """Report a stored change of a streamed table's item."""
    _sink.emit(old, new)


def emit_stored(item: Any, old_of: Callable[[Any], Any | None]) -> None:
    """Report a change whose new image the writer does not hold (see ``Sink.emit_stored``)."""
    _sink.emit_stored(item, old_of)
