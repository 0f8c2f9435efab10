"""The live figures of one room: load its items once, compute every figure per market and in total.

What one read loads does not grow with the room's viewers: per market the minutes of the show,
their fold pages, the distinct sets' shards and the dwell bins (``dwell.py``); the show, its
alerts, the newest comments and the merchant's past shows (``docs/insights.md``, "Read cost").
A residency zone's markets' distinct sets are not read here: they are counted inside the zone
(``zone_figures.py``) and their counts read from ``ZoneFigures``.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from functions.comments import questions
from functions.insights import distinct_counts, dwell, figures, health, history, zone_counted, zoned
from functions.insights.figures import Minute
from functions.insights.models import (
    COUNTERS,
    ROOM_MARKET,
    Alert,
    DistinctSet,
    FoldPage,
    MinuteCounters,
    ShowRecord,
    fold_part,
    series_key,
)

STEP_OF_METRIC = {
    "reach": "joined",
    "qualified": "qualified",
    "commenters": "commented",
    "claimers": "claimed",
    "redeemers": "redeemed",
}


FOLD_PAGE_FIELDS = ["part", "currency", *COUNTERS]  # not the markers: a read never needs them


def load_minutes(room_id: str, market: str, first_minute: int) -> list[Minute]:
    """The minutes from ``first_minute`` on: each minute item (node and player figures) plus its
    fold pages (the counts of stream records: comments, claims, redemptions, stage)."""
    series = series_key(room_id, market)
    minutes = {
        int(item.minute): figures.minute_from_item(item)
        for item in MinuteCounters.query(series, MinuteCounters.minute >= first_minute)
    }
    pages = FoldPage.query(series, FoldPage.part >= fold_part(first_minute, 0), attributes_to_get=FOLD_PAGE_FIELDS)
    for page in pages:
        minute = int(str(page.part).split("#", 1)[0])
        minutes[minute] = figures.with_page(minutes.get(minute), minute, page)
    return [minutes[m] for m in sorted(minutes)]


def load_distinct_counts(room_id: str, markets: list[str]) -> tuple[distinct_counts.ZoneCounts, dict[str, float]]:
    """The distinct counts of ``markets``: the default zone's counted here from its sets, each
    residency zone's as counted inside the zone (``zone_figures``), with when each zone's were
    counted (``zone_counted``; ``docs/residency.md``: no zone's set is read outside the zone)."""
    default = [m for m in markets if zoned.zone_of(m) == zoned.DEFAULT_ZONE]
    parts = [distinct_counts.count_markets(room_id, default, lambda _market: DistinctSet)]
    as_of: dict[str, float] = {}
    if len(default) < len(markets):
        for zone, counted, at in zone_counted.distinct(room_id):
            parts.append(counted)
            as_of[zone] = at
    return distinct_counts.combine(parts), as_of


def load_show(room_id: str) -> ShowRecord | None:
    try:
        return ShowRecord.get(room_id)
    except ShowRecord.DoesNotExist:
        return None


def _gmv(totals: dict[str, dict[str, int]], currencies: dict[str, str | None]) -> dict[str, Any]:
    """GMV per market in its own currency, and in the operators' rates base currency."""
    from functions.localization.rates import MissingRateError, current_rates

    rates = current_rates()
    per_market = {}
    converted = 0
    missing = []
    for market, counters in totals.items():
        currency = currencies.get(market)
        amount = counters.get("gmv_minor", 0)
        per_market[market] = {"amount_minor": amount, "currency": currency}
        if amount and currency:
            try:
                converted += rates.convert(amount, currency, rates.base)
            except MissingRateError:
                missing.append(currency)
    return {"markets": per_market, "total_minor": converted, "currency": rates.base, "missing_rates": missing}


def room_figures(room: Any, now: float | None = None, window_minutes: int = 240) -> dict[str, Any]:
    """Everything the live panel and the report show for ``room`` (a ``rooms`` item)."""
    now = time.time() if now is None else now
    show = load_show(room.room_id)
    live_at = float(show.live_at) if show is not None and show.live_at is not None else None
    ended_at = float(show.ended_at) if show is not None and show.ended_at is not None else None
    markets = [str(m) for m in room.markets or []]
    first_minute = int((live_at or now - window_minutes * 60) // 60)
    minutes = {m: load_minutes(room.room_id, m, first_minute) for m in [*markets, ROOM_MARKET]}
    end = int(min(now, ended_at or now))
    start = int(live_at) if live_at is not None else (first_minute * 60)
    present = {m: figures.present_by_second(minutes[m]) for m in markets}
    total_present: dict[int, int] = {}
    for market_present in present.values():
        for t, n in market_present.items():
            total_present[t] = total_present.get(t, 0) + n
    distinct, zones_as_of = load_distinct_counts(room.room_id, markets)
    # dwell from the market's bins (an item per minute of the show), never from the viewer items
    dwell_by_market = {m: dwell.load(room.room_id, m).values(now, live_at, ended_at) for m in markets}
    show_seconds = max(0.0, (ended_at or now) - live_at) if live_at is not None else 0.0
    per_market: dict[str, Any] = {}
    steps: dict[str, dict[str, int]] = {}
    totals: dict[str, dict[str, int]] = {}
    currencies: dict[str, str | None] = {}
    for market in markets:
        counts = distinct_counts.market_row(distinct, market)
        steps[market] = {STEP_OF_METRIC[m]: counts[m] for m in distinct_counts.FUNNEL_METRICS}
        totals[market] = figures.add_counters(minutes[market])
        currencies[market] = next((m.currency for m in minutes[market] if m.currency), None)
        reach = counts["reach"]
        product_viewers = counts["product_viewers"]
        tappers = counts["tappers"]
        per_market[market] = {
            "concurrent": figures.concurrency(present[market], start, end),
            "reach": reach,
            "qualified": counts["qualified"],
            "dwell": figures.dwell(dwell_by_market[market], show_seconds),
            "exit_rate": figures.exit_rates(minutes[market], present[market]),
            "engagement_rate": round(counts["engaged"] / reach, 4) if reach else None,
            "sharers": counts["sharers"],
            "product_viewers": product_viewers,
            "tappers": tappers,
            "product_click_through": round(tappers / product_viewers, 4) if product_viewers else None,
            "claim_rate": round(counts["claimers"] / reach, 4) if reach else None,
            "redemption_rate": round(counts["redeemers"] / counts["claimers"], 4) if counts["claimers"] else None,
            "sentiment": figures.sentiment_per_minute(minutes[market]),
            "counters": totals[market],
            "minutes": {m.minute: {k: v for k, v in m.counters.items() if v} for m in minutes[market]},
        }
    union = distinct["union"]
    gmv = _gmv(totals, currencies)
    hours = show_seconds / 3600
    all_minutes = [m for market in markets for m in minutes[market]]
    out = {
        "room_id": room.room_id,
        "generated_at": now,
        "show": {
            "live_at": live_at,
            "ended_at": ended_at,
            "seconds": round(show_seconds, 1),
            "events": list(show.events or []) if show is not None else [],
        },
        "markets": per_market,
        "funnel": figures.funnel(steps),
        "total": {
            "concurrent": figures.concurrency(total_present, start, end),
            "reach": union["reach"],
            "qualified": union["qualified"],
            "sharers": union["sharers"],
            "product_click_through": (
                round(union["tappers"] / union["product_viewers"], 4) if union["product_viewers"] else None
            ),
            "dwell": figures.dwell(sum(dwell_by_market.values(), Counter()), show_seconds),
            "sentiment": figures.sentiment_per_minute(all_minutes),
            "gmv": gmv,
            "gmv_per_live_hour_minor": round(gmv["total_minor"] / hours) if hours >= 1 / 60 else None,
            # seconds in which at least one node saw no frame of the room's ingest
            "ingest_gap_seconds": len(figures.present_by_second(minutes[ROOM_MARKET])),
        },
        "alerts": recent_alerts(room.room_id),
        # when each residency zone's distinct counts were counted inside the zone (none: no zone)
        "zones_counted_at": zones_as_of,
        "hot_questions": questions.hot_questions(room, live_at or now - 3600, now),
    }
    past = history.past_summaries(room.merchant_sub, before=live_at) if live_at is not None else []
    out["health"] = health.health(health.raw_parts(out), [p.get("health", {}) for p in past])
    return out


def recent_alerts(room_id: str, limit: int = 50) -> list[dict[str, Any]]:
    """The room's alerts, newest first."""
    return [alert.view() for alert in Alert.query(room_id, scan_index_forward=False, limit=limit)]
