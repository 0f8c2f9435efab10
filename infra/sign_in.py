"""Sign-in for the deployed pages: the Cognito web app client of the hosted UI.

The pages sign in with the OAuth 2.0 authorization code grant with PKCE (RFC 7636) against the
user pool's hosted UI (``web/js/auth.js``): no client secret (a browser cannot keep one), no implicit
grant (tokens would travel in the URL fragment), and the only callback URLs are the pages' own
CloudFront addresses. That is why this client lives with the pages in the origin's stateless stack
and not in the stateful one: its callback URLs need the distribution's name, and the stateful stack
deploys first. Tokens never appear in a URL: the page exchanges the one-time code for them with a
POST to the token endpoint.

The client may read ``custom:market`` but not write it (``write_attributes``): a viewer's market
decides prices, coupon eligibility and which rules apply, so only a trusted flow (an operator or a
backend with ``cognito-idp:AdminUpdateUserAttributes``) sets it.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from crosslive.regions import ResidencyZone

PAGE_PATHS = ("/console", "/watch")  # the redirect_uri of each page (web/js/auth.js uses location's path)
SCOPES = (cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE)


class WebSignIn(Construct):
    """The pages' app client: code grant + PKCE only, callback to the pages, market read-only."""

    def __init__(self, scope: Construct, construct_id: str, *, user_pool: cognito.IUserPool, pages_url: str) -> None:
        super().__init__(scope, construct_id)
        self.user_pool = user_pool
        readable = cognito.ClientAttributes().with_standard_attributes(
            email=True, email_verified=True, fullname=True, preferred_username=True, locale=True
        )
        self.client = cognito.UserPoolClient(
            self,
            "WebClient",
            user_pool=user_pool,
            generate_secret=False,
            auth_flows=cognito.AuthFlow(user_srp=True),
            o_auth=cognito.OAuthSettings(
                flows=cognito.OAuthFlows(authorization_code_grant=True, implicit_code_grant=False),
                scopes=list(SCOPES),
                callback_urls=[f"{pages_url}{path}" for path in PAGE_PATHS],
                logout_urls=[f"{pages_url}{path}" for path in PAGE_PATHS],
            ),
            supported_identity_providers=[cognito.UserPoolClientIdentityProvider.COGNITO],
            read_attributes=readable.with_custom_attributes("market"),
            write_attributes=cognito.ClientAttributes().with_standard_attributes(
                email=True, fullname=True, preferred_username=True, locale=True
            ),
            prevent_user_existence_errors=True,
            enable_token_revocation=True,
            id_token_validity=Duration.hours(1),
            access_token_validity=Duration.hours(1),
            refresh_token_validity=Duration.days(30),
        )


@dataclass(frozen=True)
class ZoneSignIn:
    """A residency zone's user pool (in the zone home) and its pages' web app client."""

    zone: ResidencyZone
    user_pool_id: str
    client_id: str
    hosted_ui: str

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{self.zone.home}.amazonaws.com/{self.user_pool_id}"

    def issuer_entry(self) -> dict[str, object]:
        """Its ``CROSSLIVE_AUTH_ISSUERS`` entry: tokens of this pool may carry only the zone's markets."""
        return {
            "issuer": self.issuer,
            "jwks_url": f"{self.issuer}/.well-known/jwks.json",
            "audience": self.client_id,
            "markets": list(self.zone.markets),
        }

    def page_entry(self) -> dict[str, object]:
        """Its entry in the pages' ``config.json`` (``auth.pools``): the sign-in page picks it by market."""
        return {
            "zone": self.zone.name,
            "markets": list(self.zone.markets),
            "hosted_ui": self.hosted_ui,
            "user_pool_id": self.user_pool_id,
            "client_id": self.client_id,
            "scopes": "openid email profile",
        }
