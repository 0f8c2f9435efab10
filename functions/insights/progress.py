"""How far a node batch got while being applied, so that its retry finishes it and counts each part once.

A node batch is several DynamoDB writes (``feed.accept_feed``): one viewer item per session event,
then one minute item per (room, market, minute) touched (``ADD`` counters and per-second counts,
dwell bins included), then distinct sets and the node's registry item. The viewer and minute
writes are ``ADD``s: writing one twice counts it twice. So when a write fails, the writes made
before it are recorded on the batch's nonce item (``store.record_progress``), and the node's retry
of the same batch (same node, number and content, ``digest``) skips them and makes only the rest.

What a retry needs is exactly what the first attempt learnt from its writes: the viewer item as
each session write returned it (joins, exits, qualified and dwell moves are derived from it, and
the item may have changed since), and which minute items were written. Distinct sets and the
registry item are idempotent and are simply written again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from functions.insights.dwell import State, exact
from functions.insights.schemas import NodeFeed

MinuteKey = tuple[str, str, int]  # (room, market or dwell series, UNIX minute): one minute item


@dataclass(frozen=True)
class SessionWrite:
    """A session start's or end's viewer item as its update returned it (``store.apply_sessions``
    derives the batch's joins, exits, qualified viewers and dwell moves from it)."""

    market: str
    sessions: int
    state: State


@dataclass
class BatchProgress:
    """The writes of one node batch already made: by an earlier attempt (loaded) or by this one."""

    sessions: dict[int, SessionWrite | None] = field(default_factory=dict)  # event index -> write (None: ignored end)
    closed: set[int] = field(default_factory=set)  # ends whose last-close write (``open_since`` removed) was made
    minutes: set[MinuteKey] = field(default_factory=set)  # minute items written
    resumed: bool = False  # an earlier attempt of this batch failed part way

    def to_json(self) -> str:
        return json.dumps(
            {
                "s": {str(i): None if w is None else _write_json(w) for i, w in sorted(self.sessions.items())},
                "c": sorted(self.closed),
                "m": sorted(self.minutes),
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> BatchProgress:
        data = json.loads(text)
        return cls(
            sessions={int(i): None if w is None else _write_from(w) for i, w in data["s"].items()},
            closed=set(data["c"]),
            minutes={(str(r), str(m), int(n)) for r, m, n in data["m"]},
            resumed=True,
        )


def _number(value: Any) -> str | None:
    return None if value is None else str(exact(value))


def _write_json(write: SessionWrite) -> list[Any]:
    state = write.state
    numbers = [_number(state.first_at), state.sessions_open, _number(state.open_since), _number(state.watched)]
    return [write.market, write.sessions, *numbers]


def _write_from(row: list[Any]) -> SessionWrite:
    market, sessions, first_at, sessions_open, open_since, watched = row
    state = State(
        None if first_at is None else Decimal(first_at),
        int(sessions_open),
        None if open_since is None else Decimal(open_since),
        Decimal(watched),
    )
    return SessionWrite(str(market), int(sessions), state)


def digest_of(feed: NodeFeed) -> str:
    """What a batch holds, as a short hash: a retry must hold the same to finish the first attempt."""
    return hashlib.blake2b(feed.model_dump_json().encode(), digest_size=16).hexdigest()
