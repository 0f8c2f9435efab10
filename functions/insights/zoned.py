"""Which residency zone's copy of the per-viewer insights table a read goes to (issue 18).

``insights-viewers`` holds personal data (the viewer's subject), so it is placed per residency
zone (``functions/shared/zones.py``): a zone groups the restricted markets of one jurisdiction
(``CROSSLIVE_ZONES``, e.g. ``eu``: DE and FR); every other market is in the default zone.
Everything here takes the zone as one parameter, so a per-viewer read or export touches one
zone's table (``viewers_model``) and keeps only that zone's markets (``in_zone``): a viewer
item misplaced in another zone's table is still never exported with the wrong zone.
"""

from __future__ import annotations

from functions.insights.models import ViewerPresence
from functions.shared import zones

DEFAULT_ZONE = "default"


def zone_markets() -> dict[str, tuple[str, ...]]:
    """Named zone -> its markets (no zones configured: empty)."""
    return {zone.name: zone.markets for zone in zones.zones()}


def zone_names() -> list[str]:
    """The default zone first, then the named zones."""
    return [DEFAULT_ZONE, *sorted(zone_markets())]


def zone_of(market: str | None) -> str:
    """The zone whose tables hold a viewer of ``market``."""
    zone = zones.zone_of(market)
    return zone.name if zone is not None else DEFAULT_ZONE


def in_zone(market: str | None, zone: str) -> bool:
    return zone_of(market) == zone


def viewers_model(zone: str) -> type[ViewerPresence]:
    """The ``insights-viewers`` model on ``zone``'s table (in the zone's home region)."""
    if zone == DEFAULT_ZONE:
        return ViewerPresence
    found = zones.zone_named(zone)
    if found is None:
        raise KeyError(zone)
    return zones.bind_zone(ViewerPresence, found)
