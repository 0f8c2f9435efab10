"""The shipped viewer page reports playback to live insights: first frame rendered, a stall, leaving.

The viewer watches the merchant's camera through the real player (media_nodes/static/
crosslive-player.js, loaded by /watch); its beacons go to POST /v1/insights/rooms/{room}/beacons
with the viewer's token, and the merchant's live panel in the console shows the counts move.
"""

from __future__ import annotations

import time

from playwright.sync_api import expect

from tests.room_helpers import room_key

from .test_story import TIMEOUT, go_live

MERCHANT = "merchant-beacons"


def _counters(api, room_id: str, merchant: dict[str, str]) -> dict[str, int]:
    data = api.get(f"/v1/insights/rooms/{room_id}/live", headers=merchant).json()
    return data["markets"]["ID"]["counters"]


def _wait_for(api, room_id, merchant, name: str, at_least: int) -> dict[str, int]:
    deadline = time.monotonic() + 20
    counters = _counters(api, room_id, merchant)
    while counters[name] < at_least and time.monotonic() < deadline:
        time.sleep(0.3)
        counters = _counters(api, room_id, merchant)
    return counters


def test_a_viewer_page_reports_first_frame_a_stall_and_leaving(base_url, new_page, api, issue, nodes, screenshot):
    merchant_token = issue(MERCHANT, "merchant", "CN", "Beacon Shop")
    merchant = {"Authorization": f"Bearer {merchant_token}"}
    room = api.post(
        "/v1/rooms",
        headers={**merchant, **room_key()},
        json={"title": "Beacons", "markets": ["ID", "DE"], "home_market": "CN", "host_language": "en"},
    )
    assert room.status_code == 201, room.text
    room_id = room.json()["room_id"]
    console = new_page()
    go_live(console, base_url, room_id, merchant_token, nodes)
    # GIVEN a viewer in Indonesia whose page plays the show
    viewer = new_page(locale="id-ID")
    viewer.goto(f"{base_url}/watch?room={room_id}&token={issue('viewer-beacons', 'viewer', 'ID', 'Sari')}")
    expect(viewer.locator("body")).to_have_attribute("data-player", "playing", timeout=30_000)
    # THEN the player reported its first frame, with a time to first frame
    counters = _wait_for(api, room_id, merchant, "rendered", 1)
    assert counters["rendered"] == 1 and counters["ttff_ms"] > 0
    assert counters["stalls"] == 0
    # WHEN playback stalls for ~2.5 s (injected: the player's decoded-frame counter stands still,
    # shorter than the 4 s after which it would leave the node) and then resumes
    viewer.evaluate(
        """() => {
          const player = window.crosslivePage.player;
          let frozen = null;
          player.framesDecoded = async (pc) => {
            if (frozen === null) frozen = await Object.getPrototypeOf(player).framesDecoded.call(player, pc);
            return frozen;
          };
          setTimeout(() => { delete player.framesDecoded; }, 2500);
        }"""
    )
    deadline = time.monotonic() + 20  # (wait_for_function evaluates a string: the page's CSP refuses it)
    while viewer.evaluate("() => window.crosslivePage.player.beacons.sent.stall") < 1:
        assert time.monotonic() < deadline, "the player sent no stall beacon"
        time.sleep(0.2)
    # THEN one stall is counted, with its length, and the viewer never left the node
    counters = _wait_for(api, room_id, merchant, "stalls", 1)
    assert counters["stalls"] == 1
    assert 1_000 <= counters["stall_ms"] <= 10_000
    assert viewer.evaluate("window.crosslivePage.player.failovers") == 0
    # AND the merchant's live panel shows the playback counts of ID
    tile = console.locator("#insights .tile[data-market='ID'] .tile-playback")
    expect(tile).to_have_attribute("data-rendered", "1", timeout=TIMEOUT)
    expect(tile).to_have_attribute("data-stalls", "1", timeout=TIMEOUT)
    expect(tile).to_have_attribute("data-leaves", "0")
    # WHEN the viewer leaves the page (navigates away: the page is hidden for good)
    viewer.goto("about:blank")
    # THEN the leave arrives (sent with keepalive as the page went) and the panel shows it
    counters = _wait_for(api, room_id, merchant, "player_leaves", 1)
    assert counters["player_leaves"] == 1
    expect(tile).to_have_attribute("data-leaves", "1", timeout=TIMEOUT)
    console.locator("#insights").scroll_into_view_if_needed()
    screenshot(console, "insights-panel-playback")
