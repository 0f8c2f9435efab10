"""The token verifier: the algorithm is the key's, and no token shape makes a route answer 5xx.

An ``RS256`` header naming the local EC key used to reach PyJWT with the wrong key type; PyJWT
raised ``TypeError`` and every authenticated route answered 500. The fuzz below throws random
headers, algorithms, kids, segments and claim types at the verifier and at a route.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from functions.shared.auth import verify_token
from functions.shared.errors import ApiError
from tests.room_helpers import room_key

ROOM_BODY = {"title": "t", "markets": ["ID"], "home_market": "CN", "host_language": "en"}
# hypothesis strategies run outside fixtures: the session issuer is put here by ``issuer``.
_SESSION: dict[str, Any] = {}


@pytest.fixture
def issuer(embedded):
    _SESSION["issuer"] = embedded.issuer
    return embedded.issuer


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _segment(value: Any) -> str:
    return _b64(json.dumps(value).encode())


def _claims(**override: Any) -> dict[str, Any]:
    now = int(time.time())
    return {
        "iss": "crosslive-local",
        "aud": "crosslive",
        "sub": "mallory",
        "iat": now,
        "exp": now + 600,
        "token_use": "id",
        "cognito:groups": ["merchant"],
        **override,
    }


def _post(client, token: str):
    return client.post("/v1/rooms", json=ROOM_BODY, headers={"Authorization": f"Bearer {token}", **room_key()})


@pytest.mark.parametrize("alg", ["RS256", "RS512", "PS256", "ES384", "ES512", "HS256", "EdDSA", "none", "", "es256"])
def test_a_header_naming_another_algorithm_than_the_keys_is_401(client, embedded, alg):
    # GIVEN a token with the real key id whose header claims another algorithm (payload untouched)
    real = embedded.issuer.issue("mallory", "merchant")
    _, payload, signature = real.split(".")
    header = _segment({"alg": alg, "kid": embedded.issuer.kid, "typ": "JWT"})
    # WHEN it is sent to an authenticated route
    response = _post(client, f"{header}.{payload}.{signature}")
    # THEN it is refused as a bad token, not a server error
    assert response.status_code == 401, response.text
    assert response.json()["code"] == "unauthorized"


def test_an_rsa_signed_token_with_the_ec_key_id_is_401(client, embedded):
    # The mirror of the deployed case (Cognito keys are RSA; an ES256 header with a Cognito kid).
    token = jwt.encode(
        _claims(),
        rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "RS256",
        headers={"kid": embedded.issuer.kid},
    )
    response = _post(client, token)
    assert response.status_code == 401
    assert "accepts only ES256" in response.json()["detail"]


def test_an_hmac_token_keyed_with_the_public_key_is_401(client, embedded):
    # The classic confusion attack: HS256 "signed" with the public JWK's bytes.
    public = json.dumps(embedded.issuer.jwks()["keys"][0]).encode()
    signing_input = f"{_segment({'alg': 'HS256', 'kid': embedded.issuer.kid})}.{_segment(_claims())}"
    token = f"{signing_input}.{_b64(hmac.new(public, signing_input.encode(), hashlib.sha256).digest())}"
    assert _post(client, token).status_code == 401


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": 7},
        {"sub": ""},
        {"cognito:groups": "merchant"},
        {"cognito:groups": [{"x": 1}]},
        {"custom:market": ["DE"]},
        {"custom:market": "DEU"},
        {"custom:market": "d1"},
        {"name": {"first": "x"}},
        {"jti": 5},
        {"iat": "yesterday"},
        {"exp": "tomorrow"},
        {"aud": ["x", {"y": 1}]},
    ],
)
def test_claims_of_the_wrong_type_in_a_validly_signed_token_are_401(client, embedded, claims):
    token = embedded.issuer.sign(_claims(**claims))
    response = _post(client, token)
    assert response.status_code == 401, response.text


_RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
_algs = st.sampled_from(["RS256", "ES256", "HS256", "none", "PS256", "ES512", "EdDSA", "RS1"]) | st.text(max_size=10)


@st.composite
def _hostile_tokens(draw: st.DrawFn) -> str:
    header: dict[str, Any] = draw(st.dictionaries(st.text(max_size=6), _json, max_size=3))
    if draw(st.booleans()):
        header["alg"] = draw(_algs | _json)
    if draw(st.booleans()):
        header["kid"] = draw(st.just(_SESSION["issuer"].kid) | st.text(max_size=20) | _json)
    head = draw(
        st.sampled_from(["json", "raw"]).flatmap(
            lambda kind: st.just(_segment(header)) if kind == "json" else st.text(max_size=40)
        )
    )
    body_claims = draw(st.just(_claims()) | st.dictionaries(st.text(max_size=12), _json, max_size=6))
    body = _segment(body_claims) if draw(st.booleans()) else draw(st.text(max_size=40))
    signature = draw(st.sampled_from(["", "AAAA", _b64(b"\x00" * 64)]) | st.text(max_size=90))
    parts = [head, body, signature][: draw(st.integers(1, 4))]
    return ".".join(parts) + draw(st.sampled_from(["", ".", ".."]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(token=_hostile_tokens())
def test_fuzz_no_token_shape_escapes_as_anything_but_401(issuer, token):
    try:
        verify_token(token)
    except ApiError as exc:
        assert exc.status == 401, exc.detail
    else:
        pytest.fail(f"accepted a hostile token: {token!r}")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    alg=st.sampled_from(["ES256", "RS256"]),
    claims=st.dictionaries(
        st.sampled_from(["sub", "iat", "exp", "nbf", "aud", "iss", "token_use", "cognito:groups", "custom:market"]),
        _json,
        max_size=4,
    ),
)
def test_fuzz_signed_tokens_with_random_claims_are_200s_or_4xx_never_5xx(client, issuer, alg, claims):
    # A token really signed by the local key (ES256) or by an RSA key under its kid, with random claims.
    if alg == "ES256":
        token = issuer.sign(_claims(**claims))
    else:
        payload = json.dumps(_claims(**claims)).encode()
        token = jwt.api_jws.encode(payload, _RSA_KEY, algorithm="RS256", headers={"kid": issuer.kid})
    response = client.get("/v1/coupons/mine", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code in (200, 401, 403), response.text


def test_keys_are_pinned_to_their_own_algorithm_even_for_an_ec_key_without_alg(monkeypatch):
    # GIVEN a JWKS whose EC key names no "alg" (the verifier derives ES256 from kty/crv)
    from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1
    from jwt.algorithms import ECAlgorithm

    from functions.shared.config import get_settings

    private = ec.generate_private_key(SECP256R1())
    jwk = {**json.loads(ECAlgorithm.to_jwk(private.public_key())), "kid": "k1"}
    monkeypatch.setenv("CROSSLIVE_AUTH_JWKS", json.dumps({"keys": [jwk]}))
    get_settings.cache_clear()
    try:
        settings_now = get_settings()
        good = jwt.encode(
            _claims(iss=settings_now.auth_issuer, aud=settings_now.auth_audience),
            private,
            "ES256",
            headers={"kid": "k1"},
        )
        assert verify_token(good).sub == "mallory"
        header = _segment({"alg": "RS256", "kid": "k1"})
        with pytest.raises(ApiError) as refused:
            verify_token(header + "." + good.split(".", 1)[1])
        assert refused.value.status == 401
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
