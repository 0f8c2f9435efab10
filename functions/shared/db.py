"""DynamoDB tables, defined once as PynamoDB models and read by CDK from the same classes.

A table is a ``TableModel`` subclass with ``Meta = table_meta("<short name>", ...)``. The short
name plus the deployment's prefix is the physical table name. ``table_spec`` turns a model into
the key schema, indexes, TTL and stream settings that ``infra/`` synthesizes and that the embedded
platform creates, so the code and the infrastructure cannot drift.
"""

from __future__ import annotations

import copy
import importlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pynamodb.connection.base
from pynamodb.indexes import GlobalSecondaryIndex, LocalSecondaryIndex
from pynamodb.models import Model

from functions.shared import stream
from functions.shared.aws import botocore_session
from functions.shared.config import Settings, get_settings

TABLE_MODELS: dict[str, type[Model]] = {}

# PynamoDB makes a botocore session per connection (one per model class and thread) through this
# module-level name; ours share one data loader, so botocore's service data is read once per
# process, not once per table (functions.shared.aws).
pynamodb.connection.base.get_session = botocore_session  # type: ignore[attr-defined]


def table_meta(
    short_name: str,
    *,
    replicated: bool = True,
    ttl_attribute: str | None = None,
    stream: bool = False,
    zoned: bool = False,
    zone_stream: bool = False,
) -> Any:
    """A PynamoDB ``Meta`` for a crosslive table.

    ``replicated``: a global table with a replica in every region (data that must travel);
    otherwise each region has its own table. ``stream``: new images go to DynamoDB Streams.
    ``zoned``: the table holds personal data (or shares a transaction with such a table), so it
    is placed per residency zone: one copy per zone, written in the zone's home
    (``functions.shared.zones``); the default zone's copy is this model's table.
    ``zone_stream``: each zone's copy (not the default one) streams its changes, for a function
    that aggregates the zone's data inside the zone (insights' ``zone_figures``).
    """
    settings = get_settings()
    attrs: dict[str, Any] = {
        "table_name": f"{settings.table_prefix}-{short_name}",
        "region": settings.aws_region,
        "host": settings.dynamodb_endpoint,
        "billing_mode": "PAY_PER_REQUEST",
        "crosslive_short_name": short_name,
        "crosslive_replicated": replicated,
        "crosslive_ttl_attribute": ttl_attribute,
        "crosslive_stream": stream,
        "crosslive_zoned": zoned,
        "crosslive_zone_stream": zone_stream,
    }
    return type("Meta", (), attrs)


class TableModel(Model):
    """Base of every crosslive table model; subclasses register themselves for CDK and dev.

    Writes of a streamed table (``stream=True``) report their change to the stream port
    (``functions.shared.stream``) when a sink is installed (the embedded platform); in a
    deployment the table's own stream carries them and these methods do nothing extra. A
    ``save`` is reported as an insert (every save of a streamed table is conditional on the item
    not existing), an ``update`` with the item as it was before (copied in memory, never read).
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        short = getattr(getattr(cls, "Meta", None), "crosslive_short_name", None)
        if short:
            existing = TABLE_MODELS.get(short)
            if existing is not None and existing.__qualname__ != cls.__qualname__:
                raise ValueError(f"table {short!r} defined twice: {existing} and {cls}")
            TABLE_MODELS[short] = cls

    def save(self, condition: Any = None, *, add_version_condition: bool = True) -> dict[str, Any]:
        result = super().save(condition, add_version_condition=add_version_condition)
        if stream.active() and _streamed(self):
            stream.emit(None, self)
        return result

    def update(self, actions: Any, condition: Any = None, *, add_version_condition: bool = True) -> Any:
        old = copy.deepcopy(self) if stream.active() and _streamed(self) else None
        result = super().update(actions, condition, add_version_condition=add_version_condition)
        if old is not None:
            stream.emit(old, self)
        return result

    def delete(self, condition: Any = None, *, add_version_condition: bool = True) -> Any:
        result = super().delete(condition, add_version_condition=add_version_condition)
        if stream.active() and _streamed(self):
            stream.emit(self, None)
        return result


def _streamed(item: Model) -> bool:
    """The item's table is streamed (a ``CouponStore``'s region-bound subclass included), or it is
    a zone's copy of a table whose zone copies are (``zone_stream``)."""
    metas = [getattr(k, "Meta", None) for k in type(item).__mro__]
    if any(getattr(meta, "crosslive_stream", False) for meta in metas):
        return True
    zoned_copy = any(getattr(meta, "crosslive_zone", None) for meta in metas)
    return zoned_copy and any(getattr(meta, "crosslive_zone_stream", False) for meta in metas)


def streamed_tables() -> tuple[str, ...]:
    """Short names of every table defined with ``stream=True`` (what stream consumers may read)."""
    return tuple(sorted(short for short, model in load_all_models().items() if model.Meta.crosslive_stream))  # type: ignore[attr-defined]


def get_items(requests: Sequence[tuple[type[Model], tuple[Any, ...]]], *, consistent: bool = True) -> list[Any]:
    """Several items of several tables in one ``BatchGetItem`` (strongly consistent by default).

    ``requests`` are ``(model, (hash_key[, range_key]))``; the result lists each item (a model
    instance of the requested model) or None, in request order. A hot path reads what it needs
    from different tables in one round trip and one request (the comment write path: the room,
    the author's sanctions and the reply target). Tables in different regions (a residency zone's
    tables live in its home, ``functions.shared.zones``) take one request per region. Unprocessed
    keys are asked again.
    """
    by_region: dict[tuple[str, str | None], list[int]] = {}
    for index, (model, _) in enumerate(requests):
        by_region.setdefault((str(model.Meta.region), model.Meta.host), []).append(index)
    out: list[Any] = [None] * len(requests)
    for indexes in by_region.values():
        found = _batch_get([requests[i] for i in indexes], consistent)
        for i, item in zip(indexes, found, strict=True):
            out[i] = item
    return out


def _batch_get(requests: Sequence[tuple[type[Model], tuple[Any, ...]]], consistent: bool) -> list[Any]:
    """``get_items`` of tables in one region."""
    wanted: dict[str, list[dict[str, Any]]] = {}
    where: list[tuple[str, str]] = []
    for model, key in requests:
        attrs = model.get_attributes()
        key_attrs = [a for a in attrs.values() if a.is_hash_key] + [a for a in attrs.values() if a.is_range_key]
        serialized = {a.attr_name: {a.attr_type: a.serialize(v)} for a, v in zip(key_attrs, key, strict=True)}
        table = str(model.Meta.table_name)
        if serialized not in wanted.setdefault(table, []):
            wanted[table].append(serialized)
        where.append((table, repr(sorted((k, str(v)) for k, v in serialized.items()))))
    client = requests[0][0]._get_connection().connection.client  # type: ignore[attr-defined]
    found: dict[tuple[str, str], dict[str, Any]] = {}
    pending = {table: {"Keys": keys, "ConsistentRead": consistent} for table, keys in wanted.items()}
    while pending:
        response = client.batch_get_item(RequestItems=pending)
        for table, items in response.get("Responses", {}).items():
            model = next(m for m, _ in requests if str(m.Meta.table_name) == table)
            key_names = [a.attr_name for a in model.get_attributes().values() if a.is_hash_key or a.is_range_key]
            for item in items:
                ident = repr(sorted((k, str(item[k])) for k in key_names))
                found[(table, ident)] = item
        pending = response.get("UnprocessedKeys") or {}
    out: list[Any] = []
    for (model, _), (table, ident) in zip(requests, where, strict=True):
        raw = found.get((table, ident))
        out.append(model.from_raw_data(raw) if raw is not None else None)
    return out


def configure_tables(settings: Settings | None = None) -> None:
    """Point every registered model at the current settings' endpoint, region and prefix."""
    settings = settings or get_settings()
    for short, model in TABLE_MODELS.items():
        model.Meta.table_name = f"{settings.table_prefix}-{short}"
        model.Meta.region = settings.aws_region
        model.Meta.host = settings.dynamodb_endpoint
        model._connection = None  # PynamoDB caches a connection per model class


def load_all_models() -> dict[str, type[Model]]:
    """Import every function's ``models`` module so all tables are registered."""
    from functions import FUNCTIONS

    importlib.import_module("functions.shared.idempotency")
    for name in FUNCTIONS:
        try:
            importlib.import_module(f"functions.{name}.models")
        except ModuleNotFoundError as exc:
            if exc.name != f"functions.{name}.models":
                raise
    return dict(TABLE_MODELS)


@dataclass(frozen=True)
class KeySpec:
    name: str
    type: str  # "S" | "N" | "B"


@dataclass(frozen=True)
class IndexSpec:
    name: str
    hash_key: KeySpec
    range_key: KeySpec | None
    projection: str  # "ALL" | "KEYS_ONLY" | "INCLUDE"
    non_key_attributes: tuple[str, ...] = ()
    local: bool = False


@dataclass(frozen=True)
class TableSpec:
    short_name: str
    hash_key: KeySpec
    range_key: KeySpec | None
    indexes: tuple[IndexSpec, ...] = field(default_factory=tuple)
    ttl_attribute: str | None = None
    stream: bool = False
    replicated: bool = True
    zoned: bool = False  # one copy per residency zone (``{prefix}-{zone}-{short}``), see zones.py
    zone_stream: bool = False  # each zone's copy has a stream (the default copy only if ``stream``)


def _key(attr: Any) -> KeySpec:
    return KeySpec(attr.attr_name, attr.attr_type)


def table_spec(model: type[Model]) -> TableSpec:
    """The infrastructure-relevant description of a model's table."""
    attrs = model.get_attributes()
    hash_key = next(a for a in attrs.values() if a.is_hash_key)
    range_key = next((a for a in attrs.values() if a.is_range_key), None)
    indexes = []
    for index in model._indexes.values():
        keys = index.Meta.attributes
        idx_hash = next(a for a in keys.values() if a.is_hash_key)
        idx_range = next((a for a in keys.values() if a.is_range_key), None)
        projection = index.Meta.projection
        indexes.append(
            IndexSpec(
                name=index.Meta.index_name,
                hash_key=_key(idx_hash),
                range_key=_key(idx_range) if idx_range else None,
                projection=projection.projection_type,
                non_key_attributes=tuple(getattr(projection, "non_key_attributes", None) or ()),
                local=isinstance(index, LocalSecondaryIndex),
            )
        )
        assert isinstance(index, GlobalSecondaryIndex | LocalSecondaryIndex)
    meta: Any = model.Meta
    return TableSpec(
        short_name=meta.crosslive_short_name,
        hash_key=_key(hash_key),
        range_key=_key(range_key) if range_key else None,
        indexes=tuple(indexes),
        ttl_attribute=meta.crosslive_ttl_attribute,
        stream=meta.crosslive_stream,
        replicated=meta.crosslive_replicated,
        zoned=meta.crosslive_zoned,
        zone_stream=meta.crosslive_zone_stream,
    )


def create_tables(settings: Settings | None = None) -> list[str]:
    """Create every registered table that does not exist (embedded platform and tests), and each
    residency zone's copy of the zoned ones in the zone's home region (``functions.shared.zones``)."""
    from functions.shared.zones import bind_zone, zones

    configure_tables(settings)
    settings = settings or get_settings()
    created = []
    for model in load_all_models().values():
        placed = [model]
        if model.Meta.crosslive_zoned:  # type: ignore[attr-defined]
            placed += [bind_zone(model, zone, settings) for zone in zones(settings)]
        for table in placed:
            if not table.exists():
                table.create_table(billing_mode="PAY_PER_REQUEST", wait=True)
                spec = table_spec(model)
                if spec.ttl_attribute:
                    table._get_connection().connection.client.update_time_to_live(  # type: ignore[attr-defined]
                        TableName=table.Meta.table_name,
                        TimeToLiveSpecification={"Enabled": True, "AttributeName": spec.ttl_attribute},
                    )
                created.append(str(table.Meta.table_name))
    return created
