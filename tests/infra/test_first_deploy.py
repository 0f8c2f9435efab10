"""What a platform team's first deploy, and every region added later, depends on (issue 19).

Each test names the point of the issue it guards. All run on the session's synthesized app; the
two that need other context values build one small stack of their own.
"""

from __future__ import annotations

import json

import pytest
from aws_cdk import App, Stage
from aws_cdk.assertions import Template

from crosslive.regions import load_regions
from infra.deploy_context import node_ami_parameter, origin_parameter, replica_edges
from infra.pages import PAGES_CSP
from infra.stateful import StatefulStack

REGIONS = {r.name: r for r in load_regions()}
ORIGIN = next(r for r in REGIONS.values() if r.role == "origin")
EDGES = [r for r in REGIONS.values() if r.role == "edge"]
RETAINED_TYPES = ("AWS::DynamoDB::GlobalTable", "AWS::SecretsManager::Secret", "AWS::Cognito::UserPool")


def _resources(template, type_: str) -> dict:
    return template.find_resources(type_)


def _as_list(value: object) -> list:
    return value if isinstance(value, list) else [value]


# -- 3: a failed first create cleans up; later changes retain ------------------------------------


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_stateful_resources_retain_except_on_create(template, region):
    stateful = template(region, "stateful")
    found = 0
    for type_ in RETAINED_TYPES:
        for logical_id, resource in _resources(stateful, type_).items():
            found += 1
            assert resource["DeletionPolicy"] == "RetainExceptOnCreate", (logical_id, resource["DeletionPolicy"])
            assert resource["UpdateReplacePolicy"] == "Retain", logical_id
    assert found >= (10 if REGIONS[region].role == "origin" else 3)


def _origin_stateful(context: dict) -> Template:
    app = App(context={"aws:cdk:bundling-stacks": [], **context})
    stage = Stage(app, "probe", env={"region": ORIGIN.aws_region, "account": "111122223333"})
    stack = StatefulStack(stage, "Stateful", region=ORIGIN, edges=replica_edges(app, EDGES), table_prefix="crosslive")
    return Template.from_stack(stack)


def test_deletion_protection_is_off_only_while_the_tool_creates_the_stack():
    # GIVEN the context crosslive deploy passes on a stack's first create, and none
    first = _origin_stateful({"crosslive:deletionProtection": "false"})
    later = _origin_stateful({})
    # THEN tables and the pool are unprotected only in the first (so a failed create can roll back)
    for template, expected in ((first, False), (later, True)):
        tables = _resources(template, "AWS::DynamoDB::GlobalTable")
        replicas = [replica for t in tables.values() for replica in t["Properties"]["Replicas"]]
        assert replicas and all(replica["DeletionProtectionEnabled"] is expected for replica in replicas)
        pool = next(iter(_resources(template, "AWS::Cognito::UserPool").values()))
        assert pool["Properties"]["DeletionProtection"] == ("ACTIVE" if expected else "INACTIVE")


# -- 5: one new replica region per origin update -------------------------------------------------


def test_replica_regions_context_limits_the_origin_to_the_regions_already_added():
    europe = REGIONS["europe"].aws_region
    template = _origin_stateful({"crosslive:replicaRegions": europe})
    for table in _resources(template, "AWS::DynamoDB::GlobalTable").values():
        regions = {r["Region"] for r in table["Properties"]["Replicas"]}
        assert regions <= {ORIGIN.aws_region, europe}
    replicated = [
        t for t in _resources(template, "AWS::DynamoDB::GlobalTable").values() if len(t["Properties"]["Replicas"]) > 1
    ]
    assert replicated
    for secret in _resources(template, "AWS::SecretsManager::Secret").values():
        assert [r["Region"] for r in secret["Properties"]["ReplicaRegions"]] == [europe]


def test_replica_regions_context_refuses_a_region_without_an_edge_file():
    app = App(context={"crosslive:replicaRegions": "sa-east-1"})
    with pytest.raises(ValueError, match="sa-east-1"):
        replica_edges(app, EDGES)


# -- 4: edges deploy with no hand-copied values --------------------------------------------------


@pytest.mark.parametrize("edge", [e.name for e in EDGES])
def test_edge_stacks_have_no_parameter_without_a_default(template, edge):
    for stack in ("stateful", "stateless"):
        for name, parameter in template(edge, stack).to_json().get("Parameters", {}).items():
            assert "Default" in parameter, (stack, name)
            assert parameter["Type"].startswith("AWS::SSM::Parameter::Value<"), (stack, name)
    defaults = {p["Default"] for p in template(edge, "stateless").to_json()["Parameters"].values()}
    for key in ("user-pool-id", "web-client-id", "pages-origin"):
        assert origin_parameter("crosslive", ORIGIN.name, key) in defaults


# -- 6: every node knows its region --------------------------------------------------------------


def _user_data(template) -> str:
    (launch_template,) = _resources(template, "AWS::EC2::LaunchTemplate").values()
    return json.dumps(launch_template["Properties"]["LaunchTemplateData"]["UserData"])


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_media_nodes_get_their_aws_region(template, region):
    user_data = _user_data(template(region, "stateless"))
    aws_region = REGIONS[region].aws_region
    assert f"AWS_REGION={aws_region}" in user_data and f"AWS_DEFAULT_REGION={aws_region}" in user_data


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_media_nodes_get_the_json_settings_intact_through_systemd(template, region):
    # GIVEN the node.env lines of the user data (references rendered as "<ref>")
    user_data = template(region, "stateless").find_resources("AWS::EC2::LaunchTemplate")
    (launch,) = user_data.values()
    joined = launch["Properties"]["LaunchTemplateData"]["UserData"]["Fn::Base64"]
    parts = joined["Fn::Join"][1] if isinstance(joined, dict) else [joined]
    text = "".join(p if isinstance(p, str) else "<ref>" for p in parts)
    lines = {line.split("=", 1)[0]: line.split("=", 1)[1] for line in text.splitlines() if "=" in line}
    # THEN a JSON value is single-quoted: systemd's EnvironmentFile keeps it literally (it would
    # strip the double quotes of a bare value), and what the node reads is the JSON infra wrote
    for name in ("CROSSLIVE_ZONES", "CROSSLIVE_AUTH_ISSUERS"):
        value = lines[name]
        assert value.startswith("'") and value.endswith("'") and "'" not in value[1:-1], name
        parsed = json.loads(value[1:-1])
        assert parsed, name
    assert json.loads(lines["CROSSLIVE_ZONES"][1:-1])["eu"]["markets"] == ["DE", "FR"]


# -- 7: secrets by complete ARN ------------------------------------------------------------------


@pytest.mark.parametrize("edge", [e.name for e in EDGES])
def test_edges_reference_secrets_by_complete_arn_from_ssm(template, edge):
    stateless = template(edge, "stateless")
    text = json.dumps(stateless.to_json()["Resources"])
    # A partial ARN built from the name ("...:secret:crosslive/push-secret") is what failed.
    assert ":secret:crosslive/" not in text
    params = stateless.to_json()["Parameters"]
    arn_params = {
        name for name, p in params.items() if "/secret-arn/" in p["Default"] and p["Default"].startswith("/crosslive/")
    }
    assert len(arn_params) == 3
    for name in arn_params:
        assert {"Ref": name} and json.dumps({"Ref": name}) in text
    # the node reads both of its secrets through these refs at boot
    user_data = _user_data(stateless)
    assert user_data.count("--secret-id") == 2
    assert sum(json.dumps({"Ref": name}) in user_data for name in arn_params) == 2


def test_origin_publishes_complete_secret_arns_as_outputs(template):
    outputs = template("singapore", "stateful").to_json()["Outputs"]
    for key in ("SecretArnCouponKey", "SecretArnPushSecret", "SecretArnNodeSecret", "UserPoolId"):
        assert key in outputs
    assert "WebClientId" in template("singapore", "stateless").to_json()["Outputs"]


# -- 8: readiness signals, nodes kept in service, pinned AMI ---------------------------------------


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_node_rollouts_wait_for_ready_nodes_and_keep_all_in_service(template, region):
    stateless = template(region, "stateless")
    (group,) = _resources(stateless, "AWS::AutoScaling::AutoScalingGroup").values()
    nodes = REGIONS[region].media.nodes
    assert group["CreationPolicy"]["ResourceSignal"]["Count"] == nodes
    rolling = group["UpdatePolicy"]["AutoScalingRollingUpdate"]
    assert rolling["MaxBatchSize"] == 1 and rolling["WaitOnResourceSignals"] is True
    assert rolling["MinInstancesInService"] == nodes >= 1
    assert int(group["Properties"]["MaxSize"]) > nodes  # room for the replacement beside the old ones
    user_data = _user_data(stateless)
    assert "cfn-signal" in user_data and "/health" in user_data
    assert user_data.index("/health") > user_data.index("systemctl daemon-reload")


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_node_ami_is_pinned_in_an_ssm_parameter(template, region):
    stateless = template(region, "stateless").to_json()
    assert "/aws/service/ami-amazon-linux-latest" not in json.dumps(stateless)
    ami_params = [
        name
        for name, p in stateless["Parameters"].items()
        if p["Type"] == "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>"
    ]
    assert len(ami_params) == 1
    assert stateless["Parameters"][ami_params[0]]["Default"] == node_ami_parameter("crosslive")
    (launch_template,) = (r for r in stateless["Resources"].values() if r["Type"] == "AWS::EC2::LaunchTemplate")
    assert launch_template["Properties"]["LaunchTemplateData"]["ImageId"] == {"Ref": ami_params[0]}


# -- 9: sign-in and CSP in CloudFront ------------------------------------------------------------


def test_pages_send_the_csp_from_cloudfront(template):
    stateless = template("singapore", "stateless")
    (policy_id, policy), *_ = _resources(stateless, "AWS::CloudFront::ResponseHeadersPolicy").items()
    csp = policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]["ContentSecurityPolicy"]
    assert csp == {"ContentSecurityPolicy": PAGES_CSP, "Override": True}
    assert "script-src 'self'" in PAGES_CSP and "unsafe" not in PAGES_CSP and "http:" not in PAGES_CSP
    (distribution,) = _resources(stateless, "AWS::CloudFront::Distribution").values()
    default = distribution["Properties"]["DistributionConfig"]["DefaultCacheBehavior"]
    assert default["ResponseHeadersPolicyId"] == {"Ref": policy_id}


def test_web_client_is_code_grant_with_the_pages_as_only_callbacks(template):
    stateless = template("singapore", "stateless")
    (client_id, client), *rest = _resources(stateless, "AWS::Cognito::UserPoolClient").items()
    assert not rest
    props = client["Properties"]
    assert props["AllowedOAuthFlows"] == ["code"]  # no implicit grant: no tokens in URLs
    assert props["GenerateSecret"] is False  # a public client: PKCE instead of a secret
    assert props["SupportedIdentityProviders"] == ["COGNITO"]
    callbacks = json.dumps(props["CallbackURLs"])
    assert "example.com" not in callbacks
    assert len(props["CallbackURLs"]) == 2 and callbacks.count("PagesDistribution") == 2
    # issue 17: a viewer cannot write their own market
    assert "custom:market" in props["ReadAttributes"]
    assert "custom:market" not in props["WriteAttributes"] and props["WriteAttributes"]
    # config.json carries the client id, pool id and hosted UI (deploy-time values of BucketDeployment)
    deployments = _resources(stateless, "Custom::CDKBucketDeployment").values()
    markers = json.dumps([r["Properties"].get("SourceMarkers") for r in deployments])
    assert json.dumps({"Ref": client_id}) in markers and "amazoncognito.com" in markers
    template("singapore", "stateful").resource_count_is("AWS::Cognito::UserPoolDomain", 1)
    template("singapore", "stateful").resource_count_is("AWS::Cognito::UserPoolClient", 0)


@pytest.mark.parametrize("edge", [e.name for e in EDGES])
def test_functions_accept_tokens_of_the_pages_client(template, edge):
    functions = _resources(template(edge, "stateless"), "AWS::Lambda::Function")
    audiences = {
        json.dumps(f["Properties"]["Environment"]["Variables"]["CROSSLIVE_AUTH_AUDIENCE"])
        for f in functions.values()
        if "CROSSLIVE_AUTH_AUDIENCE" in f["Properties"].get("Environment", {}).get("Variables", {})
    }
    assert len(audiences) == 1 and "Ref" in next(iter(audiences))


# -- 11: the node role reaches only the node registry, rooms and viewer presence ----------------------------------


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_media_node_role_is_limited_to_its_tables(template, region):
    stateless = template(region, "stateless")
    roles = _resources(stateless, "AWS::IAM::Role")
    (node_role,) = [k for k, r in roles.items() if "ec2.amazonaws.com" in json.dumps(r["Properties"])]
    tables: set[str] = set()
    for policy in _resources(stateless, "AWS::IAM::Policy").values():
        if {"Ref": node_role} not in policy["Properties"]["Roles"]:
            continue
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            actions = _as_list(statement["Action"])
            if any(a.startswith("dynamodb:") for a in actions):
                for resource in _as_list(statement["Resource"]):
                    text = json.dumps(resource)
                    table = text.split("table/")[-1].split('"')[0]
                    tables.add(table)
                    if table.startswith("crosslive-eu-"):  # a zone's copy: in the zone home only
                        assert "dynamodb:eu-central-1:" in text, text
                assert "dynamodb:BatchWriteItem" not in actions
    # its region's registry, rooms and presence, and the eu zone's presence (a DE viewer's watch)
    assert tables == {
        "crosslive-media-nodes",
        "crosslive-rooms",
        "crosslive-coupon-viewers",
        "crosslive-eu-coupon-viewers",
    }


def test_the_deploy_tool_writes_every_ssm_value_an_edge_reads_from_outputs_the_origin_has(template):
    from crosslive.deploy.runner import edge_parameters, zone_parameters
    from crosslive.regions import residency_zones
    from infra.deploy_context import ORIGIN_OUTPUTS, SECRET_KEYS, ZONE_OUTPUTS, secret_output_id, zone_output_id

    # GIVEN the outputs the origin's two stacks really declare
    declared = set(template(ORIGIN.name, "stateful").to_json()["Outputs"]) | set(
        template(ORIGIN.name, "stateless").to_json()["Outputs"]
    )
    needed = set(ORIGIN_OUTPUTS.values()) | {secret_output_id(key) for key in SECRET_KEYS}
    assert needed <= declared
    outputs = {key: f"arn:aws:secretsmanager:{ORIGIN.aws_region}:1:secret:x-AbC123" for key in needed}
    # and those each residency zone's home declares, which the tool publishes to every region
    zone_written: set[str] = set()
    for zone in residency_zones(REGIONS.values())[0]:
        home = {**template(zone.home_name, "stateful").to_json()["Outputs"]}
        home |= template(zone.home_name, "stateless").to_json()["Outputs"]
        zone_outputs = {zone_output_id(zone.name, key) for key in ZONE_OUTPUTS.values()}
        assert zone_outputs <= set(home)
        home_region = REGIONS[zone.home_name]
        zone_written |= set(zone_parameters(dict.fromkeys(zone_outputs, "x"), home_region, zone.name, "crosslive"))
    for edge in EDGES:
        # WHEN the tool computes what it writes into the edge's region
        written = set(edge_parameters(outputs, ORIGIN, edge, "crosslive")) | zone_written
        # THEN every SSM parameter the edge's stacks read is written by it (or is the pinned AMI)
        for stack in ("stateful", "stateless"):
            for parameter in template(edge.name, stack).to_json().get("Parameters", {}).values():
                name = parameter["Default"]
                if name.startswith("/crosslive/"):
                    assert name in written | {node_ami_parameter("crosslive")}, (edge.name, name)
