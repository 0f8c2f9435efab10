"""The local token issuer answers only the developer at this machine, with a bounded body."""

from __future__ import annotations

import pytest

BODY = {"sub": "dev-1", "role": "admin"}


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8000", "localhost", "[::1]:8000"])
def test_loopback_callers_get_tokens(client, host):
    response = client.post("/v1/auth/token", json=BODY, headers={"host": host})
    assert response.status_code == 201, response.text
    assert response.json()["role"] == "admin"


@pytest.mark.parametrize(
    "headers",
    [
        {"host": "rebound.attacker.example:8000"},  # DNS rebinding: the attacker's name, resolved to loopback
        {"host": "127.0.0.1.attacker.example"},
        {"host": "127.0.0.1:8000", "origin": "http://attacker.example"},
        {"host": "localhost:8000", "origin": "https://localhost.attacker.example"},
    ],
)
def test_a_page_on_another_site_cannot_mint_tokens(client, headers):
    for path in ("/v1/auth/token", "/v1/auth/.well-known/jwks.json"):
        response = (
            client.post(path, json=BODY, headers=headers)
            if path.endswith("token")
            else client.get(path, headers=headers)
        )
        assert response.status_code == 403, (path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "not-a-local-caller"
        assert "token" not in response.json()


def test_the_local_console_page_may_still_sign_in(client):
    response = client.post(
        "/v1/auth/token", json=BODY, headers={"host": "127.0.0.1:8000", "origin": "http://127.0.0.1:8000"}
    )
    assert response.status_code == 201


def test_a_huge_body_is_refused_before_it_is_read(client):
    response = client.post(
        "/v1/auth/token",
        content=b'{"sub": "' + b"x" * (10 * 1024 * 1024) + b'"}',
        headers={"host": "127.0.0.1:8000", "content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload-too-large"
