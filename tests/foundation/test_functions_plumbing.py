"""Every function: health, OpenAPI, problem-details errors, auth, body limits."""

from __future__ import annotations

import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from functions import FUNCTIONS
from tests.room_helpers import room_key


@pytest.mark.parametrize("name", FUNCTIONS)
def test_every_function_serves_health_and_openapi(client, name):
    # WHEN
    health = client.get(f"/v1/{name}/health")
    spec = client.get(f"/v1/{name}/openapi.json")
    # THEN
    assert health.status_code == 200
    assert health.json()["function"] == name
    assert spec.status_code == 200
    assert f"/v1/{name}/health" in spec.json()["paths"]
    assert all(path.startswith(f"/v1/{name}") for path in spec.json()["paths"])


def test_unknown_path_is_a_problem_document(client):
    response = client.get("/v1/no-such-function/x")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "not-found"


def test_validation_errors_have_the_stable_shape(client, auth):
    response = client.post("/v1/rooms", json={"title": ""}, headers={**auth("merchant"), **room_key()})
    body = response.json()
    assert response.status_code == 422
    assert body["code"] == "validation-failed"
    assert {"type", "title", "status", "detail", "instance", "errors"} <= set(body)


def test_malformed_json_is_422_not_500(client, auth):
    response = client.post(
        "/v1/rooms",
        content=b"{not json",
        headers={**auth("merchant"), "content-type": "application/json", **room_key()},
    )
    assert response.status_code == 422


def test_oversized_body_is_refused_before_the_route(client, auth):
    before = client.get("/v1/rooms", params={"merchant": "big-sender"}).json()
    big = {"title": "x" * 100_000, "markets": ["ID"], "home_market": "CN", "host_language": "en"}
    response = client.post("/v1/rooms", json=big, headers={**auth("merchant", sub="big-sender"), **room_key()})
    assert response.status_code == 413
    assert response.json()["code"] == "payload-too-large"
    assert client.get("/v1/rooms", params={"merchant": "big-sender"}).json() == before


def test_mutating_route_requires_a_token(client):
    response = client.post(
        "/v1/rooms", json={"title": "t", "markets": ["ID"], "home_market": "CN", "host_language": "en"}
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_wrong_role_is_forbidden(client, auth):
    response = client.post(
        "/v1/rooms",
        json={"title": "t", "markets": ["ID"], "home_market": "CN", "host_language": "en"},
        headers={**auth("viewer"), **room_key()},
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def _forge(claims_override: dict, *, key=None, kid="forged") -> str:
    now = int(time.time())
    claims = {
        "iss": "crosslive-local",
        "aud": "crosslive",
        "sub": "mallory",
        "iat": now,
        "exp": now + 600,
        "token_use": "id",
        "cognito:groups": ["merchant"],
        **claims_override,
    }
    return jwt.encode(claims, key or ec.generate_private_key(ec.SECP256R1()), algorithm="ES256", headers={"kid": kid})


@pytest.mark.parametrize(
    ("make_token", "why"),
    [
        (lambda emb: _forge({}), "signed by an unknown key"),
        (lambda emb: _forge({}, kid=emb.issuer.kid), "right kid, wrong key"),
        (lambda emb: emb.issuer.issue("m", "merchant", ttl_seconds=-120), "expired"),
        (lambda emb: emb.issuer.issue("m", "merchant", token_use="access"), "not an ID token"),
        (lambda emb: emb.issuer.issue("m", "merchant", aud="someone-else"), "wrong audience"),
        (lambda emb: emb.issuer.issue("m", "merchant", iss="https://evil.example"), "wrong issuer"),
        (lambda emb: "not.a.jwt", "garbage"),
        (lambda emb: jwt.encode({"sub": "m", "cognito:groups": ["merchant"]}, "", algorithm="none"), "alg none"),
        (lambda emb: "x" * 9000, "oversized"),
    ],
)
def test_forged_or_defective_tokens_are_rejected(client, embedded, make_token, why):
    token = make_token(embedded)
    response = client.post(
        "/v1/rooms",
        json={"title": "t", "markets": ["ID"], "home_market": "CN", "host_language": "en"},
        headers={"Authorization": f"Bearer {token}", **room_key()},
    )
    assert response.status_code == 401, why
    assert response.json()["code"] == "unauthorized"


def test_non_bearer_scheme_is_rejected(client):
    response = client.post("/v1/rooms", json={}, headers={"Authorization": "Basic dXNlcjpwYXNz", **room_key()})
    assert response.status_code == 401
