"""Every built-in market's script on the live panel and the after-show report, in a real Chromium.

A live room to every built-in viewer market: the next-show table names each market's local time
and time zone in the market's own language (Arabic, Thai, Japanese, Vietnamese, Malay ...), and
viewers ask repeated questions in Arabic, Thai, Japanese, Vietnamese and Chinese that no
phrasebook translates, so the hot questions keep their own script. Each page must draw every glyph
it shows (no tofu boxes: tests/browser/glyphs.js) and lay Arabic out right to left. Viewers of
all twelve markets end close together, so the viewers chart must keep their names apart (no two
labels overlapping) and give each market its own line colour.
"""

from __future__ import annotations

import itertools
import json
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from functions.shared import signing
from tests.browser.test_first_hour import viewer_markets
from tests.room_helpers import room_key

TIMEOUT = 20_000
SCROLL_JS = "selector => document.querySelector(selector).scrollIntoView({block: 'center'})"
GLYPHS_JS = (Path(__file__).parent / "glyphs.js").read_text(encoding="utf-8")
QUESTIONS = {  # market -> a question two of its viewers ask, in its own script
    "SA": "هل يتوفر هذا الوشاح باللون الأزرق الداكن؟",
    "TH": "ผ้าพันคอผืนนี้มีสีน้ำเงินเข้มไหมคะ?",
    "JP": "このスカーフの紺色はありますか？",
    "VN": "Khăn này có màu xanh đậm không ạ?",
    "SG": "这条围巾有深蓝色的吗？",
}
ARABIC = ("AE", "SA")


# Each series label's box in the chart's own units, and each line's colour.
LABELS_JS = """svg => ({
  boxes: [...svg.querySelectorAll('text.series-label')].map(t => {
    const b = t.getBBox();
    return [t.textContent, b.y, b.y + b.height];
  }),
  colours: [...svg.querySelectorAll('polyline')].map(p => p.getAttribute('stroke')),
})"""


def _overlapping(boxes: list[list[Any]]) -> list[tuple[str, str]]:
    ordered = sorted(boxes, key=lambda b: b[1])
    return [(a[0], b[0]) for a, b in itertools.pairwise(ordered) if b[1] < a[2] - 0.5]


def _direction(page: Page, selector: str) -> str:
    return str(page.locator(selector).evaluate("el => getComputedStyle(el).direction"))


def test_every_markets_script_is_drawn_and_arabic_reads_right_to_left_on_the_insights_pages(
    base_url: str, api: httpx.Client, issue: Callable[..., str], new_page: Callable[..., Page], screenshot: Any
) -> None:
    # GIVEN a live room to every built-in viewer market, with questions asked twice in five scripts
    markets = viewer_markets()
    merchant = issue("scripts-shop", "merchant", market="CN", name="Every Script Shop")
    auth = {"Authorization": f"Bearer {merchant}"}
    room = api.post(
        "/v1/rooms",
        json={"title": "Scarves for everyone", "markets": markets, "home_market": "CN", "host_language": "en"},
        headers={**auth, **room_key()},
    )
    assert room.status_code == 201, room.text
    room_id = room.json()["room_id"]
    assert api.patch(f"/v1/rooms/{room_id}", json={"status": "live"}, headers=auth).status_code == 200
    for market, text in QUESTIONS.items():
        for asker in range(2):
            viewer = issue(f"scripts-{market.lower()}-{asker}", "viewer", market=market)
            said = api.post(
                f"/v1/comments/rooms/{room_id}",
                json={"text": text},
                headers={"Authorization": f"Bearer {viewer}", "Idempotency-Key": uuid.uuid4().hex},
            )
            assert said.status_code in (200, 201, 202), said.text
    # AND three minutes of viewers in every market, 20 to 31 each: lines that end close together
    now = int(time.time())
    seconds = [
        {"room_id": room_id, "market": m, "t": now - s, "viewers": 20 + i}
        for s in range(2, 180)
        for i, m in enumerate(markets)
    ]
    for start in range(0, len(seconds), 600):
        batch = {"node_id": "scripts-node", "batch": now * 1000 + start, "seconds": seconds[start : start + 600]}
        raw = json.dumps(batch)
        fed = api.post(
            "/v1/insights/internal/node-feed",
            content=raw.encode(),
            headers={"X-Crosslive-Feed-Signature": signing.sign(raw.encode())},
        )
        assert fed.status_code == 202, fed.text

    # WHEN the merchant opens the console's live panel, then the report
    console = new_page()
    console.goto(f"{base_url}/console?token={merchant}&room={room_id}")
    panel = console.locator("#insights")
    next_show = panel.locator("#insights-next-show")
    expect(next_show.locator("tbody tr")).to_have_count(len(markets), timeout=TIMEOUT)
    for text in QUESTIONS.values():
        expect(panel.locator("ul.questions")).to_contain_text(text, timeout=TIMEOUT)
    # THEN every glyph of the page is drawn (no tofu) ...
    assert console.evaluate(GLYPHS_JS) == []
    # ... and Arabic reads right to left: each Arabic market's local time and zone, the Arabic question
    for market in ARABIC:
        for cell in ("td.local-time", "td.time-zone"):
            assert _direction(console, f"#insights-next-show tr[data-market={market}] {cell}") == "rtl", (market, cell)
    arabic_question = panel.locator("ul.questions .question-label", has_text=QUESTIONS["SA"])
    assert arabic_question.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert _direction(console, "#insights-next-show tr[data-market=JP] td.local-time") == "ltr"
    console.evaluate(SCROLL_JS, "#insights-next-show")  # in one page task: the panel re-renders every second
    screenshot(console, "insights-panel-every-script")
    # AND the viewers chart names each market once, no two names overlapping, each line its own colour
    chart = panel.locator("svg.chart").first
    expect(chart.locator("polyline")).to_have_count(len(markets), timeout=TIMEOUT)
    drawn = chart.evaluate(LABELS_JS)
    assert sorted(b[0] for b in drawn["boxes"]) == sorted(markets)
    assert _overlapping(drawn["boxes"]) == []
    assert len(set(drawn["colours"])) == len(markets)
    console.evaluate(SCROLL_JS, "#insights svg.chart")
    screenshot(console, "insights-panel-viewers-twelve-markets")

    report = new_page()
    report.goto(f"{base_url}/web/report.html?token={merchant}&room={room_id}")
    expect(report.locator("body[data-ready='1']")).to_have_count(1, timeout=3 * TIMEOUT)
    expect(report.locator("#report-next-show tbody tr")).to_have_count(len(markets))
    for text in QUESTIONS.values():
        expect(report.locator("ul.questions")).to_contain_text(text)
    assert report.evaluate(GLYPHS_JS) == []
    for market in ARABIC:
        for cell in ("td.local-time", "td.time-zone"):
            assert _direction(report, f"#report-next-show tr[data-market={market}] {cell}") == "rtl", (market, cell)
    report_chart = report.locator("#report svg.chart").first
    assert _overlapping(report_chart.evaluate(LABELS_JS)["boxes"]) == []
    report.locator("#report-next-show").scroll_into_view_if_needed()
    screenshot(report, "insights-report-every-script")
    assert not console.js_errors and not report.js_errors  # type: ignore[attr-defined]
