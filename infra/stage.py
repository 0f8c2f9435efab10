"""One CDK Stage per region file: its stateful stack and its stateless stack.

``zones`` are the residency zones of the region's origin group (``crosslive.regions.residency_zones``):
a zone's tables are created in the stateful stack of its home region, and every function is told
all of them (``CROSSLIVE_ZONES``) and may reach the zone tables its spec names.
"""

from __future__ import annotations

from aws_cdk import Environment, Stage, Tags
from constructs import Construct

from crosslive.regions import RegionConfig, ResidencyZone
from infra.nag import acknowledge, enable_nag
from infra.stateful import StatefulStack
from infra.stateless import StatelessStack


class RegionStage(Stage):
    def __init__(
        self,
        scope: Construct,
        region: RegionConfig,
        *,
        origin: RegionConfig,
        edges: list[RegionConfig],
        account: str | None,
        table_prefix: str,
        zones: tuple[ResidencyZone, ...] = (),
        nag: bool = True,
    ) -> None:
        env = Environment(account=region.account or account, region=region.aws_region)
        super().__init__(scope, region.stage_name, env=env)
        self.region_config = region
        self.stateful = StatefulStack(
            self,
            "Stateful",
            region=region,
            edges=edges,
            table_prefix=table_prefix,
            home_of=tuple(z for z in zones if z.home_name == region.name),
            description=f"crosslive {region.name}: tables and identity (retained)",
        )
        self.stateless = StatelessStack(
            self,
            "Stateless",
            region=region,
            origin=origin,
            stateful=self.stateful,
            origin_stateful=self.stateful if region.role == "origin" else None,
            table_prefix=table_prefix,
            zones=zones,
            description=f"crosslive {region.name}: functions, API, media fleet, routing",
        )
        self.stateless.add_stack_dependency(self.stateful)
        Tags.of(self).add("project", "crosslive")
        Tags.of(self).add("crosslive:region", region.name)
        Tags.of(self).add("crosslive:role", region.role)
        acknowledge(
            self,
            "AwsSolutions::AwsSolutions-L1",
            "Functions run on Python 3.11 because the bundle ships bytecode precompiled by the build's own "
            "CPython 3.11 (a 4x shorter cold start, measured in docs/benchmarks.md); LAMBDA_PYTHON_VERSION "
            "in infra/bundling.py moves to a newer runtime when the build machines have it.",
        )
        acknowledge(
            self,
            "AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
            "AWSLambdaBasicExecutionRole]",
            "Only CDK's own custom-resource provider (the deploy-time DescribeTable of each streamed replica "
            "and the pages deployment) uses this managed policy; crosslive's roles carry inline policies.",
        )
        if nag:
            enable_nag(self)
