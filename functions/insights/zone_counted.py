"""What each residency zone counted inside itself, as any region reads it (``ZoneFigures``).

``zone_figures.py`` counts a zone's distinct sets and win-back segment in the zone's home and
stores only the counts; the live read and the win-back poll read them here and combine them with
the default zone's (``docs/residency.md``). A zone no longer configured is left out.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from functions.insights import distinct_counts, zoned
from functions.insights.models import ZoneFigures


def _stored(room_id: str, body_name: str) -> Iterator[tuple[str, dict[str, Any], float]]:
    """(zone, counts, when counted) of each zone whose ``body_name`` counts are stored for the room."""
    configured = set(zoned.zone_markets())
    if not configured:  # no zone: nothing to read (and no request made)
        return
    for row in ZoneFigures.query(room_id):
        body, at = getattr(row, body_name), getattr(row, f"{body_name}_at")
        if body and at is not None and row.zone in configured:
            yield str(row.zone), json.loads(body), float(at)


def distinct(room_id: str) -> Iterator[tuple[str, distinct_counts.ZoneCounts, float]]:
    """Each zone's distinct counts of the room as last counted in the zone."""
    return _stored(room_id, "distinct")


def winback(room_id: str) -> Iterator[tuple[str, dict[str, Any], float]]:
    """Each zone's win-back counts of the room as last counted in the zone."""
    return _stored(room_id, "winback")
