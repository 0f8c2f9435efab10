"""The viewer page's own labels in Thai and Vietnamese (web/js/i18n.js), around localized content.

A room for TH and VN with a product on screen, a pinned message and a live flash coupon in each
market's currency. A viewer whose browser speaks Thai (Vietnamese) lands in TH (VN) and every
label the page writes itself is in that language: the status badge, headings, the offer box
(kind, minimum spend, countdown, stock, claim button), the buy button and the sign-in form.
Screenshots: test-artifacts/watch-th.png and watch-vi.png.
"""

from __future__ import annotations

import subprocess
import time

import pytest
from playwright.sync_api import expect

from tests.room_helpers import room_key

pytestmark = pytest.mark.browser
TIMEOUT = 15_000
MERCHANT = "shop-sea"


@pytest.fixture(scope="module")
def sea_room(api, issue):
    headers = {"Authorization": f"Bearer {issue(MERCHANT, 'merchant', 'CN', 'SEA Shop')}"}
    room = api.post(
        "/v1/rooms",
        headers={**headers, **room_key()},
        json={"title": "Silk scarves", "markets": ["TH", "VN"], "home_market": "CN", "host_language": "en"},
    )
    assert room.status_code == 201, room.text
    room_id = room.json()["room_id"]
    product = api.put(
        f"/v1/rooms/{room_id}/products/scarf",
        headers=headers,
        json={
            "title": "Silk scarf",
            "buy_url": "https://shop.example/p/scarf",
            "prices": {"TH": 59_000, "VN": 390_000},
        },
    )
    assert product.status_code in (200, 201), product.text
    shown = api.post(f"/v1/rooms/{room_id}/stage/highlights", headers=headers, json={"sku": "scarf"})
    assert shown.status_code in (200, 201), shown.text
    pinned = api.put(f"/v1/rooms/{room_id}/stage/pin", headers=headers, json={"text": "Free shipping"})
    assert pinned.status_code == 200, pinned.text
    now = time.time()
    for market, currency, min_spend in (("TH", "THB", 50_000), ("VN", "VND", 200_000)):
        created = api.post(
            f"/v1/coupons/rooms/{room_id}/campaigns",
            headers=headers,
            json={
                "title": f"Flash {market}",
                "markets": [market],
                "currency": currency,
                "stock": 50,
                "per_user_limit": 1,
                "discount": {"kind": "percent", "percent": 15},
                "min_spend_minor": min_spend,
                "valid_from": now - 60,
                "valid_until": now + 86_400,
                "flash": {"start": now - 30, "end": now + 3_600},
            },
        )
        assert created.status_code == 201, created.text
    return room_id


# Labels the page writes itself (web/js/i18n.js), as a viewer of that market reads them.
LABELS = {
    "th": {
        "badge": "ออฟไลน์",
        "comments": "ความคิดเห็น",
        "kind": "แฟลชเซล",
        "claim": "เก็บคูปอง",
        "min_spend": "ซื้อขั้นต่ำ",
        "ends_in": "สิ้นสุดใน",
        "left": "เหลือ 50 สิทธิ์",
        "buy": "ซื้อเลย",
        "pinned": "ปักหมุด",
        "say": "ถามคำถามหรือทักทาย",
    },
    "vi": {
        "badge": "Ngoại tuyến",
        "comments": "Bình luận",
        "kind": "Giờ vàng giá sốc",
        "claim": "Lưu mã",
        "min_spend": "Đơn tối thiểu",
        "ends_in": "Kết thúc sau",
        "left": "Còn 50 mã",
        "buy": "Mua ngay",
        "pinned": "Đã ghim",
        "say": "Đặt câu hỏi hoặc chào shop",
    },
}


@pytest.mark.parametrize(("locale", "market", "language"), [("th-TH", "TH", "th"), ("vi-VN", "VN", "vi")])
def test_the_viewer_page_labels_are_in_the_viewers_language(
    base_url, new_page, sea_room, screenshot, locale, market, language
):
    words = LABELS[language]
    # Debian's default fonts have no Thai glyphs: Chromium would draw boxes (the labels would still match)
    fonts = subprocess.run(["fc-list", f":lang={language}", "family"], capture_output=True, text=True, check=False)
    assert fonts.stdout.strip(), f"no font for {language!r}: run scripts/bootstrap.sh --browser (fonts-thai-tlwg)"
    viewer = new_page(locale=locale)
    viewer.goto(f"{base_url}/watch?room={sea_room}")
    expect(viewer.locator("#market")).to_have_value(market, timeout=TIMEOUT)
    expect(viewer.locator("html")).to_have_attribute("lang", language)
    expect(viewer.locator("#live-badge")).to_have_text(words["badge"])
    expect(viewer.locator("h2[data-i18n=comments]")).to_have_text(words["comments"])
    expect(viewer.locator(".pin-label")).to_have_text(words["pinned"])
    expect(viewer.locator(".card[data-sku='scarf'] a.buy")).to_have_text(words["buy"], timeout=TIMEOUT)
    expect(viewer.locator("#offer")).to_be_visible(timeout=TIMEOUT)
    expect(viewer.locator("#offer-kind")).to_have_text(words["kind"])
    expect(viewer.locator("#offer-terms")).to_contain_text(words["min_spend"])
    expect(viewer.locator("#countdown")).to_contain_text(words["ends_in"])
    expect(viewer.locator("#offer-left")).to_contain_text(words["left"])
    expect(viewer.locator("#claim")).to_have_text(words["claim"])

    viewer.fill("#signin-name", "Viewer")
    viewer.click("#signin button[type=submit]")
    expect(viewer.locator("#comment-text")).to_be_visible(timeout=TIMEOUT)
    expect(viewer.locator("#comment-text")).to_have_attribute("placeholder", words["say"])
    expect(viewer.locator("#claim")).to_be_enabled(timeout=TIMEOUT)

    # no label the page writes itself is left in English
    english = viewer.evaluate("""async () => {
      const { translator } = await import("/web/js/i18n.js");
      const en = translator("en");
      return [...document.querySelectorAll("[data-i18n]")]
        .filter((el) => el.textContent === en(el.dataset.i18n)).map((el) => el.dataset.i18n);
    }""")
    assert english == []
    for text in ("Flash sale", "Claim coupon", "Min. spend", "Ends in", "left", "Buy", "Offline", "Comments"):
        assert text not in viewer.locator("body").inner_text(), text
    assert viewer.js_errors == []  # type: ignore[attr-defined]
    screenshot(viewer, f"watch-{language}")


# A refused claim and a refused comment as a Thai / Vietnamese viewer reads them: worded from the
# problem's code (web/js/i18n.js ERROR_KEYS), never the server's English detail.
REFUSALS = {
    "th": {
        "not-in-segment": "คูปองนี้สำหรับผู้ชมกลุ่มอื่น",
        "author-muted": "คุณถูกปิดการแสดงความคิดเห็นในห้องนี้ชั่วคราว",
        "video_label": "วิดีโอไลฟ์สด",
        "no_room": "ไม่ได้ระบุห้องไลฟ์",
    },
    "vi": {
        "not-in-segment": "Mã này dành cho nhóm người xem khác.",
        "author-muted": "Bạn đang bị tạm khóa bình luận trong phòng này.",
        "video_label": "Video phát trực tiếp",
        "no_room": "Chưa chọn phòng live",
    },
}


@pytest.fixture(scope="module")
def returning_viewers_room(api, issue):
    """A TH/VN room whose flash coupons are for returning viewers only (a new viewer is refused)."""
    headers = {"Authorization": f"Bearer {issue(MERCHANT, 'merchant', 'CN', 'SEA Shop')}"}
    room = api.post(
        "/v1/rooms",
        headers={**headers, **room_key()},
        json={"title": "Welcome back", "markets": ["TH", "VN"], "home_market": "CN", "host_language": "en"},
    )
    assert room.status_code == 201, room.text
    room_id = room.json()["room_id"]
    assert api.patch(f"/v1/rooms/{room_id}", headers=headers, json={"status": "live"}).status_code == 200
    now = time.time()
    for market, currency in (("TH", "THB"), ("VN", "VND")):
        created = api.post(
            f"/v1/coupons/rooms/{room_id}/campaigns",
            headers=headers,
            json={
                "title": f"Welcome back {market}",
                "markets": [market],
                "currency": currency,
                "stock": 50,
                "per_user_limit": 1,
                "discount": {"kind": "percent", "percent": 10},
                "valid_from": now - 60,
                "valid_until": now + 86_400,
                "flash": {"start": now - 30, "end": now + 3_600},
                "segment": {"kind": "lapsed", "days": 30},
            },
        )
        assert created.status_code == 201, created.text
    return {"room_id": room_id, "headers": headers}


@pytest.mark.parametrize(("locale", "market", "language"), [("th-TH", "TH", "th"), ("vi-VN", "VN", "vi")])
def test_refusals_are_worded_in_the_viewers_language(
    base_url, api, issue, new_page, returning_viewers_room, screenshot, locale, market, language
):
    words = REFUSALS[language]
    room_id, merchant = returning_viewers_room["room_id"], returning_viewers_room["headers"]
    sub = f"viewer-refused-{language}"
    viewer = new_page(locale=locale)
    viewer.goto(f"{base_url}/watch?room={room_id}&token={issue(sub, 'viewer', market, 'Ploy')}")
    expect(viewer.locator("#market")).to_have_value(market, timeout=TIMEOUT)
    expect(viewer.locator(".stage")).to_have_attribute("aria-label", words["video_label"])

    # WHEN a new viewer claims a coupon meant for returning viewers, THEN the refusal is in their language
    expect(viewer.locator("#claim")).to_be_enabled(timeout=TIMEOUT)
    viewer.click("#claim")
    claim = viewer.locator(".toast-error[data-code='not-in-segment']")
    expect(claim).to_have_text(words["not-in-segment"], timeout=TIMEOUT)

    # WHEN the host has muted them and they comment, THEN that refusal too
    muted = api.put(f"/v1/moderation/rooms/{room_id}/sanctions/{sub}", headers=merchant, json={"kind": "mute"})
    assert muted.status_code == 200, muted.text
    viewer.fill("#comment-text", "สวัสดี" if language == "th" else "Xin chào")
    viewer.click("#comment-form button[type=submit]")
    comment = viewer.locator(".toast-error[data-code='author-muted']")
    expect(comment).to_have_text(words["author-muted"], timeout=TIMEOUT)
    screenshot(viewer, f"watch-refused-{language}")
    toasts = viewer.locator(".toast-error").all_inner_texts()
    assert not [text for text in toasts if "coupon" in text or "muted" in text or "room" in text], toasts
    assert viewer.js_errors == []  # type: ignore[attr-defined]

    # AND without a room, before any market is chosen, the page speaks the browser's language
    lost = new_page(locale=locale)
    lost.goto(f"{base_url}/watch")
    expect(lost.locator("#player-status")).to_have_text(words["no_room"], timeout=TIMEOUT)
    expect(lost.locator("html")).to_have_attribute("lang", language)
    expect(lost.locator("h2[data-i18n=comments]")).not_to_have_text("Comments")
    assert lost.js_errors == []  # type: ignore[attr-defined]
