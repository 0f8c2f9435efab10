"""Fixtures of the comments tests: a push node on loopback, a live room, a WebSocket viewer."""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from websockets.sync.client import ClientConnection, connect

from crosslive.dev import stream as local_stream
from crosslive.dev.platform import EmbeddedPlatform, free_port
from functions.fanout.delivery import ENV_PUSH_NODES
from media_nodes.push import PushHub, mount_push
from tests.room_helpers import room_key


class PushNode:
    """A FastAPI app with only the push module mounted, served by uvicorn on loopback."""

    def __init__(self) -> None:
        self.app = FastAPI()
        self.hub: PushHub = mount_push(self.app)
        self.port = free_port()
        self.server = uvicorn.Server(
            uvicorn.Config(
                self.app,
                host="127.0.0.1",
                port=self.port,
                log_level="warning",
                lifespan="off",
                ws="websockets-sansio",
            )
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "push node did not start"
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)


@pytest.fixture(scope="session")
def push_node(embedded: EmbeddedPlatform) -> Iterator[PushNode]:
    node = PushNode()
    node.start()
    saved = os.environ.get(ENV_PUSH_NODES)
    os.environ[ENV_PUSH_NODES] = node.url
    try:
        yield node
    finally:
        if saved is None:
            os.environ.pop(ENV_PUSH_NODES, None)
        else:
            os.environ[ENV_PUSH_NODES] = saved
        node.stop()


@pytest.fixture
def live_room(client: Any, auth: Callable[..., dict[str, str]]) -> dict[str, Any]:
    """A live room of ``merchant-1`` (home CN, host language zh-Hans) to ID, DE and AE."""
    body = {
        "title": "Silk scarves live",
        "markets": ["ID", "DE", "AE"],
        "home_market": "CN",
        "host_language": "zh-Hans",
    }
    response = client.post("/v1/rooms", json=body, headers={**auth("merchant", sub="merchant-1"), **room_key()})
    assert response.status_code == 201, response.text
    room = dict(response.json())
    patched = client.patch(
        f"/v1/rooms/{room['room_id']}", json={"status": "live"}, headers=auth("merchant", sub="merchant-1")
    )
    assert patched.status_code == 200, patched.text
    # going live is a room signal: let it pass before a test subscribes, so viewers start with no events
    local_stream.drain()
    return room


@pytest.fixture
def post(client: Any, auth: Callable[..., dict[str, str]]) -> Callable[..., Any]:
    """``post(room_id, text, role="viewer", sub="v1", market="ID", key=None, **body)`` -> response."""

    def make(
        room_id: str,
        text: str,
        role: str = "viewer",
        sub: str = "viewer-1",
        market: str | None = "ID",
        key: str | None = None,
        headers: dict[str, str] | None = None,
        **body: Any,
    ) -> Any:
        h = dict(auth(role, sub=sub, market=market)) if headers is None else dict(headers)
        h["Idempotency-Key"] = key or uuid.uuid4().hex
        return client.post(f"/v1/comments/rooms/{room_id}", json={"text": text, **body}, headers=h)

    return make


def _room_items(room_id: str) -> list[Any]:
    from functions.comments.models import Comment

    return list(Comment.query(room_id, consistent_read=True))


@pytest.fixture
def room_items(embedded: EmbeddedPlatform) -> Callable[[str], list[Any]]:
    """``room_items(room_id)``: everything stored for a room, straight from DynamoDB."""
    return _room_items


class Viewer:
    """A WebSocket subscriber of a push node, collecting events."""

    def __init__(self, node: PushNode, room_id: str, token: str) -> None:
        self.ws: ClientConnection = connect(f"ws://127.0.0.1:{node.port}/v1/push/rooms/{room_id}", open_timeout=5)
        self.ws.__enter__()  # kept open across the test; closed by the fixture
        self.ws.send(json.dumps({"type": "auth", "token": token}))
        hello = json.loads(self.ws.recv(timeout=5))
        assert hello["type"] == "ready", hello
        self.events: list[dict[str, Any]] = []

    def wait_for(self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 5.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        for event in self.events:
            if predicate(event):
                return event
        while time.monotonic() < deadline:
            try:
                frame = json.loads(self.ws.recv(timeout=max(0.01, deadline - time.monotonic())))
            except TimeoutError:
                break
            for event in frame.get("events", []):
                self.events.append(event)
                if predicate(event):
                    return event
        raise AssertionError(f"no matching event within {timeout} s; got {self.events}")

    def quiet_for(self, seconds: float) -> list[dict[str, Any]]:
        """Everything received within ``seconds`` (to assert that something did NOT arrive)."""
        local_stream.drain()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                frame = json.loads(self.ws.recv(timeout=max(0.01, deadline - time.monotonic())))
            except TimeoutError:
                break
            self.events.extend(frame.get("events", []))
        return self.events

    def close(self) -> None:
        self.ws.close()


@pytest.fixture
def viewer(push_node: PushNode, token: Callable[..., str]) -> Iterator[Callable[..., Viewer]]:
    opened: list[Viewer] = []

    def make(room_id: str, role: str = "viewer", sub: str = "watcher-1", market: str | None = "ID") -> Viewer:
        v = Viewer(push_node, room_id, token(role, sub=sub, market=market))
        opened.append(v)
        return v

    yield make
    for v in opened:
        v.close()
