"""A WHEP session that was delivered the room's frames is presence the platform saw itself: the
node records it for the coupon segments (new / lapsed, and whether a share open counts), and a
session that left before ``watched_seconds`` records nothing."""

from __future__ import annotations

from typing import Any

import pytest

from functions.coupons.models import ViewerActivity
from functions.coupons.presence import activity_key
from functions.shared import zones
from functions.shared.zones import Zone
from media_nodes.client import WhepViewer, WhipPublisher
from media_nodes.testpattern import TestPatternTrack

from .media_helpers import wait_until

pytestmark = pytest.mark.slow


def _present_rooms(viewer_sub: str) -> set[str]:
    try:
        return set(ViewerActivity.get(activity_key("merchant-1", viewer_sub)).present_rooms or ())
    except ViewerActivity.DoesNotExist:
        return set()


async def test_a_watched_session_is_recorded_and_a_short_one_is_not(
    start_node: Any, room: dict[str, Any], token: Any
) -> None:
    node = await start_node(origin_url=None, watched_seconds=1.5)
    room_id = room["room_id"]
    publisher = await WhipPublisher.start(
        f"{node.url}/whip/{room_id}",
        token("merchant", sub="merchant-1"),
        [TestPatternTrack(160, 120, 15)],
    )
    try:
        watcher = await WhepViewer.start(f"{node.url}/whep/{room_id}", token("viewer", sub="watcher", market="DE"))
        leaver = await WhepViewer.start(f"{node.url}/whep/{room_id}", token("viewer", sub="leaver", market="ID"))
        await leaver.stop()  # gone before watched_seconds
        try:
            assert await watcher.wait_frames(5) >= 5
            assert await wait_until(lambda: _present_rooms("watcher") == {room_id}, 10)
        finally:
            await watcher.stop()
        assert _present_rooms("leaver") == set()
    finally:
        await publisher.stop()


async def test_a_watched_sessions_presence_is_stored_in_the_viewers_residency_zone(
    start_node: Any, room: dict[str, Any], token: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN an "eu" residency zone holding DE (its copy of the presence table in eu-central-1)
    eu = Zone("eu", "eu-central-1", ("eu-central-1",), ("DE", "FR"))
    monkeypatch.setattr(zones, "zones", lambda settings=None: (eu,))
    eu_activity = zones.bind(ViewerActivity, "DE")
    assert eu_activity.Meta.region == "eu-central-1"
    if not eu_activity.exists():
        eu_activity.create_table(wait=True)
    node = await start_node(origin_url=None, watched_seconds=1.0)
    room_id = room["room_id"]
    publisher = await WhipPublisher.start(
        f"{node.url}/whip/{room_id}", token("merchant", sub="merchant-1"), [TestPatternTrack(160, 120, 15)]
    )
    try:
        # WHEN a German viewer watches through the node (the node learns the market from the token)
        watcher = await WhepViewer.start(f"{node.url}/whep/{room_id}", token("viewer", sub="zoned-de", market="DE"))
        try:
            assert await watcher.wait_frames(5) >= 5

            def in_eu() -> set[str]:
                try:
                    return set(eu_activity.get(activity_key("merchant-1", "zoned-de")).present_rooms or ())
                except eu_activity.DoesNotExist:
                    return set()

            # THEN the presence is in the eu zone's table, and not in the default one
            assert await wait_until(lambda: in_eu() == {room_id}, 10)
        finally:
            await watcher.stop()
        assert _present_rooms("zoned-de") == set()
    finally:
        await publisher.stop()
