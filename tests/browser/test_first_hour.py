"""The first hour as a merchant and as a viewer (issue 16), in Debian's Chromium.

``test_the_console_as_a_merchant_uses_it``: before any room the room's controls are disabled; the
forms' ``pattern`` rules are checked by the browser; the host language is picked from a list; a
coupon that one market's law refuses (DE: no prior price without a product on screen) launches in no
market and says what the EU rule needs; the campaign list isolates Arabic text; an untranslated
comment is marked with its language; a single buyer's shipping question shows, ranked below the hot
ones; spaces sent as a message give a sentence, not a server detail; Stop and End show stop the
camera and microphone; End show asks first and says what happens to running sales; the chat
downloads as CSV; nothing scrolls sideways at 1,440 px. Screenshots: console-1440, console-end.

``test_every_built_in_markets_viewer_page``: one room broadcast to every built-in viewer market; each
market's page draws every glyph it shows (no tofu, tests/browser/glyphs.js), marks comments no
translation exists for, shows the Indonesian FAQ answer only to Indonesian viewers, keeps the node
behind "Connection details", shows prices with CLDR cash digits and the merchant's own titles and
pinned message for Japan (and pinned message for Germany). The Indonesian viewer claims with
progress shown (the answer held back 2.5 s), sees the short code and copies the whole one. A viewer
who is not signed in is told on the video how to watch. Screenshots: watch-<market>.
"""

from __future__ import annotations

import base64
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from functions.shared.plugins import get_plugins
from plugins.manager import builtin_market_plugins
from tests.browser.test_hosted_sign_in import HOSTED_UI, FakeHostedUi, _deployed_config
from tests.room_helpers import room_key

pytestmark = pytest.mark.browser
TIMEOUT = 15_000
GLYPHS_JS = (Path(__file__).parent / "glyphs.js").read_text(encoding="utf-8")
WIDE = {"width": 1440, "height": 900}


def crockford_short(code: str) -> str:
    """The readable part of a coupon code: its id's first 40 bits in Crockford base32, 4-4."""
    raw = base64.urlsafe_b64decode(code.split(".")[1] + "==")[:5]
    value = int.from_bytes(raw, "big")
    digits = "".join("0123456789ABCDEFGHJKMNPQRSTVWXYZ"[(value >> (5 * i)) & 31] for i in reversed(range(8)))
    return f"{digits[:4]}-{digits[4:]}"


def viewer_markets() -> list[str]:
    plugins = get_plugins()
    return sorted(code for code in plugins.market_codes() if not plugins.market_profile(code).home_market_only)


def test_the_built_in_markets_are_the_ones_checked():
    assert set(viewer_markets()) | {"CN"} == {name.removeprefix("market-").upper() for name in builtin_market_plugins()}
    assert len(viewer_markets()) == 12


def test_the_console_as_a_merchant_uses_it(base_url, new_page, api, issue, screenshot):
    merchant = "shop-first-hour"
    token = issue(merchant, "merchant", "CN", "First Hour Shop")
    page = new_page()
    page.set_viewport_size(WIDE)
    page.goto(f"{base_url}/console?token={token}")
    expect(page.locator("body[data-ready='1']")).to_be_attached(timeout=TIMEOUT)

    # no room yet: nothing that needs one can be pressed
    expect(page.locator("#no-room-hint")).to_be_visible()
    for selector in ("#go-live", "#end-show", "#host-say-text", "#p-sku", "#pin-text", "#c-title"):
        expect(page.locator(selector)).to_be_disabled()

    # the host language is a list of languages, not free text
    languages = page.locator("#room-lang option").evaluate_all("(os) => os.map((o) => o.value)")
    assert {"en", "zh-Hans", "ja", "ar", "id", "de"} <= set(languages)
    page.fill("#room-title-input", "Silk scarves, first hour")
    page.select_option("#room-lang", "en")
    for box in page.locator("#room-markets input").all():
        box.check()
    page.locator("#room-form details.per-market summary").click()
    page.fill("#room-titles input[name=JP]", "シルクスカーフのライブ")
    page.click("#room-form button[type=submit]")
    expect(page.locator("#room-info")).to_contain_text("ID", timeout=TIMEOUT)
    room_id = page.evaluate("window.crosslivePage.roomId")
    assert api.get(f"/v1/rooms/{room_id}").json()["titles"] == {"JP": "シルクスカーフのライブ"}
    expect(page.locator("#go-live")).to_be_enabled()
    expect(page.locator("#no-room-hint")).to_be_hidden()

    # the browser checks the forms' patterns (Chromium ignored the old ones as invalid under the v flag)
    page.locator("#product-details > summary").click()
    page.fill("#p-sku", "bad sku!")
    assert page.locator("#p-sku").evaluate("(i) => i.checkValidity()") is False
    page.fill("#p-sku", "scarf-1.red_2")
    assert page.locator("#p-sku").evaluate("(i) => i.checkValidity()") is True
    page.fill("#p-image", "http://insecure.example/x.png")
    assert page.locator("#p-image").evaluate("(i) => i.checkValidity()") is False
    page.fill("#p-image", "")

    # a coupon one market's law refuses launches nowhere, and says what the rule needs
    page.click("#coupon-form button[type=submit]")
    problems = page.locator("#c-problems")
    expect(problems).to_be_visible()
    expect(problems).to_contain_text("DE: EU price rules")
    expect(problems).to_contain_text("lowest price of the last 30 days")
    assert api.get(f"/v1/coupons/rooms/{room_id}/campaigns").json() == []

    # a product with a price in every market, on screen: now every market launches
    page.fill("#p-title", "Silk scarf")
    page.locator("#product-form details.per-market summary").first.click()
    page.fill("#p-titles input[name=JP]", "シルクスカーフ")
    page.fill("#p-description", "Hand-rolled edges, 90 x 90 cm")
    page.locator("#product-form details.per-market summary").nth(1).click()
    page.fill("#p-descriptions input[name=JP]", "手巻きの縁、90×90cm")
    for price in page.locator("#p-prices input").all():
        price.fill("150000" if price.get_attribute("name") in ("ID", "VN") else "99")
    page.click("#product-form button[type=submit]")
    page.locator("#products li[data-sku='scarf-1.red_2'] button.primary").click(timeout=TIMEOUT)
    expect(page.locator("#products li.on-screen")).to_have_count(1, timeout=TIMEOUT)
    expect(page.locator("#products li.on-screen")).to_contain_text("Hand-rolled edges, 90 x 90 cm")
    saved = api.get(f"/v1/rooms/{room_id}/products").json()
    assert [(p["description"], p["descriptions"]) for p in saved] == [
        ("Hand-rolled edges, 90 x 90 cm", {"JP": "手巻きの縁、90×90cm"})
    ]
    page.click("#coupon-form button[type=submit]")
    expect(page.locator("#campaigns li")).to_have_count(8, timeout=TIMEOUT)  # the list shows the newest 8
    assert len(api.get(f"/v1/coupons/rooms/{room_id}/campaigns").json()) == 12
    expect(problems).to_be_hidden()
    # Arabic discount text is isolated from the English around it
    expect(page.locator("#campaigns bdi[lang^='ar']").first).to_be_attached(timeout=TIMEOUT)

    # comments: one the translator cannot translate, one buyer's shipping question
    japanese = issue("viewer-ja-1", "viewer", "JP", "Haruka")
    indonesian = issue("viewer-id-1", "viewer", "ID", "Sari")
    for who, text, language in ((japanese, "この色すごく好き！", "ja"), (indonesian, "Pengiriman berapa lama?", "id")):
        posted = api.post(
            f"/v1/comments/rooms/{room_id}",
            headers={"Authorization": f"Bearer {who}", "Idempotency-Key": f"first-hour-{language}-1"},
            json={"text": text, "language": language},
        )
        assert posted.status_code == 201, posted.text
    marked = page.locator("#host-comments li[data-untranslated='ja']")
    expect(marked).to_contain_text("Not translated · written in Japanese", timeout=TIMEOUT)
    expect(marked).to_contain_text("この色すごく好き！")
    expect(page.locator("#host-language")).to_contain_text("where a translation exists")
    single = page.locator("#hot .hot.single")
    expect(single).to_contain_text("How long does shipping take?", timeout=TIMEOUT)
    expect(single).to_contain_text("1 viewer")

    # a message of spaces: a sentence that says what to do, never a server detail
    page.fill("#host-say-text", "   ")
    page.click("#host-say button[type=submit]")
    expect(page.locator(".toast-error").last).to_have_text("Write a message first.", timeout=TIMEOUT)
    # a pinned message EU rules refuse: which markets, which rule, what matched; markets that share
    # a rule's text read as one sentence, and the message sits in the corner, not over the forms
    page.fill("#pin-text", "Miracle cure scarf")
    page.click("#pin-form button[type=submit]")
    refused = page.locator(".toast-error[data-code='compliance-violation']").last
    expect(refused).to_contain_text("breaks an advertising rule", timeout=TIMEOUT)
    expect(refused).to_contain_text("DE, FR: Claims that a product cures illness are banned")
    assert refused.inner_text().count("Claims that a product cures illness are banned") == 1
    box = refused.bounding_box()
    viewport = page.viewport_size
    assert box and viewport and box["x"] > viewport["width"] / 2, box  # in the corner
    expect(refused).to_contain_text("Matched: “miracle cure”")

    # go live, stop: the camera and microphone stop
    page.click("#go-live")
    expect(page.locator("body[data-ingest='connected']")).to_be_attached(timeout=30_000)
    page.evaluate("window.__tracks = window.crosslivePage.stream.getTracks()")
    assert page.evaluate("window.__tracks.map((t) => t.readyState)") == ["live", "live"]
    page.click("#stop-live")
    expect(page.locator("#ingest-status")).to_contain_text("camera and microphone are off")
    assert page.evaluate("window.__tracks.map((t) => t.readyState)") == ["ended", "ended"]
    assert page.evaluate("document.querySelector('#preview').srcObject") is None

    # live again, then End show: asked first, with what happens to the running sales
    page.click("#go-live")
    expect(page.locator("body[data-ingest='connected']")).to_be_attached(timeout=30_000)
    page.evaluate("window.__tracks = window.crosslivePage.stream.getTracks()")
    page.click("#end-show")
    dialog = page.locator("#end-dialog")
    expect(dialog).to_be_visible()
    expect(page.locator("#end-campaigns")).to_contain_text("12 coupon sales are still running")
    expect(page.locator("#end-campaigns")).to_contain_text("coupons already claimed stay valid")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDE["width"]
    screenshot(page, "console-end")
    page.click("#end-dialog button[value=cancel]")
    expect(dialog).to_be_hidden()
    assert api.get(f"/v1/rooms/{room_id}").json()["status"] == "live"
    page.click("#end-show")
    page.click("#end-confirm")
    expect(page.locator("#live-badge")).to_have_text("ENDED", timeout=TIMEOUT)
    assert page.evaluate("window.__tracks.map((t) => t.readyState)") == ["ended", "ended"]

    # the chat, as a file
    with page.expect_download() as download:
        page.click("#export-csv")
    csv = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert csv.startswith("created_at,comment_id") and "この色すごく好き！" in csv

    # 1,440 px: three columns, nothing scrolls sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDE["width"]
    assert page.evaluate("document.querySelector('.console-layout').offsetWidth") <= WIDE["width"]
    assert page.js_errors == []  # type: ignore[attr-defined]
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "console-1440")


@pytest.fixture(scope="module")
def every_market_room(api, issue):
    """A live room for every built-in viewer market with a product on screen, the merchant's own title
    for Japan, a flash coupon per market, a Japanese and an Arabic comment no phrasebook knows, and an
    Indonesian FAQ question (answered automatically)."""
    markets = viewer_markets()
    headers = {"Authorization": f"Bearer {issue('shop-all', 'merchant', 'CN', 'All Markets Shop')}"}
    room = api.post(
        "/v1/rooms",
        headers={**headers, **room_key()},
        json={
            "title": "Silk scarves live",
            "titles": {"JP": "シルクスカーフのライブ"},
            "markets": markets,
            "home_market": "CN",
            "host_language": "en",
        },
    )
    assert room.status_code == 201, room.text
    room_id = room.json()["room_id"]
    currencies = {c["market"]: c for c in api.get(f"/v1/rooms/{room_id}/currencies").json()}
    major = {m: 150_000 if m in ("ID", "VN") else 99 for m in markets}
    prices = {m: major[m] * 10 ** currencies[m]["minor_units"] for m in markets}
    product = api.put(
        f"/v1/rooms/{room_id}/products/scarf",
        headers=headers,
        json={
            "title": "Silk scarf",
            "titles": {"JP": "シルクスカーフ"},
            "description": "Hand-rolled edges, 90 x 90 cm",
            "descriptions": {"JP": "手巻きの縁、90×90cm"},
            "prices": prices,
            "buy_url": "https://shop.example/p/scarf",
        },
    )
    assert product.status_code in (200, 201), product.text
    shown = api.post(f"/v1/rooms/{room_id}/stage/highlights", headers=headers, json={"sku": "scarf"})
    assert shown.status_code in (200, 201), shown.text
    pinned = api.put(
        f"/v1/rooms/{room_id}/stage/pin",
        headers=headers,
        json={"text": "Free shipping today", "texts": {"JP": "本日は送料無料", "DE": "Heute versandkostenfrei"}},
    )
    assert pinned.status_code == 200, pinned.text
    assert api.patch(f"/v1/rooms/{room_id}", headers=headers, json={"status": "live"}).status_code == 200
    now = time.time()
    for market in markets:
        created = api.post(
            f"/v1/coupons/rooms/{room_id}/campaigns",
            headers=headers,
            json={
                "title": "Flash deal",
                "markets": [market],
                "currency": currencies[market]["currency"],
                "stock": 99,
                "per_user_limit": 1,
                "discount": {"kind": "percent", "percent": 20},
                "prior_price_minor": prices[market],
                "valid_from": now - 60,
                "valid_until": now + 3600,
                "flash": {"start": now - 60, "end": now + 1800},
            },
        )
        assert created.status_code == 201, created.text
    faq = get_plugins().faq_answers("ID", "id")[0].patterns[0]
    for sub, market, text, language in (
        ("viewer-jp-9", "JP", "この色すごく好き！", "ja"),
        ("viewer-ae-9", "AE", "اللون جميل جدا", "ar"),
        ("viewer-id-9", "ID", f"kak, {faq}?", "id"),
    ):
        posted = api.post(
            f"/v1/comments/rooms/{room_id}",
            headers={"Authorization": f"Bearer {issue(sub, 'viewer', market)}", "Idempotency-Key": f"every-{sub}"},
            json={"text": text, "language": language},
        )
        assert posted.status_code == 201, posted.text
    return room_id


def test_every_built_in_markets_viewer_page(base_url, new_page, api, issue, every_market_room, screenshot):
    room_id = every_market_room
    page = new_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)

    # not signed in: the video says how to watch instead of staying black
    page.goto(f"{base_url}/watch?room={room_id}&market=DE")
    expect(page.locator("#watch-signin")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("#watch-signin")).to_have_text("Melde dich an, um die Live-Show zu sehen")

    for market in viewer_markets():
        token = issue(f"viewer-all-{market.lower()}", "viewer", market)
        page.goto(f"{base_url}/watch?room={room_id}&market={market}&token={token}")
        expect(page.locator("#market")).to_have_value(market, timeout=TIMEOUT)
        expect(page.locator("#watch-signin")).to_be_hidden()
        expect(page.locator(".card[data-sku='scarf'] .card-price")).to_be_visible(timeout=TIMEOUT)
        expect(page.locator("#offer")).to_be_visible(timeout=TIMEOUT)
        comments = page.locator("#comments .comment")
        expect(comments.filter(has_text="この色すごく好き！")).to_have_count(1, timeout=TIMEOUT)
        expect(comments.filter(has_text="اللون جميل جدا")).to_have_count(1, timeout=TIMEOUT)

        # the FAQ answer for Indonesia reaches Indonesian viewers only
        expect(page.locator("#comments .comment.auto-faq")).to_have_count(1 if market == "ID" else 0, timeout=TIMEOUT)

        # a comment no translation exists for is marked, with its language, in the viewer's words
        language = page.evaluate("document.documentElement.lang")
        for original, written in (("この色すごく好き！", "ja"), ("اللون جميل جدا", "ar")):
            item = comments.filter(has_text=original)
            if language.split("-")[0] == written:
                expect(item.locator(".flag.untranslated")).to_have_count(0)
            else:
                expect(item).to_have_attribute("data-untranslated", written)
                name = page.evaluate(f"new Intl.DisplayNames(['{language}'], {{type: 'language'}}).of('{written}')")
                expect(item.locator(".flag.untranslated")).to_contain_text(name)

        # which node serves the video is a diagnostic, behind a toggle
        expect(page.locator("#node-info")).to_be_hidden()
        expect(page.locator("#diagnostics summary")).to_be_visible()

        if market == "ID":
            expect(page.locator(".card-price")).to_have_text(re.compile(r"^Rp\s?150\.000$"))
        if market == "JP":
            expect(page.locator("#room-title")).to_have_text("シルクスカーフのライブ")
            expect(page.locator(".card-title")).to_have_text("シルクスカーフ")
            expect(page.locator(".card-description")).to_have_text("手巻きの縁、90×90cm")
            expect(page.locator("#offer-left")).to_have_text("残り99枚")
            expect(page.locator("#pinned-text")).to_have_text("本日は送料無料")
        if market == "DE":
            expect(page.locator("#pinned-text")).to_have_text("Heute versandkostenfrei")
        if market == "US":
            expect(page.locator("#pinned-text")).to_have_text("Free shipping today")

        missing = page.evaluate(GLYPHS_JS)
        assert missing == [], f"{market}: characters drawn as boxes: {missing}"
        assert page.js_errors == []  # type: ignore[attr-defined]
        screenshot(page, f"watch-{market.lower()}")

        if market == "ID":
            # a slow answer (held back 2.5 s here): the button says it is claiming, then a sentence why
            page.evaluate("""() => {
              const original = window.fetch;
              window.fetch = (url, init) => String(url).includes("/claims")
                ? new Promise((resolve) => setTimeout(resolve, 2500)).then(() => original(url, init))
                : original(url, init);
            }""")
            page.click("#claim")
            expect(page.locator("#claim")).to_have_text("Mengklaim…")
            expect(page.locator("#claim")).to_have_attribute("aria-busy", "true")
            expect(page.locator("#claim-progress")).to_have_text("Masih diproses: banyak penonton sedang mengklaim.")
            expect(page.locator("body[data-claim='done']")).to_be_attached(timeout=30_000)
            code = page.locator("#claimed-code").inner_text()
            short = page.locator("#claimed-short").inner_text()
            assert short == crockford_short(code)
            page.click("#copy-code")
            expect(page.locator("#copy-code")).to_have_text("Tersalin")
            assert page.evaluate("navigator.clipboard.readText()") == code
            assert page.evaluate(GLYPHS_JS) == []
            screenshot(page, "watch-id-claimed")


def test_a_signed_out_viewer_of_a_deployment_signs_in_from_the_video(base_url, new_page, issue, every_market_room):
    """Deployed (hosted sign-in, no local issuer): the line on the video starts the hosted sign-in
    and the viewer comes back signed in, watching the same room."""
    hosted = FakeHostedUi(base_url, issue("viewer-video-1", "viewer", "DE", "Jonas"))
    page = new_page()
    page.route(f"{base_url}/config.json", _deployed_config)
    page.route(f"{HOSTED_UI}/oauth2/authorize**", hosted.authorize)
    page.route(f"{HOSTED_UI}/oauth2/token", hosted.token)
    page.goto(f"{base_url}/watch?room={every_market_room}&market=DE")
    button = page.locator("#watch-signin")
    expect(button).to_have_text("Melde dich an, um die Live-Show zu sehen", timeout=TIMEOUT)
    button.click()
    expect(page.locator("#comment-form")).to_be_visible(timeout=TIMEOUT)
    expect(button).to_be_hidden()
    assert page.url == f"{base_url}/watch?room={every_market_room}&market=DE"
