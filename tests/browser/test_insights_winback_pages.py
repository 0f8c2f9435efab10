"""Win back and "when to go live next" in the console's panel and on the report, in a real Chromium.

A room to Japan and Thailand (non-Latin scripts: the recommended start is shown in Japanese and
Thai local time). Viewers come in through a signed node feed: one in each market leaves after
5 s, one in Japan keeps watching. The panel shows the segment per market, its button points the
console's coupon form at the segment, the launched campaigns admit the member and refuse the
viewer still watching; the report shows both sections and exports a zone's CSV.
"""

from __future__ import annotations

import json
import re
import time
import uuid
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


def test_win_back_and_next_show_in_panel_and_report(
    base_url: str, api: httpx.Client, issue: Callable[..., str], new_page: Callable[..., Page], screenshot: Any
) -> None:
    # GIVEN a live room to JP and TH where one viewer per market left after 5 s and one JP viewer stays
    merchant = issue("winback-shop", "merchant", market="CN", name="Silk Road")
    auth = {"Authorization": f"Bearer {merchant}"}
    room = api.post(
        "/v1/rooms",
        json={"title": "Silk live", "markets": ["JP", "TH"], "home_market": "CN", "host_language": "en"},
        headers={**auth, **room_key()},
    ).json()
    room_id = room["room_id"]
    assert api.patch(f"/v1/rooms/{room_id}", json={"status": "live"}, headers=auth).status_code == 200
    now = int(time.time())
    sessions = []
    for sub, market, end in (("wb-jp-early", "JP", 5), ("wb-th-early", "TH", 5), ("wb-jp-stays", "JP", None)):
        base = {"room_id": room_id, "market": market, "sub": sub}
        sessions.append({**base, "event": "start", "at": now - 60})
        if end is not None:
            sessions.append({**base, "event": "end", "at": now - 60 + end, "watched": end})
    seconds = [
        {"room_id": room_id, "market": m, "t": now - s, "viewers": n}
        for s in range(2, 60)
        for m, n in (("JP", 1), ("TH", 0))
    ]
    _feed(api, {"node_id": "winback-node", "batch": now * 1000, "seconds": seconds, "sessions": sessions})

    # WHEN the merchant opens the console on that room
    console = new_page(locale="ja-JP")
    console.goto(f"{base_url}/console?token={merchant}&room={room_id}")
    winback = console.locator("#insights-winback")
    # THEN the panel shows the segment per market and the next start in each market's local time
    expect(winback.locator("tr[data-market=JP] td").first).to_have_text("1", timeout=TIMEOUT)
    expect(winback.locator("tr[data-market=TH] td").first).to_have_text("1")
    expect(winback.locator("tr.total td").first).to_have_text("2")
    expect(winback.locator(".winback-as-of")).to_contain_text("recounted at most every 30")  # how old they are
    next_show = console.locator("#insights-next-show")
    expect(next_show).to_contain_text("default")  # no past show: the documented default
    jp_time = next_show.locator("tr[data-market=JP] td.local-time")
    th_time = next_show.locator("tr[data-market=TH] td.local-time")
    expect(jp_time).to_have_text(re.compile(r"^[月火水木金土日]曜日 \d{1,2}:\d{2}$"))
    expect(th_time).to_have_text(re.compile(r"^วัน\S+ \d{1,2}:\d{2}$"))
    console.evaluate(SCROLL_JS, "#insights-next-show")  # in one page task: the panel re-renders every second
    screenshot(console, "insights-panel-winback-ja-th")

    # AND "Target with a coupon" publishes the segment and points the coupon form at it; the campaigns it launches
    # admit the viewer who left and refuse the one still watching, naming the segment
    console.click("#winback-target")
    expect(console.locator("#winback-target")).to_have_attribute("data-published", "2", timeout=TIMEOUT)
    expect(console.locator("#c-segment")).to_have_value("winback")
    expect(console.locator("#c-show")).to_have_value(room_id)
    console.click("#coupon-form button[type=submit]")
    expect(console.locator("#campaigns li")).to_have_count(2, timeout=TIMEOUT)
    campaigns = api.get(f"/v1/coupons/rooms/{room_id}/campaigns", params={"market": "JP"}).json()
    (jp,) = campaigns
    assert jp["segment"] == {"kind": "winback", "days": None, "show": room_id}

    def claim(sub: str) -> httpx.Response:
        viewer = issue(sub, "viewer", market="JP")
        return api.post(
            f"/v1/coupons/rooms/{room_id}/campaigns/{jp['campaign_id']}/claims",
            headers={"Authorization": f"Bearer {viewer}", "Idempotency-Key": uuid.uuid4().hex},
        )

    assert claim("wb-jp-early").status_code == 201
    refused = claim("wb-jp-stays")
    assert refused.status_code == 403 and refused.json()["segment"] == "winback"

    # AND the report shows both sections and exports the default zone's segment as CSV
    report = new_page(locale="th-TH")
    report.goto(f"{base_url}/web/report.html?token={merchant}&room={room_id}")
    expect(report.locator("body[data-ready='1']")).to_have_count(1, timeout=3 * TIMEOUT)
    expect(report.locator("#report-winback tr.total td").first).to_have_text("2")
    expect(report.locator("#report-next-show tr[data-market=TH] td.local-time")).to_have_text(th_time.inner_text())
    with report.expect_download() as download:
        report.click("#report-winback button[data-zone=default]")
    rows = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("viewer_sub,market,reasons")
    assert sorted(r.split(",")[0] for r in rows[1:]) == ["wb-jp-early", "wb-th-early"]
    report.locator("#report-next-show").scroll_into_view_if_needed()
    screenshot(report, "insights-report-winback-ja-th")
    assert not console.js_errors and not report.js_errors  # type: ignore[attr-defined]
