"""Dwell without reading viewers: every viewer's dwell kept as a count in one whole-second bin.

The live panel polls the room's figures every second. Dwell (p50/p90, buckets, retention) used to
be computed from every viewer item of the room on each poll: 100,000 item reads per poll at
100,000 viewers. Instead, each viewer with a first frame is counted in exactly one bin of its
market, and the writers that change a viewer's presence move it between bins:

* **closed** (no session open): its dwell does not change; the bin is its watched seconds, cut
  to the whole second (``floor``, so ``dwell < 10 s`` or ``dwell >= k min`` is decided exactly as
  on the watched seconds themselves);
* **open** (a session open): its dwell grows with time, ``watched + (now - open_since)``, i.e.
  ``now - (open_since - watched)``; the bin is that *virtual start* taken to the next whole second
  (``ceil``), and a read turns it into dwell at its own ``now`` (never more than the exact value,
  at most 1 s less).

A bin is a second counter of an ``insights-minutes`` item, in the series ``<room>#<market>#dwell-
closed`` (minute = dwell // 60) or ``...#dwell-open`` (minute = the virtual start's UNIX minute):
``ADD`` updates, folded per node batch or sweep like the other per-second counts
(``store._write_minute``). A live read queries the two series per market: at most one item per
minute of the show each, however many viewers (``docs/insights.md``, "Read cost").

Each writer derives the viewer's state before its update from the state the ``UpdateItem``
returned and the change it made (``before_start``, ``before_end``), or from the item it read
under a condition (the sweep), and moves the viewer from ``bin_of(before)`` to ``bin_of(after)``.
The bins follow the viewer items exactly as the joins and exits counters do: written after the
viewer item, in the same node batch or sweep, once per change.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from functions.insights.figures import minute_from_item, present_by_second
from functions.insights.fold import Deltas
from functions.insights.models import MinuteCounters, series_key

OPEN = "open"
CLOSED = "closed"
Bin = tuple[str, int]  # (OPEN, virtual start, UNIX second) or (CLOSED, dwell seconds)


def series_market(market: str, kind: str) -> str:
    """The "market" part of a dwell series' key: ``ID#dwell-open`` (``series_key`` adds the room)."""
    return f"{market}#dwell-{kind}"


def exact(value: Any) -> Decimal:
    """A stored number as the decimal DynamoDB holds (PynamoDB hands numbers over as floats, whose
    shortest ``repr`` is that decimal), so ``before`` = ``after`` - change is exact."""
    if value is None:
        return Decimal(0)
    if isinstance(value, Decimal):
        return value
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))


@dataclass(frozen=True)
class State:
    """What a viewer's dwell depends on (``figures``' definition: first frame, open sessions,
    start of the open session, seconds watched in closed sessions)."""

    first_at: Any
    sessions_open: int
    open_since: Decimal | None
    watched: Decimal


def state_of(item: Any) -> State:
    """The state of a viewer item (a ``ViewerPresence`` as an update returned it)."""
    return State(
        item.first_at,
        int(item.sessions_open or 0),
        exact(item.open_since) if item.open_since is not None else None,
        exact(item.watched),
    )


def state_of_raw(raw: Mapping[str, Any]) -> State:
    """The state of a viewer item read with the low-level client (``{"watched": {"N": "12.5"}}``)."""

    def number(name: str) -> Decimal | None:
        return Decimal(raw[name]["N"]) if name in raw else None

    return State(
        number("first_at"),
        int(number("sessions_open") or 0),
        number("open_since"),
        number("watched") or Decimal(0),
    )


def bin_of(state: State) -> Bin | None:
    """The one bin a viewer is counted in (None: no first frame, not a viewer for dwell)."""
    if state.first_at is None:
        return None
    if state.sessions_open > 0 and state.open_since is not None:
        return (OPEN, math.ceil(state.open_since - state.watched))
    return (CLOSED, math.floor(state.watched))


def before_start(after: State, sessions: int) -> State:
    """The state before a session start (``store.apply_sessions``): one more session open,
    ``first_at`` and ``open_since`` set only if absent. ``sessions``: the count after the update
    (1: this was the viewer's first session, so there was no first frame before)."""
    return State(
        after.first_at if sessions > 1 else None,
        after.sessions_open - 1,
        after.open_since,  # set if absent; when sessions were open it was there (an end keeps it)
        after.watched,
    )


def before_end(after: State, watched: float) -> State:
    """The state before a session end: one session fewer open, ``watched`` seconds added."""
    return State(after.first_at, after.sessions_open + 1, after.open_since, after.watched - exact(watched))


def move(deltas: Deltas, room_id: str, market: str, before: State, after: State) -> None:
    """Move the viewer from its bin before to its bin after (nothing when they are the same)."""
    old, new = bin_of(before), bin_of(after)
    if old == new:
        return
    for counted, change in ((old, -1), (new, 1)):
        if counted is not None:
            kind, second = counted
            deltas.present(room_id, series_market(market, kind), second, change)


@dataclass
class Bins:
    """One market's bins as read: closed dwell second -> viewers, open virtual start -> viewers."""

    closed: Counter[int]
    open: Counter[int]

    def values(self, now: float, live_at: float | None, ended_at: float | None) -> Counter[float]:
        """Dwell value -> viewers at ``now``: open bins grow to ``now`` (or the show's end), and
        every value is capped at the show's length (``figures.dwell_seconds``)."""
        end = math.floor(min(now, ended_at or now))
        cap = max(0.0, (ended_at or now) - live_at) if live_at is not None else None
        out: Counter[float] = Counter()
        for seconds, viewers in self.closed.items():
            if viewers:
                out[seconds if cap is None else min(seconds, cap)] += viewers
        for start, viewers in self.open.items():
            if viewers:
                seconds = max(0, end - start)
                out[seconds if cap is None else min(seconds, cap)] += viewers
        return out


def load(room_id: str, market: str) -> Bins:
    """A market's dwell bins: one query per series, an item per minute that has any."""
    return Bins(_series(room_id, market, CLOSED), _series(room_id, market, OPEN))


def _series(room_id: str, market: str, kind: str) -> Counter[int]:
    items = MinuteCounters.query(series_key(room_id, series_market(market, kind)))
    return Counter(present_by_second(minute_from_item(item) for item in items))
