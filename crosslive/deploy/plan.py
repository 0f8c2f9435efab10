"""The deploy plan: region files + account state -> ordered steps, or every reason to refuse.

Order (docs/operations.md explains why):

1. ``bootstrap`` each region CDK has not bootstrapped (version 6 or later): assets and the
   bootstrap-version rule need it;
2. ``pin-ami`` in each region without a pinned media-node AMI (or all, with ``--refresh-ami``);
3. per origin: remove replicas of regions whose file is gone, one per origin update;
4. deploy the origin's stacks, whenever it or one of its edges is deployed (the origin loads the
   plugins of its edges' markets); the first create without deletion protection, then ``protect``;
5. per edge, residency-zone homes first (``crosslive.regions.residency_zones``): if its AWS region
   has no replica yet, update the origin's stateful stack with exactly one more replica region
   (CloudFormation adds one global-table replica per update); ``publish`` the origin's outputs
   into SSM parameters in the edge's region; if it is one of a zone's other regions and has no
   replica of the zone's tables yet, update the zone home's stateful stack with exactly that one
   more (the zone's tables exist before an edge that replicates them); deploy the edge's stacks;
6. after a zone home is deployed, ``publish-zone``: its user pool, web client, hosted-UI address
   and API domain into SSM parameters in every region of the group, so that the later edges accept
   the zone's tokens from their first deploy; then, if the origin's pages and functions do not know
   the zone yet, deploy the origin's stateless stack again (the zone's web client needs the pages'
   address, so the origin cannot learn it on its first deploy; its pages then reach the zone's API
   at ``/zones/<zone>/v1/*``). A zone published before its API domain was (an older deployment) is
   published again and the origin learns the address the same way.

Stacks are always named (``crosslive-<name>/Stateful``): ``cdk deploy --all`` deploys nothing,
since every stack sits inside a Stage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crosslive.deploy.discovery import AccountState, stack_name
from crosslive.regions import RegionConfig, ResidencyZone, zones_of
from infra.deploy_context import (
    DELETION_PROTECTION,
    NO_REPLICAS,
    REPLICA_REGIONS,
    ZONE_API,
    ZONE_SIGN_IN,
    zone_replicas_key,
)

MIN_BOOTSTRAP_VERSION = 6  # the oldest bootstrap stack the synthesized templates' rule accepts
FAILED_STATES = {"ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "DELETE_FAILED", "UPDATE_ROLLBACK_FAILED"}
_ARM = re.compile(r"^[a-z]+\d+g")  # Graviton families: c7g, m7gd, t4g ...


class DeployRefused(Exception):
    """Reasons not to start, every one of them (nothing has been changed)."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("\n".join(reasons))
        self.reasons = reasons


@dataclass(frozen=True)
class DeployOptions:
    prefix: str = "crosslive"
    domain: str | None = None
    hosted_zone_id: str | None = None
    allow_plain_http: bool = False
    refresh_ami: bool = False
    extra_context: dict[str, str] = field(default_factory=dict)

    def context(self) -> dict[str, str]:
        context = dict(self.extra_context)
        if self.domain and self.hosted_zone_id:
            context["crosslive:domain"] = self.domain
            context["crosslive:hostedZoneId"] = self.hosted_zone_id
        if self.prefix != "crosslive":
            context["crosslive:tablePrefix"] = self.prefix
        return context


@dataclass(frozen=True)
class Step:
    """One action. ``kind``: bootstrap | pin-ami | deploy | publish | publish-zone | protect."""

    kind: str
    aws_region: str
    description: str
    stacks: tuple[str, ...] = ()  # cdk stack paths, for deploy/protect
    context: tuple[tuple[str, str], ...] = ()  # -c key=value, for deploy/protect
    region_name: str | None = None  # the region file (publish: the edge; publish-zone: the zone home)
    zone: str | None = None  # publish-zone: the residency zone
    architecture: str = "x86_64"  # pin-ami

    def command(self, account: str) -> list[str]:
        """The CDK CLI command of this step (empty for steps done through the AWS API)."""
        if self.kind == "bootstrap":
            return ["npx", "--no-install", "cdk", "bootstrap", f"aws://{account}/{self.aws_region}"]
        if self.kind in ("deploy", "protect"):
            context = [arg for key, value in self.context for arg in ("-c", f"{key}={value}")]
            return ["npx", "--no-install", "cdk", "deploy", *self.stacks, "--require-approval", "never", *context]
        return []


def _stacks(region: RegionConfig, *kinds: str) -> tuple[str, ...]:
    return tuple(f"{region.stage_name}/{kind}" for kind in kinds)


def _architecture(region: RegionConfig) -> str:
    return "arm64" if _ARM.match(region.media.instance_type) else "x86_64"


def plan_deploy(
    regions: list[RegionConfig], state: AccountState, options: DeployOptions, selected: list[str] | None = None
) -> list[Step]:
    """The steps that deploy ``selected`` region files (default: all), or ``DeployRefused``."""
    by_name = {r.name: r for r in regions}
    reasons: list[str] = []
    unknown = [name for name in selected or [] if name not in by_name]
    if unknown:
        raise DeployRefused([f"no region file named {name!r} (see `crosslive regions list`)" for name in unknown])
    chosen = [by_name[name] for name in selected] if selected else list(regions)
    origins = [r for r in regions if r.role == "origin" and (r in chosen or any(e.origin == r.name for e in chosen))]
    involved = origins + [r for r in chosen if r.role == "edge"]

    if not (options.domain and options.hosted_zone_id) and not options.allow_plain_http:
        reasons.append(
            "no domain: without crosslive:domain and crosslive:hostedZoneId the media nodes serve plain HTTP "
            "and the HTTPS pages cannot reach them (playback fails). Pass --domain and --hosted-zone-id "
            "(a Route 53 public hosted zone), or --allow-plain-http for a trial without playback from the pages."
        )
    if options.domain and options.hosted_zone_id and not state.assumed:
        zone = state.zones.get(options.hosted_zone_id)
        if zone != options.domain.lower().rstrip("."):
            found = "no public hosted zone with that id" if zone is None else f"it is the zone of {zone}"
            reasons.append(
                f"hosted zone {options.hosted_zone_id} does not hold {options.domain} ({found} in account "
                f"{state.account}): node names, their certificates and api.{options.domain} are written there"
            )
    for region in involved:
        if region.aws_region not in state.enabled_regions:
            reasons.append(
                f"{region.name}: {region.aws_region} is not enabled in account {state.account} (an opt-in region). "
                f"Enable it (`aws account enable-region --region-name {region.aws_region}`), wait until "
                "`aws account get-region-opt-status` says ENABLED, then run this again. Nothing was deployed."
            )
        if region.account and not state.assumed and region.account != state.account:
            reasons.append(
                f"{region.name}: its region file names account {region.account}, "
                f"but the credentials are for {state.account}"
            )
        for kind in ("Stateful", "Stateless"):
            status = state.stacks.get(stack_name(region, kind))
            if status in FAILED_STATES:
                reasons.append(
                    f"{stack_name(region, kind)} is {status}: clean it up first "
                    "(docs/operations.md, 'Cleaning up after a failed first deploy')"
                )
    if reasons:
        raise DeployRefused(reasons)

    steps: list[Step] = []
    for aws_region in sorted({r.aws_region for r in involved}):
        version = state.bootstrap_versions.get(aws_region)
        if version is None or version < MIN_BOOTSTRAP_VERSION:
            found = "not bootstrapped" if version is None else f"bootstrap version {version}"
            steps.append(Step("bootstrap", aws_region, f"cdk bootstrap {aws_region} ({found})"))
    pinned: set[str] = set()
    for region in involved:
        if region.aws_region in pinned or (state.amis.get(region.aws_region) and not options.refresh_ami):
            continue
        pinned.add(region.aws_region)
        steps.append(
            Step(
                "pin-ami",
                region.aws_region,
                f"pin the media nodes' AMI in {region.aws_region} (current Amazon Linux 2023, {_architecture(region)})",
                architecture=_architecture(region),
            )
        )

    base_context = options.context()
    for origin in origins:
        steps.extend(_origin_steps(origin, regions, chosen, state, base_context))
    return steps


@dataclass
class _Placement:
    """What the deploy has reached so far in one origin's group: the origin's replica regions, each
    zone's replica regions and the zones whose sign-in ids and API domain are published; every
    deploy step passes all of them, so no step changes more than it says."""

    replicas: set[str]
    zone_replicas: dict[str, set[str]]
    signed_in: set[str]
    api_known: set[str]  # zones whose home's API domain is published (the origin's pages' /zones/<zone>)

    def context(self, base: dict[str, str], *, protect: bool = True) -> tuple[tuple[str, str], ...]:
        values = {
            **base,
            REPLICA_REGIONS: ",".join(sorted(self.replicas)) or NO_REPLICAS,
            ZONE_SIGN_IN: ",".join(sorted(self.signed_in)) or NO_REPLICAS,
            ZONE_API: ",".join(sorted(self.api_known)) or NO_REPLICAS,
        }
        for zone, regions in self.zone_replicas.items():
            values[zone_replicas_key(zone)] = ",".join(sorted(regions)) or NO_REPLICAS
        if not protect:
            values[DELETION_PROTECTION] = "false"
        return tuple(sorted(values.items()))


def _origin_steps(
    origin: RegionConfig,
    regions: list[RegionConfig],
    chosen: list[RegionConfig],
    state: AccountState,
    base: dict[str, str],
) -> list[Step]:
    steps: list[Step] = []
    zones = zones_of(regions, origin.name)
    homes = {z.home_name for z in zones}
    all_edges = [r for r in regions if r.role == "edge" and r.origin == origin.name]
    # zone homes first: their tables and pools exist before any region that replicates or trusts them
    edges = sorted(
        (r for r in chosen if r.role == "edge" and r.origin == origin.name), key=lambda r: r.name not in homes
    )
    at = _Placement(
        replicas=set(state.replicas.get(origin.name, frozenset())),
        zone_replicas={z.name: set(state.zone_replicas.get(z.name, frozenset())) for z in zones},
        signed_in={z.name for z in zones if z.name in state.zone_sign_in},
        api_known={z.name for z in zones if z.name in state.zone_api},
    )

    # Regions whose file was removed lose their replica first, one per origin update.
    for gone in sorted(at.replicas - {e.aws_region for e in all_edges}):
        at.replicas.discard(gone)
        steps.append(_replica_step(origin, f"remove the replica in {gone}", base, at))

    # The origin is deployed whenever one of its edges is: it loads every market plugin its edges
    # enable (crosslive.regions.plugins_in_effect); an unchanged stack is a no-op for CloudFormation.
    steps.extend(_stage_steps(origin, state, base, at))
    steps.extend(_publish_zones(origin, zones, at))

    for edge in edges:
        if edge.aws_region not in at.replicas:
            at.replicas.add(edge.aws_region)
            steps.append(_replica_step(origin, f"add the replica in {edge.aws_region} for {edge.name}", base, at))
        steps.append(
            Step(
                "publish",
                edge.aws_region,
                f"publish {origin.name}'s user pool, web client, pages address and secret ARNs to SSM in "
                f"{edge.aws_region}",
                region_name=edge.name,
            )
        )
        for zone in zones:
            if edge.aws_region in zone.replica_regions and edge.aws_region not in at.zone_replicas[zone.name]:
                at.zone_replicas[zone.name].add(edge.aws_region)
                home = next(r for r in regions if r.name == zone.home_name)
                steps.append(
                    Step(
                        "deploy",
                        home.aws_region,
                        f"{home.name}: add the replica of zone {zone.name}'s tables in {edge.aws_region} for "
                        f"{edge.name} (one replica per update)",
                        stacks=_stacks(home, "Stateful"),
                        context=at.context(base),
                    )
                )
        steps.extend(_stage_steps(edge, state, base, at))
        steps.extend(_publish_zones(edge, zones, at))
    # Zones homed in an edge not deployed now, but whose home stacks exist: publish what is missing.
    for zone in zones:
        missing = zone.name not in at.signed_in or zone.name not in at.api_known
        if missing and stack_name(_home(regions, zone), "Stateful") in state.stacks:
            steps.extend(_publish_zones(_home(regions, zone), [zone], at))
    # The origin's pages and functions learn the zones published after its deploy above.
    learned = sorted((at.signed_in - state.zone_sign_in) | (at.api_known - state.zone_api))
    if learned and origin.name not in homes:
        steps.append(
            Step(
                "deploy",
                origin.aws_region,
                f"{origin.name}: its functions accept, and its pages offer, the user pool of zone "
                f"{', '.join(learned)}, and its pages reach the zone's API for its exports (known once that "
                "zone's home is deployed)",
                stacks=_stacks(origin, "Stateless"),
                context=at.context(base),
            )
        )
    return steps


def _home(regions: list[RegionConfig], zone: ResidencyZone) -> RegionConfig:
    return next(r for r in regions if r.name == zone.home_name)


def _publish_zones(region: RegionConfig, zones: list[ResidencyZone], at: _Placement) -> list[Step]:
    """After ``region`` is deployed: publish each zone it is the home of (new regions get them too)."""
    steps: list[Step] = []
    for zone in zones:
        if zone.home_name != region.name:
            continue
        at.signed_in.add(zone.name)
        at.api_known.add(zone.name)
        steps.append(
            Step(
                "publish-zone",
                region.aws_region,
                f"publish zone {zone.name}'s user pool, web client, hosted UI and API domain ({region.name}) to "
                "SSM in every region of the group",
                region_name=region.name,
                zone=zone.name,
            )
        )
    return steps


def _replica_step(origin: RegionConfig, change: str, base: dict[str, str], at: _Placement) -> Step:
    """An update of the origin's stateful stack alone, with the replica set changed by one region."""
    return Step(
        "deploy",
        origin.aws_region,
        f"{origin.name}: {change} (one replica per update)",
        stacks=_stacks(origin, "Stateful"),
        context=at.context(base),
    )


def _stage_steps(region: RegionConfig, state: AccountState, base: dict[str, str], at: _Placement) -> list[Step]:
    """Deploy a stage's two stacks; a first create runs unprotected, then a step turns protection on."""
    exists = stack_name(region, "Stateful") in state.stacks
    deploy = Step(
        "deploy",
        region.aws_region,
        f"{region.name} ({region.role}, {region.aws_region}): stateful and stateless stacks"
        + ("" if exists else ", first create"),
        stacks=_stacks(region, "Stateful", "Stateless"),
        context=at.context(base, protect=exists),
    )
    if exists:
        return [deploy]
    protect = Step(
        "protect",
        region.aws_region,
        f"{region.name}: turn on deletion protection now that the first create succeeded",
        stacks=_stacks(region, "Stateful"),
        context=at.context(base),
    )
    return [deploy, protect]
