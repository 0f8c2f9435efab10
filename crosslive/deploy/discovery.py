"""What the AWS account already has, read before planning a deploy (boto3; nothing is changed here)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from crosslive.regions import RegionConfig, residency_zones
from functions.shared.db import load_all_models, table_spec
from infra.deploy_context import ZONE_API_KEY, node_ami_parameter, zone_parameter

BOOTSTRAP_VERSION_PARAMETER = "/cdk-bootstrap/hnb659fds/version"  # CDK's default qualifier
STACK_KINDS = ("Stateful", "Stateless")


def stack_name(region: RegionConfig, kind: str) -> str:
    """CloudFormation's name of a stage's stack (CDK: ``<stage>-<id>``)."""
    return f"{region.stage_name}-{kind}"


def replicated_table(prefix: str, zone: str | None = None) -> str:
    """A global table of the origin, whose replicas say which edges the origin already serves; with
    ``zone``, that zone's copy of a zoned global table (its replicas: the zone's other regions)."""
    specs = sorted((table_spec(m) for m in load_all_models().values()), key=lambda s: s.short_name)
    if zone:
        return f"{prefix}-{zone}-{next(s.short_name for s in specs if s.replicated and s.zoned)}"
    return f"{prefix}-{next(s.short_name for s in specs if s.replicated)}"


@dataclass
class AccountState:
    """The facts a plan depends on. ``assumed`` marks an offline guess (``--dry-run``): a fresh account."""

    account: str
    enabled_regions: frozenset[str]
    bootstrap_versions: dict[str, int | None]
    stacks: dict[str, str] = field(default_factory=dict)  # crosslive stack name -> status
    replicas: dict[str, frozenset[str]] = field(default_factory=dict)  # origin name -> replica AWS regions
    amis: dict[str, str | None] = field(default_factory=dict)  # AWS region -> pinned node AMI
    zones: dict[str, str | None] = field(default_factory=dict)  # hosted zone id -> its domain (None: not found)
    # residency zones (crosslive.regions.residency_zones): name -> AWS regions of its tables' replicas
    zone_replicas: dict[str, frozenset[str]] = field(default_factory=dict)
    zone_sign_in: frozenset[str] = frozenset()  # residency zones whose sign-in ids are published to SSM
    zone_api: frozenset[str] = frozenset()  # residency zones whose home's API domain is published to SSM
    assumed: bool = False

    @classmethod
    def fresh(cls, regions: Iterable[RegionConfig]) -> AccountState:
        aws_regions = {r.aws_region for r in regions}
        return cls(
            account="<account>",
            enabled_regions=frozenset(aws_regions),
            bootstrap_versions=dict.fromkeys(aws_regions),
            amis=dict.fromkeys(aws_regions),
            assumed=True,
        )


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def discover(
    session: Any, regions: list[RegionConfig], *, prefix: str = "crosslive", hosted_zone_id: str | None = None
) -> AccountState:
    """Read the account: every call is a read (STS, EC2, SSM, CloudFormation, DynamoDB, Route 53)."""
    account = session.client("sts").get_caller_identity()["Account"]
    home = regions[0].aws_region
    described = session.client("ec2", region_name=home).describe_regions(AllRegions=True)["Regions"]
    enabled = frozenset(r["RegionName"] for r in described if r.get("OptInStatus") != "not-opted-in")
    state = AccountState(account=account, enabled_regions=enabled, bootstrap_versions={})
    if hosted_zone_id:
        state.zones[hosted_zone_id] = _zone_name(session, hosted_zone_id)
    for aws_region in sorted({r.aws_region for r in regions}):
        if aws_region not in enabled:
            continue  # a disabled region answers nothing; the plan refuses it
        ssm = session.client("ssm", region_name=aws_region)
        state.bootstrap_versions[aws_region] = _parameter_int(ssm, BOOTSTRAP_VERSION_PARAMETER)
        state.amis[aws_region] = _parameter(ssm, node_ami_parameter(prefix))
    for region in regions:
        if region.aws_region not in enabled:
            continue
        cloudformation = session.client("cloudformation", region_name=region.aws_region)
        for kind in STACK_KINDS:
            name = stack_name(region, kind)
            try:
                (stack,) = cloudformation.describe_stacks(StackName=name)["Stacks"]
            except ClientError as exc:
                if _code(exc) == "ValidationError":  # "Stack with id ... does not exist"
                    continue
                raise
            state.stacks[name] = stack["StackStatus"]
        if region.role == "origin":
            state.replicas[region.name] = _replica_regions(session, region.aws_region, prefix)
    published: set[str] = set()
    api_published: set[str] = set()
    for zone in residency_zones(regions)[0]:
        if zone.home not in enabled:
            continue
        state.zone_replicas[zone.name] = _replica_regions(session, zone.home, prefix, zone.name)
        origin = next(r for r in regions if r.name == zone.origin)
        ssm = session.client("ssm", region_name=origin.aws_region)
        if _parameter(ssm, zone_parameter(prefix, zone.name, "web-client-id")) is not None:
            published.add(zone.name)
        if _parameter(ssm, zone_parameter(prefix, zone.name, ZONE_API_KEY)) is not None:
            api_published.add(zone.name)
    state.zone_sign_in = frozenset(published)
    state.zone_api = frozenset(api_published)
    return state


def _zone_name(session: Any, zone_id: str) -> str | None:
    """The domain of a Route 53 hosted zone (no trailing dot), or None if the account has no such zone."""
    try:
        zone = session.client("route53").get_hosted_zone(Id=zone_id)["HostedZone"]
    except ClientError as exc:
        if _code(exc) in ("NoSuchHostedZone", "InvalidInput"):
            return None
        raise
    if zone.get("Config", {}).get("PrivateZone"):
        return None  # Let's Encrypt and viewers resolve names publicly
    return str(zone["Name"]).rstrip(".").lower()


def _parameter(ssm: Any, name: str) -> str | None:
    try:
        return str(ssm.get_parameter(Name=name)["Parameter"]["Value"])
    except ClientError as exc:
        if _code(exc) == "ParameterNotFound":
            return None
        raise


def _parameter_int(ssm: Any, name: str) -> int | None:
    value = _parameter(ssm, name)
    return int(value) if value is not None and value.isdigit() else None


def _replica_regions(session: Any, home: str, prefix: str, zone: str | None = None) -> frozenset[str]:
    """Replica regions of the global tables owned in ``home`` (the origin's, or ``zone``'s copies)."""
    dynamodb = session.client("dynamodb", region_name=home)
    try:
        table = dynamodb.describe_table(TableName=replicated_table(prefix, zone))["Table"]
    except ClientError as exc:
        if _code(exc) == "ResourceNotFoundException":
            return frozenset()
        raise
    return frozenset(r["RegionName"] for r in table.get("Replicas", []) if r["RegionName"] != home)
