"""Fixtures shared by every test area.

One embedded platform per test session: moto's DynamoDB on loopback (requests serialized), the
tables created from the model definitions, and every function behind the local gateway. Tests
talk to it through ``client`` (in-process ASGI) and mint tokens with ``token``. Only built-in
plugins are enabled: tests never load whatever plugins happen to be installed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from crosslive.dev.platform import EmbeddedPlatform
from plugins.manager import builtin_market_plugins
from tests.room_helpers import room_key

BUILTIN_PLUGINS = tuple(sorted(builtin_market_plugins()))


@pytest.fixture(scope="session")
def embedded() -> Iterator[EmbeddedPlatform]:
    platform = EmbeddedPlatform(port=0, plugins=BUILTIN_PLUGINS)
    platform.configure()
    try:
        yield platform
    finally:
        platform.stop()


@pytest.fixture(scope="session")
def client(embedded: EmbeddedPlatform) -> Iterator[TestClient]:
    with TestClient(embedded.asgi_app(), raise_server_exceptions=False) as test_client:
        yield test_client


TokenFactory = Callable[..., str]


@pytest.fixture(scope="session")
def token(embedded: EmbeddedPlatform) -> TokenFactory:
    """``token("merchant", sub="m1", market="CN")`` -> a signed ID token from the local issuer."""

    def make(role: str = "viewer", sub: str | None = None, market: str | None = None, **kwargs: object) -> str:
        return embedded.issuer.issue(sub or f"{role}-1", role, market=market, **kwargs)  # type: ignore[arg-type]

    return make


@pytest.fixture(scope="session")
def auth(token: TokenFactory) -> Callable[..., dict[str, str]]:
    """``auth("merchant", sub="m1")`` -> an Authorization header."""

    def make(
        role: str = "viewer", sub: str | None = None, market: str | None = None, **kwargs: object
    ) -> dict[str, str]:
        return {"Authorization": f"Bearer {token(role, sub, market, **kwargs)}"}

    return make


@pytest.fixture
def room(client: TestClient, auth: Callable[..., dict[str, str]]) -> dict[str, object]:
    """A fresh room of merchant ``merchant-1`` (home market CN) broadcasting to ID, DE and AE."""
    response = client.post(
        "/v1/rooms",
        json={
            "title": "Silk scarves live",
            "markets": ["ID", "DE", "AE"],
            "home_market": "CN",
            "host_language": "zh-Hans",
        },
        headers={**auth("merchant", sub="merchant-1"), **room_key()},
    )
    assert response.status_code == 201, response.text
    return dict(response.json())
