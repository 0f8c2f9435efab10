"""One live-commerce story across the two pages, asserted at every step, in a real Chromium.

A merchant (home market CN, host language English) runs a room for ID, DE and AE from the
console; an Indonesian viewer watches on the viewer page. The viewer asks in Indonesian, the
host reads it in English tagged as a priority question, launches a flash coupon, the viewer sees
the countdown and claims it in rupiah, and checkout redeems the code.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
TIMEOUT = 15_000
MERCHANT = "shop-story"


@pytest.fixture(scope="module")
def story_room(api, issue):
    """A room with one product priced in every market, on screen."""
    headers = {"Authorization": f"Bearer {issue(MERCHANT, 'merchant', 'CN', 'Story Shop')}"}
    room = api.post("/v1/rooms", headers=headers, json={
        "title": "Batik & silk live", "markets": ["ID", "DE", "AE"], "home_market": "CN",
        "host_language": "en"})
    assert room.status_code == 201, room.text
    room_id = room.json()["room_id"]
    product = api.put(f"/v1/rooms/{room_id}/products/batik-1", headers=headers, json={
        "title": "Batik scarf", "prices": {"ID": 25000000, "DE": 3999, "AE": 15900}})
    assert product.status_code == 201, product.text
    assert api.post(f"/v1/rooms/{room_id}/stage/highlights", headers=headers,
                    json={"sku": "batik-1"}).status_code == 200
    return {"room_id": room_id, "headers": headers}


def test_question_coupon_claim_and_checkout(base_url, new_page, api, issue, story_room, screenshot):
    room_id, merchant = story_room["room_id"], story_room["headers"]
    console = new_page()
    console.goto(f"{base_url}/console?room={room_id}&token={issue(MERCHANT, 'merchant', 'CN', 'Story Shop')}")
    expect(console.locator("#room-title")).to_have_text("Batik & silk live", timeout=TIMEOUT)

    # The Indonesian viewer signs in with the local issuer: the token carries market ID.
    viewer = new_page(locale="id-ID", phone=True)
    viewer.goto(f"{base_url}/watch?room={room_id}")
    expect(viewer.locator("#market")).to_have_value("ID", timeout=TIMEOUT)
    viewer.fill("#signin-name", "Ayu")
    viewer.click("#signin button[type=submit]")
    expect(viewer.locator("#comment-form")).to_be_visible(timeout=TIMEOUT)
    assert viewer.evaluate("window.crosslive.me['custom:market']") == "ID"

    # STEP: the viewer asks in Indonesian.
    viewer.fill("#comment-text", "Pengiriman berapa lama?")
    viewer.click("#comment-form button[type=submit]")
    mine = viewer.locator("#comments li.mine")
    expect(mine).to_have_count(1, timeout=TIMEOUT)
    expect(mine.locator(".text")).to_have_text("Pengiriman berapa lama?")
    stored = api.get(f"/v1/comments/rooms/{room_id}", params={"limit": 5}).json()["items"]
    question = next(c for c in stored if c["kind"] == "viewer")
    assert question["author_market"] == "ID" and question["language"] == "id"

    # STEP: the host sees it in English, tagged as a priority question, on top of the list.
    item = console.locator(f"#host-comments li[data-id='{question['comment_id']}']")
    expect(item).to_be_visible(timeout=TIMEOUT)
    expect(item.locator(".host-text")).to_have_text(re.compile(r"shipping", re.I))
    expect(item.locator(".tag-priority")).to_have_count(1)
    expect(item).to_have_attribute("data-tags", re.compile(r"shipping"))
    first_viewer_item = console.locator("#host-comments li[data-kind='viewer']").first
    expect(first_viewer_item).to_have_attribute("data-id", question["comment_id"])
    screenshot(console, "story-console-question")

    # STEP: the host launches a flash coupon: Rp20.000 off in ID, for 2 minutes.
    console.select_option("#c-kind", "fixed")
    console.fill("#c-title", "Flash batik")
    console.fill("#c-amounts input[name=ID]", "20000")
    console.fill("#c-amounts input[name=DE]", "5")
    console.fill("#c-amounts input[name=AE]", "20")
    console.fill("#c-minutes", "2")
    console.fill("#c-stock", "50")
    console.click("#coupon-form button[type=submit]")
    expect(console.locator("#campaigns li")).to_have_count(3, timeout=TIMEOUT)
    campaigns = api.get(f"/v1/coupons/rooms/{room_id}/campaigns", params={"market": "ID"}).json()
    (flash,) = campaigns
    assert flash["currency"] == "IDR" and flash["discount"] == {"kind": "fixed", "amount_minor": 2000000}
    assert flash["countdown"]["state"] == "live"

    # STEP: the viewer sees the countdown and the discount in rupiah, then claims it.
    offer = viewer.locator("#offer")
    expect(offer).to_be_visible(timeout=TIMEOUT)
    expect(viewer.locator("#offer-discount")).to_have_text(re.compile(r"^-Rp\s?20\.000(,00)?$"))
    countdown = viewer.locator("#countdown")
    expect(countdown).to_have_attribute("data-state", "live")
    first = countdown.inner_text()
    assert re.search(r"\d{2}:\d{2}$", first), first
    expect(countdown).not_to_have_text(first, timeout=3_000)  # it ticks
    screenshot(viewer, "story-viewer-flash-phone")
    viewer.click("#claim")
    code = viewer.locator("#claimed-code")
    expect(code).not_to_be_empty(timeout=TIMEOUT)
    expect(viewer.locator("#claimed-works")).to_contain_text("Rp")
    coupon_code = code.inner_text()
    viewer_sub = viewer.evaluate("window.crosslive.me.sub")
    screenshot(viewer, "story-viewer-claimed-phone")

    # STEP: checkout redeems the code on a rupiah order; the discount is the one promised.
    redeemed = api.post("/v1/coupons/redemptions", headers=merchant, json={
        "code": coupon_code, "holder_sub": viewer_sub, "order_id": "order-1001", "market": "ID",
        "currency": "IDR", "order_total_minor": 25000000})
    assert redeemed.status_code == 201, redeemed.text
    assert redeemed.json()["discount_minor"] == 2000000
    assert redeemed.json()["payable_minor"] == 23000000
    # the same code cannot pay for a second order
    again = api.post("/v1/coupons/redemptions", headers=merchant, json={
        "code": coupon_code, "holder_sub": viewer_sub, "order_id": "order-1002", "market": "ID",
        "currency": "IDR", "order_total_minor": 25000000})
    assert again.status_code == 409, again.text
    for page in (console, viewer):
        assert page.js_errors == [], page.js_errors
