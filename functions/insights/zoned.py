"""Which residency zone's copy of the per-viewer insights table a read goes to (issue 18).

``insights-viewers`` holds personal data (the viewer's subject), so it is placed per residency
zone (``/work/wt/RESIDENCY-DESIGN.md``): a zone groups the restricted markets of one
jurisdiction (``CROSSLIVE_ZONES``, e.g. ``{"eu": {"markets": ["DE", "FR"], ...}}``); every other
market is in the default zone. Everything here takes the zone as one parameter, so a per-viewer
read or export touches one zone's table and keeps only that zone's markets.

Until the runtime's ``functions/shared/zones.py`` binds a model to a zone's own table, every
zone's viewers are written to the one ``insights-viewers`` table: ``viewers_model`` is the single
place that changes to ``zones.bind(ViewerPresence, market)`` then, and the market filter of
``in_zone`` keeps an export to its zone's people either way.
"""

from __future__ import annotations

import json
import os

from functions.insights.models import ViewerPresence

DEFAULT_ZONE = "default"
ENV_ZONES = "CROSSLIVE_ZONES"  # the contract's variable (functions/shared/config.py on the runtime's branch)


def zone_markets() -> dict[str, frozenset[str]]:
    """Named zone -> its markets, from ``CROSSLIVE_ZONES`` (absent or empty: no named zones)."""
    raw = os.environ.get(ENV_ZONES, "").strip()
    if not raw:
        return {}
    parsed = json.loads(raw)
    return {str(name): frozenset(str(m) for m in zone.get("markets") or []) for name, zone in parsed.items()}


def zone_names() -> list[str]:
    """The default zone first, then the named zones."""
    return [DEFAULT_ZONE, *sorted(zone_markets())]


def zone_of(market: str | None) -> str:
    """The zone whose tables hold a viewer of ``market``."""
    for name, markets in zone_markets().items():
        if market in markets:
            return name
    return DEFAULT_ZONE


def in_zone(market: str | None, zone: str) -> bool:
    return zone_of(market) == zone


def viewers_model(zone: str) -> type[ViewerPresence]:
    """The ``insights-viewers`` model of ``zone`` (one table for every zone until zone tables exist)."""
    if zone not in zone_names():
        raise KeyError(zone)
    return ViewerPresence
