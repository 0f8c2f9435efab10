"""Several user pools (docs/residency.md, "Identity"): the default pool and one per residency zone.

A token is verified against the pool its issuer names, with that pool's keys and audience; a zone
pool's token may carry only the zone's markets, and the default pool's none of them. Without
``CROSSLIVE_AUTH_ISSUERS`` the single issuer works as before, with no market restriction.
"""

from __future__ import annotations

import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from functions.shared.auth import verify_token
from functions.shared.config import ENV_AUTH_ISSUERS, Settings, parse_issuers, settings_from_env
from functions.shared.errors import ApiError

DEFAULT = "https://cognito-idp.ap-southeast-1.amazonaws.com/ap-southeast-1_Default"
ZONE = "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Zone"


class Pool:
    """A user pool stand-in: its own EC key, issuer and web client (audience)."""

    def __init__(self, issuer: str, audience: str, kid: str) -> None:
        self.issuer, self.audience, self.kid = issuer, audience, kid
        self.key = ec.generate_private_key(ec.SECP256R1())
        public = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self.key.public_key()))
        self.jwks = json.dumps({"keys": [{**public, "kid": kid, "alg": "ES256", "use": "sig"}]})

    def token(self, market: str | None, **override: Any) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": f"user-{market}",
            "iat": now,
            "exp": now + 600,
            "token_use": "id",
            "cognito:groups": ["viewer"],
            **({"custom:market": market} if market else {}),
            **override,
        }
        return jwt.encode(claims, self.key, algorithm="ES256", headers={"kid": self.kid})

    def entry(self, markets: list[str] | None) -> dict[str, Any]:
        return {"issuer": self.issuer, "audience": self.audience, "jwks": self.jwks, "markets": markets}


@pytest.fixture(scope="module")
def pools() -> tuple[Pool, Pool]:
    return Pool(DEFAULT, "default-client", "default-1"), Pool(ZONE, "eu-client", "eu-1")


@pytest.fixture
def two_pools(pools) -> Settings:
    default, zone = pools
    raw = json.dumps([default.entry(None), zone.entry(["DE", "FR"])])
    return settings_from_env({ENV_AUTH_ISSUERS: raw})


def _refused(token: str, settings: Settings) -> ApiError:
    with pytest.raises(ApiError) as refused:
        verify_token(token, settings)
    return refused.value


def test_each_pool_verifies_its_own_tokens_and_the_zone_pool_carries_its_markets(pools, two_pools):
    default, zone = pools
    assert verify_token(default.token("ID"), two_pools).market == "ID"
    assert verify_token(zone.token("DE"), two_pools).market == "DE"
    assert verify_token(zone.token("FR"), two_pools).market == "FR"
    assert verify_token(default.token(None), two_pools).market is None  # a merchant with no market


def test_a_default_pool_token_claiming_a_zone_market_is_refused_403(pools, two_pools):
    default, _ = pools
    refused = _refused(default.token("DE"), two_pools)
    assert (refused.status, refused.code) == (403, "market-not-in-pool")
    assert "DE" in refused.detail


def test_a_zone_pool_token_claiming_another_market_is_refused_403(pools, two_pools):
    _, zone = pools
    refused = _refused(zone.token("ID"), two_pools)
    assert (refused.status, refused.code) == (403, "market-not-in-pool")


def test_a_token_is_checked_against_the_keys_and_audience_of_the_pool_it_names(pools, two_pools):
    _, zone = pools
    # signed with the zone pool's key but naming the default issuer: the default pool's keys refuse it
    forged = jwt.encode(
        {**jwt.decode(zone.token("ID"), options={"verify_signature": False}), "iss": DEFAULT, "aud": "default-client"},
        zone.key,
        algorithm="ES256",
        headers={"kid": zone.kid},
    )
    assert _refused(forged, two_pools).status == 401
    # the zone pool's token with the default client's audience
    assert _refused(zone.token("DE", aud="default-client"), two_pools).status == 401
    # an issuer no pool has
    stranger = Pool("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other", "default-client", "x-1")
    refused = _refused(stranger.token("ID"), two_pools)
    assert (refused.status, refused.detail) == (401, "token from an unknown issuer")


def test_the_single_issuer_settings_still_work_with_no_market_restriction(pools):
    default, _ = pools
    single = settings_from_env(
        {
            "CROSSLIVE_AUTH_ISSUER": DEFAULT,
            "CROSSLIVE_AUTH_AUDIENCE": "default-client",
            "CROSSLIVE_AUTH_JWKS": default.jwks,
        }
    )
    assert verify_token(default.token("DE"), single).market == "DE"
    assert _refused(default.token("DE", aud="other"), single).status == 401


def test_a_bad_issuer_list_is_refused_when_the_settings_are_read(pools):
    default, zone = pools
    with pytest.raises(ValueError, match="a market is listed by two pools"):
        parse_issuers(json.dumps([zone.entry(["DE"]), {**default.entry(["de"]), "issuer": "other"}]))
    with pytest.raises(ValueError, match="an issuer is listed twice"):
        parse_issuers(json.dumps([default.entry(None), default.entry(None)]))
    with pytest.raises(ValueError):
        parse_issuers(json.dumps([{"issuer": DEFAULT}]))  # no audience
    assert parse_issuers("") == ()


def test_new_settings_never_verify_with_the_keys_of_settings_that_were_freed():
    # GIVEN settings whose pool has one key, used once, then dropped (a test's second platform stopping)
    first_pool = Pool(DEFAULT, "default-client", "rotated-1")
    first = settings_from_env({ENV_AUTH_ISSUERS: json.dumps([first_pool.entry(None)])})
    assert verify_token(first_pool.token("ID"), first).market == "ID"
    freed = id(first)
    del first
    # WHEN new settings name the same issuer with another key, one of them likely in the freed
    # object's memory (CPython reuses it; a bare id() cache then answered with the old keys)
    second_pool = Pool(DEFAULT, "default-client", "rotated-2")
    candidates = [settings_from_env({ENV_AUTH_ISSUERS: json.dumps([second_pool.entry(None)])}) for _ in range(50)]
    reused = next((s for s in candidates if id(s) == freed), candidates[0])
    # THEN the new key verifies and the old one is unknown
    assert verify_token(second_pool.token("ID"), reused).market == "ID"
    refused = _refused(first_pool.token("ID"), reused)
    assert (refused.status, refused.detail) == (401, "token signed by an unknown key")
