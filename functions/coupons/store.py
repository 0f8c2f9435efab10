"""Where coupon state is written: the campaign's home region, never the caller's replica.

With residency zones (``functions.shared.zones``), a campaign's home is its markets' zone's home:
the stock, holdings, coupons, redemptions and claim records of a DE campaign live in the "eu"
zone's tables, written in its home region; ``campaign_store`` picks the store of a campaign.

Global tables replicate last-writer-wins. A conditional decrement ("remaining > 0") checked in
Singapore and in Frankfurt at the same moment succeeds in both, and replication then keeps one of
the two writes: one unit sold twice. So every write to coupon state (stock, holdings, coupons,
redemptions, claims' idempotency records) goes to one region, the origin (``CROSSLIVE_HOME_AWS_REGION``), whose replica
serializes them per item like any single-region table. The other regions still *read* campaigns
locally (they are immutable), so only claims and checkouts pay the cross-region round trip.

A ``CouponStore`` is the set of coupon models bound to one region. ``home_store()`` is what the
API uses; the tests bind two regions to show what a per-region-writes design would do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from pynamodb.connection import Connection
from pynamodb.models import Model

from functions.coupons.models import Campaign, Coupon, Holding, Redemption, StockShard
from functions.shared.config import Settings, get_settings
from functions.shared.errors import Invalid
from functions.shared.idempotency import IdempotencyRecord
from functions.shared.zones import Zone, bind_at, is_zoned, zone_of, zones

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class CouponStore:
    """Coupon models bound to ``region`` (same tables, same endpoint, that region's replica)."""

    region: str
    campaigns: type[Campaign]
    shards: type[StockShard]
    holdings: type[Holding]
    coupons: type[Coupon]
    redemptions: type[Redemption]
    requests: type[IdempotencyRecord]  # claims' idempotency records, beside the stock they protect
    connection: Connection


@lru_cache(maxsize=32)
def _store(
    region: str, host: str | None, zone: Zone | None, campaigns_region: str, table_names: tuple[str, ...]
) -> CouponStore:
    def bound(model: type[M]) -> type[M]:
        return bind_at(model, region, zone if is_zoned(model) else None, host)

    return CouponStore(
        region=region,
        campaigns=bind_at(Campaign, campaigns_region, None, host),
        shards=bound(StockShard),
        holdings=bound(Holding),
        coupons=bound(Coupon),
        redemptions=bound(Redemption),
        requests=bound(IdempotencyRecord),
        connection=Connection(region=region, host=host),
    )


def bound_store(region: str, settings: Settings | None = None, zone: Zone | None = None) -> CouponStore:
    """The coupon models of ``region``'s replica of ``zone``'s tables (None: the default zone's),
    on the settings' endpoint. Campaign definitions are global, not per zone: a zone's store
    writes and reads them in the origin (``CROSSLIVE_HOME_AWS_REGION``) like the default one."""
    settings = settings or get_settings()
    models: tuple[type[Model], ...] = (Campaign, StockShard, Holding, Coupon, Redemption, IdempotencyRecord)
    names = tuple(str(m.Meta.table_name) for m in models)
    campaigns_region = region if zone is None else settings.home_aws_region
    return _store(region, settings.dynamodb_endpoint, zone, campaigns_region, names)


def home_store(settings: Settings | None = None) -> CouponStore:
    """Where every coupon write of the default zone happens: the campaign home region (the
    origin), whichever region's function is asking."""
    settings = settings or get_settings()
    return bound_store(settings.home_aws_region, settings)


def zone_store(zone: Zone | None, settings: Settings | None = None) -> CouponStore:
    """Where the coupon state of ``zone``'s markets is written: the zone's home (None: the origin)."""
    settings = settings or get_settings()
    return home_store(settings) if zone is None else bound_store(zone.home, settings, zone)


def campaign_zone(markets: Iterable[str], settings: Settings | None = None) -> Zone | None:
    """The residency zone of a campaign's markets (None: the default zone).

    A claim decrements the stock and writes the holding in one transaction, so one campaign's
    stock lives in one zone: a campaign whose markets are in different zones is refused (422
    ``campaign-spans-zones``; make one campaign per zone)."""
    found = {zone_of(m, settings) for m in markets}
    if len(found) > 1:
        names = sorted(z.name if z else "default" for z in found)
        raise Invalid(
            "campaign-spans-zones",
            f"a campaign's markets must share one data-residency zone; these span {', '.join(names)}: "
            "create one campaign per zone",
        )
    return next(iter(found), None)


def campaign_store(campaign: Campaign, settings: Settings | None = None) -> CouponStore:
    """The store of ``campaign``'s stock, holdings, coupons, redemptions and claim records."""
    return zone_store(campaign_zone([str(m) for m in campaign.markets], settings), settings)


def market_store(market: str | None, settings: Settings | None = None) -> CouponStore:
    """The store holding the coupons claimed in ``market`` (its zone's)."""
    return zone_store(zone_of(market, settings), settings)


def every_store(settings: Settings | None = None) -> list[CouponStore]:
    """The default zone's store, then each zone's: lookups by an id whose zone is unknown."""
    return [zone_store(zone, settings) for zone in (None, *zones(settings))]
