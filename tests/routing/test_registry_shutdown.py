"""A node that shuts down leaves the registry for good, even with a heartbeat write in flight."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

import media_nodes.registry as registry
from functions.routing.registry import MediaNodeRecord
from media_nodes.registry import NodeLoad


def test_a_heartbeat_in_flight_at_shutdown_does_not_bring_the_node_back(embedded, monkeypatch):
    started = threading.Event()
    real_write = registry.write_heartbeat

    def slow_write(record, load, now=None):  # a heartbeat whose DynamoDB write is slow
        started.set()
        time.sleep(0.3)
        real_write(record, load, now)

    monkeypatch.setattr(registry, "write_heartbeat", slow_write)
    record = MediaNodeRecord(
        "shutdown-race",
        base_url="http://127.0.0.1:9",
        region_name="local",
        aws_region="us-east-1",
        role="edge",
        started_at=time.time(),
    )

    async def run_and_shut_down() -> None:
        # GIVEN a node heartbeating, WHEN it shuts down while a heartbeat write is in flight
        task = asyncio.ensure_future(registry.heartbeat_loop(record, lambda: NodeLoad([], [], 0, 0.0), 0.05))
        assert await asyncio.to_thread(started.wait, 5)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        registry.deregister("shutdown-race")  # what the node's lifespan does next
        await asyncio.sleep(0.5)  # room for a stray write to land

    asyncio.run(run_and_shut_down())
    # THEN the registry has no item of it (routing and the fan-out would take a fresh one as live)
    with pytest.raises(MediaNodeRecord.DoesNotExist):
        MediaNodeRecord.get("shutdown-race", consistent_read=True)
