"""Settings of a function, read once from environment variables.

The variable names are constants here and nowhere else; the CDK stack (``infra/``) and the
embedded platform (``crosslive/dev``) set them from the same names.
"""

from __future__ import annotations

import json
import os
import re
from functools import lru_cache

from pydantic import BaseModel, Field

ENV_STAGE = "CROSSLIVE_STAGE"  # "local" (embedded platform, tests) or a deployed stage name
ENV_REGION_NAME = "CROSSLIVE_REGION_NAME"  # regions/<name>.toml
ENV_ROLE = "CROSSLIVE_ROLE"  # origin | edge
ENV_HOME_AWS_REGION = "CROSSLIVE_HOME_AWS_REGION"  # the origin's AWS region (campaign home)
ENV_MARKETS = "CROSSLIVE_MARKETS"  # comma-separated markets served by this region
ENV_PLUGINS = "CROSSLIVE_PLUGINS"  # comma-separated enabled plugins; "*" = all installed
ENV_TABLE_PREFIX = "CROSSLIVE_TABLE_PREFIX"
ENV_DYNAMODB_ENDPOINT = "CROSSLIVE_DYNAMODB_ENDPOINT"  # only the embedded platform sets it
ENV_AUTH_ISSUER = "CROSSLIVE_AUTH_ISSUER"
ENV_AUTH_AUDIENCE = "CROSSLIVE_AUTH_AUDIENCE"
ENV_AUTH_JWKS_URL = (
    "CROSSLIVE_AUTH_JWKS_URL"  # Cognito: https://cognito-idp.<r>.amazonaws.com/<pool>/.well-known/jwks.json
)
ENV_AUTH_JWKS = "CROSSLIVE_AUTH_JWKS"  # inline JWKS JSON (embedded platform's local issuer)
# JSON list of {issuer, jwks_url, audience, markets|null}: every user pool whose tokens are accepted,
# a zone's pool with the markets its tokens may carry (infra sets it; docs/residency.md)
ENV_AUTH_ISSUERS = "CROSSLIVE_AUTH_ISSUERS"
ENV_MAX_BODY_BYTES = "CROSSLIVE_MAX_BODY_BYTES"
ENV_ZONES = "CROSSLIVE_ZONES"  # residency zones, JSON (see ``parse_zones``); absent = none
ENV_AWS_REGION = "AWS_REGION"


class ZoneConfig(BaseModel):
    """One residency zone as configured (``functions.shared.zones.Zone`` adds its name)."""

    home: str = Field(min_length=1)  # the zone's home AWS region: where its writes go
    regions: tuple[str, ...] = ()  # the deployed AWS regions inside the zone (home included)
    markets: tuple[str, ...] = Field(min_length=1)  # the restricted markets whose data the zone holds


class IssuerConfig(BaseModel):
    """One user pool whose ID tokens are accepted (an entry of ``CROSSLIVE_AUTH_ISSUERS``).

    ``markets``: the markets its tokens may carry (a residency zone's pool); None: the default
    pool, whose tokens may carry any market that no other entry lists.
    """

    issuer: str = Field(min_length=1)
    audience: str = Field(min_length=1)  # its web app client id
    jwks_url: str | None = None
    jwks: str | None = None  # inline JWKS JSON (tests, the embedded platform)
    markets: tuple[str, ...] | None = None


class Settings(BaseModel):
    stage: str = "local"
    region_name: str = "local"
    role: str = "origin"
    aws_region: str = "us-east-1"
    home_aws_region: str = "us-east-1"
    markets: tuple[str, ...] = ()
    plugins: tuple[str, ...] | None = None  # None: every installed plugin
    table_prefix: str = "crosslive"
    dynamodb_endpoint: str | None = None
    auth_issuer: str = "crosslive-local"
    auth_audience: str = "crosslive"
    auth_jwks_url: str | None = None
    auth_jwks: str | None = None
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    zones: dict[str, ZoneConfig] = Field(default_factory=dict)  # residency zones by name ("eu")
    auth_issuers: tuple[IssuerConfig, ...] = ()  # every pool accepted; empty: the single issuer above

    @property
    def is_local(self) -> bool:
        return self.stage == "local"


def _csv(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


_ZONE_NAME = re.compile(r"^[a-z][a-z0-9]{0,15}$")


def parse_zones(raw: str | None) -> dict[str, ZoneConfig]:
    """``CROSSLIVE_ZONES``: ``{"eu": {"home": "eu-central-1", "regions": ["eu-central-1"],
    "markets": ["DE", "FR"]}}``; absent or empty is no zone (everything in the default zone).

    Refuses (``ValueError``) what would misplace data: a zone name that cannot be part of a table
    name, a market in two zones, a home outside the zone's regions. The home is listed among the
    regions when the value leaves it out.
    """
    if raw is None or not raw.strip():
        return {}
    value = json.loads(raw)
    if not isinstance(value, dict):
        raise ValueError(f"{ENV_ZONES} must be a JSON object of zones by name")
    zones: dict[str, ZoneConfig] = {}
    owner: dict[str, str] = {}
    for name, body in value.items():
        if not _ZONE_NAME.match(str(name)):
            raise ValueError(f"{ENV_ZONES}: zone name {name!r} must be lower-case letters and digits")
        zone = ZoneConfig.model_validate(body)
        regions = tuple(dict.fromkeys((zone.home, *zone.regions)))
        markets = tuple(m.strip().upper() for m in zone.markets)
        for market in markets:
            if market in owner:
                raise ValueError(f"{ENV_ZONES}: market {market} is in zones {owner[market]!r} and {name!r}")
            owner[market] = name
        zones[name] = ZoneConfig(home=zone.home, regions=regions, markets=markets)
    return zones


def parse_issuers(raw: str | None) -> tuple[IssuerConfig, ...]:
    """``CROSSLIVE_AUTH_ISSUERS``: ``[{"issuer", "jwks_url", "audience", "markets": [...] | null}]``;
    absent or empty: none (the single-issuer variables apply). A market listed by two pools, or two
    entries for one issuer, is a configuration error."""
    if raw is None or not raw.strip():
        return ()
    value = json.loads(raw)
    if not isinstance(value, list):
        raise ValueError(f"{ENV_AUTH_ISSUERS} must be a JSON list of issuers")
    issuers = tuple(IssuerConfig.model_validate(entry) for entry in value)
    if len({i.issuer for i in issuers}) != len(issuers):
        raise ValueError(f"{ENV_AUTH_ISSUERS}: an issuer is listed twice")
    listed = [m.upper() for i in issuers for m in i.markets or ()]
    if len(set(listed)) != len(listed):
        raise ValueError(f"{ENV_AUTH_ISSUERS}: a market is listed by two pools")
    return tuple(
        i.model_copy(update={"markets": tuple(m.upper() for m in i.markets) if i.markets is not None else None})
        for i in issuers
    )


def settings_from_env(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ) if env is None else env
    plugins = env.get(ENV_PLUGINS, "*")
    aws_region = env.get(ENV_AWS_REGION) or env.get("AWS_DEFAULT_REGION") or "us-east-1"
    return Settings(
        stage=env.get(ENV_STAGE, "local"),
        region_name=env.get(ENV_REGION_NAME, "local"),
        role=env.get(ENV_ROLE, "origin"),
        aws_region=aws_region,
        home_aws_region=env.get(ENV_HOME_AWS_REGION, aws_region),
        markets=_csv(env.get(ENV_MARKETS)),
        plugins=None if plugins.strip() == "*" else _csv(plugins),
        table_prefix=env.get(ENV_TABLE_PREFIX, "crosslive"),
        dynamodb_endpoint=env.get(ENV_DYNAMODB_ENDPOINT) or None,
        auth_issuer=env.get(ENV_AUTH_ISSUER, "crosslive-local"),
        auth_audience=env.get(ENV_AUTH_AUDIENCE, "crosslive"),
        auth_jwks_url=env.get(ENV_AUTH_JWKS_URL) or None,
        auth_jwks=env.get(ENV_AUTH_JWKS) or None,
        max_body_bytes=int(env.get(ENV_MAX_BODY_BYTES, 64 * 1024)),
        zones=parse_zones(env.get(ENV_ZONES)),
        auth_issuers=parse_issuers(env.get(ENV_AUTH_ISSUERS)),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings (parsed once; tests call ``get_settings.cache_clear()``)."""
    return settings_from_env()
