"""Fixtures of the insights tests: a live room, a signed node-feed poster, the live figures, the
DynamoDB reads a request makes."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import botocore.client
import pytest

from crosslive.dev import stream as local_stream
from functions.insights.feed import FEED_SIGNATURE_HEADER
from functions.shared import signing
from tests.room_helpers import room_key

MERCHANT = "merchant-ins"


@pytest.fixture
def live_room(client: Any, auth: Callable[..., dict[str, str]]) -> dict[str, Any]:
    """A live room of ``merchant-ins`` (home CN) broadcast to ID, DE and AE."""
    body = {"title": "Batik live", "markets": ["ID", "DE", "AE"], "home_market": "CN", "host_language": "zh-Hans"}
    response = client.post("/v1/rooms", json=body, headers={**auth("merchant", sub=MERCHANT), **room_key()})
    assert response.status_code == 201, response.text
    room = dict(response.json())
    patched = client.patch(
        f"/v1/rooms/{room['room_id']}", json={"status": "live"}, headers=auth("merchant", sub=MERCHANT)
    )
    assert patched.status_code == 200, patched.text
    assert local_stream.drain()
    # The show went live two minutes ago (what the consumer folded from the rooms stream, backdated
    # so sessions can have started and ended before "now" without the test waiting for them).
    from functions.insights.models import ShowRecord

    ShowRecord(room["room_id"]).update(actions=[ShowRecord.live_at.set(time.time() - 120)])
    return room


class FeedPoster:
    """Posts node batches the way ``media_nodes/insights_feed.py`` does (signed, numbered)."""

    def __init__(self, client: Any, node_id: str = "test-node") -> None:
        self.client = client
        self.node_id = node_id
        self.batch = int(time.time() * 1000)

    def body(self, **parts: Any) -> bytes:
        self.batch += 1
        return json.dumps({"node_id": self.node_id, "batch": self.batch, **parts}).encode()

    def send(self, body: bytes, signature: str | None = None, now: float | None = None) -> Any:
        headers = {"Content-Type": "application/json"}
        headers[FEED_SIGNATURE_HEADER] = signature if signature is not None else signing.sign(body, now)
        return self.client.post("/v1/insights/internal/node-feed", content=body, headers=headers)

    def post(self, **parts: Any) -> Any:
        return self.send(self.body(**parts))


@pytest.fixture
def feed(client: Any) -> FeedPoster:
    return FeedPoster(client)


@pytest.fixture
def figures(client: Any, auth: Callable[..., dict[str, str]]) -> Callable[[str], dict[str, Any]]:
    """``figures(room_id)``: the merchant's ``GET /v1/insights/rooms/{id}/live``."""

    def read(room_id: str) -> dict[str, Any]:
        response = client.get(f"/v1/insights/rooms/{room_id}/live", headers=auth("merchant", sub=MERCHANT))
        assert response.status_code == 200, response.text
        return dict(response.json())

    return read


Reads = list[tuple[str, str, int]]  # (operation, table, items returned)


@pytest.fixture
def dynamodb_reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[Reads]:
    """Every DynamoDB read request made while the fixture is active, with the items it returned."""
    seen: Reads = []
    real = botocore.client.BaseClient._make_api_call

    def counting(self: Any, operation: str, params: dict[str, Any]) -> Any:
        answer = real(self, operation, params)
        if operation in ("Query", "Scan"):
            seen.append((operation, str(params.get("TableName")), int(answer.get("ScannedCount", 0))))
        elif operation == "GetItem":
            seen.append((operation, str(params.get("TableName")), 1 if answer.get("Item") else 0))
        elif operation == "BatchGetItem":
            for table, items in answer.get("Responses", {}).items():
                seen.append((operation, table, len(items)))
        return answer

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counting)
    yield seen
