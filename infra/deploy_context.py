"""Context keys the deploy tool (``crosslive deploy``) passes to ``cdk deploy``, read in one place.

* ``crosslive:replicaRegions``: comma-separated AWS regions the origin's global tables and secrets
  replicate to (``none``: no replica). CloudFormation adds or removes only one global-table replica per update, so the
  tool grows (or shrinks) the set one region per origin deploy. Unset: every edge of the origin.
* ``crosslive:zoneReplicas:<zone>``: the same for a residency zone's tables, created in the zone's
  home region: comma-separated AWS regions of the zone's other regions that get a replica
  (``none``: no replica). Unset: every other region of the zone.
* ``crosslive:zoneSignIn``: comma-separated zones whose user pool and web client ids ``crosslive
  deploy`` has published to SSM in every region of the group (``none``: none yet). Outside a
  zone's home, the functions accept that zone's tokens and the pages offer its sign-in only once
  published: the zone's client needs the pages' address, so the origin is deployed first and
  learns the zone's pool in a second deploy. Unset: every zone.
* ``crosslive:zoneApi``: comma-separated zones whose home's API domain ``crosslive deploy`` has
  published to SSM (``none``: none yet). The origin's pages reach a zone's API (its exports) at
  ``/zones/<zone>/v1/*`` through their own CloudFront distribution, whose origin for that path is
  the zone home's API: known once the home is deployed, so the origin learns it in the same second
  deploy as the zone's pool. Published separately from the sign-in ids, so a deployment that had
  them before this key existed keeps accepting the zone's tokens while it learns the address.
  Unset: every zone.
* ``crosslive:deletionProtection``: ``false`` while a stage's stateful stack is created for the first
  time, so that a failed create rolls back cleanly (tables and the user pool are
  ``RETAIN_ON_UPDATE_OR_DELETE``: deleted on a failed create, retained on every later change);
  the tool turns protection on with the next deploy. Unset: ``true``.

SSM parameter names an edge reads (the tool writes them from the origin's stack outputs) are here
too, so the stacks and the tool cannot disagree on them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from crosslive.regions import RegionConfig, ResidencyZone

if TYPE_CHECKING:  # the deploy tool imports this module and must not start jsii
    from constructs import Construct

REPLICA_REGIONS = "crosslive:replicaRegions"
ZONE_REPLICAS = "crosslive:zoneReplicas"
ZONE_SIGN_IN = "crosslive:zoneSignIn"
ZONE_API = "crosslive:zoneApi"
DELETION_PROTECTION = "crosslive:deletionProtection"
NO_REPLICAS = "none"  # the value of REPLICA_REGIONS for an origin without edges yet


def replica_edges(scope: Construct, edges: list[RegionConfig]) -> list[RegionConfig]:
    """The edges whose AWS region gets a replica of the origin's global tables in this deploy."""
    value = scope.node.try_get_context(REPLICA_REGIONS)
    if value is None:
        return list(edges)
    wanted = {r.strip() for r in str(value).split(",") if r.strip() and r.strip() != NO_REPLICAS}
    unknown = wanted - {e.aws_region for e in edges}
    if unknown:
        raise ValueError(f"{REPLICA_REGIONS} names regions with no edge region file: {', '.join(sorted(unknown))}")
    return [e for e in edges if e.aws_region in wanted]


def zone_replicas_key(zone: str) -> str:
    return f"{ZONE_REPLICAS}:{zone}"


def zone_replica_regions(scope: Construct, zone: ResidencyZone) -> list[str]:
    """The zone's other regions whose replica of its tables exists after this deploy."""
    value = scope.node.try_get_context(zone_replicas_key(zone.name))
    if value is None:
        return list(zone.replica_regions)
    wanted = {r.strip() for r in str(value).split(",") if r.strip() and r.strip() != NO_REPLICAS}
    unknown = wanted - set(zone.replica_regions)
    if unknown:
        raise ValueError(
            f"{zone_replicas_key(zone.name)} names regions outside zone {zone.name}: {', '.join(sorted(unknown))}"
        )
    return [r for r in zone.replica_regions if r in wanted]


def zones_signed_in(scope: Construct, zones: Iterable[ResidencyZone]) -> list[ResidencyZone]:
    """The zones whose sign-in ids are published to SSM (``crosslive:zoneSignIn``)."""
    return _zones_in_context(scope, ZONE_SIGN_IN, zones)


def zones_with_api(scope: Construct, zones: Iterable[ResidencyZone]) -> list[ResidencyZone]:
    """The zones whose home's API domain is published to SSM (``crosslive:zoneApi``)."""
    return _zones_in_context(scope, ZONE_API, zones)


def _zones_in_context(scope: Construct, key: str, zones: Iterable[ResidencyZone]) -> list[ResidencyZone]:
    zones = list(zones)
    value = scope.node.try_get_context(key)
    if value is None:
        return zones
    wanted = {z.strip() for z in str(value).split(",") if z.strip() and z.strip() != NO_REPLICAS}
    return [z for z in zones if z.name in wanted]


def deletion_protection(scope: Construct) -> bool:
    return str(scope.node.try_get_context(DELETION_PROTECTION)).lower() != "false"


def origin_parameter(table_prefix: str, origin_name: str, key: str) -> str:
    """SSM parameter (in each edge's region) holding an origin output an edge needs, e.g. ``user-pool-id``."""
    return f"/{table_prefix}/origin/{origin_name}/{key}"


def node_ami_parameter(table_prefix: str) -> str:
    """SSM parameter (in each region) holding the media nodes' pinned AMI id."""
    return f"/{table_prefix}/media/node-ami"


# What an edge reads from its origin: SSM parameter key -> the origin stack output that carries it.
ORIGIN_OUTPUTS = {
    "user-pool-id": "UserPoolId",
    "web-client-id": "WebClientId",
    "api-url": "ApiUrl",  # the origin's API: where every region's media nodes post the insights feed
    "pages-origin": "PagesOrigin",  # the edge's media nodes allow the origin's pages by CORS
}
# What the other regions read from a zone's home: SSM parameter key -> the output (zone_output_id).
ZONE_OUTPUTS = {
    "user-pool-id": "UserPoolId",
    "web-client-id": "WebClientId",
    "hosted-ui": "HostedUiUrl",
    "api-domain": "ApiDomain",  # the home's HTTP API (execute-api domain): the pages' /zones/<zone>/v1/*
}
# Published later than the rest by deployments older than ``api-domain``: its own context key.
ZONE_API_KEY = "api-domain"


def zone_parameter(table_prefix: str, zone: str, key: str) -> str:
    """SSM parameter (in each region of the group) holding a zone home's output, e.g. ``user-pool-id``."""
    return f"/{table_prefix}/zone/{zone}/{key}"


def zone_output_id(zone: str, key: str) -> str:
    """A zone home's stack output of ``key`` (``ZoneEuUserPoolId``): one set per zone homed there."""
    return f"Zone{zone.capitalize()}{key}"


# The origin's replicated secrets (infra/secrets.py ALL_SECRETS): an edge reads each replica's ARN.
SECRET_KEYS = ("coupon-key", "push-secret", "node-secret")


def secret_output_id(key: str) -> str:
    """The origin stateful stack's output carrying a secret's complete ARN (``SecretArnPushSecret``)."""
    return "SecretArn" + "".join(part.capitalize() for part in key.split("-"))


def secret_parameter_key(key: str) -> str:
    """Key (for ``origin_parameter``) of the SSM parameter holding an edge's replica ARN of a secret."""
    return f"secret-arn/{key}"
