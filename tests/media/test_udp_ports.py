"""ICE binds only inside the UDP port range the security group opens."""

from __future__ import annotations

import re

import aioice.ice
import pytest

from media_nodes.client import WhepViewer, WhipPublisher
from media_nodes.config import _port_range
from media_nodes.forwarding import aiortc_adapter
from media_nodes.testpattern import TestPatternTrack

pytestmark = pytest.mark.slow


def test_port_range_setting_parses_and_rejects_nonsense() -> None:
    assert _port_range("40000-49999") == (40000, 49999)
    assert _port_range(None) is None
    with pytest.raises(ValueError):
        aiortc_adapter.restrict_udp_ports(50000, 40000)


async def test_media_flows_through_ports_inside_the_range(start_node, room, token, monkeypatch):
    # the patch is process-wide: restore aioice's asyncio after the test
    monkeypatch.setattr(aioice.ice, "asyncio", aioice.ice.asyncio)
    node = await start_node(udp_ports=(41000, 41059))
    room_id = room["room_id"]
    publisher = await WhipPublisher.start(
        f"{node.url}/whip/{room_id}", token("merchant", sub="merchant-1"), [TestPatternTrack(160, 120, 30)]
    )
    viewer = await WhepViewer.start(f"{node.url}/whep/{room_id}", token("viewer", sub="ported", market="ID"))
    try:
        assert await viewer.wait_frames(10) >= 10
        ports = [
            int(p)
            for p in re.findall(r"a=candidate:\S+ \d+ udp \d+ \S+ (\d+) typ host", viewer.pc.remoteDescription.sdp)
        ]
        assert ports and all(41000 <= p <= 41059 for p in ports), ports
    finally:
        await viewer.stop()
        await publisher.stop()
