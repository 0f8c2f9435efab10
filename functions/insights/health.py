"""The room health index (0-100) and its four parts, each scored against the merchant's past shows.

Parts (raw values; definitions in ``docs/insights.md``, "Health index"):

* ``stream``: the share of watching time impaired (player stall time ÷ viewer time, plus the
  share of the show with an ingest gap). Lower is better.
* ``retention``: qualified viewers ÷ reach.
* ``engagement``: the engagement rate (commenters, claimers or sharers ÷ reach).
* ``conversion``: redeemers ÷ reach.

A part scores 50 when it equals the merchant's baseline (the mean of that part over their last
``HISTORY_SHOWS`` ended shows, or ``FIRST_SHOW_BASELINE`` for a first show), 100 at twice as good
(for ``stream``: not impaired at all) and 0 at nothing (for ``stream``: twice the baseline). The
index is the mean of the parts that have data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

HISTORY_SHOWS = 10
FIRST_SHOW_BASELINE = {"stream": 0.02, "retention": 0.6, "engagement": 0.1, "conversion": 0.02}
LOWER_IS_BETTER = frozenset({"stream"})


def raw_parts(figures: Mapping[str, Any]) -> dict[str, float | None]:
    """The raw part values of one show from its ``live.room_figures`` output."""
    total = figures["total"]
    markets = figures["markets"].values()
    reach = total["reach"]
    viewer_seconds = sum(sum(m["concurrent"]["per_minute"].values()) * 60 for m in markets)
    stall_seconds = sum(m["counters"]["stall_ms"] for m in markets) / 1000
    show_seconds = figures["show"]["seconds"]
    stream = None
    if viewer_seconds > 0 and show_seconds > 0:
        stream = stall_seconds / viewer_seconds + total["ingest_gap_seconds"] / show_seconds
    engaged = sum((m["engagement_rate"] or 0) * m["reach"] for m in markets)
    redeemers = sum(f["steps"]["redeemed"] for f in figures["funnel"].values())
    return {
        "stream": stream,
        "retention": total["qualified"] / reach if reach else None,
        "engagement": engaged / reach if reach else None,
        "conversion": redeemers / reach if reach else None,
    }


def baselines(history: list[Mapping[str, float | None]]) -> tuple[dict[str, float], bool]:
    """Mean of each part over past shows (the first-show defaults where there is none)."""
    out = {}
    for part, default in FIRST_SHOW_BASELINE.items():
        values = [float(v) for h in history if (v := h.get(part)) is not None]
        out[part] = sum(values) / len(values) if values else default
    return out, not history


def score(part: str, raw: float, baseline: float) -> float:
    if baseline <= 0:
        baseline = FIRST_SHOW_BASELINE[part]
    if part in LOWER_IS_BETTER:
        return round(100 * max(0.0, 1 - raw / (2 * baseline)), 1)
    return round(100 * min(1.0, raw / (2 * baseline)), 1)


def health(raw: Mapping[str, float | None], history: list[Mapping[str, float | None]]) -> dict[str, Any]:
    base, first_show = baselines(history)
    parts = {}
    for part in FIRST_SHOW_BASELINE:
        value = raw.get(part)
        parts[part] = {
            "raw": None if value is None else round(value, 4),
            "baseline": round(base[part], 4),
            "score": None if value is None else score(part, value, base[part]),
        }
    scored = [p["score"] for p in parts.values() if p["score"] is not None]
    return {
        "index": round(sum(scored) / len(scored)) if scored else None,
        "parts": parts,
        "baseline_from": "first-show defaults" if first_show else f"{len(history)} past shows",
    }
