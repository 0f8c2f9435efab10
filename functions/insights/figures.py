"""The figures the merchant sees, computed from the stored items (definitions: docs/insights.md).

Pure functions over loaded items, so the scripted-show test and the API compute the same thing:
``concurrency`` (now, peak, average, per-minute counts), ``dwell`` (p50/p90, buckets, retention),
``exit_rates``, ``funnel`` (per market, step rates, the diverging step), ``engagement`` and
commerce rates, ``sentiment`` per minute.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from functions.insights.models import COUNTERS

NOW_LAG_SECONDS = 4  # nodes flush every 2 s: "now" is the newest second every node has reported
DWELL_BUCKETS = ((0, 10, "0-10 s"), (10, 60, "10-60 s"), (60, 300, "1-5 min"), (300, 900, "5-15 min"))
LAST_BUCKET = "15 min+"
FUNNEL_STEPS = ("joined", "qualified", "commented", "claimed", "redeemed")
DIVERGENCE_POINTS = 0.15  # a market's step rate this far below the others' mean is highlighted


@dataclass(frozen=True)
class Minute:
    """One (market, minute) item as plain numbers."""

    minute: int
    counters: Mapping[str, int]
    seconds: Mapping[int, int]  # second of the minute -> viewers present
    currency: str | None = None


def minute_from_item(item: Any) -> Minute:
    counters = {name: int(getattr(item, name) or 0) for name in COUNTERS}
    seconds = {s: int(v) for s in range(60) if (v := getattr(item, f"c{s:02d}")) is not None}
    return Minute(int(item.minute), counters, seconds, item.currency)


def with_page(minute: Minute | None, at: int, page: Any) -> Minute:
    """``minute`` (None: no node or player wrote that minute) plus one of its fold pages' counts."""
    counters = dict(minute.counters) if minute is not None else dict.fromkeys(COUNTERS, 0)
    for name in COUNTERS:
        counters[name] = counters.get(name, 0) + int(getattr(page, name) or 0)
    seconds = minute.seconds if minute is not None else {}
    currency = page.currency or (minute.currency if minute is not None else None)
    return Minute(at, counters, seconds, currency)


def present_by_second(minutes: Iterable[Minute]) -> dict[int, int]:
    """UNIX second -> viewers present (summed over nodes), for the seconds any node reported."""
    out: dict[int, int] = {}
    for minute in minutes:
        for second, viewers in minute.seconds.items():
            t = minute.minute * 60 + second
            out[t] = out.get(t, 0) + viewers
    return out


def per_minute_counts(present: Mapping[int, int], start: int, end: int) -> dict[int, float]:
    """Mean viewers present over each minute in [start, end) (seconds no node reported count 0).

    ``end`` (exclusive, UNIX second) cuts the current minute: it averages only its elapsed seconds.
    """
    out: dict[int, float] = {}
    for minute in range(start // 60, (end - 1) // 60 + 1):
        first = max(minute * 60, start)
        last = min(minute * 60 + 60, end)
        if last > first:
            out[minute] = sum(present.get(t, 0) for t in range(first, last)) / (last - first)
    return out


def concurrency(present: Mapping[int, int], start: int, end: int) -> dict[str, Any]:
    """Now, peak and average (mean of per-minute counts) between ``start`` and ``end``."""
    counts = per_minute_counts(present, start, end) if end > start else {}
    recent = [t for t in present if end - NOW_LAG_SECONDS - 1 <= t < end]
    now_second = max(recent) if recent else None
    return {
        "now": present.get(now_second, 0) if now_second is not None else 0,
        "peak": max(present.values(), default=0),
        "average": round(sum(counts.values()) / len(counts), 2) if counts else 0.0,
        "per_minute": {m: round(v, 2) for m, v in sorted(counts.items())},
    }


def add_counters(minutes: Iterable[Minute]) -> dict[str, int]:
    total = dict.fromkeys(COUNTERS, 0)
    for minute in minutes:
        for name, value in minute.counters.items():
            total[name] += value
    return total


def exit_rates(minutes: Sequence[Minute], present: Mapping[int, int]) -> dict[int, float]:
    """Per minute: exits ÷ (viewers present at its first second + sessions started in it)."""
    out: dict[int, float] = {}
    for minute in sorted(minutes, key=lambda m: m.minute):
        exposed = present.get(minute.minute * 60, 0) + minute.counters.get("starts", 0)
        if exposed:
            out[minute.minute] = round(minute.counters.get("exits", 0) / exposed, 4)
    return out


def percentile(counts: Mapping[float, int], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100) of the values counted: a value some viewer had."""
    total = sum(counts.values())
    if not total:
        return 0.0
    rank = max(1, math.ceil(q / 100 * total))
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if seen >= rank:
            return float(value)
    raise AssertionError("unreachable: the rank is at most the total")


def retention(counts: Mapping[float, int], minutes: int) -> dict[int, float]:
    """For k in 0..minutes: the share of the viewers counted whose dwell is at least k minutes."""
    total = sum(counts.values())
    if not total:
        return dict.fromkeys(range(minutes + 1), 0.0)
    ordered = sorted(counts)
    at_least = [0] * (len(ordered) + 1)  # at_least[i]: viewers with a value >= ordered[i]
    for i in range(len(ordered) - 1, -1, -1):
        at_least[i] = at_least[i + 1] + counts[ordered[i]]
    return {k: round(at_least[bisect.bisect_left(ordered, k * 60)] / total, 4) for k in range(minutes + 1)}


def dwell(counts: Mapping[float, int], show_seconds: float) -> dict[str, Any]:
    """p50/p90, buckets and the retention curve of the dwell values counted (value -> viewers,
    from ``dwell.Bins.values``: the live read never holds one value per viewer)."""
    buckets = {label: 0 for _, _, label in DWELL_BUCKETS}
    buckets[LAST_BUCKET] = 0
    for value, viewers in counts.items():
        label = next((lbl for low, high, lbl in DWELL_BUCKETS if low <= value < high), LAST_BUCKET)
        buckets[label] += viewers
    return {
        "viewers": sum(counts.values()),
        "p50": round(percentile(counts, 50), 1),
        "p90": round(percentile(counts, 90), 1),
        "buckets": buckets,
        "retention": retention(counts, int(show_seconds // 60)),
    }


def funnel(steps: Mapping[str, Mapping[str, int]]) -> dict[str, Any]:
    """Per market: distinct viewers per step and step rates; the step where a market diverges.

    A market diverges at the step whose rate is lowest against the mean of the other markets'
    rates for that step, when it is at least ``DIVERGENCE_POINTS`` below it (markets with no
    viewers at the previous step are left out of that comparison).
    """
    markets: dict[str, Any] = {}
    rates: dict[str, dict[str, float | None]] = {}
    for market, counts in steps.items():
        row_rates: dict[str, float | None] = {}
        for before, step in itertools.pairwise(FUNNEL_STEPS):
            base = counts.get(before, 0)
            row_rates[step] = round(counts.get(step, 0) / base, 4) if base else None
        rates[market] = row_rates
        markets[market] = {"steps": {s: counts.get(s, 0) for s in FUNNEL_STEPS}, "rates": row_rates}
    for market, row in rates.items():
        worst: tuple[float, str] | None = None
        for step, rate in row.items():
            others = [r for m, row_of in rates.items() if m != market and (r := row_of[step]) is not None]
            if rate is None or not others:
                continue
            gap = sum(others) / len(others) - rate
            if gap >= DIVERGENCE_POINTS and (worst is None or gap > worst[0]):
                worst = (gap, step)
        markets[market]["diverges_at"] = worst[1] if worst else None
        markets[market]["divergence"] = round(worst[0], 4) if worst else None
    return markets


def sentiment_per_minute(minutes: Iterable[Minute]) -> dict[int, float | None]:
    """(positive − negative) ÷ comments, per minute (None for a minute without comments)."""
    merged: dict[int, list[int]] = {}
    for minute in minutes:
        row = merged.setdefault(minute.minute, [0, 0, 0])
        row[0] += minute.counters.get("positive", 0)
        row[1] += minute.counters.get("negative", 0)
        row[2] += minute.counters.get("comments", 0)
    return {m: (round((p - n) / c, 4) if c else None) for m, (p, n, c) in sorted(merged.items())}
