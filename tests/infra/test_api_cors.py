"""The deployed HTTP API answers CORS only for the stage's configured page origins."""

from __future__ import annotations

import pytest
from aws_cdk.assertions import Template

from infra.stateless import page_origins


def _api(template) -> dict:
    apis = template.find_resources("AWS::ApiGatewayV2::Api")
    assert len(apis) == 1
    return next(iter(apis.values()))["Properties"]


def test_without_configured_origins_no_origin_gets_cors(template, stages):
    # crosslive's own pages call the API same-origin through CloudFront (/v1/*)
    for region in stages:
        assert "CorsConfiguration" not in _api(template(region, "stateless"))


def test_configured_page_origins_are_the_only_ones_allowed(dns_stages):
    for stage in dns_stages.values():
        cors = _api(Template.from_stack(stage.stateless))["CorsConfiguration"]
        assert cors["AllowOrigins"] == ["https://shop.example", "https://www.shop.example"]
        assert "*" not in cors["AllowOrigins"]
        assert cors["AllowHeaders"] == ["authorization", "content-type", "idempotency-key"]


@pytest.mark.parametrize("bad", ["*", "http://shop.example", "https://shop.example/path", "shop.example"])
def test_a_wildcard_or_non_https_page_origin_is_refused_at_synth(bad):
    with pytest.raises(ValueError):
        page_origins(bad)
