"""Media nodes on loopback inside the test's event loop, against the session's embedded platform."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import pytest
import uvicorn

from crosslive.dev.platform import EmbeddedPlatform, free_port
from media_nodes.app import create_node_app
from media_nodes.config import NodeSettings, node_settings
from media_nodes.node import MediaNode

NODE_SECRET = "test-node-secret"


@dataclass
class RunningNode:
    settings: NodeSettings
    server: uvicorn.Server
    task: asyncio.Task[Any]

    @property
    def url(self) -> str:
        return self.settings.public_url

    @property
    def node(self) -> MediaNode:
        return self.server.config.app.state.node  # type: ignore[no-any-return]

    async def stop(self) -> None:
        self.server.should_exit = True
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self.task, 10)


NodeFactory = Callable[..., Any]


@pytest.fixture
async def start_node(embedded: EmbeddedPlatform) -> AsyncIterator[NodeFactory]:
    """``await start_node(role="edge", origin_url=..., **settings)`` -> a running node."""
    running: list[RunningNode] = []

    async def start(**overrides: Any) -> RunningNode:
        port = free_port()
        base = node_settings(port=port, env={})
        values = {
            **vars(base),
            "node_id": f"test-{port}",
            "node_secret": NODE_SECRET,
            "heartbeat_seconds": 0.5,
            "upstream_linger": 0.2,
            "source_grace": 1.0,
            **overrides,
        }
        settings = NodeSettings(**values)
        app = create_node_app(settings)
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on", access_log=False)
        )
        task = asyncio.ensure_future(server.serve())
        for _ in range(500):
            if server.started:
                break
            await asyncio.sleep(0.01)
        node = RunningNode(settings, server, task)
        running.append(node)
        return node

    yield start
    for node in reversed(running):
        await node.stop()
