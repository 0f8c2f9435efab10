"""The stateful stack of a region: its DynamoDB tables and (in the origin) the user pool.

Stateful resources live apart from the stateless ones so that functions, APIs and nodes can be
replaced freely while tables and identities are retained (``RemovalPolicy.RETAIN`` plus deletion
protection).
"""

from __future__ import annotations

from aws_cdk import CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

from crosslive.regions import RegionConfig
from infra.nag import acknowledge
from infra.secrets import create_secrets, import_secrets
from infra.tables import all_table_specs, create_table, physical_name

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
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        self.tables: dict[str, dynamodb.ITableV2] = {}
        self.table_names: dict[str, str] = {}
        replica_regions = sorted(e.aws_region for e in edges)
        for spec in all_table_specs():
            name = physical_name(table_prefix, spec)
            self.table_names[spec.short_name] = name
            if spec.replicated and region.role == "edge":
                continue  # the origin's global table has a replica here; the stateless stack refers to it by name
            replicas = replica_regions if (spec.replicated and region.role == "origin") else []
            self.tables[spec.short_name] = create_table(self, table_prefix, spec, replicas)

        self.secrets = (
            create_secrets(self, table_prefix, replica_regions)
            if region.role == "origin"
            else import_secrets(self, table_prefix)
        )
        self.user_pool: cognito.UserPool | None = None
        self.user_pool_client: cognito.UserPoolClient | None = None
        if region.role == "origin":
            self._identity()

    def _identity(self) -> None:
        """One Cognito user pool for every market: viewers, merchants, moderators, admins."""
        pool = cognito.UserPool(
            self,
            "Users",
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
            custom_attributes={"market": cognito.StringAttribute(min_len=2, max_len=2, mutable=True)},
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            mfa=cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            feature_plan=cognito.FeaturePlan.PLUS,
            standard_threat_protection_mode=cognito.StandardThreatProtectionMode.FULL_FUNCTION,
            removal_policy=RemovalPolicy.RETAIN,
            deletion_protection=True,
        )
        for group in ROLE_GROUPS:
            cognito.CfnUserPoolGroup(self, f"Group-{group}", user_pool_id=pool.user_pool_id, group_name=group)
        client = pool.add_client(
            "WebClient",
            auth_flows=cognito.AuthFlow(user_srp=True),
            prevent_user_existence_errors=True,
            id_token_validity=Duration.hours(1),
            access_token_validity=Duration.hours(1),
            refresh_token_validity=Duration.days(30),
        )
        acknowledge(
            pool,
            "AwsSolutions::AwsSolutions-COG2",
            "MFA is optional, not required: viewers join a live show from a shared link and must be able "
            "to comment within seconds; merchants and moderators are required to enrol TOTP by policy.",
        )
        self.user_pool = pool
        self.user_pool_client = client
        CfnOutput(self, "UserPoolId", value=pool.user_pool_id)
        CfnOutput(self, "UserPoolClientId", value=client.user_pool_client_id)
