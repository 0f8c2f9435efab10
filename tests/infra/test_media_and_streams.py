"""The media fleet, the shared secrets and the stream consumers in every region."""

from __future__ import annotations

import json

import pytest
from aws_cdk.assertions import Match

from crosslive.regions import load_regions
from infra.secrets import ALL_SECRETS

REGIONS = {r.name: r for r in load_regions()}


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_media_fleet_matches_the_region_file(template, region):
    config = REGIONS[region]
    stateless = template(region, "stateless")
    stateless.has_resource_properties(
        "AWS::AutoScaling::AutoScalingGroup",
        {"MinSize": str(config.media.nodes), "DesiredCapacity": str(config.media.nodes)},
    )
    stateless.has_resource_properties(
        "AWS::EC2::LaunchTemplate",
        {
            "LaunchTemplateData": Match.object_like(
                {
                    "InstanceType": config.media.instance_type,
                    "MetadataOptions": Match.object_like({"HttpTokens": "required"}),
                }
            )
        },
    )
    stateless.has_resource_properties(
        "AWS::EC2::SecurityGroup",
        {
            "SecurityGroupIngress": Match.array_with(
                [
                    Match.object_like(
                        {
                            "IpProtocol": "udp",
                            "FromPort": config.media.udp_port_min,
                            "ToPort": config.media.udp_port_max,
                        }
                    )
                ]
            )
        },
    )


def test_node_user_data_reads_secrets_at_boot_and_holds_none(template):
    stateless = template("singapore", "stateless")
    templates = stateless.find_resources("AWS::EC2::LaunchTemplate")
    user_data = json.dumps(next(iter(templates.values()))["Properties"]["LaunchTemplateData"]["UserData"])
    assert "secretsmanager get-secret-value" in user_data
    assert "resolve:secretsmanager" not in user_data  # no value is templated in
    assert "python -m media_nodes" in user_data
    config = REGIONS["singapore"].media
    assert f"CROSSLIVE_MEDIA_UDP_PORTS={config.udp_port_min}-{config.udp_port_max}" in user_data


def test_origin_generates_secrets_replicated_to_every_edge(template):
    edges = sorted(r.aws_region for r in REGIONS.values() if r.role == "edge")
    secrets = template("singapore", "stateful").find_resources("AWS::SecretsManager::Secret")
    assert len(secrets) == len(ALL_SECRETS)
    for secret in secrets.values():
        props = secret["Properties"]
        assert "GenerateSecretString" in props and "SecretString" not in props
        assert sorted(r["Region"] for r in props["ReplicaRegions"]) == edges
    for edge in (r.name for r in REGIONS.values() if r.role == "edge"):
        template(edge, "stateful").resource_count_is("AWS::SecretsManager::Secret", 0)


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_functions_get_secret_arns_not_values(template, region):
    stateless = template(region, "stateless")
    stateless.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Handler": "functions.coupons.app.handler",
            "Environment": {"Variables": Match.object_like({"CROSSLIVE_COUPON_KEY_SECRET_ARN": Match.any_value()})},
        },
    )
    for function in stateless.find_resources("AWS::Lambda::Function").values():
        variables = function["Properties"].get("Environment", {}).get("Variables", {})
        assert "CROSSLIVE_COUPON_KEY" not in variables and "CROSSLIVE_PUSH_SECRET" not in variables


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_comment_fanout_consumes_the_regional_stream(template, region):
    stateless = template(region, "stateless")
    stateless.has_resource_properties("AWS::Lambda::Function", {"Handler": "functions.fanout.handler.handler"})
    stateless.has_resource_properties("AWS::Lambda::EventSourceMapping", {"StartingPosition": "LATEST"})
    if REGIONS[region].role == "edge":
        # The replica's stream ARN is only known at deploy time.
        assert stateless.find_resources("Custom::AWS")


def test_origin_serves_the_pages_and_forwards_the_api_through_cloudfront(template):
    stateless = template("singapore", "stateless")
    distributions = stateless.find_resources("AWS::CloudFront::Distribution")
    assert len(distributions) == 1
    config = next(iter(distributions.values()))["Properties"]["DistributionConfig"]
    api_behaviors = [b for b in config["CacheBehaviors"] if b["PathPattern"] == "/v1/*"]
    assert api_behaviors and set(api_behaviors[0]["AllowedMethods"]) >= {"POST", "DELETE", "PATCH"}
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    stateless.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            }
        },
    )
    for edge in (r.name for r in REGIONS.values() if r.role == "edge"):
        template(edge, "stateless").resource_count_is("AWS::CloudFront::Distribution", 0)


def _node_user_data(stateless):
    (launch,) = stateless.find_resources("AWS::EC2::LaunchTemplate").values()
    return launch["Properties"]["LaunchTemplateData"]["UserData"]


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_every_nodes_insights_feed_goes_to_the_origin_api_signed_with_the_push_secret(template, region):
    """Nodes get CROSSLIVE_MEDIA_INSIGHTS_URL = the origin's API (its own stage in the origin, the SSM
    parameter `crosslive deploy` writes from the origin's ApiUrl in an edge), and may read the push
    secret (by ARN, at boot) that signs the feed."""
    config = REGIONS[region]
    stateless = template(region, "stateless")
    user_data = json.dumps(_node_user_data(stateless))
    assert "CROSSLIVE_MEDIA_INSIGHTS_URL=" in user_data
    assert "CROSSLIVE_PUSH_SECRET=$PUSH_SECRET" in user_data
    if config.role == "origin":
        # the origin's own HTTP API: a reference to its ApiGatewayV2 API id, never a literal address
        (api_id,) = stateless.find_resources("AWS::ApiGatewayV2::Api")
        assert api_id in user_data.split("CROSSLIVE_MEDIA_INSIGHTS_URL=", 1)[1].split("CROSSLIVE_MEDIA_NODE_ID")[0]
    else:
        parameter = f"/crosslive/origin/{config.origin}/api-url"
        defaults = {p.get("Default") for p in stateless.to_json().get("Parameters", {}).values()}
        assert parameter in defaults
        (name,) = [k for k, p in stateless.to_json()["Parameters"].items() if p.get("Default") == parameter]
        assert name in user_data.split("CROSSLIVE_MEDIA_INSIGHTS_URL=", 1)[1].split("CROSSLIVE_MEDIA_NODE_ID")[0]
    # the node role reads the push secret (what signs the feed) and nothing of the insights tables
    roles = stateless.find_resources(
        "AWS::IAM::Role",
        {
            "Properties": {
                "AssumeRolePolicyDocument": Match.object_like(
                    {"Statement": [Match.object_like({"Principal": {"Service": "ec2.amazonaws.com"}})]}
                )
            }
        },
    )
    (role_id,) = roles
    policies = [
        p["Properties"]["PolicyDocument"]["Statement"]
        for p in stateless.find_resources("AWS::IAM::Policy").values()
        if {"Ref": role_id} in p["Properties"]["Roles"]
    ]
    statements = [s for group in policies for s in group]
    reads = [s for s in statements if "secretsmanager:GetSecretValue" in json.dumps(s["Action"])]
    assert any("push" in json.dumps(s["Resource"]).lower() for s in reads), reads
    assert "insights-" not in json.dumps(statements)
