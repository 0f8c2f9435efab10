"""The console's live insights panel and the after-show report page in a real Chromium.

Data goes in through the real inputs (a signed node feed as a media node sends it, comments
through the comments API); the panel must show it, an alert for the market that dropped must
reach it, and the report must render, print and export its CSV and PNG.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from functions.shared import signing
from tests.room_helpers import room_key

TIMEOUT = 20_000
SCROLL_JS = "selector => document.querySelector(selector).scrollIntoView({block: 'center'})"


def _feed(api: httpx.Client, body: dict[str, Any]) -> None:
    raw = json.dumps(body).encode()
    response = api.post(
        "/v1/insights/internal/node-feed", content=raw, headers={"X-Crosslive-Feed-Signature": signing.sign(raw)}
    )
    assert response.status_code == 202, response.text


class Node(threading.Thread):
    """Posts the viewers present each second, as a media node's feed does (signed, numbered)."""

    def __init__(self, api_url: str, room_id: str, present: dict[str, int]) -> None:
        super().__init__(daemon=True)
        self.api_url, self.room_id, self.present = api_url, room_id, present
        self.stopped = threading.Event()
        self.batch = int(time.time() * 1000) + 100_000

    def run(self) -> None:
        with httpx.Client(base_url=self.api_url, timeout=10) as api:
            while not self.stopped.wait(1.0):
                self.batch += 1
                t = int(time.time())
                samples = [
                    {"room_id": self.room_id, "market": m, "t": t, "viewers": n} for m, n in self.present.items()
                ]
                _feed(api, {"node_id": "panel-node-live", "batch": self.batch, "seconds": samples})


def test_the_panel_shows_viewers_funnel_and_the_alert_and_the_report_exports(
    base_url: str, api: httpx.Client, issue: Callable[..., str], new_page: Callable[..., Page], screenshot: Any
) -> None:
    # GIVEN a live room to ID and DE with five minutes of viewers: 30 in ID, 40 in DE ...
    merchant = issue("insights-shop", "merchant", market="CN", name="Batik House")
    auth = {"Authorization": f"Bearer {merchant}"}
    room = api.post(
        "/v1/rooms",
        json={"title": "Batik live", "markets": ["ID", "DE"], "home_market": "CN", "host_language": "en"},
        headers={**auth, **room_key()},
    ).json()
    room_id = room["room_id"]
    assert api.patch(f"/v1/rooms/{room_id}", json={"status": "live"}, headers=auth).status_code == 200
    now = int(time.time())
    seconds = [
        {"room_id": room_id, "market": market, "t": now - s, "viewers": n}
        for s in range(2, 290)
        for market, n in (("ID", 30), ("DE", 40))
    ]
    sessions = [
        {
            "room_id": room_id,
            "market": "ID" if i < 3 else "DE",
            "sub": f"panel-viewer-{i}",
            "event": "start",
            "at": now - 250,
        }
        for i in range(6)
    ]
    for start in range(0, len(seconds), 600):
        _feed(
            api,
            {
                "node_id": "panel-node",
                "batch": now * 1000 + start,
                "seconds": seconds[start : start + 600],
                "sessions": sessions if start == 0 else [],
            },
        )
    for market, text in (("ID", "Berapa harganya kak?"), ("ID", "Bagus banget!"), ("DE", "Viel zu teuer")):
        viewer = issue(f"panel-{market}-{len(text)}", "viewer", market=market)
        api.post(
            f"/v1/comments/rooms/{room_id}",
            json={"text": text},
            headers={"Authorization": f"Bearer {viewer}", "Idempotency-Key": f"k-{market}-{len(text)}-{now}"},
        )

    present = {"ID": 30, "DE": 40}
    node = Node(base_url, room_id, present)
    node.start()
    try:
        _panel_and_report(base_url, api, merchant, room_id, present, new_page, screenshot)
    finally:
        node.stopped.set()
        node.join(timeout=5)


def _panel_and_report(
    base_url: str,
    api: httpx.Client,
    merchant: str,
    room_id: str,
    present: dict[str, int],
    new_page: Callable[..., Page],
    screenshot: Any,
) -> None:
    # WHEN the merchant opens the console on that room
    console = new_page()
    console.goto(f"{base_url}/console?token={merchant}&room={room_id}")
    panel = console.locator("#insights")
    # THEN the panel shows the viewers per market, the funnel per market and the charts
    expect(console.locator("#insights-now")).to_have_text("70", timeout=TIMEOUT)
    expect(panel.locator("table.funnel tr[data-market=ID] td").first).to_contain_text("3")
    expect(panel.locator("table.funnel tr[data-market=DE] td").first).to_contain_text("3")
    expect(panel.locator("svg.chart").first.locator("polyline")).to_have_count(2)  # one line per market
    panel.scroll_into_view_if_needed()
    screenshot(console, "insights-panel")
    # AND its win-back section (nobody has left yet) and the next start in each market's own format
    expect(panel.locator("#insights-winback tr[data-market=ID] td").first).to_have_text("0", timeout=TIMEOUT)
    next_show = panel.locator("#insights-next-show")
    expect(next_show.locator("tr[data-market=ID] td.local-time")).to_have_text(re.compile(r"^\w+ \d{1,2}\.\d{2}$"))
    expect(next_show.locator("tr[data-market=DE] td.local-time")).to_have_text(re.compile(r"^\w+ \d{1,2}:\d{2}$"))
    console.evaluate(SCROLL_JS, "#insights-next-show")  # in one page task: the panel re-renders every second
    screenshot(console, "insights-panel-next-show-id-de")

    # AND when 30 of DE's 40 viewers leave, the drop-off alert for DE reaches the panel
    present["DE"] = 10
    alerts = console.locator("#insights-alerts")
    expect(alerts).to_contain_text("drop-off", timeout=TIMEOUT)
    expect(alerts).to_contain_text("DE: viewers fell")
    expect(console.locator("#insights-now")).to_have_text("40", timeout=TIMEOUT)
    console.evaluate(SCROLL_JS, "#insights-alerts")
    screenshot(console, "insights-panel-alert")

    # AND the report page renders, exports the per-minute CSV and a PNG of the charts, and prints
    report = new_page()
    report.goto(f"{base_url}/web/report.html?token={merchant}&room={room_id}")
    expect(report.locator("body[data-ready='1']")).to_have_count(1, timeout=3 * TIMEOUT)  # the whole show, read once
    expect(report.locator("#report svg.chart")).to_have_count(4)
    expect(report.locator("#report-winback tr[data-market=DE]")).to_have_count(1)
    expect(report.locator("#report-next-show tr[data-market=ID] td.local-time")).to_have_text(re.compile(r"\d\.\d{2}$"))
    with report.expect_download() as csv_download:
        report.click("#export-csv")
    csv = Path(csv_download.value.path()).read_text(encoding="utf-8").splitlines()
    assert csv[0].startswith("minute_utc,market,viewers_avg,exit_rate,sentiment,joins")
    assert any(line.split(",")[1] == "DE" and float(line.split(",")[2] or 0) > 0 for line in csv[1:])
    with report.expect_download() as png_download:
        report.click("#export-png")
    assert Path(png_download.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    screenshot(report, "insights-report")
    assert report.pdf(format="A4")[:4] == b"%PDF"
