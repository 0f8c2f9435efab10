"""The stateful stack of a region: its DynamoDB tables and (in the origin) the user pool; in a
residency zone's home also the zone's copies of the zoned tables and the zone's user pool.

Stateful resources live apart from the stateless ones so that functions, APIs and nodes can be
replaced freely while tables and identities are retained: ``RETAIN_ON_UPDATE_OR_DELETE`` plus
deletion protection. "On update or delete" matters for a first deploy: if creating the stack fails
(an opt-in region not enabled, a quota), CloudFormation deletes what it created instead of leaving
retained tables and secrets whose names make every retry fail with "already exists". Deletion
protection is off only while ``crosslive deploy`` creates the stack (``infra/deploy_context.py``).

The web app client, whose callback URLs are the pages' CloudFront address, is created with the
pages in the origin's stateless stack (``infra/sign_in.py``); the pool and its hosted-UI domain are here.
"""

from __future__ import annotations

from aws_cdk import CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

from crosslive.regions import RegionConfig, ResidencyZone
from infra.deploy_context import deletion_protection, zone_output_id, zone_replica_regions
from infra.nag import acknowledge
from infra.secrets import create_secrets
from infra.tables import all_table_specs, create_table, physical_name, zoned_table_specs

ROLE_GROUPS = ("viewer", "merchant", "moderator", "admin")


class StatefulStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        region: RegionConfig,
        edges: list[RegionConfig],
        table_prefix: str,
        home_of: tuple[ResidencyZone, ...] = (),
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        protect = deletion_protection(self)
        self.home_of = home_of
        self.tables: dict[str, dynamodb.ITableV2] = {}
        self.table_names: dict[str, str] = {}
        replica_regions = sorted(e.aws_region for e in edges)
        for spec in all_table_specs():
            name = physical_name(table_prefix, spec)
            self.table_names[spec.short_name] = name
            if spec.replicated and region.role == "edge":
                continue  # the origin's global table has a replica here; the stateless stack refers to it by name
            replicas = replica_regions if (spec.replicated and region.role == "origin") else []
            self.tables[spec.short_name] = create_table(self, table_prefix, spec, replicas, protect=protect)
        # The copies of the zoned tables of each zone homed here (docs/residency.md): created in the
        # zone home, replicated only to the zone's other regions (a regional table: home only).
        self.zone_tables: dict[tuple[str, str], dynamodb.ITableV2] = {}
        for zone in home_of:
            zone_replicas = zone_replica_regions(self, zone)
            for spec in zoned_table_specs():
                self.zone_tables[(zone.name, spec.short_name)] = create_table(
                    self,
                    table_prefix,
                    spec,
                    zone_replicas if spec.replicated else [],
                    protect=protect,
                    zone=zone.name,
                )

        # Edges read the replicas' complete ARNs in their stateless stack (infra/secrets.py).
        self.secrets = create_secrets(self, table_prefix, replica_regions) if region.role == "origin" else {}
        self.user_pool: cognito.UserPool | None = None
        self.user_pool_domain: cognito.UserPoolDomain | None = None
        domain_prefix = self.node.try_get_context("crosslive:authDomainPrefix") or f"{table_prefix}-{self.account}"
        if region.role == "origin":
            self.user_pool, self.user_pool_domain = self._identity("Users", domain_prefix, protect)
            CfnOutput(self, "UserPoolId", value=self.user_pool.user_pool_id)
            CfnOutput(self, "HostedUiUrl", value=self.user_pool_domain.base_url())
        # A zone's people sign up in the zone's own pool, in its home (their emails stay in the zone);
        # the same settings as the default pool. Its web app client is in this stage's stateless stack.
        self.zone_pools: dict[str, tuple[cognito.UserPool, cognito.UserPoolDomain]] = {}
        for zone in home_of:
            pool, domain = self._identity(f"Users-{zone.name}", f"{domain_prefix}-{zone.name}", protect)
            self.zone_pools[zone.name] = (pool, domain)
            CfnOutput(self, zone_output_id(zone.name, "UserPoolId"), value=pool.user_pool_id)
            CfnOutput(self, zone_output_id(zone.name, "HostedUiUrl"), value=domain.base_url())

    def _identity(
        self, construct_id: str, domain_prefix: str, protect: bool
    ) -> tuple[cognito.UserPool, cognito.UserPoolDomain]:
        """A Cognito user pool with its hosted-UI domain: viewers, merchants, moderators, admins.

        One for the default zone in the origin, one per residency zone in the zone's home.
        """
        pool = cognito.UserPool(
            self,
            construct_id,
            self_sign_up_enabled=True,
            sign_in_aliases=cognito.SignInAliases(email=True),
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            password_policy=cognito.PasswordPolicy(
                min_length=10,
                require_digits=True,
                require_lowercase=True,
                require_uppercase=True,
                require_symbols=True,
                temp_password_validity=Duration.days(3),
            ),
            # Mutable for trusted admin flows (AdminUpdateUserAttributes) only: the web app client may
            # read it but not write it (infra/sign_in.py), so a viewer cannot pick their own market.
            custom_attributes={"market": cognito.StringAttribute(min_len=2, max_len=2, mutable=True)},
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            mfa=cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            feature_plan=cognito.FeaturePlan.PLUS,
            standard_threat_protection_mode=cognito.StandardThreatProtectionMode.FULL_FUNCTION,
            removal_policy=RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
            deletion_protection=protect,
        )
        suffix = construct_id.removeprefix("Users")  # "" for the default pool: its ids stay as they were
        for group in ROLE_GROUPS:
            cognito.CfnUserPoolGroup(self, f"Group{suffix}-{group}", user_pool_id=pool.user_pool_id, group_name=group)
        # The hosted UI (authorization code + PKCE) at <prefix>-<account>[-<zone>].auth.<region>.amazoncognito.com.
        domain = pool.add_domain("HostedUi", cognito_domain=cognito.CognitoDomainOptions(domain_prefix=domain_prefix))
        acknowledge(
            pool,
            "AwsSolutions::AwsSolutions-COG2",
            "MFA is optional, not required: viewers join a live show from a shared link and must be able "
            "to comment within seconds; merchants and moderators are required to enrol TOTP by policy.",
        )
        return pool, domain
