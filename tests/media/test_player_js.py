"""The browser player's re-routing logic, run in Node against fake routing and WHEP endpoints."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def run_harness(name: str) -> dict[str, Any]:
    """Run one Node harness next to this file against crosslive-player.js; its last line is JSON."""
    out = subprocess.run(
        ["node", str(Path(__file__).with_name(name)), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def test_player_reroutes_to_the_next_node_when_its_node_stalls() -> None:
    result = run_harness("player_harness.js")
    states = [s[0] for s in result["states"]]
    # GIVEN the player started on the best node (edge-a) and played
    assert result["calls"]["whep"][0] == "a.test" and "playing" in states
    # WHEN edge-a stopped delivering frames THEN it left edge-a, asked routing to exclude it and
    # resumed playing on edge-b
    assert ["rerouting", "edge-a", "stalled"] in result["states"]
    assert any("edge-a" in call["exclude"] for call in result["calls"]["routing"])
    assert result["calls"]["whep"][-1] == "b.test" and result["node"] == "edge-b"
    assert states[states.index("rerouting") :].count("playing") >= 1
    assert any("a.test" in url for url in result["calls"]["deleted"])
    assert result["failovers"] == 1
    # AND the player told insights what the viewer went through: first frames, the stall, the leave
    assert result["calls"]["beacons"] == ["rendered", "stall", "rendered", "leave"]


def test_player_waiting_for_a_show_plays_once_it_is_broadcast() -> None:
    result = run_harness("player_harness_not_live.js")
    attempts = result["calls"]["whep"]
    # GIVEN every node refused the viewer while nothing was broadcast (404 room-not-live)
    refused = [a["host"] for a in attempts if not a["live"]]
    assert {"o.test", "e.test"} <= set(refused)
    # THEN the player kept asking routing for every node (an exhausted exclusion list starts over)
    assert any(call["exclude"] == [] for call in result["calls"]["routing"][1:])
    # AND once the room was broadcast it connected and played
    assert any(a["live"] for a in attempts)
    assert "playing" in [s[0] for s in result["states"]]
    assert result["node"] in ("origin-1", "edge-1")


def test_stopping_during_an_offer_closes_the_session_it_opens() -> None:
    result = run_harness("player_harness_stop.js")
    # GIVEN the page stopped the player while its WHEP offer was in flight
    assert result["calls"]["whep"] == 1 and "stopped" in result["states"]
    # THEN the session the node answered afterwards was closed and its resource deleted
    assert result["calls"]["deleted"] == ["http://e.test/whep/r1/s-1"]
    assert result["closedPcs"] == 1 and result["session"] is False
