"""Share-to-unlock from the shipped pages: a viewer watches and shares from the page, a second viewer
opens the link and watches (the media node records the watch after 20 s of frames), the page
reports the open, and the first viewer claims the room's sharer coupon from the page."""

from __future__ import annotations

import time

from playwright.sync_api import expect

from tests.room_helpers import room_key

from .test_story import TIMEOUT, go_live

MERCHANT = "merchant-share"


def test_a_viewer_shares_a_friend_watches_and_the_sharer_claims_the_sharer_coupon(
    base_url, new_page, api, issue, nodes, screenshot
):
    merchant_token = issue(MERCHANT, "merchant", "CN", "Share Shop")
    merchant = {"Authorization": f"Bearer {merchant_token}"}
    room = api.post(
        "/v1/rooms",
        headers={**merchant, **room_key()},
        json={"title": "Bring a friend", "markets": ["ID", "DE"], "home_market": "CN", "host_language": "en"},
    )
    assert room.status_code == 201, room.text
    room_id = room.json()["room_id"]
    console = new_page()
    go_live(console, base_url, room_id, merchant_token, nodes)
    now = time.time()
    campaign = api.post(
        f"/v1/coupons/rooms/{room_id}/campaigns",
        headers=merchant,
        json={
            "title": "Thanks for sharing", "markets": ["ID"], "currency": "IDR",
            "discount": {"kind": "fixed", "amount_minor": 1_000_000}, "stock": 10, "per_user_limit": 1,
            "valid_from": now - 60, "valid_until": now + 3600, "segment": {"kind": "sharers"},
        },
    )
    assert campaign.status_code == 201, campaign.text

    # GIVEN a viewer in Indonesia watching the room
    sharer = new_page(locale="id-ID")
    sharer.goto(f"{base_url}/watch?room={room_id}&token={issue('viewer-sharer', 'viewer', 'ID', 'Ayu')}")
    expect(sharer.locator("body")).to_have_attribute("data-player", "playing", timeout=30_000)
    # WHEN she presses Share: a link to the room with her share id is made and shown
    share_button = sharer.locator("#share")
    expect(share_button).to_be_visible()
    expect(share_button).to_have_text("Bagikan")
    share_button.click()
    expect(sharer.locator("#share-link")).to_be_visible(timeout=TIMEOUT)
    link = sharer.evaluate("window.crosslivePage.shareLink")
    assert f"room={room_id}" in link and "share=" in link and "token=" not in link
    screenshot(sharer, "share-link")
    # and her claim of the sharer coupon is refused until someone else opened it and watched
    refused = api.post(
        f"/v1/coupons/rooms/{room_id}/campaigns/{campaign.json()['campaign_id']}/claims",
        headers={"Authorization": f"Bearer {issue('viewer-sharer', 'viewer', 'ID')}", "Idempotency-Key": "early-claim"},
    )
    assert refused.status_code == 403 and refused.json()["segment"] == "sharers"

    # WHEN a friend in Germany opens the link and watches
    friend = new_page(locale="de-DE")
    friend.goto(f"{link}&token={issue('viewer-friend', 'viewer', 'DE', 'Jonas')}")
    expect(friend.locator("body")).to_have_attribute("data-player", "playing", timeout=30_000)
    # THEN the page reports the open once the node has recorded the watch, and it counts
    expect(friend.locator("body")).to_have_attribute("data-share-open", "done", timeout=90_000)
    opened = friend.evaluate("window.crosslivePage.shareOpen")
    assert opened["state"] == "done" and opened["counted"] is True, opened
    assert opened["tries"] >= 2  # the first report (5 s into playback) came before the 20 s watch

    # AND the sharer claims the sharer coupon from her page
    sharer.reload()
    expect(sharer.locator("#offer")).to_be_visible(timeout=TIMEOUT)
    sharer.click("#claim")
    expect(sharer.locator("#claimed-code")).not_to_be_empty(timeout=TIMEOUT)
    screenshot(sharer, "share-claimed")
    for page in (console, sharer, friend):
        assert page.js_errors == [], page.js_errors
