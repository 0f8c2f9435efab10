"""The CDK app: one stage per region file, tables from the models, functions behind the API."""

from __future__ import annotations

import json

import pytest
from aws_cdk.assertions import Match

from crosslive.regions import load_regions, region_files, residency_zones
from functions import FUNCTIONS
from functions.shared.db import load_all_models, table_spec

REGIONS = {r.name: r for r in load_regions()}
ZONES = residency_zones(REGIONS.values())[0]


def test_one_stage_per_region_file(stages):
    assert len(region_files()) >= 5
    assert set(stages) == {p.stem for p in region_files()}
    for name, stage in stages.items():
        assert stage.region == REGIONS[name].aws_region
        assert stage.stateful.region == REGIONS[name].aws_region
        assert stage.stateless.region == REGIONS[name].aws_region


def test_origin_owns_global_tables_with_a_replica_in_every_edge(template):
    edges = sorted(r.aws_region for r in REGIONS.values() if r.role == "edge")
    origin = next(r.name for r in REGIONS.values() if r.role == "origin")
    tables = template(origin, "stateful").find_resources("AWS::DynamoDB::GlobalTable")
    replicated = {spec.short_name for spec in map(table_spec, load_all_models().values()) if spec.replicated}
    names = {}
    for resource in tables.values():
        props = resource["Properties"]
        names[props["TableName"]] = sorted(r["Region"] for r in props["Replicas"])
    for short in replicated:
        assert sorted(set(names[f"crosslive-{short}"]) - {REGIONS[origin].aws_region}) == edges


def test_edges_create_only_regional_tables_and_the_zone_copies_they_are_home_of(template):
    specs = list(map(table_spec, load_all_models().values()))
    regional = {s.short_name for s in specs if not s.replicated}
    for region in (r for r in REGIONS.values() if r.role == "edge"):
        tables = template(region.name, "stateful").find_resources("AWS::DynamoDB::GlobalTable")
        created = {t["Properties"]["TableName"].removeprefix("crosslive-") for t in tables.values()}
        homed = [z.name for z in ZONES if z.home_name == region.name]  # docs/residency.md
        assert created == regional | {f"{zone}-{s.short_name}" for zone in homed for s in specs if s.zoned}
        for table in tables.values():
            assert [r["Region"] for r in table["Properties"]["Replicas"]] == [region.aws_region]


@pytest.mark.parametrize("model_name", sorted(load_all_models()))
def test_table_key_schema_is_the_models(template, model_name):
    spec = table_spec(load_all_models()[model_name])
    region = "singapore"
    key_schema = [{"AttributeName": spec.hash_key.name, "KeyType": "HASH"}]
    if spec.range_key:
        key_schema.append({"AttributeName": spec.range_key.name, "KeyType": "RANGE"})
    template(region, "stateful").has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        {
            "TableName": f"crosslive-{spec.short_name}",
            "KeySchema": key_schema,
            **(
                {"TimeToLiveSpecification": {"AttributeName": spec.ttl_attribute, "Enabled": True}}
                if spec.ttl_attribute
                else {}
            ),
        },
    )


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_every_function_is_a_lambda_behind_the_http_api(template, region):
    stateless = template(region, "stateless")
    for name in FUNCTIONS:
        stateless.has_resource_properties(
            "AWS::Lambda::Function",
            {
                "Handler": f"functions.{name}.app.handler",
                "Runtime": "python3.11",
                "Environment": {
                    "Variables": Match.object_like(
                        {
                            "CROSSLIVE_REGION_NAME": region,
                            "CROSSLIVE_MARKETS": ",".join(REGIONS[region].markets),
                            "CROSSLIVE_PLUGINS": ",".join(REGIONS[region].plugins),
                            "CROSSLIVE_AUTH_JWKS_URL": Match.any_value(),
                        }
                    )
                },
            },
        )
        for route in (f"ANY /v1/{name}", f"ANY /v1/{name}/{{proxy+}}"):
            stateless.has_resource_properties("AWS::ApiGatewayV2::Route", {"RouteKey": route})


def test_function_policies_name_tables_without_wildcards(template):
    policies = template("europe", "stateless").find_resources("AWS::IAM::Policy")
    for policy in policies.values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if any(str(a).startswith("dynamodb:") for a in statement["Action"]):
                for resource in statement["Resource"]:
                    assert "*" not in str(resource), resource


def test_origin_has_the_user_pool_and_edges_read_it_from_ssm(template):
    template("singapore", "stateful").resource_count_is("AWS::Cognito::UserPool", 1)
    for edge in (r.name for r in REGIONS.values() if r.role == "edge"):
        params = template(edge, "stateless").to_json()["Parameters"]
        defaults = {p.get("Default") for p in params.values()}
        assert {"/crosslive/origin/singapore/user-pool-id", "/crosslive/origin/singapore/web-client-id"} <= defaults
        # an edge creates a user pool only as a residency zone's home: that zone's own pool
        homes = sum(z.home_name == edge for z in ZONES)
        template(edge, "stateful").resource_count_is("AWS::Cognito::UserPool", homes)


def test_edge_coupons_write_to_the_origin_home_region(template):
    origin = next(r for r in REGIONS.values() if r.role == "origin")
    policies = template("europe", "stateless").find_resources("AWS::IAM::Policy")
    resources = json.dumps([p["Properties"]["PolicyDocument"] for p in policies.values()])
    assert f":{origin.aws_region}:" in resources
    assert "crosslive-coupon-stock" in resources and "crosslive-idempotency" in resources
