"""What a region's media nodes allow by CORS: exactly the stage's pages, never ``*``.

The nodes read ``CROSSLIVE_MEDIA_CORS_ORIGINS`` from the env file their user data writes at boot
(infra/media_fleet.py): in the origin, the origin's own CloudFront domain; in an edge, the same
domain read from the SSM parameter ``crosslive deploy`` copies from the origin's ``PagesOrigin``
output; plus the configured ``crosslive:pageOrigins``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk.assertions import Template

from crosslive.regions import load_regions
from infra.deploy_context import origin_parameter
from media_nodes.config import ENV_CORS_ORIGINS

REGIONS = {r.name: r for r in load_regions()}


def _render(value: Any) -> str:
    """A CloudFormation string expression as text, tokens as ``${Ref}`` / ``${Resource.Attr}``."""
    if isinstance(value, str):
        return value
    if "Fn::Base64" in value:
        return _render(value["Fn::Base64"])
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(_render(p) for p in parts)
    if "Fn::Sub" in value and isinstance(value["Fn::Sub"], str):
        return str(value["Fn::Sub"])
    if "Ref" in value:
        return "${" + value["Ref"] + "}"
    if "Fn::GetAtt" in value:
        return "${" + ".".join(value["Fn::GetAtt"]) + "}"
    return "${" + json.dumps(value) + "}"  # another token (an import, a Sub): not on the CORS line


def _cors_line(template: Template) -> str:
    (launch_template,) = template.find_resources("AWS::EC2::LaunchTemplate").values()
    user_data = _render(launch_template["Properties"]["LaunchTemplateData"]["UserData"])
    (line,) = [line for line in user_data.splitlines() if line.startswith(f"{ENV_CORS_ORIGINS}=")]
    return line.partition("=")[2]


def _distribution_domain(template: Template) -> str:
    (logical_id,) = template.find_resources("AWS::CloudFront::Distribution")
    return "${" + logical_id + ".DomainName}"


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_media_nodes_allow_only_the_stages_pages(template, region):
    stateless = template(region, "stateless")
    origins = _cors_line(stateless).split(",")
    assert "*" not in ",".join(origins)
    config = REGIONS[region]
    if config.role == "origin":
        # this stage's own CloudFront distribution, and nothing else (no page origins configured)
        assert origins == [f"https://{_distribution_domain(stateless)}"]
    else:
        # the origin's pages, from the SSM parameter crosslive deploy writes in the edge's region
        (ref,) = origins
        parameters = stateless.to_json()["Parameters"]
        name = ref.removeprefix("${").removesuffix("}")
        assert parameters[name]["Default"] == origin_parameter("crosslive", str(config.origin), "pages-origin")
        assert parameters[name]["Type"] == "AWS::SSM::Parameter::Value<String>"


def test_configured_page_origins_are_allowed_too(dns_stages):
    for name, stage in dns_stages.items():
        origins = _cors_line(Template.from_stack(stage.stateless)).split(",")
        assert origins[1:] == ["https://shop.example", "https://www.shop.example"], name
        assert origins[0].startswith("https://${") or origins[0].startswith("${"), name


def test_the_origin_publishes_its_pages_origin_for_the_edges(template):
    origin = next(r for r in REGIONS.values() if r.role == "origin")
    stateless = template(origin.name, "stateless")
    (distribution,) = stateless.find_resources("AWS::CloudFront::Distribution")
    assert stateless.to_json()["Outputs"]["PagesOrigin"]["Value"] == {
        "Fn::Join": ["", ["https://", {"Fn::GetAtt": [distribution, "DomainName"]}]]
    }
