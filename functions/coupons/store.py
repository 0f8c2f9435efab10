"""Where coupon state is written: the campaign's home region, never the caller's replica.

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

from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from pynamodb.connection import Connection
from pynamodb.models import Model

from functions.coupons.models import Campaign, Coupon, Holding, Redemption, StockShard
from functions.shared.config import Settings, get_settings
from functions.shared.idempotency import IdempotencyRecord
from functions.shared.zones import Zone, bind_at, is_zoned

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
def _store(region: str, host: str | None, zone: Zone | None, table_names: tuple[str, ...]) -> CouponStore:
    def bound(model: type[M]) -> type[M]:
        return bind_at(model, region, zone if is_zoned(model) else None, host)

    return CouponStore(
        region=region,
        campaigns=bound(Campaign),
        shards=bound(StockShard),
        holdings=bound(Holding),
        coupons=bound(Coupon),
        redemptions=bound(Redemption),
        requests=bound(IdempotencyRecord),
        connection=Connection(region=region, host=host),
    )


def bound_store(region: str, settings: Settings | None = None, zone: Zone | None = None) -> CouponStore:
    """The coupon models of ``region``'s replica of ``zone``'s tables (None: the default zone's;
    campaigns are global and stay in theirs), on the settings' endpoint."""
    host = (settings or get_settings()).dynamodb_endpoint
    models: tuple[type[Model], ...] = (Campaign, StockShard, Holding, Coupon, Redemption, IdempotencyRecord)
    names = tuple(str(m.Meta.table_name) for m in models)
    return _store(region, host, zone, names)


def home_store(settings: Settings | None = None) -> CouponStore:
    """Where every coupon write happens: the campaign home region (the origin), whichever
    region's function is asking."""
    settings = settings or get_settings()
    return bound_store(settings.home_aws_region, settings)
