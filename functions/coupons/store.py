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
from typing import Any, TypeVar

from pynamodb.connection import Connection
from pynamodb.models import Model

from functions.coupons.models import Campaign, Coupon, Holding, Redemption, StockShard
from functions.shared.config import Settings, get_settings
from functions.shared.idempotency import IdempotencyRecord

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


def _bind(model: type[M], region: str, host: str | None) -> type[M]:
    """A subclass of ``model`` talking to ``region`` (not registered as a table of its own).

    ``_connection`` is reset: PynamoDB caches a connection per class, and a subclass would
    otherwise inherit its parent's (the local region's)."""
    meta: dict[str, Any] = {
        "table_name": getattr(model.Meta, "table_name"),  # noqa: B009
        "region": region,
        "host": host,
        "billing_mode": "PAY_PER_REQUEST",
    }
    return type(
        f"{model.__name__}In_{region.replace('-', '_')}",
        (model,),
        {"Meta": type("Meta", (), meta), "__module__": model.__module__, "_connection": None},
    )


@lru_cache(maxsize=16)
def _store(region: str, host: str | None, table_names: tuple[str, ...]) -> CouponStore:
    return CouponStore(
        region=region,
        campaigns=_bind(Campaign, region, host),
        shards=_bind(StockShard, region, host),
        holdings=_bind(Holding, region, host),
        coupons=_bind(Coupon, region, host),
        redemptions=_bind(Redemption, region, host),
        requests=_bind(IdempotencyRecord, region, host),
        connection=Connection(region=region, host=host),
    )


def bound_store(region: str, settings: Settings | None = None) -> CouponStore:
    """The coupon models of ``region``'s replica, on the settings' endpoint."""
    host = (settings or get_settings()).dynamodb_endpoint
    models: tuple[type[Model], ...] = (Campaign, StockShard, Holding, Coupon, Redemption, IdempotencyRecord)
    names = tuple(str(m.Meta.table_name) for m in models)
    return _store(region, host, names)


def home_store(settings: Settings | None = None) -> CouponStore:
    """Where every coupon write happens: the campaign home region (the origin), whichever
    region's function is asking."""
    settings = settings or get_settings()
    return bound_store(settings.home_aws_region, settings)
