"""``crosslive dev``'s media: origin and edge processes plus the demo broadcaster give a live room."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from crosslive.dev.media import DEMO_ROOM, media_services
from media_nodes.client import WhepViewer

pytestmark = pytest.mark.slow


async def test_embedded_origin_edge_and_broadcaster_show_a_live_room(embedded, token):
    origin, edge, broadcaster = media_services(size="320x240")
    services = (origin, edge, broadcaster)
    try:
        for service in services:
            service.start(embedded)
        viewer = await WhepViewer.start(
            f"{edge.url}/whep/{DEMO_ROOM}", token("viewer", sub="newcomer", market="DE"), decode=True
        )
        try:
            assert await viewer.wait_frames(15, timeout=30) >= 15
            assert viewer.recorder.frame_numbers and viewer.recorder.decode_errors == 0
        finally:
            await viewer.stop()
        async with httpx.AsyncClient() as http:
            origin_room = (await http.get(f"{origin.url}/metrics")).json()["rooms"][DEMO_ROOM]
            edge_room = (await http.get(f"{edge.url}/metrics")).json()["rooms"][DEMO_ROOM]
        assert origin_room["source"] == "publisher" and edge_room["source"] == "upstream"
        assert "media origin" in origin.urls() and broadcaster.urls()["demo room"] == DEMO_ROOM
    finally:
        for service in reversed(services):
            service.stop()


def test_a_dead_media_node_is_reaped_and_started_again_on_its_port(embedded: Any) -> None:
    # GIVEN crosslive dev's edge node running
    _origin, edge, _broadcaster = media_services(size="320x240")
    edge.start(embedded)
    try:
        first = edge.proc
        assert first is not None and httpx.get(f"{edge.url}/health", timeout=2).status_code == 200
        # WHEN its process dies
        first.kill()
        # THEN it is reaped (no zombie) and a new process serves the same URL
        deadline = time.monotonic() + 30
        while (edge.proc is first or edge.proc is None) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert first.returncode is not None
        assert edge.proc is not first and edge.proc is not None and edge.proc.poll() is None
        assert edge.process is not None and edge.process.restarts == 1
        health = httpx.get(f"{edge.url}/health", timeout=2).json()
        assert health["status"] == "ok" and health["role"] == "edge"
    finally:
        edge.stop()
    # AND stopping leaves no process behind
    assert edge.proc is None
