"""The win-back counts as the console polls them: computed at most once per ``MAX_AGE_SECONDS`` per room.

``winback.counts`` reads every viewer item of the show (at 100,000 viewers ~25 MB in ~25 query
pages). The console's panel asks for the counts every 30 s per open tab, so they are kept on the
show's item (``ShowRecord.winback_counts``, with ``winback_at``, when the computation started):
a poll whose stored counts are younger than ``MAX_AGE_SECONDS`` reads that one item only, however
many tabs and Lambda containers poll. An older (or missing) result is recomputed by the one poll
that takes the room's lease (``winback_lease``, a conditional write: free or expired, and the
stored counts still old); any other poll meanwhile answers with the stored counts, older, and
says so (``as_of``). A first poll of a room that finds another computing waits for it.

These are the default zone's counts: a residency zone's viewers are counted inside the zone
(``zone_figures.py``, ``docs/residency.md``) and their counts merged into the answer here.

The counts are aggregates (no viewer is named), so they may sit on the global show table. Its
writes go to the origin region (``CROSSLIVE_HOME_AWS_REGION``), as the consumer's do, so the
lease is one per room whichever region serves the console, and a write from an edge never races
the consumer's updates of the same item through last-writer-wins replication.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import UpdateError

from functions.insights import winback, zone_counted, zoned
from functions.insights.models import ShowRecord
from functions.shared.errors import Unavailable
from functions.shared.zones import in_origin

MAX_AGE_SECONDS = 30.0  # the panel polls every 30 s: one computation per room per poll period at most
LEASE_SECONDS = 60.0  # a computation not finished by then is presumed dead; another may start
WAIT_SECONDS = 10.0  # how long a first poll waits for another's computation before a 503
WAIT_STEP_SECONDS = 0.5
_FIELDS = ("winback_counts", "winback_at", "winback_lease")
clock: Callable[[], float] = time.time  # module attributes, so tests can move time
sleep: Callable[[float], None] = time.sleep


@dataclass(frozen=True)
class Stored:
    """What the show's item holds of the counts: the answer, when it was computed, the lease."""

    body: dict[str, Any] | None
    at: float | None
    lease: float | None

    def fresh(self, now: float) -> bool:
        return self.body is not None and self.at is not None and now - self.at < MAX_AGE_SECONDS


def _read(model: type[ShowRecord], room_id: str, consistent: bool) -> Stored:
    try:
        record = model.get(room_id, consistent_read=consistent, attributes_to_get=list(_FIELDS))
    except model.DoesNotExist:
        return Stored(None, None, None)
    body = json.loads(record.winback_counts) if record.winback_counts else None
    at = float(record.winback_at) if record.winback_at is not None else None
    lease = float(record.winback_lease) if record.winback_lease is not None else None
    return Stored(body, at, lease)


def _take_lease(model: type[ShowRecord], room_id: str, now: float) -> float | None:
    """This poll's lease (its expiry) if no computation runs and the stored counts are old; else None."""
    until = now + LEASE_SECONDS
    free = model.winback_lease.does_not_exist() | (model.winback_lease <= now)
    old = model.winback_at.does_not_exist() | (model.winback_at <= now - MAX_AGE_SECONDS)
    try:
        model(room_id).update(actions=[model.winback_lease.set(until)], condition=free & old)
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return None
        raise
    return until


def _finish(model: type[ShowRecord], room_id: str, lease: float, body: dict[str, Any] | None, at: float) -> None:
    """Free this poll's lease, keeping its counts (None: its count failed, keep the old ones);
    nothing when the lease expired and another poll took it."""
    actions: list[Any] = [model.winback_lease.remove()]
    if body is not None:
        actions += [model.winback_counts.set(json.dumps(body)), model.winback_at.set(at)]
    try:
        model(room_id).update(actions=actions, condition=model.winback_lease == lease)
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise


def _answer(default: tuple[dict[str, Any], float], markets: Iterable[str]) -> dict[str, Any]:
    """The default zone's counts and each residency zone's (as counted inside the zone,
    ``zone_figures``) as one answer, with the room's markets as they are now: a market added
    since counts zero, one taken out shows only if it has members (as ``winback.counts`` would).
    ``as_of`` is the oldest part's count; ``zones_counted_at`` when each zone's was made."""
    body, at = default
    empty = dict.fromkeys(body["total"], 0)
    stored = dict(body["markets"])
    zones_at: dict[str, float] = {}
    for zone, zone_body, zone_at in zone_counted.winback(body["room_id"]):
        stored.update(zone_body["markets"])
        zones_at[zone] = zone_at
    rows = {m: stored.get(m, dict(empty)) for m in markets}
    rows.update({m: row for m, row in stored.items() if m not in rows and row["members"]})
    total = {key: sum(row.get(key, 0) for row in rows.values()) for key in empty}
    zones = {zone: sorted(zoned.zone_markets().get(zone, ())) for zone in zoned.zone_names()}
    as_of = min([at, *zones_at.values()])
    return {
        **body,
        "markets": rows,
        "total": total,
        "zones": zones,
        "as_of": as_of,
        "zones_counted_at": zones_at,
        "max_age_seconds": MAX_AGE_SECONDS,
    }


def counts(room_id: str, markets: Iterable[str]) -> dict[str, Any]:
    """The win-back counts of every zone, at most ``MAX_AGE_SECONDS`` old (``as_of``: when the
    oldest part was counted)."""
    markets = list(markets)
    return _answer(_default_zone(room_id, markets), markets)


def _default_zone(room_id: str, markets: list[str]) -> tuple[dict[str, Any], float]:
    """The default zone's counts and when they were made, recounted here when older than
    ``MAX_AGE_SECONDS`` (the residency zones' are counted inside each zone)."""
    stored = _read(ShowRecord, room_id, consistent=False)
    if stored.fresh(clock()):
        return stored.body or {}, stored.at or 0.0
    origin = in_origin(ShowRecord)
    deadline = clock() + WAIT_SECONDS
    while True:
        now = clock()
        lease = _take_lease(origin, room_id, now)
        if lease is not None:
            try:
                body = winback.counts(room_id, markets, zone_names=[zoned.DEFAULT_ZONE])
            except Exception:
                _finish(origin, room_id, lease, None, now)  # the next poll may count at once, not in 60 s
                raise
            body.pop("zones", None)
            _finish(origin, room_id, lease, body, now)
            return body, now
        stored = _read(origin, room_id, consistent=True)
        if stored.body is not None and stored.at is not None:
            return stored.body, stored.at  # fresh, or the last while another recounts
        if clock() >= deadline:
            raise Unavailable(
                "winback-counting",
                f"the win-back counts of room {room_id!r} are being computed; retry shortly",
                retry_after=int(WAIT_SECONDS),
            )
        sleep(WAIT_STEP_SECONDS)
