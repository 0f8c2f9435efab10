"""Product taps and shares on the viewer page reach the merchant's live panel and the report.

Two viewers watch the merchant's camera through the shipped viewer page (/watch, the real player
and its beacons) while a product is on screen: the Indonesian viewer taps Buy and Claim and shares
the room, the German viewer only watches. The console's live panel (web/js/insights-panel.js) and
the report page then show, per market, the product click-through with both counts and the sharers
(docs/insights.md, "Product click-through", "Engagement rate").
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from tests.room_helpers import room_key

from .test_story import TIMEOUT, go_live

pytestmark = pytest.mark.browser
MERCHANT = "shop-taps"
SHOTS = Path("/tmp/crosslive-insights-taps")


def _market_figures(api: Any, room_id: str, merchant: dict[str, str], market: str) -> dict[str, Any]:
    return dict(api.get(f"/v1/insights/rooms/{room_id}/live", headers=merchant).json()["markets"][market])


def _wait(api: Any, room_id: str, merchant: dict[str, str], market: str, name: str, at_least: int) -> dict[str, Any]:
    deadline = time.monotonic() + 20
    figures = _market_figures(api, room_id, merchant, market)
    while figures[name] < at_least and time.monotonic() < deadline:
        time.sleep(0.3)
        figures = _market_figures(api, room_id, merchant, market)
    return figures


def _shop(route: Route) -> None:
    """The merchant's checkout (the Buy link's target) answered locally: the test never goes online."""
    route.fulfill(status=200, content_type="text/html", body="<!doctype html><title>shop</title><p>checkout</p>")


def _shot(page: Page, name: str) -> Path:
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def test_viewer_taps_and_shares_reach_the_live_panel_per_market(base_url, new_page, api, issue, nodes, screenshot):
    merchant_token = issue(MERCHANT, "merchant", "CN", "Taps Shop")
    merchant = {"Authorization": f"Bearer {merchant_token}"}
    room = api.post(
        "/v1/rooms",
        headers={**merchant, **room_key()},
        json={"title": "Batik taps", "markets": ["ID", "DE"], "home_market": "CN", "host_language": "en"},
    )
    assert room.status_code == 201, room.text
    room_id = room.json()["room_id"]
    product = api.put(
        f"/v1/rooms/{room_id}/products/batik-9",
        headers=merchant,
        json={
            "title": "Batik shirt",
            "prices": {"ID": 30000000, "DE": 4999},
            "buy_url": "https://shop.example/batik-9",
        },
    )
    assert product.status_code == 201, product.text
    now = time.time()
    campaign = api.post(
        f"/v1/coupons/rooms/{room_id}/campaigns",
        headers=merchant,
        json={
            "title": "Flash ID",
            "markets": ["ID"],
            "currency": "IDR",
            "stock": 20,
            "per_user_limit": 1,
            "valid_from": now - 60,
            "valid_until": now + 86_400,
            "flash": {"start": now - 30, "end": now + 900},
            "discount": {"kind": "fixed", "amount_minor": 2_000_000},
        },
    )
    assert campaign.status_code == 201, campaign.text
    console = new_page()
    go_live(console, base_url, room_id, merchant_token, nodes)
    # GIVEN the product on screen, and a viewer in Indonesia and one in Germany playing the show
    assert (
        api.post(f"/v1/rooms/{room_id}/stage/highlights", headers=merchant, json={"sku": "batik-9"}).status_code == 200
    )
    viewers = {}
    for market, locale, sub in (("ID", "id-ID", "viewer-taps-id"), ("DE", "de-DE", "viewer-taps-de")):
        page = new_page(locale=locale, phone=True)
        page.context.route("https://shop.example/**", _shop)
        page.goto(f"{base_url}/watch?room={room_id}&token={issue(sub, 'viewer', market, sub)}")
        expect(page.locator("body")).to_have_attribute("data-player", "playing", timeout=30_000)
        expect(page.locator(".card[data-sku='batik-9'] a.buy")).to_be_visible(timeout=TIMEOUT)
        viewers[market] = page
    # (each page reported the card it had on screen while playing)
    for market in ("ID", "DE"):
        assert _wait(api, room_id, merchant, market, "product_viewers", 1)["product_viewers"] == 1
    # WHEN the Indonesian viewer taps Buy (the checkout opens in a new tab), claims the coupon and
    # shares the room
    viewer = viewers["ID"]
    with viewer.context.expect_page() as checkout:
        viewer.click(".card[data-sku='batik-9'] a.buy")
    checkout.value.close()
    expect(viewer.locator("#claim")).to_be_visible(timeout=TIMEOUT)
    viewer.click("#claim")
    expect(viewer.locator("#claimed-code")).not_to_be_empty(timeout=TIMEOUT)
    viewer.click("#share")
    expect(viewer.locator("#share-link")).to_be_visible(timeout=TIMEOUT)
    _shot(viewer, "viewer-id-tapped-phone")
    # THEN the API counts, per market: ID one tapper of one viewer with the product on screen and
    # one sharer (two taps, buy and claim); DE none of either
    figures = _wait(api, room_id, merchant, "ID", "sharers", 1)
    figures = _wait(api, room_id, merchant, "ID", "tappers", 1)
    assert (figures["tappers"], figures["product_viewers"], figures["sharers"]) == (1, 1, 1)
    assert figures["product_click_through"] == 1.0
    assert figures["counters"]["taps"] == 2 and figures["counters"]["shares"] == 1
    de = _market_figures(api, room_id, merchant, "DE")
    assert (de["tappers"], de["product_viewers"], de["sharers"], de["product_click_through"]) == (0, 1, 0, 0.0)
    assert de["counters"]["taps"] == 0
    # AND the console's live panel shows the click-through with both counts and the sharers per market
    engagement = console.locator("#insights-engagement")
    expect(engagement.locator("tr[data-market=ID] td.click-through")).to_have_text("100% (1/1)", timeout=TIMEOUT)
    expect(engagement.locator("tr[data-market=ID] td.sharers")).to_have_text("1")
    expect(engagement.locator("tr[data-market=DE] td.click-through")).to_have_text("0% (0/1)")
    expect(engagement.locator("tr[data-market=DE] td.sharers")).to_have_text("0")
    # AND the viewers chart draws each market, a market with one minute so far as a point
    chart = console.locator("#insights svg.chart").first
    expect(chart.locator("polyline")).to_have_count(2)
    single = chart.evaluate(
        "(svg) => [...svg.querySelectorAll('polyline')].filter((p) => !p.getAttribute('points').includes(' ')).length"
    )
    expect(chart.locator("circle.point")).to_have_count(single)
    console.locator("#insights").scroll_into_view_if_needed()
    screenshot(console, "insights-panel-taps")
    _shot(console, "panel-taps")
    # AND the report page shows the same
    report = new_page()
    report.goto(f"{base_url}/web/report.html?token={merchant_token}&room={room_id}")
    expect(report.locator("body[data-ready='1']")).to_have_count(1, timeout=3 * TIMEOUT)
    report_engagement = report.locator("#insights-engagement")
    expect(report_engagement.locator("tr[data-market=ID] td.click-through")).to_have_text("100% (1/1)")
    expect(report_engagement.locator("tr[data-market=ID] td.sharers")).to_have_text("1")
    expect(report_engagement.locator("tr[data-market=DE] td.click-through")).to_have_text("0% (0/1)")
    screenshot(report, "insights-report-taps")
    _shot(report, "report-taps")
    for page in (console, report, *viewers.values()):
        assert page.js_errors == [], page.js_errors  # type: ignore[attr-defined]
