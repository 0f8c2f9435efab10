"""A merchant's past shows: what each ended show leaves behind for baselines and recommendations.

When the rooms stream says a show ended, the consumer writes the show's ``summary`` (health raw
parts, reach, peak and average viewers, start time) on its ``ShowRecord``. The health index of
later shows is scored against these (``health.py``) and the next-show recommendation reads them.
"""

from __future__ import annotations

from typing import Any

from functions.insights.health import HISTORY_SHOWS, raw_parts
from functions.insights.models import ShowRecord


def summary(figures: dict[str, Any]) -> dict[str, Any]:
    total = figures["total"]
    return {
        "health": {k: v for k, v in raw_parts(figures).items() if v is not None},
        "reach": total["reach"],
        "peak": total["concurrent"]["peak"],
        "average": total["concurrent"]["average"],
        "live_at": figures["show"]["live_at"],
        "seconds": figures["show"]["seconds"],
        "markets": {
            m: {"reach": f["reach"], "average": f["concurrent"]["average"]} for m, f in figures["markets"].items()
        },
    }


def record_ended(room_id: str) -> None:
    """Write the ended show's summary (called by the consumer when the room's status becomes ended)."""
    from functions.insights.live import room_figures
    from functions.rooms.access import find_room

    room = find_room(room_id)
    if room is None:
        return
    ShowRecord(room_id).update(actions=[ShowRecord.summary.set(summary(room_figures(room)))])


def past_summaries(merchant_sub: str, before: float | None = None, limit: int = HISTORY_SHOWS) -> list[dict[str, Any]]:
    """Summaries of the merchant's last ``limit`` ended shows (newest first), started before ``before``."""
    condition = ShowRecord.live_at < before if before is not None else None
    out = []
    for show in ShowRecord.by_merchant.query(merchant_sub, condition, scan_index_forward=False):
        if show.summary is None or show.ended_at is None:
            continue
        raw: Any = show.summary
        out.append(raw.as_dict() if hasattr(raw, "as_dict") else dict(raw))
        if len(out) >= limit:
            break
    return out
