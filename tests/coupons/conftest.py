"""Fixtures for the coupon tests: a room, campaign bodies, and helpers to claim and redeem."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.room_helpers import room_key

from .coupon_helpers import MERCHANT, Headers, campaign_body, new_key


@pytest.fixture
def shop(client: TestClient, auth: Headers) -> dict[str, Any]:
    """A fresh room of ``coupon-merchant`` broadcasting to ID (IDR), DE (EUR) and AE (AED)."""
    response = client.post(
        "/v1/rooms",
        json={
            "title": "Flash sale live",
            "markets": ["ID", "DE", "AE"],
            "home_market": "CN",
            "host_language": "zh-Hans",
        },
        headers={**auth("merchant", sub=MERCHANT), **room_key()},
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


@pytest.fixture
def create_campaign(client: TestClient, auth: Headers, shop: dict[str, Any]) -> Callable[..., dict[str, Any]]:
    def make(**overrides: Any) -> dict[str, Any]:
        response = client.post(
            f"/v1/coupons/rooms/{shop['room_id']}/campaigns",
            json=campaign_body(**overrides),
            headers=auth("merchant", sub=MERCHANT),
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    return make


@pytest.fixture
def claim(client: TestClient, auth: Headers) -> Callable[..., Any]:
    """``claim(campaign, sub="v1", market="ID", key=None)`` -> the HTTP response."""

    def do(campaign: dict[str, Any], sub: str = "viewer-a", market: str | None = "ID", key: str | None = None) -> Any:
        return client.post(
            f"/v1/coupons/rooms/{campaign['room_id']}/campaigns/{campaign['campaign_id']}/claims",
            headers={**auth("viewer", sub=sub, market=market), "Idempotency-Key": key or new_key()},
        )

    return do


@pytest.fixture
def checkout(client: TestClient, auth: Headers) -> Headers:
    """Headers of the shop's checkout system (the merchant's token)."""

    def make(sub: str = MERCHANT) -> dict[str, str]:
        return auth("merchant", sub=sub)

    return make
