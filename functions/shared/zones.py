"""Residency zones: where the personal data of a market's people is stored.

A **zone** groups the restricted markets of one jurisdiction (their plugins'
``data_residency`` allows only some regions, e.g. "eu": DE and FR). Tables defined with
``table_meta(..., zoned=True)`` have one copy per zone, ``{prefix}-{zone}-{short}`` (e.g.
``crosslive-eu-comments``), created in the zone's home region with replicas only in the zone's
other regions; everyone else's data stays in the **default zone**, the tables as they always were
(``{prefix}-{short}``). See ``docs/residency.md``.

The zones come from ``CROSSLIVE_ZONES`` (``functions.shared.config.parse_zones``); with none
configured every function behaves exactly as before: ``bind(model, market)`` returns ``model``.

Every read and write of a zoned table picks its table with ``bind(model, market)``, ``market``
being that of the person the data is about (the viewer's token market, a comment's author market,
a campaign's market). Reads that span people of every market (a room's comments, the moderation
queue) read ``everywhere(model)``: the default table plus each zone's, a transient cross-region
read whose result is shown, not stored.

``bind_region`` is the one binding primitive (coupons use it to write to the home region);
bound classes are cached, so PynamoDB keeps one connection per (model, region, table).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from pynamodb.models import Model

from functions.shared.config import Settings, get_settings
from functions.shared.errors import ApiError, NotFound

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Zone:
    """One residency zone: its ``name`` (in table names), its ``home`` region (where its tables
    are written), the ``regions`` it is deployed in and the ``markets`` whose data it holds."""

    name: str
    home: str
    regions: tuple[str, ...]
    markets: tuple[str, ...]

    def holds(self, market: str | None) -> bool:
        return market is not None and market.upper() in self.markets


def zones(settings: Settings | None = None) -> tuple[Zone, ...]:
    """The configured zones, by name (empty: everything is in the default zone)."""
    settings = settings or get_settings()
    return tuple(
        Zone(name=name, home=cfg.home, regions=tuple(cfg.regions), markets=tuple(cfg.markets))
        for name, cfg in sorted(settings.zones.items())
    )


def zone_of(market: str | None, settings: Settings | None = None) -> Zone | None:
    """The zone holding ``market``'s people's data; None: the default zone (also for no market)."""
    return next((z for z in zones(settings) if z.holds(market)), None)


def zone_named(name: str, settings: Settings | None = None) -> Zone | None:
    """The zone called ``name`` (None when no such zone is configured)."""
    return next((z for z in zones(settings) if z.name == name), None)


# The region a request is served in when one process plays several regions: the embedded
# platform's gateway (``crosslive/dev/gateway.py``) serves ``/zones/<zone>/v1/...`` as a function
# running in the zone's home would, and sets this for that request only. Nothing in a deployed
# function sets it: there the serving region is the Lambda's real ``AWS_REGION``.
_EMBEDDED_SERVING_REGION: ContextVar[str | None] = ContextVar("crosslive_embedded_serving_region", default=None)


def serving_region() -> str:
    """The AWS region this function runs in (where a response is assembled)."""
    return _EMBEDDED_SERVING_REGION.get() or get_settings().aws_region


@contextmanager
def serving_in(region: str) -> Iterator[None]:
    """Serve what runs inside as if in ``region`` (``serving_region``): for the embedded gateway's
    zone routes only, where one process stands in for every region of the deployment."""
    token = _EMBEDDED_SERVING_REGION.set(region)
    try:
        yield
    finally:
        _EMBEDDED_SERVING_REGION.reset(token)


# The OpenAPI entry of ``export_zone``'s refusal, for every export route's ``responses``.
EXPORT_OUTSIDE_ZONE_RESPONSE: dict[int | str, dict[str, Any]] = {
    421: {
        "description": "A residency zone's export asked outside the zone: ask one of the `regions` named",
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
}


def export_zone(name: str | None, what: str = "export") -> Zone | None:
    """The zone an export of people's data is asked for (None: the default zone), if this function
    may produce it: a zone's export is assembled inside the zone, so elsewhere it is 421
    ``export-outside-zone`` naming the zone's regions (404 ``zone-not-found`` for no such zone).
    One rule for every export (the chat CSV, insights' win-back segment) and for other work over
    a zone's people (``what``: "publish" answers 421 ``publish-outside-zone``)."""
    if name is None:
        return None
    zone = zone_named(name)
    if zone is None:
        raise NotFound("zone-not-found", f"no data-residency zone {name!r} is configured")
    here = serving_region()
    if here not in zone.regions:  # HTTP's own refusal (421 Misdirected Request): ask another region
        raise ApiError(
            421,
            f"{what}-outside-zone",
            f"the {name!r} zone's {what} is produced in {', '.join(zone.regions)}; ask that region's API, not {here}",
            regions=list(zone.regions),
        )
    return zone


def is_zoned(model: type[Model]) -> bool:
    """The model's table has a copy per zone (``table_meta(..., zoned=True)``)."""
    return bool(_meta_value(model, "crosslive_zoned"))


def short_name(model: type[Model]) -> str:
    """The table's short name ("comments"), also of a bound subclass."""
    name = _meta_value(model, "crosslive_short_name") or _meta_value(model, "crosslive_bound_short_name")
    if not name:
        raise TypeError(f"{model.__name__} is not a crosslive table model")
    return str(name)


def zone_table_name(model: type[Model], zone: Zone | None) -> str:
    """The physical table name of ``model`` in ``zone`` (None: the default zone's):
    ``{prefix}-{zone}-{short}`` beside the default ``{prefix}-{short}``."""
    base = _unbound(model)
    default = str(base.Meta.table_name)  # "{prefix}-{short}", as ``configure_tables`` set it
    if zone is None:
        return default
    if not is_zoned(base):
        raise TypeError(f"table {short_name(base)!r} is global, not placed per zone")
    short = short_name(base)
    return f"{default[: -len(short)]}{zone.name}-{short}"


def bind(model: type[M], market: str | None, settings: Settings | None = None) -> type[M]:
    """``model`` bound to the table holding ``market``'s people's data.

    A market of no zone (or no market): ``model`` itself, as configured today. A zone's market:
    a cached subclass on the zone's table in the zone's home region (same endpoint).
    """
    settings = settings or get_settings()
    return bind_zone(model, zone_of(market, settings), settings)


def bind_zone(model: type[M], zone: Zone | None, settings: Settings | None = None) -> type[M]:
    """``model`` bound to ``zone``'s table in its home (None: ``model`` itself)."""
    if zone is None:
        return model
    settings = settings or get_settings()
    return bind_region(model, zone.home, zone=zone, settings=settings)


def bind_region(
    model: type[M], region: str, *, zone: Zone | None = None, settings: Settings | None = None
) -> type[M]:
    """``model`` talking to ``region`` on ``zone``'s table (None: the default zone's), cached.

    The subclass is not registered as a table of its own; its connection cache starts empty
    (PynamoDB caches a connection per class, and a subclass would otherwise inherit its parent's).
    """
    return bind_at(model, region, zone, (settings or get_settings()).dynamodb_endpoint)


def bind_at(model: type[M], region: str, zone: Zone | None, host: str | None) -> type[M]:
    """``bind_region`` on an explicit endpoint ``host`` (None: AWS's endpoint of ``region``)."""
    base = _unbound(model)
    return _bound(base, region, zone_table_name(base, zone), host, zone)


def in_origin(model: type[M], settings: Settings | None = None) -> type[M]:
    """``model`` (a global table) on its origin copy (``CROSSLIVE_HOME_AWS_REGION``): the model itself
    when serving there. Items several regions write under conditions or ADDs are written in one
    region, so replication's last-writer-wins never drops one of two updates."""
    settings = settings or get_settings()
    if settings.aws_region == settings.home_aws_region:
        return model
    return bind_region(model, settings.home_aws_region, settings=settings)


def everywhere(model: type[M], settings: Settings | None = None) -> list[type[M]]:
    """``model`` in the default zone, then in each zone: what a read spanning every market reads."""
    settings = settings or get_settings()
    return [model, *(bind_zone(model, zone, settings) for zone in zones(settings))]


def zone_name_of(model: type[Model]) -> str | None:
    """The zone a (bound) model writes to; None: the default zone."""
    value = _meta_value(model, "crosslive_zone")
    return str(value) if value else None


def zone_of_model(model: type[Model], settings: Settings | None = None) -> Zone | None:
    """The zone whose table a (bound) model is on; None: the default zone."""
    name = zone_name_of(model)
    return zone_named(name, settings) if name else None


def _unbound(model: type[M]) -> type[M]:
    for klass in model.__mro__:
        if getattr(klass.__dict__.get("Meta"), "crosslive_short_name", None):
            return klass  # type: ignore[no-any-return]
    raise TypeError(f"{model.__name__} is not a crosslive table model")


@lru_cache(maxsize=256)
def _bound(model: type[M], region: str, table_name: str, host: str | None, zone: Zone | None) -> type[M]:
    parent: Any = model.Meta
    meta: dict[str, Any] = {
        k: v for k, v in vars(parent).items() if not k.startswith("__") and k != "crosslive_short_name"
    }
    meta.update(
        table_name=table_name,
        region=region,
        host=host,
        crosslive_bound_short_name=parent.crosslive_short_name,
        crosslive_zone=zone.name if zone else None,
    )
    suffix = f"{zone.name.capitalize()}" if zone else ""
    return type(
        f"{model.__name__}{suffix}In_{region.replace('-', '_')}",
        (model,),
        {"Meta": type("Meta", (), meta), "__module__": model.__module__, "_connection": None},
    )


def _meta_value(model: type[Model], name: str) -> Any:
    for klass in model.__mro__:
        meta = klass.__dict__.get("Meta")
        if meta is not None and name in vars(meta):
            return vars(meta)[name]
    return None
