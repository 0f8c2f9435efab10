"""What the live read needs of the distinct sets: counts per market and their unions, per zone.

The distinct sets (``DistinctSet``) hold pseudonymous viewer keys, so they are placed per
residency zone like the other personal data (``docs/residency.md``). The sets of a zone's markets
are counted inside the zone (``zone_figures.py``, whose counts the live read finds in
``ZoneFigures``); the default zone's are counted where the read runs. Either way the result is
the same ``ZoneCounts``: per market each metric's count and ``engaged`` (the union of commenters,
claimers and sharers), and the zone's union over its markets of the metrics the room's total
shows.

Zones add up exactly: an account signs in to one zone's user pool and a zone pool's token carries
only that zone's markets (``docs/residency.md``, "Identity"), so one viewer's key is never in two
zones' sets, and the room's union is the sum of the zones' unions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from functions.insights.models import DistinctSet, series_key
from functions.insights.sketch import Distinct, union_all

FUNNEL_METRICS = ("reach", "qualified", "commenters", "claimers", "redeemers")
METRICS = (*FUNNEL_METRICS, "sharers", "product_viewers", "tappers")
ENGAGED_METRICS = ("commenters", "claimers", "sharers")  # engagement: any of these ÷ reach
UNION_METRICS = ("reach", "qualified", "sharers", "product_viewers", "tappers")  # the room's total

ZoneCounts = dict[str, Any]  # {"markets": {market: {metric: n, "engaged": n}}, "union": {metric: n}}


def load_sets(model: type[DistinctSet], room_id: str, market: str, consistent: bool = False) -> dict[str, Distinct]:
    """Metric -> the union of its shards, read from ``model``'s table (one zone's)."""
    out: dict[str, Distinct] = {}
    for item in model.query(series_key(room_id, market), consistent_read=consistent):
        metric = str(item.part).split("#", 1)[0]
        out[metric] = out.get(metric, Distinct()).union(Distinct.load(item.members, item.sketch))
    return out


def count(sets: dict[str, dict[str, Distinct]]) -> ZoneCounts:
    """The counts of one zone's markets' sets (market -> metric -> set)."""
    markets = {}
    for market, by_metric in sets.items():
        row = {metric: by_metric[metric].count() if metric in by_metric else 0 for metric in METRICS}
        row["engaged"] = union_all(by_metric.get(m, Distinct()) for m in ENGAGED_METRICS).count()
        markets[market] = row
    union = {
        metric: union_all(by_metric.get(metric, Distinct()) for by_metric in sets.values()).count()
        for metric in UNION_METRICS
    }
    return {"markets": markets, "union": union}


def count_markets(
    room_id: str, markets: Iterable[str], model_of: Callable[[str], type[DistinctSet]], consistent: bool = False
) -> ZoneCounts:
    """Read and count the sets of ``markets`` (all of one zone), each from ``model_of(market)``."""
    return count({m: load_sets(model_of(m), room_id, m, consistent) for m in markets})


def combine(parts: Iterable[ZoneCounts]) -> ZoneCounts:
    """The zones' counts as one room's: markets side by side, unions added (see the module doc)."""
    markets: dict[str, dict[str, int]] = {}
    union = dict.fromkeys(UNION_METRICS, 0)
    for part in parts:
        markets.update(part.get("markets", {}))
        for metric in UNION_METRICS:
            union[metric] += int(part.get("union", {}).get(metric, 0))
    return {"markets": markets, "union": union}


def market_row(counts: ZoneCounts, market: str) -> dict[str, int]:
    """One market's counts (zeros for a market nothing was counted in yet)."""
    found = counts["markets"].get(market) or {}
    return {metric: int(found.get(metric, 0)) for metric in (*METRICS, "engaged")}
