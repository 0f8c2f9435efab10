"""The stateless stack of a region: every function as a Lambda behind one HTTP API.

Each function is the same shared code asset with its own handler (``functions.<name>.app.handler``)
and the environment ``functions.shared.config`` reads. The HTTP API routes ``/v1/<name>`` and
``/v1/<name>/{proxy+}`` to the function, the same paths the embedded gateway serves locally.
Authentication is verified inside each function against the Cognito user pool's JWKS (tokens
are verified, not trusted, on every route that needs them; public reads need none).
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import jsii
from aws_cdk import CfnOutput, Duration, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_ssm as ssm
from aws_cdk import custom_resources as cr
from constructs import Construct

from crosslive.regions import RegionConfig, ResidencyZone, zones_env
from functions import FUNCTIONS
from functions.shared import config as cfg
from functions.specs import SPECS, FunctionSpec
from infra.api_dns import LatencyRoutedApi
from infra.bundling import LAMBDA_RUNTIME, functions_code
from infra.deploy_context import (
    ZONE_API_KEY,
    origin_parameter,
    zone_output_id,
    zone_parameter,
    zones_signed_in,
    zones_with_api,
)
from infra.media_fleet import MediaFleet
from infra.nag import acknowledge
from infra.pages import Pages, execute_api_domain
from infra.secrets import ALL_SECRETS, import_secrets
from infra.sign_in import WebSignIn, ZoneSignIn
from infra.stateful import StatefulStack
from infra.tables import all_table_specs, physical_name, zoned_table_specs

READ_ACTIONS = [
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
]
WRITE_ACTIONS = [
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
]
STREAM_ACTIONS = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"]
# A function that needs more memory than the default below says so here.
MEMORY_MB: dict[str, int] = {
    # the dead-node sweep is CPU-bound (botocore's ~0.9-1.3 ms per viewer update, functions/insights/
    # sweep.py): 1769 MB is a whole vCPU, ~40,000-48,000 viewers closed per one-minute run instead of
    # ~23,000-30,000 (docs/benchmarks.md, "the dead-node sweep of a large room")
    "insights-sweep": 1769,
}
DEFAULT_MEMORY_MB = 1024  # more memory = more CPU: shorter cold starts for the same price per ms


@jsii.implements(apigwv2.IAccessLogSettings)
class _AccessLogs:
    """JSON access logs of the HTTP API's default stage into a retained log group."""

    def __init__(self, log_group: logs.ILogGroup) -> None:
        self._log_group = log_group

    @property
    def destination(self) -> apigwv2.IAccessLogDestination:
        return apigwv2.LogGroupLogDestination(self._log_group)

    @property
    def format(self) -> apigw.AccessLogFormat:
        return apigw.AccessLogFormat.json_with_standard_fields(
            caller=False,
            http_method=True,
            ip=True,
            protocol=True,
            request_time=True,
            resource_path=True,
            response_length=True,
            status=True,
            user=False,
        )


PAGE_ORIGINS = "crosslive:pageOrigins"


def page_origins(value: object) -> list[str]:
    """The ``crosslive:pageOrigins`` context: https origins (scheme and host, no path), no ``*``."""
    origins = [o.strip().rstrip("/") for o in str(value or "").split(",") if o.strip()]
    for origin in origins:
        parts = urlsplit(origin)
        if parts.scheme != "https" or not parts.hostname or parts.path or "*" in origin:
            raise ValueError(f"{PAGE_ORIGINS}: {origin!r} is not an https origin like https://shop.example")
    return origins


class StatelessStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        region: RegionConfig,
        origin: RegionConfig,
        stateful: StatefulStack,
        origin_stateful: StatefulStack | None,
        table_prefix: str,
        zones: tuple[ResidencyZone, ...] = (),
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        self.region_config = region
        self.zones = zones
        self.secrets = stateful.secrets if region.role == "origin" else import_secrets(self, table_prefix, origin.name)
        # The API before the functions: the origin's pages (and their sign-in client, whose id is
        # the token audience every function checks) need its address; routes come last.
        self.api = self._api()
        # The zones' sign-in: clients of the pools homed here, ids of the others from SSM.
        self.zone_sign_in = self._zone_sign_in(stateful, origin, table_prefix)
        # The zones' APIs, for the pages' /zones/<zone>/v1/* (a zone home also publishes its own).
        zone_apis = self._zone_apis(table_prefix)
        self.pages = (
            Pages(
                self,
                "Pages",
                region=region,
                api=self.api,
                stateful=origin_stateful,
                zone_sign_in=self.zone_sign_in,
                zones=zones,
                zone_apis=zone_apis,
            )
            if origin_stateful is not None
            else None
        )
        if self.pages is not None:
            self.zone_sign_in = self.pages.zone_sign_in
        issuer, audience = self._auth(origin, table_prefix)
        issuers = [
            {"issuer": issuer, "jwks_url": f"{issuer}/.well-known/jwks.json", "audience": audience, "markets": None},
            *(sign_in.issuer_entry() for sign_in in self.zone_sign_in),
        ]
        self.table_arns = self._tables(stateful)
        self.zone_table_arns = self._zone_tables(stateful, table_prefix)
        env = {
            cfg.ENV_STAGE: "prod",
            cfg.ENV_REGION_NAME: region.name,
            cfg.ENV_ROLE: region.role,
            cfg.ENV_HOME_AWS_REGION: origin.aws_region,
            cfg.ENV_MARKETS: ",".join(region.markets),
            cfg.ENV_PLUGINS: ",".join(region.plugins),
            cfg.ENV_TABLE_PREFIX: table_prefix,
            cfg.ENV_ZONES: zones_env(zones),
            cfg.ENV_AUTH_ISSUER: issuer,
            cfg.ENV_AUTH_AUDIENCE: audience,
            cfg.ENV_AUTH_JWKS_URL: f"{issuer}/.well-known/jwks.json",
            # every pool whose tokens this region accepts, each with the markets it may carry
            cfg.ENV_AUTH_ISSUERS: json.dumps(issuers, separators=(",", ":")),
            "POWERTOOLS_METRICS_NAMESPACE": "crosslive",
            "POWERTOOLS_LOG_LEVEL": "INFO",
        }
        self.functions: dict[str, lambda_.Function] = {}
        specs = {spec.name: spec for spec in SPECS}
        for name in FUNCTIONS:  # the API's functions, each from its spec (functions/specs.py)
            self.functions[name] = self._function(specs[name], env, stateful, origin, table_prefix)
        stun = self.node.try_get_context("crosslive:stunServers") or "stun:stun.l.google.com:19302"
        self.media_fleet = MediaFleet(
            self,
            "Media",
            region=region,
            env=env,
            table_prefix=table_prefix,
            secrets=self.secrets,
            stun_servers=stun,
            insights_url=self._insights_url(origin, table_prefix),
            page_origins=self._media_page_origins(origin, table_prefix),
            zones=zones,
        )
        self._stream_consumers(stateful, env, origin, table_prefix)
        self._scheduled(stateful, env, origin, table_prefix)
        self._routes()

    # -- pieces -------------------------------------------------------------------------------

    def _auth(self, origin: RegionConfig, table_prefix: str) -> tuple[str, str]:
        """Issuer and audience of the tokens: the origin's user pool and the pages' app client.

        In the origin they are references within this stage. An edge is another stage (CDK cannot
        reference across stages): it reads them from SSM parameters in its own region, which
        ``crosslive deploy`` writes from the origin's outputs before deploying the edge. They are
        CloudFormation parameters whose default is the parameter's name, so nothing is copied by hand.
        """
        if self.pages is not None and self.pages.sign_in is not None:
            pool_id = self.pages.sign_in.user_pool.user_pool_id
            client_id = self.pages.sign_in.client.user_pool_client_id
        else:
            pool_id, client_id = (
                ssm.StringParameter.value_for_string_parameter(self, origin_parameter(table_prefix, origin.name, key))
                for key in ("user-pool-id", "web-client-id")
            )
        return f"https://cognito-idp.{origin.aws_region}.amazonaws.com/{pool_id}", client_id

    def _insights_url(self, origin: RegionConfig, table_prefix: str) -> str:
        """Where this region's media nodes post their insights feed: the origin region's API.

        The insights tables are global tables written with ``ADD`` counters; counter updates made
        in two regions at once would be lost to last-writer-wins, so every node feeds the origin
        (``docs/insights.md``). The origin's own API address in the origin; an edge reads it from
        the SSM parameter ``crosslive deploy`` writes from the origin's ``ApiUrl`` output, as it
        does the user pool.
        """
        if self.region_config.role == "origin":
            return self.api_url
        return ssm.StringParameter.value_for_string_parameter(
            self, origin_parameter(table_prefix, origin.name, "api-url")
        )

    def _media_page_origins(self, origin: RegionConfig, table_prefix: str) -> list[str]:
        """The page origins the region's media nodes allow by CORS: the stage's pages (this stack's
        CloudFront distribution in the origin; in an edge, the origin's, from the SSM parameter
        ``crosslive deploy`` writes) and the configured ``crosslive:pageOrigins``. Never ``*``."""
        pages = (
            self.pages.origin
            if self.pages is not None
            else ssm.StringParameter.value_for_string_parameter(
                self, origin_parameter(table_prefix, origin.name, "pages-origin")
            )
        )
        return [pages, *page_origins(self.node.try_get_context(PAGE_ORIGINS))]

    def _zone_sign_in(self, stateful: StatefulStack, origin: RegionConfig, table_prefix: str) -> list[ZoneSignIn]:
        """Each zone's user pool and web app client, as this region knows them.

        In the zone's home the pool is in this stage's stateful stack and its web client is created
        here, calling back to the origin's pages (their address from SSM, published by ``crosslive
        deploy``; in an origin that is itself the home, the pages create it). Elsewhere the
        ids come from SSM parameters the deploy tool writes from the home's outputs, for the zones
        it has published (``crosslive:zoneSignIn``); a zone not yet published is left out, so its
        tokens are refused here until the next deploy of this stage.
        """
        found: list[ZoneSignIn] = []
        published = {z.name for z in zones_signed_in(self, self.zones)}
        for zone in self.zones:
            homed = stateful.zone_pools.get(zone.name)
            if homed is not None:
                if self.region_config.role == "origin":
                    continue  # the pages create its client beside their own (infra/pages.py)
                pool, domain = homed
                pages_url = ssm.StringParameter.value_for_string_parameter(
                    self, origin_parameter(table_prefix, origin.name, "pages-origin")
                )
                client = WebSignIn(self, f"SignIn-{zone.name}", user_pool=pool, pages_url=pages_url).client
                CfnOutput(self, zone_output_id(zone.name, "WebClientId"), value=client.user_pool_client_id)
                found.append(ZoneSignIn(zone, pool.user_pool_id, client.user_pool_client_id, domain.base_url()))
            elif zone.name in published:
                # the hosted UI's address only where the pages are (the origin)
                pages_here = self.region_config.role == "origin"
                keys = ("user-pool-id", "web-client-id", *(("hosted-ui",) if pages_here else ()))
                ids = [
                    ssm.StringParameter.value_for_string_parameter(self, zone_parameter(table_prefix, zone.name, key))
                    for key in keys
                ]
                found.append(ZoneSignIn(zone, ids[0], ids[1], ids[2] if len(ids) > 2 else ""))
        return found

    def _zone_apis(self, table_prefix: str) -> dict[str, str]:
        """Zone name -> its home's API domain, for the zones whose address the pages know.

        Each zone's home publishes its API's domain as an output (``ZoneEuApiDomain``); the deploy
        tool copies it into SSM (``/crosslive/zone/eu/api-domain``) and the origin's pages read it in
        their next deploy (``crosslive:zoneApi``), as they do the zone's pool. A zone homed in this
        region is this stack's own API; a zone not yet published is left out (the pages say so).
        """
        homed = [z for z in self.zones if z.home_name == self.region_config.name]
        for zone in homed:
            CfnOutput(self, zone_output_id(zone.name, "ApiDomain"), value=execute_api_domain(self.api))
        if self.region_config.role != "origin":
            return {}
        published = {z.name for z in zones_with_api(self, self.zones)}
        return {
            zone.name: (
                execute_api_domain(self.api)
                if zone in homed
                else ssm.StringParameter.value_for_string_parameter(
                    self, zone_parameter(table_prefix, zone.name, ZONE_API_KEY)
                )
            )
            for zone in self.zones
            if zone in homed or zone.name in published
        }

    def _tables(self, stateful: StatefulStack) -> dict[str, list[str]]:
        """Table short name -> ARNs of the table and each of its named indexes in this region."""
        arns: dict[str, list[str]] = {}
        specs = {spec.short_name: spec for spec in all_table_specs()}
        for short, name in sorted(stateful.table_names.items()):
            table = stateful.tables.get(short)
            # A replica of the origin's global table has the same name in this region.
            arn = (
                table.table_arn
                if table is not None
                else self.format_arn(service="dynamodb", resource="table", resource_name=name)
            )
            arns[short] = [arn, *(f"{arn}/index/{index.name}" for index in specs[short].indexes)]
        return arns

    def _zone_tables(self, stateful: StatefulStack, table_prefix: str) -> dict[str, list[str]]:
        """Zoned table short name -> ARNs (tables and indexes) of every zone's copy in its home region.

        Zone writes and reads go to the zone home from every region (functions/shared/zones.py), so
        every region's functions may reach them there; the home's own stack refers to its tables.
        """
        arns: dict[str, list[str]] = {}
        for spec in zoned_table_specs():
            for zone in self.zones:
                table = stateful.zone_tables.get((zone.name, spec.short_name))
                arn = (
                    table.table_arn
                    if table is not None
                    else self.format_arn(
                        service="dynamodb",
                        region=zone.home,
                        resource="table",
                        resource_name=physical_name(table_prefix, spec, zone.name),
                    )
                )
                arns.setdefault(spec.short_name, []).extend(
                    [arn, *(f"{arn}/index/{index.name}" for index in spec.indexes)]
                )
        return arns

    def _function(
        self, spec: FunctionSpec, env: dict[str, str], stateful: StatefulStack, origin: RegionConfig, table_prefix: str
    ) -> lambda_.Function:
        """The Lambda of ``spec`` with a role granting exactly what the spec says (least privilege)."""
        name = spec.name
        plugins = tuple(self.region_config.plugins)
        log_group = logs.LogGroup(self, f"Logs-{name}", retention=logs.RetentionDays.ONE_MONTH)
        role = iam.Role(self, f"Role-{name}", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
        log_group.grant_write(role)
        function = lambda_.Function(
            self,
            f"Fn-{name}",
            runtime=LAMBDA_RUNTIME,
            architecture=lambda_.Architecture.X86_64,
            code=functions_code(name, plugins),
            handler=spec.handler,
            memory_size=spec.memory_mb_in(plugins, MEMORY_MB.get(name, DEFAULT_MEMORY_MB)),
            timeout=Duration.seconds(spec.timeout_seconds_in(plugins)),
            environment={**env, "POWERTOOLS_SERVICE_NAME": name},
            log_group=log_group,
            role=role,
            tracing=lambda_.Tracing.ACTIVE,
            description=f"crosslive {name} ({self.region_config.name})",
        )
        reads = [t for t in spec.reads if t not in spec.writes]
        for tables, actions in ((reads, READ_ACTIONS), (spec.writes, READ_ACTIONS + WRITE_ACTIONS)):
            if tables:
                # this region's tables, and each zone's copy of the zoned ones among them
                resources = [arn for table in tables for arn in self.table_arns[table]]
                resources += [arn for table in tables for arn in self.zone_table_arns.get(table, [])]
                function.add_to_role_policy(iam.PolicyStatement(actions=actions, resources=resources))
        if spec.home_region_writes and self.region_config.role == "edge":
            self._home_region_access(function, spec, origin, table_prefix)
        aws_actions = spec.aws_actions_in(plugins)  # a plugin's only where it is enabled
        if aws_actions:
            function.add_to_role_policy(iam.PolicyStatement(actions=list(aws_actions), resources=["*"]))
        for secret_def in ALL_SECRETS:
            if secret_def.key in spec.secrets:
                secret = self.secrets[secret_def.key]
                function.add_environment(secret_def.env, secret.secret_arn)
                secret.grant_read(function)
        acknowledge(
            role,
            "AwsSolutions::AwsSolutions-IAM5[Resource::*]",
            "Resource '*' only for X-Ray trace writes (tracing) and Translate/Comprehend calls: these "
            "actions support no resource-level permissions. Table access lists exact table and index ARNs.",
        )
        return function

    def _home_region_access(
        self, function: lambda_.Function, spec: FunctionSpec, origin: RegionConfig, table_prefix: str
    ) -> None:
        """Coupon state is written only in the campaign home region (the origin), so that stock
        cannot be oversold by last-writer-wins replication: from an edge, the function reaches
        the origin's tables its spec names (``home_region_writes``) across regions."""
        arns: list[str] = []
        for table in all_table_specs():
            if table.short_name in spec.home_region_writes:
                arn = self.format_arn(
                    service="dynamodb",
                    region=origin.aws_region,
                    resource="table",
                    resource_name=f"{table_prefix}-{table.short_name}",
                )
                arns.append(arn)
                arns.extend(f"{arn}/index/{index.name}" for index in table.indexes)
        function.add_to_role_policy(iam.PolicyStatement(actions=READ_ACTIONS + WRITE_ACTIONS, resources=arns))

    def _stream_arn(self, stateful: StatefulStack, short: str, table_prefix: str) -> str:
        """The stream ARN of table ``short`` in this region.

        A table of this stack's own stateful stack (the origin's global tables, every region's
        regional tables) has it as an attribute. In an edge, a replicated table is the origin's
        global table's replica, whose stream ARN only exists once replicated: read at deploy time
        (DescribeTable on that exact table).
        """
        table = stateful.tables.get(short)
        if table is not None and table.table_stream_arn:
            return table.table_stream_arn
        name = f"{table_prefix}-{short}"
        construct_id = "".join(part.capitalize() for part in short.split("-")) + "StreamArn"
        lookup = cr.AwsCustomResource(
            self,
            construct_id,
            on_update=cr.AwsSdkCall(
                service="DynamoDB",
                action="describeTable",
                parameters={"TableName": name},
                physical_resource_id=cr.PhysicalResourceId.of(f"{name}-stream"),
                output_paths=["Table.LatestStreamArn"],
            ),
            policy=cr.AwsCustomResourcePolicy.from_sdk_calls(
                resources=[self.format_arn(service="dynamodb", resource="table", resource_name=name)]
            ),
            install_latest_aws_sdk=False,
        )
        return lookup.get_response_field("Table.LatestStreamArn")

    def _stream_consumers(
        self, stateful: StatefulStack, env: dict[str, str], origin: RegionConfig, table_prefix: str
    ) -> None:
        """Functions fed by this region's table streams (specs with ``streams``).

        The fan-out (``functions.fanout``) reads the stream of every table whose model says
        ``stream=True`` (comment events and the viewers' live ``room``/``stage``/``campaign``
        signals): one Lambda, one event source mapping per table. These are global tables: every
        replica's stream carries every region's writes, so each region's fan-out pushes to its own
        nodes (no explicit relay). The toxicity screen exists where one of its plugins is enabled
        (``enabled_by``: ``comprehend-toxicity``, ``learned-toxicity``), with what those need; the
        insights consumer only in the origin (``origin_only``: it would count each event once per
        region otherwise). A residency zone's tables are streamed in the zone's home only, where
        the same functions consume them (the insights consumer too, fed by the zone's streams
        alone when the home is an edge). A spec with ``zone_streams`` is fed by zone copies only,
        so it exists in zone homes only (insights' zone figures: a zone's data counted inside
        the zone), each mapping with its batching window. IAM lists each exact stream ARN, never
        a wildcard.
        """
        stream_arns: dict[str, str] = {}
        homed = [z for z in self.zones if z.home_name == self.region_config.name]
        for spec in SPECS:
            if not (spec.streams or spec.zone_streams) or not spec.enabled_in(self.region_config.plugins):
                continue
            sources: list[tuple[str, str, int]] = []  # (event source construct id, stream ARN, batching window s)
            # e.g. insights: global tables' streams carry every region's writes to the origin
            if spec.streams and (not spec.origin_only or self.region_config.role == "origin"):
                for table in spec.streams:
                    if table not in stream_arns:
                        stream_arns[table] = self._stream_arn(stateful, table, table_prefix)
                    # The comments mapping keeps its original construct id (no replacement on deploy).
                    construct_id = f"Stream-{spec.name}" if table == "comments" else f"Stream-{spec.name}-{table}"
                    sources.append((construct_id, stream_arns[table], 0))
            # A zone's tables are streamed in its home only: the same code consumes them there.
            for zone in homed:
                for table, window in [*((t, 0) for t in spec.streams), *spec.zone_streams]:
                    zone_table = stateful.zone_tables.get((zone.name, table))
                    if zone_table is not None and zone_table.table_stream_arn:
                        sources.append((f"Stream-{spec.name}-{zone.name}-{table}", zone_table.table_stream_arn, window))
            if not sources:
                continue
            function = self._function(spec, env, stateful, origin, table_prefix)
            arns = [arn for _, arn, _ in sources]
            function.add_to_role_policy(iam.PolicyStatement(actions=STREAM_ACTIONS, resources=arns))
            for construct_id, arn, window in sources:
                function.add_event_source_mapping(
                    construct_id,
                    event_source_arn=arn,
                    starting_position=lambda_.StartingPosition.LATEST,
                    batch_size=100,
                    max_batching_window=Duration.seconds(window) if window else None,
                    retry_attempts=2,
                    bisect_batch_on_error=True,
                    report_batch_item_failures=False,
                )
            self.functions[spec.name] = function

    def _scheduled(self, stateful: StatefulStack, env: dict[str, str], origin: RegionConfig, table_prefix: str) -> None:
        """Functions invoked on a schedule (specs with ``schedule_minutes``): an EventBridge rule each.

        The dead-node sweep (``functions.insights.sweep``) is one: it runs every minute in the origin
        only (``origin_only``), where the node registry is. A run that overlaps the next is harmless
        (every close is conditional), and the function stops starting new work before its timeout.
        """
        for spec in SPECS:
            if spec.schedule_minutes is None or (spec.origin_only and self.region_config.role != "origin"):
                continue
            if not spec.enabled_in(self.region_config.plugins):
                continue
            function = self._function(spec, env, stateful, origin, table_prefix)
            rule = events.Rule(
                self,
                f"Schedule-{spec.name}",
                schedule=events.Schedule.rate(Duration.minutes(spec.schedule_minutes)),
                description=f"crosslive {spec.name} every {spec.schedule_minutes} min",
            )
            rule.add_target(targets.LambdaFunction(function, retry_attempts=0))  # the next run retries
            self.functions[spec.name] = function

    def _api(self) -> apigwv2.HttpApi:
        """The HTTP API. No CORS for any origin by default: crosslive's own pages call it
        same-origin through CloudFront (``/v1/*``). A shop's own pages on other origins are listed
        with ``-c crosslive:pageOrigins=https://shop.example,https://www.shop.example``; only those
        get CORS answers, so another site's page cannot use a viewer's token from the browser."""
        origins = page_origins(self.node.try_get_context(PAGE_ORIGINS))
        cors = (
            apigwv2.CorsPreflightOptions(
                allow_origins=origins,
                allow_methods=[apigwv2.CorsHttpMethod.ANY],
                allow_headers=["authorization", "content-type", "idempotency-key"],
                max_age=Duration.hours(1),
            )
            if origins
            else None
        )
        api = apigwv2.HttpApi(
            self,
            "Api",
            api_name=f"crosslive-{self.region_config.name}",
            create_default_stage=False,
            cors_preflight=cors,
        )
        access_logs = logs.LogGroup(self, "ApiAccessLogs", retention=logs.RetentionDays.ONE_MONTH)
        stage = apigwv2.HttpStage(
            self,
            "DefaultStage",
            http_api=api,
            stage_name="$default",
            auto_deploy=True,
            throttle=apigwv2.ThrottleSettings(rate_limit=5000, burst_limit=2000),
            access_log_settings=_AccessLogs(access_logs),
        )
        acknowledge(
            api,
            "AwsSolutions::AwsSolutions-APIG4",
            "Every function verifies the Cognito JWT itself (signature, issuer, audience, expiry) and checks "
            "roles on each mutating route; public reads (rooms, comments, markets) need no token, which a "
            "gateway authorizer on the {proxy+} routes could not express.",
        )
        self.api_url = stage.url or api.api_endpoint
        CfnOutput(self, "ApiUrl", value=self.api_url)
        domain = self.node.try_get_context("crosslive:domain")
        zone_id = self.node.try_get_context("crosslive:hostedZoneId")
        self.api_dns = (
            LatencyRoutedApi(
                self,
                "ApiDns",
                api=api,
                stage=stage,
                domain=domain,
                hosted_zone_id=zone_id,
                region_name=self.region_config.name,
            )
            if domain and zone_id
            else None
        )
        return api

    def _routes(self) -> None:
        """``/v1/<name>`` and ``/v1/<name>/{proxy+}`` to each function, the embedded gateway's paths."""
        for name in FUNCTIONS:
            function = self.functions[name]
            integration = integrations.HttpLambdaIntegration(f"Integration-{name}", function)
            for path in (f"/v1/{name}", f"/v1/{name}/{{proxy+}}"):
                self.api.add_routes(path=path, methods=[apigwv2.HttpMethod.ANY], integration=integration)
