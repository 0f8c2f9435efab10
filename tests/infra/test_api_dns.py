"""With a hosted zone configured, each region answers api.<domain> by latency, gated by health."""

from __future__ import annotations

import pytest
from aws_cdk.assertions import Match, Template

from crosslive.regions import load_regions

REGIONS = {r.name: r for r in load_regions()}


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_each_region_has_a_latency_record_with_a_health_check(dns_stages, region):
    template = Template.from_stack(dns_stages[region].stateless)
    template.has_resource_properties(
        "AWS::Route53::RecordSet",
        {
            "Name": "api.shop.example.",
            "Type": "A",
            "Region": REGIONS[region].aws_region,
            "SetIdentifier": f"crosslive-{region}",
            "HealthCheckId": Match.any_value(),
            "AliasTarget": Match.any_value(),
        },
    )
    template.has_resource_properties(
        "AWS::Route53::HealthCheck",
        {
            "HealthCheckConfig": Match.object_like(
                {
                    "Type": "HTTPS",
                    "ResourcePath": "/v1/routing/health",
                    "RequestInterval": 10,
                    "FailureThreshold": 3,
                }
            )
        },
    )
    template.resource_count_is("AWS::CertificateManager::Certificate", 1)
    template.has_resource_properties("AWS::ApiGatewayV2::DomainName", {"DomainName": "api.shop.example"})


def test_without_a_domain_there_is_no_dns_layer(template):
    template("europe", "stateless").resource_count_is("AWS::Route53::RecordSet", 0)
