"""Alerts: a market dropping off (with its likely cause), a negative-sentiment spike, a surge of
unanswered questions. Detected from the stored figures, emitted at most once per cool-down.

``detect`` is pure: given the per-second presence and per-minute counters of the last minutes it
returns the alerts they show. ``evaluate`` loads those for a room, claims each alert in
``AlertState`` with a condition (so two Lambda containers evaluating the same room emit it once),
stores it in the streamed ``insights-alerts`` table, whose stream the fan-out pushes to the
room's console over the comment push path, and in AWS puts it on EventBridge. It runs after
every accepted node batch and stream batch, at most every ``EVALUATE_EVERY_SECONDS`` per room and
container, and on a schedule (``functions.insights.alert_check``) for the rooms nodes reported
lately: a batch-triggered evaluation cannot see a room's newest seconds (``LAG_SECONDS``), so
the seconds of the last batches before a room's reports stop were never scanned.
Definitions: ``docs/insights.md``, "Alerts".
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from functions.insights.figures import Minute

log = logging.getLogger("crosslive.insights.alerts")

DROP_FRACTION = 0.20  # viewers fall at least this much ...
DROP_WITHIN_SECONDS = 60  # ... within this many seconds ...
BASELINE_SECONDS = 300  # ... against the mean of the 5 minutes before
MIN_BASELINE_VIEWERS = 10.0  # below this a market is too small for a drop to mean anything
CAUSE_WINDOW_SECONDS = 30  # causes are looked for this far either side of the drop
HOST_QUIET_SECONDS = 300  # no host comment nor product shown for this long: the host went quiet
MODERATION_WAVE = 5  # moderated comments in the cause window ...
MODERATION_SHARE = 0.3  # ... and this share of all comments there
SENTIMENT_MIN_COMMENTS = 5
SENTIMENT_SPIKE = -0.3  # index at or below, and this far below the previous minutes' mean
UNANSWERED_MIN_QUESTIONS = 5
UNANSWERED_FACTOR = 2.0  # questions in the last minute vs the mean of the 5 before
COOL_DOWN_SECONDS = 300
EVALUATE_EVERY_SECONDS = 5.0
LAG_SECONDS = 4  # the newest seconds may still be missing a node's batch: not scanned yet
LOOKBACK_SECONDS = BASELINE_SECONDS + DROP_WITHIN_SECONDS + 120
ALL_MARKETS = "*"

CAUSE_TEXT = {
    "ingest-drop": "the broadcast's ingest stalled",
    "stall": "viewers' playback stalled",
    "product-shown": "a product (and its price) was put on screen",
    "moderation-wave": "a wave of comments was moderated",
    "host-quiet": "the host went quiet (no comment, no product shown for 5 minutes)",
    "unknown": "no cause was seen around it",
}


@dataclass(frozen=True)
class Detected:
    kind: str
    market: str
    at: float
    detail: str
    cause: str | None = None
    figures: dict[str, Any] = field(default_factory=dict)


def _counter(minutes: Sequence[Minute], name: str, start: float, end: float) -> int:
    """Sum of a counter over the minutes that overlap [start, end]."""
    return sum(m.counters.get(name, 0) for m in minutes if m.minute * 60 + 60 > start and m.minute * 60 <= end)


def drop_cause(
    market: str,
    at: float,
    minutes: Sequence[Minute],
    room_minutes: Sequence[Minute],
    events: Sequence[Mapping[str, Any]],
) -> tuple[str, str | None]:
    """The likely cause of a drop at ``at`` in ``market``, and what it names (a SKU), if any."""
    start, end = at - CAUSE_WINDOW_SECONDS, at + CAUSE_WINDOW_SECONDS
    if _counter(room_minutes, "ingest_gap_s", start, end):
        return "ingest-drop", None
    if _counter(minutes, "stalls", start, end):
        return "stall", None
    shown = [e for e in events if e.get("kind") == "highlight" and start <= float(e["at"]) <= end]
    if shown:
        return "product-shown", str(shown[-1].get("detail"))
    moderated = _counter(minutes, "moderated", start, end)
    comments = _counter(minutes, "comments", start, end)
    if moderated >= MODERATION_WAVE and moderated >= MODERATION_SHARE * (moderated + comments):
        return "moderation-wave", None
    quiet_from = at - HOST_QUIET_SECONDS
    spoke = _counter(room_minutes, "host_comments", quiet_from, at)
    showed = any(e.get("kind") == "highlight" and quiet_from <= float(e["at"]) <= at for e in events)
    if not spoke and not showed:
        return "host-quiet", None
    return "unknown", None


def _fall(present: Mapping[int, int], at: int) -> float | None:
    """How far viewers at ``at`` are below their 5-minute mean (what other markets did meanwhile)."""
    window = range(max(at - BASELINE_SECONDS, min(present, default=at)), at)
    baseline = sum(present.get(s, 0) for s in window) / len(window) if len(window) else 0.0
    return round(1 - present.get(at, 0) / baseline, 3) if baseline else None


def find_drop(present: Mapping[int, int], start: int, end: int) -> tuple[int, float, int] | None:
    """The first reported second in [start, end) where viewers are ≥ 20 % below their mean over
    the reported seconds of the 5 minutes before it (at least 60 of them) while they were not,
    60 s earlier: ``(second, baseline, viewers)``, or None.

    Only seconds some node reported count: a second missing because a node's batch is late is not
    read as nobody watching (which raised false 100 % drops). The price: a market whose viewers
    all left reports nothing more and raises no drop-off alert (``docs/insights.md``).
    """
    for t in range(start, end):
        if t not in present or (t - DROP_WITHIN_SECONDS) not in present:
            continue
        window = [present[s] for s in range(t - BASELINE_SECONDS, t) if s in present]
        if len(window) < DROP_WITHIN_SECONDS:
            continue
        baseline = sum(window) / len(window)
        if baseline < MIN_BASELINE_VIEWERS:
            continue
        threshold = (1 - DROP_FRACTION) * baseline
        if present.get(t, 0) <= threshold and present.get(t - DROP_WITHIN_SECONDS, 0) > threshold:
            return t, baseline, present.get(t, 0)
    return None


def detect(
    present: Mapping[str, Mapping[int, int]],
    minutes: Mapping[str, Sequence[Minute]],
    room_minutes: Sequence[Minute],
    events: Sequence[Mapping[str, Any]],
    scan_from: int,
    now: int,
) -> list[Detected]:
    """Every alert the figures show between ``scan_from`` and ``now`` (UNIX seconds)."""
    found: list[Detected] = []
    for market, seconds in present.items():
        drop = find_drop(seconds, scan_from, now)
        if drop is None:
            continue
        at, baseline, viewers = drop
        cause, what = drop_cause(market, at, minutes.get(market, ()), room_minutes, events)
        fall = 1 - viewers / baseline
        others = {m: _fall(s, at) for m, s in present.items() if m != market}
        detail = (
            f"{market}: viewers fell {fall:.0%} (to {viewers} from a 5-minute mean of {baseline:.0f}); "
            f"likely {CAUSE_TEXT[cause]}"
        )
        if what:
            detail += f" ({what})"
        found.append(
            Detected(
                "drop-off",
                market,
                float(at),
                detail,
                cause,
                {
                    "viewers": viewers,
                    "baseline": round(baseline, 1),
                    "fall": round(fall, 3),
                    "product": what,
                    "other_markets_fall": others,
                },
            )
        )
    last_minute = now // 60 - 1  # the newest complete minute
    for market, rows in minutes.items():
        by_minute = {m.minute: m.counters for m in rows}
        current = by_minute.get(last_minute)
        if not current or current.get("comments", 0) < SENTIMENT_MIN_COMMENTS or last_minute * 60 < scan_from - 60:
            continue
        index = (current.get("positive", 0) - current.get("negative", 0)) / current["comments"]
        before = [
            (c.get("positive", 0) - c.get("negative", 0)) / c["comments"]
            for m in range(last_minute - 5, last_minute)
            if (c := by_minute.get(m)) and c.get("comments")
        ]
        mean = sum(before) / len(before) if before else 0.0
        if index <= SENTIMENT_SPIKE and index <= mean + SENTIMENT_SPIKE:
            found.append(
                Detected(
                    "sentiment-spike",
                    market,
                    float(last_minute * 60),
                    f"{market}: sentiment fell to {index:+.2f} ({current['comments']} comments) from {mean:+.2f}",
                    None,
                    {"index": round(index, 3), "previous": round(mean, 3), "comments": current["comments"]},
                )
            )
    questions: dict[int, int] = {}
    for rows in minutes.values():
        for m in rows:
            questions[m.minute] = questions.get(m.minute, 0) + m.counters.get("questions", 0)
    asked = questions.get(last_minute, 0)
    earlier = [questions.get(m, 0) for m in range(last_minute - 5, last_minute)]
    mean_asked = sum(earlier) / len(earlier)
    host = {m.minute: m.counters.get("host_comments", 0) for m in room_minutes}
    if (
        last_minute * 60 >= scan_from - 60
        and asked >= UNANSWERED_MIN_QUESTIONS
        and asked >= UNANSWERED_FACTOR * mean_asked
        and not host.get(last_minute, 0)
    ):
        found.append(
            Detected(
                "unanswered-surge",
                ALL_MARKETS,
                float(last_minute * 60),
                f"{asked} questions in the last minute ({mean_asked:.1f} a minute before) and no answer from the host",
                None,
                {"questions": asked, "previous_mean": round(mean_asked, 2)},
            )
        )
    return found


def as_dict(alert: Detected) -> dict[str, Any]:
    return json.loads(json.dumps(asdict(alert)))


# -- evaluation against the tables ------------------------------------------------------------

_last_evaluated: dict[str, float] = {}


def evaluate_soon(room_ids: set[str], now: float | None = None) -> list[Detected]:
    """``evaluate`` each room unless this container did so in the last few seconds."""
    now = time.time() if now is None else now
    emitted: list[Detected] = []
    for room_id in sorted(room_ids):
        if abs(now - _last_evaluated.get(room_id, 0.0)) < EVALUATE_EVERY_SECONDS:
            continue
        _last_evaluated[room_id] = now
        emitted.extend(evaluate_logged(room_id, now))
    return emitted


def evaluate_logged(room_id: str, now: float, scan_seconds: int = DROP_WITHIN_SECONDS) -> list[Detected]:
    """``evaluate``, with a failure logged instead of raised: alerts must never fail the batch
    (or the scheduled run over other rooms) that triggered them."""
    try:
        return evaluate(room_id, now, scan_seconds)
    except Exception:
        log.exception("alert evaluation of %s failed", room_id)
        return []


def evaluate(room_id: str, now: float | None = None, scan_seconds: int = DROP_WITHIN_SECONDS) -> list[Detected]:
    """Detect, claim and emit the room's new alerts; returns those emitted by this call.

    Drops are looked for in the ``scan_seconds`` before the newest ``LAG_SECONDS``: a minute after
    a node batch, longer from the scheduled check, so a late scheduled run leaves no second unseen.
    """
    from functions.insights import emit
    from functions.insights.figures import present_by_second
    from functions.insights.live import load_minutes, load_show
    from functions.insights.models import ROOM_MARKET
    from functions.rooms.access import find_room

    now = time.time() if now is None else now
    room = find_room(room_id)
    if room is None or room.status != "live":
        return []
    first_minute = int((now - LOOKBACK_SECONDS) // 60)
    markets = [str(m) for m in room.markets or []]
    minutes = {m: load_minutes(room_id, m, first_minute) for m in markets}
    room_minutes = load_minutes(room_id, ROOM_MARKET, first_minute)
    show = load_show(room_id)
    events = [dict(e.as_dict() if hasattr(e, "as_dict") else e) for e in (show.events or [])] if show else []
    present = {m: present_by_second(minutes[m]) for m in markets}
    scan_to = int(now) - LAG_SECONDS
    found = detect(present, minutes, room_minutes, events, scan_to - scan_seconds, scan_to)
    emitted = []
    for alert in found:
        if emit.claim(room_id, alert):
            try:
                emit.publish(room_id, room.merchant_sub, alert)
            except Exception:  # unclaimed again: the next evaluation emits it
                emit.release(room_id, alert)
                raise
            emitted.append(alert)
    return emitted
