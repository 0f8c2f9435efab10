"""``crosslive dev``'s media: origin and edge processes plus the demo broadcaster give a live room."""

from __future__ import annotations

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
