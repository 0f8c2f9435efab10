"""One live-commerce story across the two pages, asserted at every step, in a real Chromium.

A merchant (home market CN, host language English) goes live from the console's camera (WHIP to
the origin node); an Indonesian viewer on a phone watches from the edge node the router picks and
sees the video advance. The viewer asks in Indonesian, the host reads it in English tagged as a
priority question, launches a flash coupon, the viewer sees the countdown and claims it in rupiah,
and checkout redeems the code. Then the viewer's node is killed and playback resumes elsewhere.
"""

from __future__ import annotations

import re
import time

import httpx
import pytest
from playwright.sync_api import expect

from tests.room_helpers import room_key

pytestmark = pytest.mark.browser
TIMEOUT = 15_000
MERCHANT = "shop-story"


@pytest.fixture(scope="module")
def story_room(api, issue):
    """A room with one product priced in every market, on screen."""
    headers = {"Authorization": f"Bearer {issue(MERCHANT, 'merchant', 'CN', 'Story Shop')}"}
    room = api.post("/v1/rooms", headers={**headers, **room_key()}, json={
        "title": "Batik & silk live", "markets": ["ID", "DE", "AE"], "home_market": "CN",
        "host_language": "en"})
    assert room.status_code == 201, room.text
    room_id = room.json()["room_id"]
    product = api.put(f"/v1/rooms/{room_id}/products/batik-1", headers=headers, json={
        "title": "Batik scarf", "prices": {"ID": 25000000, "DE": 3999, "AE": 15900},
        "buy_url": "https://shop.example/batik-1"})
    assert product.status_code == 201, product.text
    assert api.post(f"/v1/rooms/{room_id}/stage/highlights", headers=headers,
                    json={"sku": "batik-1"}).status_code == 200
    return {"room_id": room_id, "headers": headers}


FRAMES_JS = """async () => {
    const session = window.crosslivePage.player && window.crosslivePage.player.session;
    if (!session) return -1;
    let frames = 0;
    (await session.pc.getStats()).forEach((r) => {
        if (r.type === "inbound-rtp" && r.kind === "video") frames += r.framesDecoded || 0;
    });
    return frames;
}"""


def go_live(console, base_url, room_id, token, nodes):
    """The merchant opens the console and publishes the fake camera over WHIP to the origin."""
    console.goto(f"{base_url}/console?room={room_id}&token={token}")
    expect(console.locator("#room-title")).not_to_have_text("Merchant console", timeout=TIMEOUT)
    console.click("#go-live")
    expect(console.locator("body")).to_have_attribute("data-ingest", "connected", timeout=TIMEOUT)
    expect(console.locator("#live-badge")).to_have_text("LIVE", timeout=TIMEOUT)
    expect(console.locator("#ingest-status")).to_contain_text("origin")
    # the same origin WHIP endpoint is offered for OBS, with the merchant's token
    expect(console.locator("#obs-url")).to_have_text(f"{nodes['origin'].url}/whip/{room_id}")
    deadline = time.monotonic() + 15
    frames_in = 0
    while time.monotonic() < deadline and frames_in == 0:
        rooms = httpx.get(f"{nodes['origin'].url}/metrics", timeout=2).json()["rooms"]
        frames_in = rooms.get(room_id, {}).get("frames_in", 0)
        time.sleep(0.2)
    assert frames_in > 0, "the origin received no frames from the browser camera"


def assert_video_advancing(page, seconds: float = 1.5):
    """Frames decoded (WebRTC stats) and the video element's clock both move forward."""
    first = page.evaluate(FRAMES_JS)
    first_time = page.evaluate("document.querySelector('#video').currentTime")
    page.wait_for_timeout(int(seconds * 1000))
    second = page.evaluate(FRAMES_JS)
    second_time = page.evaluate("document.querySelector('#video').currentTime")
    assert second > first > 0, (first, second)
    assert second_time > first_time, (first_time, second_time)
    size = page.evaluate("[0, 1].map((i) => [document.querySelector('#video').videoWidth,"
                         " document.querySelector('#video').videoHeight][i])")
    assert size[0] > 0 and size[1] > 0, size


def test_live_story_from_camera_to_checkout(base_url, new_page, api, issue, story_room, screenshot, nodes):
    room_id, merchant = story_room["room_id"], story_room["headers"]
    console = new_page()

    # STEP: the merchant goes live from the console (browser camera, WHIP to the origin node).
    go_live(console, base_url, room_id, issue(MERCHANT, "merchant", "CN", "Story Shop"), nodes)
    assert api.get(f"/v1/rooms/{room_id}").json()["status"] == "live"

    # The Indonesian viewer signs in with the local issuer: the token carries market ID.
    viewer = new_page(locale="id-ID", phone=True)
    viewer.goto(f"{base_url}/watch?room={room_id}")
    expect(viewer.locator("#market")).to_have_value("ID", timeout=TIMEOUT)
    viewer.fill("#signin-name", "Ayu")
    viewer.click("#signin button[type=submit]")
    expect(viewer.locator("#comment-form")).to_be_visible(timeout=TIMEOUT)
    assert viewer.evaluate("window.crosslivePage.me['custom:market']") == "ID"

    # STEP: the viewer in another market is served by the edge node and sees the video advancing.
    expect(viewer.locator("body")).to_have_attribute("data-player", "playing", timeout=25_000)
    expect(viewer.locator("body")).to_have_attribute("data-node-role", "edge")
    assert viewer.evaluate("document.body.dataset.node").startswith("local-edge-")
    assert_video_advancing(viewer)
    expect(viewer.locator("#live-badge")).to_have_text("LIVE", timeout=TIMEOUT)

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

    # STEP: viewers in Germany and the Gulf ask the same in their languages: the host gets one hot
    # question across three markets instead of three lines to read.
    for sub, market, text in (("viewer-de-1", "DE", "Wie lange dauert der Versand?"),
                              ("viewer-ae-1", "AE", "كم يستغرق الشحن؟")):
        asked = api.post(f"/v1/comments/rooms/{room_id}", json={"text": text}, headers={
            "Authorization": f"Bearer {issue(sub, 'viewer', market)}", "Idempotency-Key": f"ask-{sub}-0001"})
        assert asked.status_code == 201, asked.text
    hot = console.locator("#hot .hot").first
    expect(hot).to_contain_text("3×", timeout=TIMEOUT)
    expect(hot).to_contain_text(re.compile(r"shipping", re.I))
    expect(hot.locator(".meta")).to_contain_text("AE, DE, ID")
    screenshot(console, "story-console-question")

    # STEP: the host answers in English; the viewer gets it over the node's push socket, in Indonesian.
    expect(viewer.locator("body")).to_have_attribute("data-push", "live", timeout=TIMEOUT)
    console.fill("#host-say-text", "Free shipping!")
    console.click("#host-say button[type=submit]")
    answer = viewer.locator("#comments li.host")
    expect(answer.locator(".text")).to_have_text("Gratis ongkir!", timeout=TIMEOUT)
    expect(answer.locator(".original")).to_have_text("Free shipping!")
    expect(answer).to_have_attribute("data-via", "push", timeout=TIMEOUT)  # not (only) the list API

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
    expect(viewer.locator("#offer-discount")).to_have_text(re.compile(r"^Potongan Rp\s?20\.000(,00)?$"))
    countdown = viewer.locator("#countdown")
    expect(countdown).to_have_attribute("data-state", "live")
    first = countdown.inner_text()
    assert re.search(r"\d{2}:\d{2}$", first), first
    expect(countdown).not_to_have_text(first, timeout=3_000)  # it ticks
    screenshot(viewer, "story-viewer-flash-phone")
    viewer.click("#claim")
    code = viewer.locator("#claimed-code")
    expect(code).not_to_be_empty(timeout=TIMEOUT)
    works = re.compile(r"^Potongan Rp.+ untuk (pembelian minimal|semua pesanan) ")  # in Indonesian
    expect(viewer.locator("#claimed-works")).to_contain_text(works)
    coupon_code = code.inner_text()
    # the card's buy link now hands the code to the merchant's checkout
    expect(viewer.locator(".card[data-sku='batik-1'] a.buy")).to_have_attribute(
        "href", re.compile(r"^https://shop\.example/batik-1\?coupon=.+&market=ID$"), timeout=TIMEOUT)
    viewer_sub = viewer.evaluate("window.crosslivePage.me.sub")
    assert viewer.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "scrolls sideways"
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


def _edges_only(route):
    """Answer a routing request with the real ranking minus the origin nodes."""
    response = route.fetch()
    answer = response.json()
    answer["nodes"] = [node for node in answer["nodes"] if node.get("role") != "origin"]
    route.fulfill(response=response, json=answer)


def test_playback_resumes_on_another_node_when_the_viewer_node_dies(base_url, new_page, api, issue, nodes,
                                                                     live_platform, screenshot):
    # GIVEN a live room and a German viewer playing from the edge node
    merchant = issue("shop-failover", "merchant", "CN", "Failover Shop")
    room = api.post("/v1/rooms", headers={"Authorization": f"Bearer {merchant}", **room_key()}, json={
        "title": "Failover live", "markets": ["DE"], "home_market": "CN", "host_language": "en"}).json()
    console = new_page()
    go_live(console, base_url, room["room_id"], merchant, nodes)
    viewer = new_page(locale="de-DE")
    viewer_token = issue("viewer-de-9", "viewer", "DE", "Jonas")
    # The router weighs live CPU load, so on a busy machine it may send this viewer to the origin
    # first. The story starts on the edge: until then the routing answer shows the edge alone.
    routing = "**/v1/routing/rooms/*/nodes**"
    viewer.route(routing, _edges_only)
    viewer.goto(f"{base_url}/watch?room={room['room_id']}&token={viewer_token}")
    expect(viewer.locator("body")).to_have_attribute("data-player", "playing", timeout=25_000)
    viewer.unroute(routing, _edges_only)
    edge_id = viewer.evaluate("document.body.dataset.node")
    assert viewer.evaluate("document.body.dataset.nodeRole") == "edge"
    assert_video_advancing(viewer)
    edge = nodes["edge"]
    try:
        # WHEN the edge node's process dies (SIGKILL: no goodbye, no DELETE)
        assert edge.proc is not None
        edge.proc.kill()
        edge.proc.wait(timeout=10)
        # THEN the player leaves it, asks the router again and plays from the origin
        expect(viewer.locator("body")).not_to_have_attribute("data-node", edge_id, timeout=25_000)
        expect(viewer.locator("body")).to_have_attribute("data-player", "playing", timeout=25_000)
        assert viewer.evaluate("document.body.dataset.nodeRole") == "origin"
        assert viewer.evaluate("window.crosslivePage.player.failovers") >= 1
        assert_video_advancing(viewer)
        screenshot(viewer, "failover-viewer-desktop")
    finally:
        edge.stop()
        edge.start(live_platform)  # the next test gets its edge back
    for page in (console, viewer):
        assert page.js_errors == [], page.js_errors
