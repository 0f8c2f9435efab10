"""Every built-in market's script on the live panel and the after-show report, in a real Chromium.

A live room to every built-in viewer market: the next-show table names each market's local time
and time zone in the market's own language (Arabic, Thai, Japanese, Vietnamese, Malay ...), and
viewers ask repeated questions in Arabic, Thai, Japanese, Vietnamese and Chinese that no
phrasebook translates, so the hot questions keep their own script. Each page must draw every glyph
it shows (no tofu boxes: tests/browser/glyphs.js) and lay Arabic out right to left.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from tests.browser.test_first_hour import viewer_markets
from tests.room_helpers import room_key

TIMEOUT = 20_000
GLYPHS_JS = (Path(__file__).parent / "glyphs.js").read_text(encoding="utf-8")
QUESTIONS = {  # market -> a question two of its viewers ask, in its own script
    "SA": "هل يتوفر هذا الوشاح باللون الأزرق الداكن؟",
    "TH": "ผ้าพันคอผืนนี้มีสีน้ำเงินเข้มไหมคะ?",
    "JP": "このスカーフの紺色はありますか？",
    "VN": "Khăn này có màu xanh đậm không ạ?",
    "SG": "这条围巾有深蓝色的吗？",
}
ARABIC = ("AE", "SA")


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
    next_show.scroll_into_view_if_needed()
    screenshot(console, "insights-panel-every-script")

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
    report.locator("#report-next-show").scroll_into_view_if_needed()
    screenshot(report, "insights-report-every-script")
    assert not console.js_errors and not report.js_errors  # type: ignore[attr-defined]
