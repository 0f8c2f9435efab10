"""The global DNS layer of the API: one name, answered by the nearest healthy region.

``api.<domain>`` is a Route 53 latency-based record in every region, each alias pointing at that
region's API Gateway custom domain and tied to a health check of the region's own API endpoint
(``/v1/routing/health``: API Gateway, Lambda and the routing function all up). Route 53 answers a
viewer with the lowest-latency region whose check passes, so a region that fails drops out of DNS
within ~30 s (10 s interval x 3 failures) plus the record's TTL.

This picks a *region* for API calls. Which *media node* a viewer plays from is decided by the
routing function (market preference, node heartbeats, load, measured RTT): a WebRTC session is
pinned to one node, which DNS or anycast cannot express. Enabled by context:
``-c crosslive:domain=shop.example -c crosslive:hostedZoneId=Z123...``.
"""

from __future__ import annotations

from aws_cdk import CfnOutput, Duration, Stack
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as targets
from constructs import Construct


class LatencyRoutedApi(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        api: apigwv2.HttpApi,
        stage: apigwv2.IHttpStage,
        domain: str,
        hosted_zone_id: str,
        region_name: str,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        zone = route53.HostedZone.from_hosted_zone_attributes(
            self, "Zone", hosted_zone_id=hosted_zone_id, zone_name=domain
        )
        self.name = f"api.{domain}"
        certificate = acm.Certificate(
            self, "Certificate", domain_name=self.name, validation=acm.CertificateValidation.from_dns(zone)
        )
        custom_domain = apigwv2.DomainName(self, "DomainName", domain_name=self.name, certificate=certificate)
        apigwv2.ApiMapping(self, "Mapping", api=api, domain_name=custom_domain, stage=stage)
        # The check targets this region's own execute-api endpoint, not the shared name, so it
        # measures this region and nothing DNS might send elsewhere.
        self.health_check = route53.HealthCheck(
            self,
            "Health",
            type=route53.HealthCheckType.HTTPS,
            fqdn=f"{api.http_api_id}.execute-api.{stack.region}.{stack.url_suffix}",
            resource_path="/v1/routing/health",
            request_interval=Duration.seconds(10),
            failure_threshold=3,
            measure_latency=True,
        )
        route53.ARecord(
            self,
            "Latency",
            zone=zone,
            record_name=self.name,
            target=route53.RecordTarget.from_alias(
                targets.ApiGatewayv2DomainProperties(
                    custom_domain.regional_domain_name, custom_domain.regional_hosted_zone_id
                )
            ),
            region=stack.region,
            set_identifier=f"crosslive-{region_name}",
            health_check=self.health_check,
        )
        CfnOutput(self, "ApiDomain", value=f"https://{self.name}")
