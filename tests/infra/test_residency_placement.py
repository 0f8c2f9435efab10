"""Data residency in the synthesized templates (docs/residency.md): where each table holding personal
data and each user pool is placed, what every function is told, and which zone tables it reaches.

The allowed regions come from the market plugins' own ``data_residency`` rules, not from the
zones the code computed: the placement is checked against the law as the plugins declare it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from crosslive.regions import load_regions, residency_zones
from functions.shared.db import load_all_models, table_spec
from functions.specs import SPECS
from plugins.manager import build_plugin_manager

REGIONS = {r.name: r for r in load_regions()}
ZONES, _ = residency_zones(REGIONS.values())
ZONE_MARKETS = {m for z in ZONES for m in z.markets}
SERVED = sorted({m for r in REGIONS.values() for m in r.markets})
RULES = {m: build_plugin_manager(None, validate=False).data_residency(m) for m in SERVED}
ZONED = sorted(s.short_name for s in map(table_spec, load_all_models().values()) if s.zoned)
PERSONAL = {
    "comments",
    "coupons",
    "coupon-holdings",
    "coupon-redemptions",
    "coupon-viewers",
    "coupon-shares",
    "moderation-sanctions",
    "moderation-audit",
    "insights-viewers",
    "insights-distinct",
}


def _tables(template: Any) -> dict[str, list[str]]:
    """Physical table name -> the AWS regions holding a copy (its own region and each replica)."""
    found = {}
    for resource in template.find_resources("AWS::DynamoDB::GlobalTable").values():
        props = resource["Properties"]
        found[props["TableName"]] = [replica["Region"] for replica in props.get("Replicas", [])]
    return found


def _holders(table_name: str) -> list[str]:
    """The served markets whose people's data a table may hold: a zone's copy, that zone's markets;
    a default table, every market outside the zones."""
    zone = next((z for z in ZONES if table_name.startswith(f"crosslive-{z.name}-")), None)
    return list(zone.markets) if zone else [m for m in SERVED if m not in ZONE_MARKETS]


def _rendered(value: Any) -> str:
    """A CloudFormation string (plain or ``Fn::Join``) with every reference as ``<ref>``."""
    if isinstance(value, str):
        return value
    parts = value["Fn::Join"][1]
    return "".join(p if isinstance(p, str) else "<ref>" for p in parts)


def test_the_shipped_regions_make_one_eu_zone_homed_in_frankfurt():
    assert [(z.name, z.markets, z.home_name, z.home) for z in ZONES] == [("eu", ("DE", "FR"), "europe", "eu-central-1")]
    assert set(ZONED) >= PERSONAL  # every personal-data table is placed per zone


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_every_table_with_personal_data_lies_inside_each_served_markets_allowed_regions(template, region):
    # GIVEN the tables a stage creates (a global table lists its own region among its replicas)
    tables = _tables(template(region, "stateful"))
    for name, placed in tables.items():
        zone = next((z.name for z in ZONES if name.startswith(f"crosslive-{z.name}-")), None)
        if name.removeprefix(f"crosslive-{zone}-" if zone else "crosslive-") not in ZONED:
            continue
        # THEN every region holding a copy is allowed by every market whose data it can hold
        for market in _holders(name):
            outside = [r for r in placed if not RULES[market].allows(r)]
            assert not outside, f"{name} in {outside}: market {market}'s rule allows {RULES[market].allowed_regions}"


def test_each_zone_has_its_copy_of_every_zoned_table_in_its_home_only(template):
    for zone in ZONES:
        for region in REGIONS:
            names = {n for n in _tables(template(region, "stateful")) if n.startswith(f"crosslive-{zone.name}-")}
            if region == zone.home_name:
                assert names == {f"crosslive-{zone.name}-{short}" for short in ZONED}
            else:
                assert names == set(), region
    # and an EU market's data has no default copy in Frankfurt either: the default personal tables
    # are the origin's (replicated to edges), none of them created by the zone home
    europe = _tables(template("europe", "stateful"))
    assert not [n for n in europe if n in {f"crosslive-{s}" for s in PERSONAL}]


def test_a_second_zone_region_gets_replicas_of_the_zone_tables_and_nothing_outside(tmp_path_factory):
    # GIVEN a Paris edge beside Frankfurt: the zone's tables live in both, nowhere else
    from aws_cdk.assertions import Template

    from infra.app import new_app
    from infra.stage import RegionStage

    paris = REGIONS["europe"].model_copy(update={"name": "paris", "aws_region": "eu-west-3", "markets": ["FR"]})
    regions = [*REGIONS.values(), paris]
    (zone,) = residency_zones(regions)[0]
    assert zone.regions == ("eu-central-1", "eu-west-3")
    origin = REGIONS["singapore"]
    app = new_app(context={"aws:cdk:bundling-stacks": []}, outdir=str(tmp_path_factory.mktemp("paris")))
    home = RegionStage(
        app,
        REGIONS["europe"],
        origin=origin,
        edges=[],
        account=None,
        table_prefix="crosslive",
        zones=(zone,),
        nag=False,
    )
    tables = _tables(Template.from_stack(home.stateful))
    for short in ZONED:
        regional = not table_spec(load_all_models()[short]).replicated
        assert sorted(tables[f"crosslive-eu-{short}"]) == (
            ["eu-central-1"] if regional else ["eu-central-1", "eu-west-3"]
        )


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_every_function_is_told_the_zones_and_every_pool_whose_tokens_it_accepts(template, region):
    functions = {
        lid: r
        for lid, r in template(region, "stateless").find_resources("AWS::Lambda::Function").items()
        if lid.startswith("Fn")
    }
    assert functions
    for lid, function in functions.items():
        env = function["Properties"]["Environment"]["Variables"]
        assert json.loads(env["CROSSLIVE_ZONES"]) == {
            "eu": {"home": "eu-central-1", "regions": ["eu-central-1"], "markets": ["DE", "FR"]}
        }, lid
        issuers = json.loads(_rendered(env["CROSSLIVE_AUTH_ISSUERS"]))
        # the default pool first (any market outside the zones), then the zone's pool in its home
        assert [i["markets"] for i in issuers] == [None, ["DE", "FR"]], lid
        assert issuers[0]["issuer"].startswith("https://cognito-idp.ap-southeast-1.amazonaws.com/")
        assert issuers[1]["issuer"].startswith("https://cognito-idp.eu-central-1.amazonaws.com/")
        assert issuers[1]["jwks_url"] == issuers[1]["issuer"] + "/.well-known/jwks.json"
        assert issuers[1]["audience"] == "<ref>" and issuers[1]["audience"] != issuers[0]["issuer"]
        # the single-issuer variables stay: the default pool
        assert _rendered(env["CROSSLIVE_AUTH_ISSUER"]) == issuers[0]["issuer"]


def test_the_zone_user_pool_is_in_the_zone_home_with_the_origins_settings(template):
    origin = template("singapore", "stateful").find_resources("AWS::Cognito::UserPool")
    home = template("europe", "stateful").find_resources("AWS::Cognito::UserPool")
    assert len(origin) == 1 and len(home) == 1
    (default,), (zone,) = origin.values(), home.values()
    tags = "UserPoolTags"  # the stage's own tags (region, role) differ
    settings = {k: v for k, v in zone["Properties"].items() if k != tags}
    assert settings == {k: v for k, v in default["Properties"].items() if k != tags}  # sign-up, password, MFA...
    assert zone["DeletionPolicy"] == default["DeletionPolicy"]
    for region in ("gulf", "japan", "north-america"):
        assert not template(region, "stateful").find_resources("AWS::Cognito::UserPool")
    groups = template("europe", "stateful").find_resources("AWS::Cognito::UserPoolGroup")
    assert sorted(g["Properties"]["GroupName"] for g in groups.values()) == ["admin", "merchant", "moderator", "viewer"]
    # its web client is beside it, code grant + PKCE to the origin's pages (address from SSM)
    (client,) = template("europe", "stateless").find_resources("AWS::Cognito::UserPoolClient").values()
    props = client["Properties"]
    assert props["AllowedOAuthFlows"] == ["code"] and props["GenerateSecret"] is False
    assert all(_rendered(url).startswith("<ref>/") for url in props["CallbackURLs"])
    assert "ZoneEuWebClientId" in template("europe", "stateless").to_json()["Outputs"]
    assert {"ZoneEuUserPoolId", "ZoneEuHostedUiUrl"} <= set(template("europe", "stateful").to_json()["Outputs"])


def test_the_pages_config_lists_the_zone_pool_with_its_markets(assembly):
    # The origin's pages get config.json as a deployment asset; CDK writes each reference as a marker.
    (config,) = [
        json.loads(re.sub(r"<<marker:0x[0-9a-f]+:\d+>>", '"<ref>"', path.read_text(encoding="utf-8")))
        for path in Path(assembly.directory).glob("asset.*/config.json")
    ]
    assert config["region"] == "singapore"
    auth = config["auth"]
    assert auth["client_id"] == "<ref>" and auth["hosted_ui"] == "<ref>"  # the default pool
    assert auth["pools"] == [
        {
            "zone": "eu",
            "markets": ["DE", "FR"],
            "hosted_ui": "<ref>",
            "user_pool_id": "<ref>",
            "client_id": "<ref>",
            "scopes": "openid email profile",
        }
    ]


def _event_sources(template: Any, function: str) -> list[str]:
    logical = re.sub(r"[^A-Za-z0-9]", "", function)
    return [
        json.dumps(r["Properties"]["EventSourceArn"])
        for lid, r in template.find_resources("AWS::Lambda::EventSourceMapping").items()
        if lid.startswith(f"Fn{logical}")
    ]


def test_zone_table_streams_are_consumed_in_the_zone_home_only(template):
    fanout = next(s for s in SPECS if s.name == "comments-fanout")
    consumer = next(s for s in SPECS if s.name == "insights-consumer")
    zoned_streams = {spec.name: sorted(t for t in spec.streams if t in ZONED) for spec in (fanout, consumer)}
    assert zoned_streams["comments-fanout"] and zoned_streams["insights-consumer"]
    for name, tables in zoned_streams.items():
        home = _event_sources(template("europe", "stateless"), name)
        for table in tables:
            assert any(re.search(rf"Tableeu{re.sub('-', '', table)}[0-9A-F]{{8}}StreamArn", s) for s in home), (
                name,
                table,
            )
        # the insights consumer in an edge home reads the zone's streams only (the origin folds the rest)
        if name == "insights-consumer":
            assert len(home) == len(tables)
    for region in ("singapore", "gulf", "japan", "north-america"):
        for name in zoned_streams:
            assert not [s for s in _event_sources(template(region, "stateless"), name) if "Tableeu" in s], region
