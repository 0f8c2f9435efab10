"""DynamoDB tables synthesized from the PynamoDB models (``functions.shared.db.table_spec``).

The models are the single definition: key schema, indexes, TTL and streams come from them, so
the tables CDK deploys are the tables the code reads. A replicated model becomes a global table
created in the origin region with a replica in every edge region; the others are created in
every region on their own. A zoned model (personal data, ``table_meta(..., zoned=True)``) also has
one copy per residency zone, ``{prefix}-{zone}-{short}``, created in the zone's home region with
replicas only in the zone's other regions (docs/residency.md).
"""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

from functions.shared.db import KeySpec, TableSpec, load_all_models, table_spec

_TYPES = {"S": dynamodb.AttributeType.STRING, "N": dynamodb.AttributeType.NUMBER, "B": dynamodb.AttributeType.BINARY}
_PROJECTIONS = {
    "ALL": dynamodb.ProjectionType.ALL,
    "KEYS_ONLY": dynamodb.ProjectionType.KEYS_ONLY,
    "INCLUDE": dynamodb.ProjectionType.INCLUDE,
}


def all_table_specs() -> list[TableSpec]:
    return [table_spec(model) for _, model in sorted(load_all_models().items())]


def zoned_table_specs() -> list[TableSpec]:
    """The tables placed per residency zone: personal data and what shares a transaction with it."""
    return [spec for spec in all_table_specs() if spec.zoned]


def physical_name(prefix: str, spec: TableSpec, zone: str | None = None) -> str:
    """``{prefix}-{short}``, or a zone's copy ``{prefix}-{zone}-{short}`` (functions/shared/zones.py)."""
    return f"{prefix}-{zone}-{spec.short_name}" if zone else f"{prefix}-{spec.short_name}"


def _attr(key: KeySpec) -> dynamodb.Attribute:
    return dynamodb.Attribute(name=key.name, type=_TYPES[key.type])


def create_table(
    scope: Construct,
    prefix: str,
    spec: TableSpec,
    replica_regions: list[str],
    *,
    protect: bool = True,
    zone: str | None = None,
) -> dynamodb.TableV2:
    """A TableV2 for ``spec`` (``zone``: that zone's copy); ``replica_regions`` non-empty makes it a
    global table.

    Retained on every update and stack deletion, deleted only when its first create fails
    (``RETAIN_ON_UPDATE_OR_DELETE``); ``protect`` is off only during that first create
    (``infra/deploy_context.py``), since deletion protection would stop the rollback too.
    """
    gsis = [
        dynamodb.GlobalSecondaryIndexPropsV2(
            index_name=index.name,
            partition_key=_attr(index.hash_key),
            sort_key=_attr(index.range_key) if index.range_key else None,
            projection_type=_PROJECTIONS[index.projection],
            non_key_attributes=list(index.non_key_attributes) or None,
        )
        for index in spec.indexes
        if not index.local
    ]
    lsis = [
        dynamodb.LocalSecondaryIndexProps(
            index_name=index.name,
            sort_key=_attr(index.range_key),  # type: ignore[arg-type]
            projection_type=_PROJECTIONS[index.projection],
            non_key_attributes=list(index.non_key_attributes) or None,
        )
        for index in spec.indexes
        if index.local and index.range_key
    ]
    return dynamodb.TableV2(
        scope,
        f"Table-{zone}-{spec.short_name}" if zone else f"Table-{spec.short_name}",
        table_name=physical_name(prefix, spec, zone),
        partition_key=_attr(spec.hash_key),
        sort_key=_attr(spec.range_key) if spec.range_key else None,
        billing=dynamodb.Billing.on_demand(),
        global_secondary_indexes=gsis or None,
        local_secondary_indexes=lsis or None,
        time_to_live_attribute=spec.ttl_attribute,
        dynamo_stream=(
            dynamodb.StreamViewType.NEW_AND_OLD_IMAGES
            if (spec.stream or replica_regions or (zone and spec.zone_stream))
            else None
        ),
        replicas=[dynamodb.ReplicaTableProps(region=r) for r in replica_regions] or None,
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=True
        ),
        deletion_protection=protect,
        removal_policy=RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    )
