"""Debian's Chromium watches a room published in H.264 (as OBS Studio publishes it).

``crosslive broadcast --codec h264`` (aiortc + libx264, like OBS: H.264 + Opus over WHIP) publishes
to the origin node; a German viewer opens the watch page, the router sends it to a node (the edge
pulls the room from the origin), and the page's video element advances. WebRTC's own stats say
the frames were H.264 and were decoded by Chromium.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
import pytest
from playwright.sync_api import expect

from tests.room_helpers import room_key

pytestmark = pytest.mark.browser
TIMEOUT = 25_000

VIDEO_STATS_JS = """async () => {
    const session = window.crosslivePage.player && window.crosslivePage.player.session;
    if (!session) return null;
    const stats = await session.pc.getStats();
    let inbound = null;
    stats.forEach((r) => { if (r.type === "inbound-rtp" && r.kind === "video") inbound = r; });
    if (!inbound) return null;
    const codec = inbound.codecId ? stats.get(inbound.codecId) : null;
    return {
        frames: inbound.framesDecoded || 0,
        keyframes: inbound.keyFramesDecoded || 0,
        mime: codec ? codec.mimeType : null,
        fmtp: codec ? codec.sdpFmtpLine : null,
        decoder: inbound.decoderImplementation || null,
        width: inbound.frameWidth || 0,
        time: document.querySelector('#video').currentTime,
    };
}"""


@pytest.fixture
def h264_broadcast(api, issue, nodes):
    """A DE room published in H.264 to the origin by ``crosslive broadcast --codec h264``."""
    merchant = issue("shop-h264", "merchant", "CN", "H264 Shop")
    headers = {"Authorization": f"Bearer {merchant}"}
    created = api.post(
        "/v1/rooms",
        headers={**headers, **room_key()},
        json={"title": "OBS-style H.264 live", "markets": ["DE"], "home_market": "CN", "host_language": "en"},
    )
    assert created.status_code == 201, created.text
    room_id = created.json()["room_id"]
    assert api.patch(f"/v1/rooms/{room_id}", headers=headers, json={"status": "live"}).status_code == 200
    origin = nodes["origin"].url
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from crosslive.cli import main; main()",
            "broadcast",
            "--whip-url",
            f"{origin}/whip/{room_id}",
            "--codec",
            "h264",
            "--size",
            "640x360",
            "--duration",
            "120",
        ],
        env={**os.environ, "CROSSLIVE_TOKEN": merchant},
    )
    try:
        deadline = time.monotonic() + 30
        room: dict = {}
        while time.monotonic() < deadline and proc.poll() is None:
            room = httpx.get(f"{origin}/metrics", timeout=2).json()["rooms"].get(room_id, {})
            if room.get("keyframes_in", 0) > 0:
                break
            time.sleep(0.2)
        assert room.get("codecs", {}).get("video") == "H264", room
        assert room.get("keyframes_in", 0) > 0, f"the origin received no H.264 keyframe: {room}"
        yield room_id
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_chromium_plays_an_h264_room_through_the_cascade(base_url, new_page, issue, nodes, h264_broadcast):
    room_id = h264_broadcast
    viewer = new_page(locale="de-DE")
    token = issue("viewer-de-h264", "viewer", "DE", "Jonas")
    viewer.goto(f"{base_url}/watch?room={room_id}&token={token}")
    expect(viewer.locator("body")).to_have_attribute("data-player", "playing", timeout=TIMEOUT)
    # the frames Chromium decodes are H.264 (the node forwarded the publisher's codec to it)
    deadline = time.monotonic() + 15
    first = viewer.evaluate(VIDEO_STATS_JS)
    while (first is None or first["frames"] == 0) and time.monotonic() < deadline:
        viewer.wait_for_timeout(200)
        first = viewer.evaluate(VIDEO_STATS_JS)
    assert first is not None and first["frames"] > 0, first
    assert first["mime"] == "video/H264", first
    assert "packetization-mode=1" in (first["fmtp"] or ""), first
    assert first["keyframes"] >= 1 and first["width"] == 640, first
    # and the picture moves on: more frames decoded, the element's clock advances
    viewer.wait_for_timeout(1500)
    second = viewer.evaluate(VIDEO_STATS_JS)
    assert second["frames"] > first["frames"], (first, second)
    assert second["time"] > first["time"], (first, second)
    size = viewer.evaluate(
        "[document.querySelector('#video').videoWidth, document.querySelector('#video').videoHeight]"
    )
    assert size == [640, 360], size
    # served by whichever node routing picked; an edge got the room from the origin in H.264
    role = viewer.evaluate("document.body.dataset.nodeRole")
    serving = nodes[role].url
    rooms = httpx.get(f"{serving}/metrics", timeout=2).json()["rooms"]
    assert rooms[room_id]["codecs"]["video"] == "H264" and rooms[room_id]["frames_out"] > 0, rooms
    print(f"Chromium decoded {second['frames']} H.264 frames from the {role} node (decoder {second['decoder']!r})")
    assert viewer.js_errors == [], viewer.js_errors
