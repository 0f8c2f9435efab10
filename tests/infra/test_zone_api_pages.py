"""The pages reach each residency zone's API through their own origin (docs/residency.md, "Exports").

A zone's exports are produced only by the API in the zone's home, so the origin's CloudFront
distribution has a ``/zones/<zone>/v1/*`` behavior to it, with the ``/v1/*`` behavior's policies,
once ``crosslive deploy`` has published the home's API domain to SSM; before that there is no such
behavior and ``config.json`` gives the zone no ``api`` but a ``pending`` sentence.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

from aws_cdk.assertions import Template

from crosslive.regions import load_regions, zones_of
from infra.deploy_context import ZONE_API, zone_parameter
from infra.pages import ZONE_PREFIX_FUNCTION

REGIONS = {r.name: r for r in load_regions()}
ORIGIN = next(r for r in REGIONS.values() if r.role == "origin")
ZONE_PATH = "/zones/eu/v1/*"


def _distribution(template: Any) -> dict[str, Any]:
    (distribution,) = template.find_resources("AWS::CloudFront::Distribution").values()
    return dict(distribution["Properties"]["DistributionConfig"])


def _behaviors(template: Any) -> dict[str, dict[str, Any]]:
    return {b["PathPattern"]: b for b in _distribution(template).get("CacheBehaviors", [])}


def _config(directory: str) -> dict[str, Any]:
    (config,) = [
        json.loads(re.sub(r"<<marker:0x[0-9a-f]+:\d+>>", '"<ref>"', path.read_text(encoding="utf-8")))
        for path in Path(directory).glob("asset.*/config.json")
    ]
    return dict(config)


def test_the_origins_pages_forward_the_zone_path_to_the_zone_homes_api_from_ssm(template, assembly):
    stateless = template(ORIGIN.name, "stateless")
    behaviors = _behaviors(stateless)
    api, zone = behaviors["/v1/*"], behaviors[ZONE_PATH]
    # the zone's behavior mirrors the API's: HTTPS only, every method, nothing cached, every viewer
    # header but Host forwarded (the same managed policies)
    for key in ("ViewerProtocolPolicy", "AllowedMethods", "CachePolicyId", "OriginRequestPolicyId", "Compress"):
        assert zone.get(key) == api.get(key), key
    assert zone["ViewerProtocolPolicy"] == "https-only" and len(zone["AllowedMethods"]) == 7
    # its origin is the zone home's API domain, read from the SSM parameter the deploy tool writes
    origins = {o["Id"]: o for o in _distribution(stateless)["Origins"]}
    domain = origins[zone["TargetOriginId"]]["DomainName"]
    name = zone_parameter("crosslive", "eu", "api-domain")
    (parameter,) = [p for p in stateless.to_json()["Parameters"].values() if p["Default"] == name]
    assert parameter["Type"] == "AWS::SSM::Parameter::Value<String>"
    assert set(domain) == {"Ref"} and stateless.to_json()["Parameters"][domain["Ref"]] == parameter
    assert origins[zone["TargetOriginId"]]["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    assert origins[zone["TargetOriginId"]] != origins[api["TargetOriginId"]]
    # a viewer-request function strips the /zones/eu prefix; the /v1/* behavior has none
    (association,) = zone["FunctionAssociations"]
    assert association["EventType"] == "viewer-request" and "FunctionAssociations" not in api
    functions = stateless.find_resources("AWS::CloudFront::Function")
    (strip,) = [f for lid, f in functions.items() if association["FunctionARN"] == {"Fn::GetAtt": [lid, "FunctionARN"]}]
    assert strip["Properties"]["FunctionCode"] == ZONE_PREFIX_FUNCTION
    # AND config.json names the zone's API base on the pages' origin
    assert _config(assembly.directory)["zones"] == {
        "eu": {"api": "/zones/eu", "markets": ["DE", "FR"], "regions": ["eu-central-1"]}
    }


def test_the_zone_home_publishes_its_api_domain_and_no_edge_has_pages(template):
    outputs = template("europe", "stateless").to_json()["Outputs"]
    value = json.dumps(outputs["ZoneEuApiDomain"]["Value"])
    assert ".execute-api.eu-central-1." in value and "Api" in value
    for region in ("gulf", "japan", "north-america"):
        assert "ZoneEuApiDomain" not in template(region, "stateless").to_json().get("Outputs", {})
        assert not template(region, "stateless").find_resources("AWS::CloudFront::Distribution")


def test_the_prefix_function_gives_the_zone_api_the_gateway_paths():
    cases = {
        "/zones/eu/v1/comments/rooms/r1/export.csv": "/v1/comments/rooms/r1/export.csv",
        "/zones/eu/v1/insights/rooms/r1/winback.csv": "/v1/insights/rooms/r1/winback.csv",
        "/v1/rooms": "/v1/rooms",
    }
    script = ZONE_PREFIX_FUNCTION + (
        "const out = {};"
        f"for (const uri of {json.dumps(list(cases))}) {{"
        " out[uri] = handler({request: {uri: uri, querystring: {zone: {value: 'eu'}}}}).uri; }"
        "console.log(JSON.stringify(out));"
    )
    result = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True, timeout=60)
    assert json.loads(result.stdout) == cases


def test_before_the_zone_api_is_published_the_pages_have_no_zone_behavior_and_say_so(tmp_path):
    from infra.app import new_app
    from infra.stage import RegionStage

    # GIVEN the origin's deploy before zone eu's home published its API (crosslive:zoneApi=none)
    app = new_app(context={"aws:cdk:bundling-stacks": [], ZONE_API: "none"}, outdir=str(tmp_path))
    zones = tuple(zones_of(list(REGIONS.values()), ORIGIN.name))
    stage = RegionStage(app, ORIGIN, origin=ORIGIN, edges=[], account=None, table_prefix="crosslive", zones=zones)
    assembly = app.synth()  # cdk-nag runs on this stage too: no unacknowledged finding
    stateless = Template.from_stack(stage.stateless)
    # THEN no /zones behavior, no prefix function, no read of the zone's API parameter
    assert set(_behaviors(stateless)) == {"/v1/*"}
    codes = [f["Properties"]["FunctionCode"] for f in stateless.find_resources("AWS::CloudFront::Function").values()]
    assert ZONE_PREFIX_FUNCTION not in codes
    defaults = [p.get("Default") for p in stateless.to_json().get("Parameters", {}).values()]
    assert zone_parameter("crosslive", "eu", "api-domain") not in defaults
    # AND config.json lists the zone with no API yet (the console says so instead of failing)
    (entry,) = _config(assembly.directory)["zones"].values()
    assert "api" not in entry and entry["markets"] == ["DE", "FR"] and entry["regions"] == ["eu-central-1"]
    assert "published by `crosslive deploy` once its home (europe) is deployed" in entry["pending"]
