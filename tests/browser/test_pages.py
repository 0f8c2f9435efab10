"""The merchant console and the viewer page in a real Chromium, without media.

Products, highlights and the pinned message go from the console to viewers in three markets;
each viewer sees prices in its own currency and format, Arabic is laid out right to left, and
the pages work on a phone-sized screen. Screenshots land in test-artifacts/.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
TIMEOUT = 10_000


def test_console_sets_up_a_room_and_viewers_see_local_prices(base_url, new_page, api, issue, screenshot):
    # GIVEN a merchant signed in through the local issuer on the console
    console = new_page()
    console.goto(f"{base_url}/console")
    console.fill("#signin-sub", "shop-silk")
    console.fill("#signin-name", "Silk Road Shop")
    console.click("#signin button[type=submit]")
    expect(console.locator("#console")).to_be_visible(timeout=TIMEOUT)

    # WHEN they create a room for ID, DE and AE
    console.fill("#room-title-input", "Silk scarves live")
    console.select_option("#room-lang", "zh-Hans")
    console.click("#room-form button[type=submit]")
    expect(console.locator("#room-title")).to_have_text("Silk scarves live", timeout=TIMEOUT)
    room_id = console.evaluate("window.crosslivePage.roomId")
    assert re.fullmatch(r"[A-Za-z0-9_-]{3,64}", room_id)
    room = api.get(f"/v1/rooms/{room_id}").json()
    assert sorted(room["markets"]) == ["AE", "DE", "ID"] and room["merchant_sub"] == "shop-silk"

    # AND add two products with a price per market (the second one carries markup in its title)
    console.click("#product-details > summary")
    for sku, title, prices in (
        ("scarf-red", "Red silk scarf", {"ID": "150000", "DE": "29.99", "AE": "129"}),
        ("scarf-x", '<img src=x onerror="window.pwned=1">', {"ID": "99000", "DE": "19.5"}),
    ):
        console.fill("#p-sku", sku)
        console.fill("#p-title", title)
        console.fill("#p-description", f"{title}: hand-rolled edges" if sku == "scarf-red" else title)
        console.fill("#p-buy", f"https://shop.example/p/{sku}")
        for market, value in prices.items():
            console.fill(f"#p-prices input[name={market}]", value)
        console.click("#product-form button[type=submit]")
        expect(console.locator(f"#products li[data-sku='{sku}']")).to_be_visible(timeout=TIMEOUT)
    stored = {p["sku"]: p for p in api.get(f"/v1/rooms/{room_id}/products").json()}
    assert stored["scarf-red"]["prices"] == {"ID": 15000000, "DE": 2999, "AE": 12900}

    # AND put both on screen and pin a message
    console.click("#products li[data-sku='scarf-red'] button.primary")
    expect(console.locator("#products li[data-sku='scarf-red']")).to_have_class(re.compile("on-screen"),
                                                                                 timeout=TIMEOUT)
    console.click("#products li[data-sku='scarf-x'] button.primary")
    expect(console.locator("#highlight-count")).to_have_text("2/3", timeout=TIMEOUT)
    console.fill("#pin-text", "Free shipping to every market today")
    console.click("#pin-form button[type=submit]")
    expect(console.locator("#pinned-now")).to_contain_text("Free shipping", timeout=TIMEOUT)
    screenshot(console, "console-desktop")

    # THEN a viewer whose browser speaks Indonesian lands in ID and sees rupiah
    viewer_id = new_page(locale="id-ID")
    viewer_id.goto(f"{base_url}/watch?room={room_id}")
    expect(viewer_id.locator("#market")).to_have_value("ID", timeout=TIMEOUT)
    red = viewer_id.locator(".card[data-sku='scarf-red'] .card-price")
    expect(red).to_have_text(re.compile(r"^Rp\s?150\.000(,00)?$"), timeout=TIMEOUT)
    expect(viewer_id.locator("#pinned-text")).to_have_text("Free shipping to every market today")
    buy = viewer_id.locator(".card[data-sku='scarf-red'] a.buy")
    expect(buy).to_have_attribute("href", "https://shop.example/p/scarf-red?market=ID")
    # the markup title is shown as text and never runs
    expect(viewer_id.locator(".card[data-sku='scarf-x'] .card-title")).to_have_text(
        '<img src=x onerror="window.pwned=1">')
    expect(viewer_id.locator(".card[data-sku='scarf-x'] .card-description")).to_have_text(
        '<img src=x onerror="window.pwned=1">')
    expect(viewer_id.locator(".card[data-sku='scarf-red'] .card-description")).to_have_text(
        "Red silk scarf: hand-rolled edges")
    assert viewer_id.evaluate("window.pwned") is None
    assert viewer_id.evaluate("document.documentElement.dir") == "ltr"
    screenshot(viewer_id, "watch-id-desktop")

    # AND a German viewer sees euros, formatted the German way
    viewer_de = new_page(locale="de-DE")
    viewer_de.goto(f"{base_url}/watch?room={room_id}")
    expect(viewer_de.locator(".card[data-sku='scarf-red'] .card-price")).to_have_text("29,99\xa0€",
                                                                                      timeout=TIMEOUT)
    expect(viewer_de.locator("#comments-title, h2[data-i18n=comments]")).to_have_text("Kommentare")

    # AND an Arabic viewer on a phone gets a right-to-left page in dirhams; scarf-x is not sold there
    viewer_ae = new_page(locale="ar-AE", phone=True)
    viewer_ae.goto(f"{base_url}/watch?room={room_id}")
    expect(viewer_ae.locator("html")).to_have_attribute("dir", "rtl", timeout=TIMEOUT)
    expect(viewer_ae.locator("html")).to_have_attribute("lang", "ar")
    price_ae = viewer_ae.locator(".card[data-sku='scarf-red'] .card-price")
    expect(price_ae).to_contain_text("129", timeout=TIMEOUT)
    assert "د.إ" in price_ae.inner_text() or "AED" in price_ae.inner_text()
    expect(viewer_ae.locator(".card[data-sku='scarf-x']")).to_contain_text("غير متوفر في سوقك")
    no_overflow = viewer_ae.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert no_overflow, "the phone layout scrolls sideways"
    screenshot(viewer_ae, "watch-ae-phone-rtl")
    viewer_ae_desktop = new_page(locale="ar-AE")
    viewer_ae_desktop.goto(f"{base_url}/watch?room={room_id}")
    expect(viewer_ae_desktop.locator("html")).to_have_attribute("dir", "rtl", timeout=TIMEOUT)
    expect(viewer_ae_desktop.locator(".card[data-sku='scarf-red'] .card-price")).to_contain_text("129",
                                                                                               timeout=TIMEOUT)
    # mirrored: the comments column sits left of the video in a right-to-left page
    video_x = viewer_ae_desktop.locator(".stage").bounding_box()["x"]
    chat_x = viewer_ae_desktop.locator(".chat").bounding_box()["x"]
    assert chat_x < video_x
    screenshot(viewer_ae_desktop, "watch-ae-desktop-rtl")

    # WHEN the host takes a product down, THEN it leaves every viewer's screen live
    console.click("#products li[data-sku='scarf-x'] button:has-text('Take off screen')")
    expect(viewer_id.locator(".card[data-sku='scarf-x']")).to_have_count(0, timeout=TIMEOUT)
    expect(viewer_ae.locator(".card[data-sku='scarf-red']")).to_have_count(1)

    # AND the viewer can switch market by hand: the same card, now in euros
    viewer_id.select_option("#market", "DE")
    expect(viewer_id.locator(".card[data-sku='scarf-red'] .card-price")).to_have_text("29,99\xa0€",
                                                                                      timeout=TIMEOUT)
    phone_id = new_page(locale="id-ID", phone=True)
    phone_id.goto(f"{base_url}/watch?room={room_id}")
    expect(phone_id.locator(".card[data-sku='scarf-red']")).to_be_visible(timeout=TIMEOUT)
    screenshot(phone_id, "watch-id-phone")
    console_phone = new_page(phone=True)
    merchant_token = issue("shop-silk", "merchant", "CN", "Silk Road Shop")
    console_phone.goto(f"{base_url}/console?room={room_id}&token={merchant_token}")
    expect(console_phone.locator("#products li[data-sku='scarf-red']")).to_have_class(re.compile("on-screen"),
                                                                                      timeout=TIMEOUT)
    assert "token=" not in console_phone.url  # the token leaves the address bar at once
    screenshot(console_phone, "console-phone")
    for page in (console, viewer_id, viewer_de, viewer_ae, viewer_ae_desktop, phone_id, console_phone):
        assert page.js_errors == [], page.js_errors
