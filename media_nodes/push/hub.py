"""The node's side of real-time push: rooms of WebSocket subscribers and coalesced frames.

The fan-out POSTs batches of events; ``PushHub.publish`` queues them per room and flushes each
room at most every ``flush_interval`` seconds (immediately when the room was quiet), as ONE
frame serialized once and handed to every subscriber. At 200 comments/s and 1,000 viewers that
is 20 frames per viewer per second instead of 200 - the difference between a node that keeps
up and one that does not, for a delay a reader cannot see (danmaku renders at ~10 Hz anyway).

Live signals (``room``, ``stage``, ``campaign``; ``functions.shared.push``) coalesce
further: a room keeps at most one pending signal of its status, one of its stage and one per
campaign until its next flush (merged with ``push.merge``: highest version, newest state,
lowest stock left), so a flash sale's claim storm reaches each viewer as one campaign signal per
100 ms, whatever the claim rate.

Shadow mode is enforced here too: a ``private`` event (a held or silently rejected comment)
reaches only its author (who sees it as published) and the room's moderators. A FAQ auto-reply
answers for its asker's market (``functions.comments.faq.faq_reaches``): it reaches the viewers
of that market and the moderators only; the frame without it is still serialized once per room.

Each subscriber has its own bounded queue and sender task, so one slow phone cannot stall the
room; a subscriber whose queue overflows is disconnected (close code 1013, "try again later")
and catches up with the list API on reconnect.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from functions.shared.push import SIGNAL_TYPES, merge, signal_key

FLUSH_INTERVAL_SECONDS = 0.1
QUEUE_FRAMES = 256
DEDUPE_EVENTS = 20_000


@dataclass(eq=False)
class Subscriber:
    """One viewer's WebSocket in one room."""

    room_id: str
    sub: str
    roles: frozenset[str]
    market: str | None = None
    queue: asyncio.Queue[str | None] = field(default_factory=lambda: asyncio.Queue(QUEUE_FRAMES))
    overflowed: bool = False

    def moderates(self, owner_sub: str | None) -> bool:
        return self.sub == owner_sub or "moderator" in self.roles or "admin" in self.roles

    def offer(self, frame: str) -> bool:
        """Queue a frame; False (and the subscriber marked overflowed) when it cannot keep up."""
        if self.overflowed:
            return False
        try:
            self.queue.put_nowait(frame)
            return True
        except asyncio.QueueFull:
            self.overflowed = True  # its sender task sees the flag and closes the socket
            return False


@dataclass
class _Room:
    subscribers: set[Subscriber] = field(default_factory=set)
    pending: list[dict[str, Any]] = field(default_factory=list)
    signals: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # latest per room/stage/campaign
    last_flush: float = 0.0
    scheduled: bool = False


@dataclass
class HubStats:
    events_in: int = 0
    duplicates: int = 0
    frames_out: int = 0
    overflows: int = 0
    signals_coalesced: int = 0  # signals merged into one already pending for the same room/stage/campaign


class PushHub:
    """Rooms of subscribers on one node; every method runs on the node's event loop."""

    def __init__(self, flush_interval: float = FLUSH_INTERVAL_SECONDS) -> None:
        self.flush_interval = flush_interval
        self.rooms: dict[str, _Room] = {}
        self.stats = HubStats()
        self._seen: OrderedDict[str, None] = OrderedDict()

    @property
    def subscriber_count(self) -> int:
        return sum(len(room.subscribers) for room in self.rooms.values())

    def subscribe(self, subscriber: Subscriber) -> None:
        self.rooms.setdefault(subscriber.room_id, _Room()).subscribers.add(subscriber)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        room = self.rooms.get(subscriber.room_id)
        if room is None:
            return
        room.subscribers.discard(subscriber)
        if not room.subscribers and not room.pending and not room.signals:
            del self.rooms[subscriber.room_id]

    def publish(self, events: list[dict[str, Any]]) -> int:
        """Queue events for their rooms; returns how many rooms here had subscribers for them."""
        loop = asyncio.get_running_loop()
        touched = 0
        for event in events:
            event_id = str(event.get("id", ""))
            if event_id:
                if event_id in self._seen:
                    self.stats.duplicates += 1
                    continue
                self._seen[event_id] = None
                if len(self._seen) > DEDUPE_EVENTS:
                    self._seen.popitem(last=False)
            self.stats.events_in += 1
            room = self.rooms.get(str(event.get("room_id")))
            if room is None or not room.subscribers:
                continue
            if event.get("type") in SIGNAL_TYPES:
                key = signal_key(event)
                if key in room.signals:
                    room.signals[key] = merge(room.signals[key], event)
                    self.stats.signals_coalesced += 1
                else:
                    room.signals[key] = event
            else:
                room.pending.append(event)
            touched += 1
            if not room.scheduled:
                room.scheduled = True
                delay = max(0.0, room.last_flush + self.flush_interval - time.monotonic())
                loop.call_later(delay, self._flush, str(event["room_id"]))
        return touched

    def _flush(self, room_id: str) -> None:
        room = self.rooms.get(room_id)
        if room is None:
            return
        room.scheduled = False
        room.last_flush = time.monotonic()
        events, room.pending = room.pending, []
        pending_signals, room.signals = list(room.signals.values()), {}
        if not events and not pending_signals:
            return
        public = [_payload(e, e["comment"]) for e in events if e.get("audience") == "all" and not _scope(e)]
        public.extend(_signal_payload(e) for e in pending_signals)
        scoped = [e for e in events if e.get("audience") == "all" and _scope(e)]
        private = [e for e in events if e.get("audience") != "all"]
        shared = _frame(public) if public else None
        for subscriber in list(room.subscribers):
            extra = []
            for event in scoped:
                if subscriber.market == _scope(event) or subscriber.moderates(event.get("owner_sub")):
                    extra.append(_payload(event, event["comment"]))
            for event in private:
                if subscriber.moderates(event.get("owner_sub")):
                    extra.append(_payload(event, event["comment"]))
                elif subscriber.sub == event.get("author_sub") and "author_comment" in event:
                    extra.append(_payload(event, event["author_comment"]))
            frame = _frame(public + extra) if extra else shared
            if frame is None:
                continue
            if subscriber.offer(frame):
                self.stats.frames_out += 1
            else:
                self.stats.overflows += 1
        if not room.subscribers:
            self.rooms.pop(room_id, None)


def _scope(event: dict[str, Any]) -> str | None:
    """The one market a public event is for (a FAQ auto-reply's asker's), else None (everyone)."""
    comment = event.get("comment") or {}
    if comment.get("kind") == "auto-faq" and comment.get("author_market"):
        return str(comment["author_market"])
    return None


def _payload(event: dict[str, Any], comment: dict[str, Any]) -> dict[str, Any]:
    return {"type": event.get("type", "comment"), "id": event.get("id"), "comment": comment}


def _signal_payload(event: dict[str, Any]) -> dict[str, Any]:
    """A signal as viewers get it: flat, e.g. ``{"type": "room", "id", "room_id", "status", "version"}``."""
    return {"type": event["type"], "id": event.get("id"), **event["signal"]}


def _frame(events: list[dict[str, Any]]) -> str:
    return json.dumps({"type": "events", "events": events}, ensure_ascii=False, separators=(",", ":"))
