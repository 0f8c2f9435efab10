"""The merchant console and viewer page in AWS: S3 + CloudFront, same paths as the embedded platform.

One distribution serves the static pages from a private bucket (origin access control) and
forwards ``/v1/*`` to the region's HTTP API, so the pages call their own origin exactly as they
do locally (``config.json`` says ``"api": ""``) and need no CORS. A CloudFront Function maps the
page routes (``/console``, ``/watch``, ``/watch/<room>``) to their files, as the local gateway does.

Each data-residency zone's API has its own path on the same origin, ``/zones/<zone>/v1/*``: a
behavior whose origin is the zone home's HTTP API (a CloudFront Function strips the prefix), with
the ``/v1/*`` behavior's policies. A zone's exports are produced only inside the zone
(docs/residency.md, "Exports"), so the console fetches them there, still same-origin. The home's
API domain comes from SSM once ``crosslive deploy`` has published it; until then the zone has no
behavior, and its ``config.json`` entry has no ``api`` but a ``pending`` sentence.

Sign-in: the pages' Cognito app client (``infra/sign_in.py``) is created here, beside the
distribution whose address is its callback URL; ``config.json`` carries the hosted-UI address, the
pool and the client id. The pages' Content-Security-Policy is CloudFront's response-headers policy
(``PAGES_CSP``): the same rules as the embedded platform's, except that in AWS the pages may call
only https/wss (the media nodes serve TLS with a domain) and the hosted UI's token endpoint.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from aws_cdk import CfnElement, CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from constructs import Construct

from crosslive.regions import RegionConfig, ResidencyZone
from infra.deploy_context import zone_output_id
from infra.nag import acknowledge, partition_in_findings
from infra.sign_in import WebSignIn, ZoneSignIn

if TYPE_CHECKING:
    from infra.stateful import StatefulStack

REPO_ROOT = Path(__file__).resolve().parent.parent
# Scripts, styles and frames only from the pages' own origin; API, media nodes, push sockets and the
# hosted UI's token endpoint over TLS only. No 'unsafe-inline', no eval.
PAGES_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
    "media-src 'self' blob:; connect-src 'self' https: wss:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
ROUTES_FUNCTION = """
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === "/console") { request.uri = "/web/console.html"; }
  else if (uri === "/watch" || uri.indexOf("/watch/") === 0) { request.uri = "/web/watch.html"; }
  else if (uri === "/") { request.uri = "/web/watch.html"; }
  return request;
}
"""

ZONES_PATH = "/zones/"
# /zones/<zone>/v1/... -> /v1/...: the zone home's API serves the paths the embedded gateway does.
ZONE_PREFIX_FUNCTION = """
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.indexOf("/zones/") === 0) {
    var rest = uri.indexOf("/", 7);
    if (rest > 7) { request.uri = uri.substring(rest); }
  }
  return request;
}
"""

ZONE_API_PENDING = (
    "zone {zone}'s API address is published by `crosslive deploy` once its home ({home}) is deployed; "
    "these pages learn it in the origin's next deploy"
)


def execute_api_domain(api: apigwv2.HttpApi) -> str:
    """The HTTP API's own domain (``<id>.execute-api.<region>.amazonaws.com``): a CloudFront origin."""
    stack = Stack.of(api)
    return f"{api.http_api_id}.execute-api.{stack.region}.{stack.url_suffix}"


def zone_api_path(zone: str) -> str:
    """The pages' base of a zone's API (``config.json`` ``zones.<zone>.api``)."""
    return f"{ZONES_PATH}{zone}"


class Pages(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        region: RegionConfig,
        api: apigwv2.HttpApi,
        stateful: StatefulStack | None = None,
        zone_sign_in: list[ZoneSignIn] | None = None,
        zones: tuple[ResidencyZone, ...] = (),
        zone_apis: dict[str, str] | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        logs_bucket = s3.Bucket(
            self,
            "AccessLogs",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            encryption=s3.BucketEncryption.S3_MANAGED,
            object_ownership=s3.ObjectOwnership.OBJECT_WRITER,
            removal_policy=RemovalPolicy.RETAIN,
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(90))],
        )
        acknowledge(
            logs_bucket,
            "AwsSolutions::AwsSolutions-S1",
            "This is the access-log bucket itself; logging it into itself would loop.",
        )
        bucket = s3.Bucket(
            self,
            "Site",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            encryption=s3.BucketEncryption.S3_MANAGED,
            server_access_logs_bucket=logs_bucket,
            server_access_logs_prefix="site/",
            removal_policy=RemovalPolicy.RETAIN,
            versioned=True,
        )
        routes = cloudfront.Function(
            self,
            "Routes",
            code=cloudfront.FunctionCode.from_inline(ROUTES_FUNCTION),
            runtime=cloudfront.FunctionRuntime.JS_2_0,
        )
        zone_apis = dict(zone_apis or {})
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment=f"crosslive pages ({region.name})",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                function_associations=[
                    cloudfront.FunctionAssociation(
                        function=routes, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST
                    )
                ],
                response_headers_policy=self._headers(),
            ),
            additional_behaviors={
                "/v1/*": self._api_behavior(execute_api_domain(api)),
                **self._zone_behaviors(zone_apis),
            },
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            enable_logging=True,
            log_bucket=logs_bucket,
            log_file_prefix="cloudfront/",
        )
        acknowledge(
            self.distribution,
            "AwsSolutions::AwsSolutions-CFR1",
            "Live shows are sold across many markets on purpose; which markets a viewer may use is "
            "decided per room by the market plugins, not by a geo block on the pages.",
        )
        acknowledge(
            self.distribution,
            "AwsSolutions::AwsSolutions-CFR2",
            "WAF is an operator choice per deployment (cost, rules); API abuse is limited by the HTTP "
            "API's throttling and per-user rate limits in the functions.",
        )
        acknowledge(
            self.distribution,
            "AwsSolutions::AwsSolutions-CFR4",
            "Without a custom domain the distribution uses the default CloudFront certificate, whose "
            "minimum protocol CloudFront fixes; with a domain the TLSv1.2_2021 policy set here applies.",
        )
        pages_url = f"https://{self.distribution.distribution_domain_name}"
        self.sign_in: WebSignIn | None = None
        auth: dict[str, object] | None = None
        if stateful is not None and stateful.user_pool is not None and stateful.user_pool_domain is not None:
            self.sign_in = WebSignIn(self, "SignIn", user_pool=stateful.user_pool, pages_url=pages_url)
            auth = {
                "hosted_ui": stateful.user_pool_domain.base_url(),
                "user_pool_id": stateful.user_pool.user_pool_id,
                "client_id": self.sign_in.client.user_pool_client_id,
                "scopes": "openid email profile",
            }
            CfnOutput(stack, "WebClientId", value=self.sign_in.client.user_pool_client_id)
        # Each residency zone's pool (infra/stateful.py): its client is made here when the zone's home
        # is this origin, else in the home's stateless stack; the sign-in page picks a pool by market.
        self.zone_sign_in = list(zone_sign_in or [])
        for zone in stateful.home_of if stateful is not None else ():
            pool, domain = stateful.zone_pools[zone.name]  # type: ignore[union-attr]
            client = WebSignIn(self, f"SignIn-{zone.name}", user_pool=pool, pages_url=pages_url).client
            CfnOutput(stack, zone_output_id(zone.name, "WebClientId"), value=client.user_pool_client_id)
            self.zone_sign_in.append(ZoneSignIn(zone, pool.user_pool_id, client.user_pool_client_id, domain.base_url()))
        if auth is not None:
            auth["pools"] = [sign_in.page_entry() for sign_in in self.zone_sign_in]
        # Same layout as the embedded platform: /web/..., /media-static/..., /config.json.
        config: dict[str, object] = {
            "api": "",
            "region": region.name,
            "local_issuer": None,
            "auth": auth,
            "services": {},
            # each zone's API on this origin, for its exports; until its address is published, no
            # "api" (BucketDeployment's JSON drops nulls) and "pending" says why
            "zones": {
                zone.name: {
                    **(
                        {"api": zone_api_path(zone.name)}
                        if zone.name in zone_apis
                        else {"pending": ZONE_API_PENDING.format(zone=zone.name, home=zone.home_name)}
                    ),
                    "markets": list(zone.markets),
                    "regions": list(zone.regions),
                }
                for zone in zones
            },
        }
        for index, (source, prefix) in enumerate(
            (
                (s3deploy.Source.asset(str(REPO_ROOT / "web")), "web/"),
                (s3deploy.Source.asset(str(REPO_ROOT / "media_nodes" / "static")), "media-static/"),
                (s3deploy.Source.json_data("config.json", config), ""),
            )
        ):
            s3deploy.BucketDeployment(
                self,
                f"Deploy{index}",
                destination_bucket=bucket,
                sources=[source],
                destination_key_prefix=prefix,
                prune=bool(prefix),
                distribution=self.distribution,
                distribution_paths=[f"/{prefix}*"],
            )
        # CDK's BucketDeployment provider is one singleton function per stack; acknowledge its
        # wildcard findings there, one by one, and nowhere else.
        partition = partition_in_findings(stack)
        provider = next(c for c in stack.node.children if c.node.id.startswith("Custom::CDKBucketDeployment"))
        wildcard_findings = [
            "Action::s3:Abort*",
            "Action::s3:DeleteObject*",
            "Action::s3:GetBucket*",
            "Action::s3:GetObject*",
            "Action::s3:List*",
            "Resource::*",
            f"Resource::<{stack.get_logical_id(cast(CfnElement, bucket.node.default_child))}.Arn>/*",
            f"Resource::arn:{partition}:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-{stack.region}/*",
        ]
        for finding in wildcard_findings:
            acknowledge(
                provider,
                f"AwsSolutions::AwsSolutions-IAM5[{finding}]",
                "CDK's BucketDeployment provider syncs the pages from the asset bucket into the site bucket "
                "(and invalidates CloudFront, which has no resource-level permissions); it serves nothing else.",
            )
        CfnOutput(self, "PagesUrl", value=pages_url)
        # The pages' origin, by a stable key: each edge's media nodes allow it by CORS (``crosslive
        # deploy`` copies it to the edge's SSM parameter ``pages-origin``, infra/deploy_context.py).
        self.origin = pages_url
        CfnOutput(stack, "PagesOrigin", value=pages_url)

    @staticmethod
    def _api_behavior(domain: str, function: cloudfront.IFunction | None = None) -> cloudfront.BehaviorOptions:
        """An HTTP API behind the pages: HTTPS only, every method, nothing cached, every viewer
        header but Host (API Gateway answers only its own name) forwarded with the query string."""
        return cloudfront.BehaviorOptions(
            origin=origins.HttpOrigin(domain, protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY),
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
            allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
            cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
            origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
            function_associations=(
                None
                if function is None
                else [
                    cloudfront.FunctionAssociation(
                        function=function, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST
                    )
                ]
            ),
        )

    def _zone_behaviors(self, zone_apis: dict[str, str]) -> dict[str, cloudfront.BehaviorOptions]:
        """``/zones/<zone>/v1/*`` -> the zone home's API, the prefix stripped (one function for all)."""
        if not zone_apis:
            return {}
        strip = cloudfront.Function(
            self,
            "ZonePrefix",
            code=cloudfront.FunctionCode.from_inline(ZONE_PREFIX_FUNCTION),
            runtime=cloudfront.FunctionRuntime.JS_2_0,
        )
        return {
            f"{zone_api_path(zone)}/v1/*": self._api_behavior(domain, strip)
            for zone, domain in sorted(zone_apis.items())
        }

    def _headers(self) -> cloudfront.ResponseHeadersPolicy:
        """CSP, HSTS, nosniff, no referrer, frame denial: the embedded platform's page headers, in CloudFront."""
        return cloudfront.ResponseHeadersPolicy(
            self,
            "Headers",
            comment="crosslive pages: CSP and security headers",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=PAGES_CSP, override=True
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True
                ),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.NO_REFERRER, override=True
                ),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=Duration.days(365), include_subdomains=True, override=True
                ),
            ),
        )
