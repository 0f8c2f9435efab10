"""``crosslive deploy``: the plan's order, one replica per origin update, and its refusals.

The account is read through real boto3 clients: moto answers STS and SSM; botocore's Stubber
answers EC2 DescribeRegions (moto cannot mark a region "not-opted-in"), DynamoDB DescribeTable
(moto keeps no global-table replicas) and CloudFormation DescribeStacks (moto's CloudFormation
needs packages this project does not install), each with the real response shape.
"""

from __future__ import annotations

import subprocess

import boto3
import pytest
from botocore.stub import Stubber
from click.testing import CliRunner
from moto import mock_aws
from moto.backends import get_backend

from crosslive.cli import main
from crosslive.deploy import AccountState, DeployOptions, DeployRefused, discover, plan_deploy
from crosslive.deploy.discovery import BOOTSTRAP_VERSION_PARAMETER, replicated_table
from crosslive.deploy.runner import StepFailed, edge_parameters, publish, publish_zone, run_plan, zone_parameters
from crosslive.regions import load_regions
from infra.deploy_context import (
    DELETION_PROTECTION,
    REPLICA_REGIONS,
    ZONE_API,
    ZONE_OUTPUTS,
    ZONE_SIGN_IN,
    node_ami_parameter,
    zone_replicas_key,
)

REGIONS = load_regions()
BY_NAME = {r.name: r for r in REGIONS}
ORIGIN = next(r for r in REGIONS if r.role == "origin")
EDGES = [r for r in REGIONS if r.role == "edge"]
WITH_DOMAIN = DeployOptions(domain="shop.example", hosted_zone_id="Z0123456789ABC")
ZONES: dict[str, str | None] = {"Z0123456789ABC": "shop.example"}  # what discovery read from Route 53


def _context(step) -> dict[str, str]:
    return dict(step.context)


def _replicas(step) -> set[str]:
    value = _context(step)[REPLICA_REGIONS]
    return set() if value == "none" else set(value.split(","))


# -- the plan --------------------------------------------------------------------------------------


def test_first_deploy_plans_origin_then_each_edge_with_one_new_replica_per_origin_update():
    # GIVEN a fresh account
    steps = plan_deploy(REGIONS, AccountState.fresh(REGIONS), WITH_DOMAIN)
    kinds = [s.kind for s in steps]
    # THEN every region is bootstrapped and has a pinned AMI before anything is deployed
    first_deploy = kinds.index("deploy")
    assert {s.aws_region for s in steps if s.kind == "bootstrap"} == {r.aws_region for r in REGIONS}
    assert {s.aws_region for s in steps if s.kind == "pin-ami"} == {r.aws_region for r in REGIONS}
    assert set(kinds[:first_deploy]) == {"bootstrap", "pin-ami"}
    # the origin comes first, created without deletion protection, then protected
    origin_deploy = steps[first_deploy]
    assert origin_deploy.stacks == ("crosslive-singapore/Stateful", "crosslive-singapore/Stateless")
    assert _context(origin_deploy)[DELETION_PROTECTION] == "false" and _replicas(origin_deploy) == set()
    assert steps[first_deploy + 1].kind == "protect" and DELETION_PROTECTION not in _context(steps[first_deploy + 1])
    # each edge: the origin's stateful stack gains exactly its region, then SSM values, then the edge
    origin_updates = [s for s in steps if s.kind == "deploy" and s.stacks == ("crosslive-singapore/Stateful",)]
    assert len(origin_updates) == len(EDGES)
    previous: set[str] = set()
    for update, edge in zip(origin_updates, EDGES, strict=True):
        assert _replicas(update) - previous == {edge.aws_region} and previous <= _replicas(update)
        previous = _replicas(update)
        at = steps.index(update)
        assert [s.kind for s in steps[at + 1 : at + 4]] == ["publish", "deploy", "protect"]
        assert steps[at + 1].region_name == edge.name
        assert steps[at + 2].stacks == (f"{edge.stage_name}/Stateful", f"{edge.stage_name}/Stateless")
    # the zone home (europe, zone eu) is published right after it is deployed, before the later
    # edges, which accept the zone's tokens from their first deploy; the origin, deployed before the
    # zone's pool existed, learns it at the end (its pages and functions only)
    zone_step = kinds.index("publish-zone")
    assert steps[zone_step].zone == "eu" and steps[zone_step].region_name == "europe"
    europe_deploy = next(s for s in steps if s.stacks == ("crosslive-europe/Stateful", "crosslive-europe/Stateless"))
    assert steps.index(europe_deploy) < zone_step
    assert _context(origin_deploy)[ZONE_SIGN_IN] == "none" and _context(europe_deploy)[ZONE_SIGN_IN] == "none"
    for edge in EDGES[1:]:
        later = next(s for s in steps if s.stacks == (f"{edge.stage_name}/Stateful", f"{edge.stage_name}/Stateless"))
        assert steps.index(later) > zone_step and _context(later)[ZONE_SIGN_IN] == "eu"
    assert steps[-1].stacks == ("crosslive-singapore/Stateless",) and _context(steps[-1])[ZONE_SIGN_IN] == "eu"
    assert "zone eu" in steps[-1].description
    # the zone's API domain likewise: unknown to the origin's first deploy, its pages learn it last
    assert _context(origin_deploy)[ZONE_API] == "none" and _context(steps[-1])[ZONE_API] == "eu"
    assert "reach the zone's API" in steps[-1].description
    # a zone with one region has no replica to add
    assert all(_context(s)[zone_replicas_key("eu")] == "none" for s in steps if s.context)
    # stacks are always named: `cdk deploy --all` deploys nothing when stacks sit in stages
    for step in steps:
        command = step.command("111122223333")
        assert "--all" not in command
        if step.kind in ("deploy", "protect"):
            assert command[:4] == ["npx", "--no-install", "cdk", "deploy"] and step.stacks
            assert "crosslive:domain=shop.example" in command


def _origin_and_europe_running(**published: frozenset[str]) -> AccountState:
    """An account where the origin and europe (zone eu's home) run; ``published``: the zone's SSM state."""
    return AccountState(
        zones=ZONES,
        account="111122223333",
        enabled_regions=frozenset(r.aws_region for r in REGIONS),
        bootstrap_versions={r.aws_region: 28 for r in REGIONS},
        stacks={
            f"{r.stage_name}-{kind}": "UPDATE_COMPLETE"
            for r in (ORIGIN, BY_NAME["europe"])
            for kind in ("Stateful", "Stateless")
        },
        replicas={ORIGIN.name: frozenset({"eu-central-1"})},
        amis={r.aws_region: "ami-0abc" for r in REGIONS},
        **published,  # type: ignore[arg-type]
    )


def test_an_edge_added_later_updates_the_origin_once_then_deploys_only_that_edge():
    # GIVEN an account where the origin and europe run
    state = _origin_and_europe_running(zone_sign_in=frozenset({"eu"}), zone_api=frozenset({"eu"}))
    # WHEN only japan is deployed
    steps = plan_deploy(REGIONS, state, WITH_DOMAIN, ["japan"])
    # THEN: the origin (it loads japan's plugins; its replicas unchanged), one origin update adding
    # ap-northeast-1, publish, japan's first create, protection
    assert [s.kind for s in steps] == ["deploy", "deploy", "publish", "deploy", "protect"]
    assert steps[0].stacks == ("crosslive-singapore/Stateful", "crosslive-singapore/Stateless")
    assert _replicas(steps[0]) == {"eu-central-1"} and DELETION_PROTECTION not in _context(steps[0])
    assert _replicas(steps[1]) == {"eu-central-1", "ap-northeast-1"}
    assert steps[1].stacks == ("crosslive-singapore/Stateful",)
    assert steps[3].stacks == ("crosslive-japan/Stateful", "crosslive-japan/Stateless")


def test_a_second_zone_region_gets_the_zone_tables_replica_from_the_zone_home_before_its_deploy():
    # GIVEN a Paris edge (FR) beside Frankfurt, in an account where the origin and europe run
    paris = BY_NAME["europe"].model_copy(update={"name": "paris", "aws_region": "eu-west-3", "markets": ["FR"]})
    regions = [*REGIONS, paris]
    state = AccountState(
        zones=ZONES,
        account="111122223333",
        enabled_regions=frozenset(r.aws_region for r in regions),
        bootstrap_versions={r.aws_region: 28 for r in regions},
        stacks={
            f"{r.stage_name}-{kind}": "UPDATE_COMPLETE"
            for r in (ORIGIN, BY_NAME["europe"])
            for kind in ("Stateful", "Stateless")
        },
        replicas={ORIGIN.name: frozenset({"eu-central-1"})},
        amis={r.aws_region: "ami-0abc" for r in regions},
        zone_sign_in=frozenset({"eu"}),
        zone_api=frozenset({"eu"}),
    )
    # WHEN paris is deployed
    steps = plan_deploy(regions, state, WITH_DOMAIN, ["paris"])
    # THEN europe's stateful stack adds the zone tables' replica in eu-west-3 (one per update) before
    # paris is deployed, and every later step keeps it
    zone_step = next(s for s in steps if s.stacks == ("crosslive-europe/Stateful",))
    paris_deploy = next(s for s in steps if s.stacks == ("crosslive-paris/Stateful", "crosslive-paris/Stateless"))
    assert zone_step.aws_region == "eu-central-1" and "zone eu" in zone_step.description
    assert _context(zone_step)[zone_replicas_key("eu")] == "eu-west-3"
    assert steps.index(zone_step) < steps.index(paris_deploy)
    assert _context(paris_deploy)[zone_replicas_key("eu")] == "eu-west-3"
    assert [s.kind for s in steps] == ["deploy", "deploy", "publish", "deploy", "deploy", "protect"]


def test_a_zone_home_deployed_earlier_but_never_published_is_published_then_the_origin_learns_it():
    state = _origin_and_europe_running()
    steps = plan_deploy(REGIONS, state, WITH_DOMAIN, ["singapore"])
    assert [s.kind for s in steps] == ["deploy", "publish-zone", "deploy"]
    assert steps[2].stacks == ("crosslive-singapore/Stateless",) and _context(steps[2])[ZONE_SIGN_IN] == "eu"


def test_a_zone_published_before_its_api_domain_is_published_again_and_the_origins_pages_learn_it():
    # GIVEN a deployment whose zone eu was published before the API domain was (sign-in ids only)
    state = _origin_and_europe_running(zone_sign_in=frozenset({"eu"}))
    # WHEN the origin is deployed
    steps = plan_deploy(REGIONS, state, WITH_DOMAIN, ["singapore"])
    # THEN its first deploy keeps accepting the zone's tokens (no moment without them) and knows no
    # zone API yet; the zone is published again (the API domain with it) and the origin's pages learn it
    assert [s.kind for s in steps] == ["deploy", "publish-zone", "deploy"]
    assert _context(steps[0])[ZONE_SIGN_IN] == "eu" and _context(steps[0])[ZONE_API] == "none"
    assert steps[2].stacks == ("crosslive-singapore/Stateless",) and _context(steps[2])[ZONE_API] == "eu"
    # AND once both are published nothing more is planned for the zone
    state.zone_api = frozenset({"eu"})
    assert [s.kind for s in plan_deploy(REGIONS, state, WITH_DOMAIN, ["singapore"])] == ["deploy"]


def test_a_removed_region_loses_its_replica_one_per_update_before_anything_else():
    state = AccountState(
        zones=ZONES,
        account="111122223333",
        enabled_regions=frozenset(r.aws_region for r in REGIONS) | {"sa-east-1", "ap-south-1"},
        bootstrap_versions={r.aws_region: 28 for r in REGIONS},
        stacks={f"{ORIGIN.stage_name}-{kind}": "UPDATE_COMPLETE" for kind in ("Stateful", "Stateless")},
        replicas={ORIGIN.name: frozenset({"sa-east-1", "ap-south-1"})},
        amis={r.aws_region: "ami-0abc" for r in REGIONS},
    )
    steps = plan_deploy(REGIONS, state, WITH_DOMAIN, ["singapore"])
    assert [_replicas(s) for s in steps[:2]] == [{"sa-east-1"}, set()]
    assert all(s.stacks == ("crosslive-singapore/Stateful",) for s in steps[:2])


def test_refuses_without_a_domain_unless_plain_http_is_asked_for():
    with pytest.raises(DeployRefused, match="plain HTTP"):
        plan_deploy(REGIONS, AccountState.fresh(REGIONS), DeployOptions())
    assert plan_deploy(REGIONS, AccountState.fresh(REGIONS), DeployOptions(allow_plain_http=True))


def test_refuses_a_hosted_zone_that_does_not_hold_the_domain():
    state = AccountState(
        account="111122223333",
        enabled_regions=frozenset(r.aws_region for r in REGIONS),
        bootstrap_versions={},
        zones={"Z0123456789ABC": "other.example"},
    )
    with pytest.raises(DeployRefused, match=r"it is the zone of other\.example"):
        plan_deploy(REGIONS, state, WITH_DOMAIN)
    state.zones = {"Z0123456789ABC": None}
    with pytest.raises(DeployRefused, match="no public hosted zone with that id"):
        plan_deploy(REGIONS, state, WITH_DOMAIN)


def test_refuses_a_stack_left_failed_by_an_earlier_first_deploy():
    state = AccountState.fresh(REGIONS)
    state.stacks["crosslive-singapore-Stateful"] = "ROLLBACK_COMPLETE"
    with pytest.raises(DeployRefused, match="Cleaning up after a failed first deploy"):
        plan_deploy(REGIONS, state, WITH_DOMAIN)


# -- reading the account ---------------------------------------------------------------------------


class _Session:
    """Real boto3 clients: moto for most services, botocore Stubbers for EC2 and CloudFormation."""

    def __init__(self, disabled: set[str], stacks: dict[str, dict], replicas: tuple[str, ...] = ()) -> None:
        self.disabled = disabled
        self.stacks = stacks  # stack name -> DescribeStacks' stack
        self.replicas = replicas  # AWS regions of the origin's global-table replicas

    def client(self, service: str, region_name: str | None = None):
        client = boto3.client(service, region_name=region_name or "us-east-1")
        if service == "ec2":
            stubber = Stubber(client)
            regions = sorted({r.aws_region for r in REGIONS} | {"us-west-2"})
            stubber.add_response(
                "describe_regions",
                {
                    "Regions": [
                        {
                            "RegionName": name,
                            "Endpoint": f"ec2.{name}.amazonaws.com",
                            "OptInStatus": "not-opted-in" if name in self.disabled else "opt-in-not-required",
                        }
                        for name in regions
                    ]
                },
                {"AllRegions": True},
            )
            stubber.activate()
        elif service == "dynamodb":
            stubber = Stubber(client)
            name = replicated_table("crosslive")
            table = {
                "TableName": name,
                "TableStatus": "ACTIVE",
                "Replicas": [
                    {"RegionName": region, "ReplicaStatus": "ACTIVE"} for region in (ORIGIN.aws_region, *self.replicas)
                ],
            }
            if region_name != ORIGIN.aws_region:  # a zone home: its zone tables (none yet)
                stubber.add_client_error(
                    "describe_table",
                    service_error_code="ResourceNotFoundException",
                    http_status_code=400,
                    expected_params={"TableName": replicated_table("crosslive", "eu")},
                )
            elif self.replicas:
                stubber.add_response("describe_table", {"Table": table}, {"TableName": name})
            else:
                stubber.add_client_error(
                    "describe_table",
                    service_error_code="ResourceNotFoundException",
                    http_status_code=400,
                    expected_params={"TableName": name},
                )
            stubber.activate()
        elif service == "cloudformation":
            stubber = Stubber(client)
            self._stub_stacks(stubber, region_name)
            stubber.activate()
        return client

    def _stub_stacks(self, stubber: Stubber, region_name: str | None) -> None:
        for region in REGIONS:
            if region.aws_region != region_name:
                continue
            for kind in ("Stateful", "Stateless"):
                name = f"{region.stage_name}-{kind}"
                if name in self.stacks:
                    stubber.add_response("describe_stacks", {"Stacks": [self.stacks[name]]}, {"StackName": name})
                else:
                    stubber.add_client_error(
                        "describe_stacks",
                        service_error_code="ValidationError",
                        service_message=f"Stack with id {name} does not exist",
                        http_status_code=400,
                        expected_params={"StackName": name},
                    )


@pytest.fixture
def aws(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    # moto keeps one set of backends per process, shared with the session's embedded platform
    # (tests/conftest.py): a plain `with mock_aws()` resets every backend on entry and exit,
    # which deleted that platform's DynamoDB tables under every later test. Reset only the
    # services these tests use.
    mock = mock_aws()
    _reset_moto(MOCKED_SERVICES)
    mock.start(reset=False)
    try:
        yield
    finally:
        mock.stop(remove_data=False)
        _reset_moto(MOCKED_SERVICES)


MOCKED_SERVICES = ("ssm", "sts", "route53")


def _reset_moto(services: tuple[str, ...]) -> None:
    for service in services:
        for account_backends in get_backend(service).values():
            account_backends.reset()


def test_discovery_reads_bootstrap_amis_replicas_and_refuses_a_disabled_region(aws):
    # GIVEN an account where me-central-1 (gulf) is not enabled, ap-southeast-1 is bootstrapped
    # with a pinned AMI, and the origin's global table has a replica in eu-central-1
    boto3.client("ssm", region_name="ap-southeast-1").put_parameter(
        Name=BOOTSTRAP_VERSION_PARAMETER, Value="28", Type="String"
    )
    boto3.client("ssm", region_name="ap-southeast-1").put_parameter(
        Name=node_ami_parameter("crosslive"), Value="ami-0123456789abcdef0", Type="String"
    )
    zone_id = boto3.client("route53").create_hosted_zone(Name="shop.example.", CallerReference="t")["HostedZone"]["Id"]
    zone_id = zone_id.rsplit("/", 1)[-1]
    session = _Session(disabled={"me-central-1"}, stacks={}, replicas=("eu-central-1",))
    # WHEN the account is read
    state = discover(session, REGIONS, hosted_zone_id=zone_id)
    # THEN
    assert state.account == "123456789012"
    assert "me-central-1" not in state.enabled_regions and "eu-central-1" in state.enabled_regions
    assert state.bootstrap_versions["ap-southeast-1"] == 28 and state.bootstrap_versions["us-east-1"] is None
    assert state.amis["ap-southeast-1"] == "ami-0123456789abcdef0" and state.amis["us-east-1"] is None
    assert state.replicas[ORIGIN.name] == frozenset({"eu-central-1"})
    assert state.stacks == {} and state.zones == {zone_id: "shop.example"}
    assert state.zone_replicas == {"eu": frozenset()} and state.zone_sign_in == frozenset()
    assert state.zone_api == frozenset()
    options = DeployOptions(domain="shop.example", hosted_zone_id=zone_id)
    # AND the plan refuses, naming the region and how to enable it, before any step
    with pytest.raises(DeployRefused) as refused:
        plan_deploy(REGIONS, state, options)
    (reason,) = refused.value.reasons
    assert "gulf" in reason and "me-central-1 is not enabled" in reason and "enable-region" in reason
    # a deploy that leaves gulf out is planned: its region is never touched
    steps = plan_deploy(REGIONS, state, options, ["singapore", "europe", "japan"])
    assert "me-central-1" not in {s.aws_region for s in steps}
    assert not any(
        s.kind == "deploy" and "eu-central-1" not in _replicas(s) and s.stacks == ("crosslive-singapore/Stateful",)
        for s in steps
    )  # europe's replica exists: no origin step adds it


def test_publish_writes_the_edge_values_from_the_origin_outputs(aws):
    arn = "arn:aws:secretsmanager:ap-southeast-1:123456789012:secret:crosslive/{key}-AbC123"
    outputs = {
        "crosslive-singapore-Stateful": [
            {"OutputKey": "UserPoolId", "OutputValue": "ap-southeast-1_AbCdEf123"},
            {"OutputKey": "SecretArnCouponKey", "OutputValue": arn.format(key="coupon-key")},
            {"OutputKey": "SecretArnPushSecret", "OutputValue": arn.format(key="push-secret")},
            {"OutputKey": "SecretArnNodeSecret", "OutputValue": arn.format(key="node-secret")},
        ],
        "crosslive-singapore-Stateless": [
            {"OutputKey": "WebClientId", "OutputValue": "4abc5defgh6ijk"},
            {"OutputKey": "ApiUrl", "OutputValue": "https://abc123.execute-api.ap-southeast-1.amazonaws.com/"},
            {"OutputKey": "PagesOrigin", "OutputValue": "https://d111111abcdef8.cloudfront.net"},
        ],
    }
    stacks = {
        name: {
            "StackName": name,
            "StackStatus": "CREATE_COMPLETE",
            "CreationTime": "2026-01-01T00:00:00Z",
            "Outputs": value,
        }
        for name, value in outputs.items()
    }
    europe = BY_NAME["europe"]
    written = publish(_Session(disabled=set(), stacks=stacks), ORIGIN, europe, "crosslive")
    ssm = boto3.client("ssm", region_name="eu-central-1")
    values = {name: ssm.get_parameter(Name=name)["Parameter"]["Value"] for name in written}
    prefix = "/crosslive/origin/singapore/"
    assert values[prefix + "user-pool-id"] == "ap-southeast-1_AbCdEf123"
    assert values[prefix + "web-client-id"] == "4abc5defgh6ijk"
    # the edge's media nodes post their insights feed to the origin's API
    assert values[prefix + "api-url"] == "https://abc123.execute-api.ap-southeast-1.amazonaws.com/"
    assert values[prefix + "pages-origin"] == "https://d111111abcdef8.cloudfront.net"  # the edge nodes' CORS
    # the replica's complete ARN: same name and suffix, the edge's region
    assert values[prefix + "secret-arn/push-secret"] == (
        "arn:aws:secretsmanager:eu-central-1:123456789012:secret:crosslive/push-secret-AbC123"
    )


def test_publish_zone_writes_the_zone_pool_ids_into_every_region_of_the_group(aws):
    europe = BY_NAME["europe"]
    outputs = {
        "crosslive-europe-Stateful": [
            {"OutputKey": "ZoneEuUserPoolId", "OutputValue": "eu-central-1_ZoNe123"},
            {
                "OutputKey": "ZoneEuHostedUiUrl",
                "OutputValue": "https://crosslive-1-eu.auth.eu-central-1.amazoncognito.com",
            },
        ],
        "crosslive-europe-Stateless": [
            {"OutputKey": "ZoneEuWebClientId", "OutputValue": "7zone8client"},
            {"OutputKey": "ZoneEuApiDomain", "OutputValue": "e1u2a3.execute-api.eu-central-1.amazonaws.com"},
        ],
    }
    stacks = {
        name: {
            "StackName": name,
            "StackStatus": "CREATE_COMPLETE",
            "CreationTime": "2026-01-01T00:00:00Z",
            "Outputs": v,
        }
        for name, v in outputs.items()
    }
    publish_zone(_Session(disabled=set(), stacks=stacks), europe, "eu", REGIONS, "crosslive")
    for region in REGIONS:
        ssm = boto3.client("ssm", region_name=region.aws_region)
        read = {k: ssm.get_parameter(Name=f"/crosslive/zone/eu/{k}")["Parameter"]["Value"] for k in ZONE_OUTPUTS}
        assert read == {
            "user-pool-id": "eu-central-1_ZoNe123",
            "web-client-id": "7zone8client",
            "hosted-ui": "https://crosslive-1-eu.auth.eu-central-1.amazoncognito.com",
            # the origin's pages forward /zones/eu/v1/* there (the zone's exports)
            "api-domain": "e1u2a3.execute-api.eu-central-1.amazonaws.com",
        }, region.name
    # AND the next run's discovery reads the zone as published, its API domain included
    state = discover(_Session(disabled=set(), stacks={}), REGIONS)
    assert state.zone_sign_in == frozenset({"eu"}) and state.zone_api == frozenset({"eu"})
    with pytest.raises(StepFailed, match="deploy zone eu's home first"):
        zone_parameters({}, europe, "eu", "crosslive")


def test_edge_parameters_refuse_an_origin_not_yet_deployed():
    with pytest.raises(StepFailed, match="deploy the origin first"):
        edge_parameters({}, ORIGIN, BY_NAME["europe"], "crosslive")


def test_cli_dry_run_prints_the_plan_offline(monkeypatch, tmp_path):
    # no credentials at all: the dry run makes no AWS call
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    result = CliRunner().invoke(
        main, ["deploy", "--dry-run", "--domain", "shop.example", "--hosted-zone-id", "Z0123456789ABC"]
    )
    assert result.exit_code == 0, result.output
    assert "offline plan" in result.output
    assert "cdk deploy crosslive-singapore/Stateful crosslive-singapore/Stateless" in result.output
    assert result.output.index("crosslive-singapore/Stateless") < result.output.index("crosslive-europe/Stateless")
    assert "publish zone eu's user pool, web client, hosted UI and API domain (europe)" in result.output
    assert result.output.index("publish-zone") < result.output.index("crosslive-japan/Stateless")
    last = result.output.rstrip().splitlines()[-1]  # last: the origin learns zone eu's pool and API
    assert "crosslive-singapore/Stateless" in last and last.endswith("crosslive:zoneSignIn=eu")
    assert "-c crosslive:zoneApi=eu" in last
    refused = CliRunner().invoke(main, ["deploy", "--dry-run"])
    assert refused.exit_code != 0 and "refusing to deploy" in refused.output and "plain HTTP" in refused.output


# -- running the plan ------------------------------------------------------------------------------


def test_run_plan_pins_amis_runs_cdk_in_order_and_stops_at_a_failed_step(aws):
    # GIVEN a plan for japan in an account where the origin and europe run (amis not pinned yet)
    state = AccountState(
        zones=ZONES,
        account="123456789012",
        enabled_regions=frozenset(r.aws_region for r in REGIONS),
        bootstrap_versions={r.aws_region: 28 for r in REGIONS},
        stacks={f"{ORIGIN.stage_name}-{kind}": "UPDATE_COMPLETE" for kind in ("Stateful", "Stateless")},
        replicas={ORIGIN.name: frozenset()},
        amis={},
    )
    steps = [s for s in plan_deploy(REGIONS, state, WITH_DOMAIN, ["japan"]) if s.kind != "publish"]
    ran: list[list[str]] = []
    printed: list[str] = []

    def run(command, **kwargs):
        ran.append(command)
        failed = "crosslive-japan/Stateless" in command
        return subprocess.CompletedProcess(command, 1 if failed else 0)

    # WHEN it runs (the CDK CLI faked: japan's first create fails)
    with pytest.raises(StepFailed, match="Cleaning up after a failed first deploy") as failed:
        run_plan(
            steps,
            session=boto3.Session(),
            account=state.account,
            regions=REGIONS,
            options=WITH_DOMAIN,
            echo=printed.append,
            run=run,
        )
    # THEN each region's AMI parameter holds the current Amazon Linux 2023 image
    for aws_region in (ORIGIN.aws_region, "ap-northeast-1"):
        ssm = boto3.client("ssm", region_name=aws_region)
        pinned = ssm.get_parameter(Name=node_ami_parameter("crosslive"))["Parameter"]
        latest = ssm.get_parameter(Name="/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64")
        assert pinned["Value"] == latest["Parameter"]["Value"] and pinned["DataType"] == "aws:ec2:image"
    # the CDK commands ran in the plan's order, and nothing after the failed one
    deploys = [s for s in steps if s.kind in ("deploy", "protect")]
    assert ran == [s.command("123456789012") for s in deploys[: len(ran)]]
    assert "crosslive-japan/Stateless" in ran[-1] and len(ran) < len(deploys)
    assert f"step {steps.index(deploys[len(ran) - 1]) + 1} failed" in str(failed.value)
    # with progress lines the operator can follow
    assert printed[0].startswith(f"==> [1/{len(steps)}]") and any(line.startswith("    $ npx") for line in printed)


def test_a_pinned_ami_is_kept_unless_refreshed(aws):
    ssm = boto3.client("ssm", region_name="eu-central-1")
    ssm.put_parameter(Name=node_ami_parameter("crosslive"), Value="ami-0123456789abcdef0", Type="String")
    state = AccountState(
        zones=ZONES,
        account="123456789012",
        enabled_regions=frozenset(r.aws_region for r in REGIONS),
        bootstrap_versions={r.aws_region: 28 for r in REGIONS},
        amis={r.aws_region: "ami-0123456789abcdef0" for r in REGIONS},
    )
    assert not [s for s in plan_deploy(REGIONS, state, WITH_DOMAIN) if s.kind == "pin-ami"]
    refresh = DeployOptions(domain="shop.example", hosted_zone_id="Z0123456789ABC", refresh_ami=True)
    steps = [s for s in plan_deploy(REGIONS, state, refresh, ["europe"]) if s.kind == "pin-ami"]
    assert {s.aws_region for s in steps} == {"eu-central-1", ORIGIN.aws_region}
    run_plan(
        steps, session=boto3.Session(), account="123456789012", regions=REGIONS, options=refresh, echo=lambda line: None
    )
    assert ssm.get_parameter(Name=node_ami_parameter("crosslive"))["Parameter"]["Value"] != "ami-0123456789abcdef0"
