"""When to go live next: the start time that maximizes expected viewers across the room's markets.

The method (docs/insights.md, "When to go live next"):

1. **Hourly profile per market.** From the merchant's last ``HISTORY_SHOWS`` ended shows, each
   minute of each show gives the market's per-minute viewer count (the figure of the live panel:
   mean viewers present over the minute). It is filed under the market's *local* hour of day.
   ``rate(m, h)`` is the mean of those counts for local hour ``h``.
2. **Hours never seen** take the market's prior: ``base(m) × EVENING_WEIGHT[h]``, where
   ``base(m)`` is the mean per-minute count of the market over all its past minutes (a market
   the merchant never showed to takes the mean base of the others; with no past show at all
   every base is 1 and the answer is the documented default, ranked on relative weights).
   The weights say live commerce is watched in the local evening (18:00-22:00).
3. **A candidate start** ``s`` is every quarter hour of the next 24 hours. The show lasts ``L``:
   the median length of the past shows (quarter hours, 30-180 min; 60 min without history).
   ``expected(m, s)`` is the mean of ``rate(m, local hour)`` over the show's minutes.
4. **Quiet hours are respected**: a candidate whose show overlaps any market's quiet hours
   (the market plugin's ``quiet_hours``, local time) is not allowed. When no candidate avoids
   every market's quiet hours, the markets that would be in quiet hours count 0 for that
   candidate (their viewers are not counted on, nor notified) and are named.
5. The recommendation is the allowed candidate with the largest sum of ``expected(m, s)`` over
   the room's markets (the earliest one on a tie), shown in each market's local time (Babel).
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_timezone_name

from functions.insights import figures
from functions.insights.models import MinuteCounters, ShowRecord, series_key
from functions.localization.local_time import is_quiet
from functions.shared.plugins import get_plugins
from plugins.types import MarketProfile

HISTORY_SHOWS = 20
STEP_SECONDS = 15 * 60
CANDIDATES = 96  # quarter hours of the next 24 hours
DEFAULT_SHOW_MINUTES = 60
MIN_SHOW_MINUTES, MAX_SHOW_MINUTES = 30, 180
EVENING = range(18, 22)
# local hour of day -> share of a market's evening audience expected at that hour (the prior)
EVENING_WEIGHT = {h: 1.0 if h in EVENING else 0.5 if 12 <= h < 18 else 0.25 if 7 <= h < 12 else 0.1 for h in range(24)}


@dataclass(frozen=True)
class PastShow:
    """One ended show: its window and, per market, the per-minute viewer counts (UNIX minute -> mean)."""

    live_at: float
    ended_at: float
    per_minute: Mapping[str, Mapping[int, float]]


def local_hour(minute: int, zone: ZoneInfo) -> int:
    return datetime.fromtimestamp(minute * 60, tz=UTC).astimezone(zone).hour


def hourly_profile(shows: Sequence[PastShow], market: str, zone: ZoneInfo) -> dict[int, float]:
    """Local hour -> mean per-minute viewers of ``market`` in the past shows' minutes of that hour."""
    sums: dict[int, float] = {}
    counts: dict[int, int] = {}
    for show in shows:
        for minute, viewers in show.per_minute.get(market, {}).items():
            hour = local_hour(minute, zone)
            sums[hour] = sums.get(hour, 0.0) + viewers
            counts[hour] = counts.get(hour, 0) + 1
    return {h: sums[h] / counts[h] for h in sums}


def show_minutes(shows: Sequence[PastShow]) -> int:
    """The length to plan for: the median past show, in quarter hours, 30-180 min (60 without history)."""
    if not shows:
        return DEFAULT_SHOW_MINUTES
    median = statistics.median((s.ended_at - s.live_at) / 60 for s in shows)
    return int(min(MAX_SHOW_MINUTES, max(MIN_SHOW_MINUTES, round(median / 15) * 15)))


def rates(shows: Sequence[PastShow], profiles: Mapping[str, MarketProfile]) -> dict[str, list[float]]:
    """Market -> expected viewers per minute at each local hour 0..23 (observed, else the prior)."""
    observed: dict[str, dict[int, float]] = {}
    bases: dict[str, float] = {}
    for market, profile in profiles.items():
        observed[market] = hourly_profile(shows, market, ZoneInfo(profile.time_zone))
        values = [v for show in shows for v in show.per_minute.get(market, {}).values()]
        if values:
            bases[market] = sum(values) / len(values)
    fallback = sum(bases.values()) / len(bases) if bases else 1.0
    return {
        market: [observed[market].get(h, bases.get(market, fallback) * EVENING_WEIGHT[h]) for h in range(24)]
        for market in profiles
    }


def score(
    start: int, minutes: int, profiles: Mapping[str, MarketProfile], rate: Mapping[str, Sequence[float]]
) -> tuple[dict[str, float], list[str]]:
    """Expected viewers per market for a show starting at ``start``, and the markets it keeps
    in quiet hours."""
    expected: dict[str, float] = {}
    quiet = []
    for market, profile in profiles.items():
        zone = ZoneInfo(profile.time_zone)
        moments = [datetime.fromtimestamp(start + 60 * j, tz=UTC) for j in range(minutes)]
        if any(is_quiet(profile, moment) for moment in moments):
            quiet.append(market)
        expected[market] = sum(rate[market][m.astimezone(zone).hour] for m in moments) / minutes
    return expected, quiet


def recommend(shows: Sequence[PastShow], profiles: Mapping[str, MarketProfile], now: float) -> dict[str, Any]:
    """The best start in the next 24 hours (see the module docstring), with the runners-up."""
    minutes = show_minutes(shows)
    rate = rates(shows, profiles)
    first = int(math.ceil(now / STEP_SECONDS) * STEP_SECONDS)
    scored = []
    for k in range(CANDIDATES):
        start = first + k * STEP_SECONDS
        expected, quiet = score(start, minutes, profiles, rate)
        scored.append((start, expected, quiet))
    clear = [c for c in scored if not c[2]]
    pool = clear or scored

    def total(candidate: tuple[int, dict[str, float], list[str]]) -> float:
        return sum(v for m, v in candidate[1].items() if m not in candidate[2])

    best = max(pool, key=lambda c: (round(total(c), 6), -c[0]))
    ranked = sorted(pool, key=lambda c: (-round(total(c), 6), c[0]))
    return {
        "basis": "history" if shows else "default",
        "shows_used": len(shows),
        "show_minutes": minutes,
        "quiet_hours_respected": bool(clear),
        "start": best[0],
        "start_utc": datetime.fromtimestamp(best[0], tz=UTC).isoformat(),
        "expected_viewers": round(total(best), 2),
        "markets": {m: _local(best[0], m, profiles[m], best[1][m], m in best[2]) for m in profiles},
        "runners_up": [{"start": s, "expected_viewers": round(total((s, e, q)), 2)} for s, e, q in ranked[1:4]],
    }


def _local(start: int, market: str, profile: MarketProfile, expected: float, quiet: bool) -> dict[str, Any]:
    zone = ZoneInfo(profile.time_zone)
    moment = datetime.fromtimestamp(start, tz=UTC)
    return {
        "time_zone": profile.time_zone,
        "language": profile.languages[0],
        "local_time": moment.astimezone(zone).isoformat(),
        # weekday and the locale's own short time ("Senin 19.00", "Montag 13:00", "Monday 7:00 AM")
        "local_text": " ".join(
            (
                format_date(moment.astimezone(zone), "EEEE", locale=profile.locale),
                format_time(moment, "short", tzinfo=zone, locale=profile.locale),
            )
        ),
        "time_zone_name": get_timezone_name(zone, width="long", locale=profile.locale),
        "expected_viewers": round(expected, 2),
        "in_quiet_hours": quiet,
        "quiet_hours": profile.quiet_hours.model_dump() if profile.quiet_hours else None,
    }


def past_shows(merchant_sub: str, markets: Sequence[str], before: float | None = None) -> list[PastShow]:
    """The merchant's last ``HISTORY_SHOWS`` ended shows, with per-minute viewer counts per market."""
    out = []
    condition = ShowRecord.live_at < before if before is not None else None
    for show in ShowRecord.by_merchant.query(merchant_sub, condition, scan_index_forward=False):
        if show.live_at is None or show.ended_at is None:
            continue
        start, end = int(show.live_at), int(show.ended_at)
        per_minute: dict[str, dict[int, float]] = {}
        for market in markets:
            items = MinuteCounters.query(
                series_key(show.room_id, market), MinuteCounters.minute.between(start // 60, (end - 1) // 60)
            )
            present = figures.present_by_second(figures.minute_from_item(i) for i in items)
            if present:
                per_minute[market] = figures.per_minute_counts(present, start, end)
        out.append(PastShow(float(show.live_at), float(show.ended_at), per_minute))
        if len(out) >= HISTORY_SHOWS:
            break
    return out


def recommend_for(room: Any, now: float | None = None) -> dict[str, Any]:
    """The recommendation for the next show of ``room``'s merchant to ``room``'s markets."""
    now = time.time() if now is None else now
    markets = [str(m) for m in room.markets or []]
    plugins = get_plugins()
    profiles = {m: plugins.market_profile(m) for m in markets}
    return {"room_id": room.room_id, **recommend(past_shows(room.merchant_sub, markets, before=now), profiles, now)}
