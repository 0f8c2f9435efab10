"""The viewer page shows a live flash coupon in the viewer's market language (German, Indonesian).

The offer box and the claimed coupon show the API's sentences as they come (the page adds only
its own labels, through web/js/i18n.js): discount, minimum spend, the EU prior-price statement
and the "works" sentence, with CLDR-formatted prices. Screenshots land in test-artifacts/.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.room_helpers import room_key

pytestmark = pytest.mark.browser
TIMEOUT = 15_000
MERCHANT = "shop-texts"


@pytest.fixture(scope="module")
def flash_room(api, issue):
    """A room for ID and DE with a live flash coupon in each market's currency."""
    headers = {"Authorization": f"Bearer {issue(MERCHANT, 'merchant', 'CN', 'Texts Shop')}"}
    room = api.post("/v1/rooms", headers={**headers, **room_key()}, json={
        "title": "Flash coupons", "markets": ["ID", "DE"], "home_market": "CN", "host_language": "en"})
    assert room.status_code == 201, room.text
    room_id = room.json()["room_id"]
    now = time.time()
    for market, currency, extra in (
        ("DE", "EUR", {"discount": {"kind": "percent", "percent": 20, "max_discount_minor": 1500},
                       "min_spend_minor": 2000, "prior_price_minor": 4999}),
        ("ID", "IDR", {"discount": {"kind": "fixed", "amount_minor": 2_000_000}, "min_spend_minor": 10_000_000}),
    ):
        body = {"title": f"Flash {market}", "markets": [market], "currency": currency, "stock": 20,
                "per_user_limit": 1, "valid_from": now - 60, "valid_until": now + 86_400,
                "flash": {"start": now - 30, "end": now + 600}, **extra}
        created = api.post(f"/v1/coupons/rooms/{room_id}/campaigns", headers=headers, json=body)
        assert created.status_code == 201, created.text
    return room_id


@pytest.mark.parametrize(
    ("locale", "market", "discount", "terms", "works"),
    [
        ("de-DE", "DE", "20\xa0% Rabatt (max. 15,00\xa0€)", "Niedrigster Preis der letzten 30 Tage: 49,99\xa0€",
         re.compile(r"^20\s% Rabatt \(max\. 15,00\s€\) auf Bestellungen ab 20,00\s€ in Deutschland \(DE\)")),
        ("id-ID", "ID", "Potongan Rp20.000", "Min. belanja Rp100.000",
         re.compile(r"^Potongan Rp20\.000 untuk pembelian minimal Rp100\.000 di Indonesia \(ID\)")),
    ],
)
def test_flash_coupon_reads_in_the_viewers_language(
    base_url, new_page, flash_room, screenshot, locale, market, discount, terms, works
):
    viewer = new_page(locale=locale)
    viewer.goto(f"{base_url}/watch?room={flash_room}")
    expect(viewer.locator("#market")).to_have_value(market, timeout=TIMEOUT)
    expect(viewer.locator("#offer")).to_be_visible(timeout=TIMEOUT)
    expect(viewer.locator("#offer-discount")).to_have_text(discount)
    expect(viewer.locator("#offer-terms")).to_contain_text(terms)
    expect(viewer.locator("#countdown")).to_have_attribute("data-state", "live")
    viewer.fill("#signin-name", "Viewer")
    viewer.click("#signin button[type=submit]")
    expect(viewer.locator("#claim")).to_be_enabled(timeout=TIMEOUT)
    viewer.click("#claim")
    expect(viewer.locator("#claimed-code")).not_to_be_empty(timeout=TIMEOUT)
    expect(viewer.locator("#claimed-works")).to_have_text(works)
    for english in ("Lowest", "off", "orders from", "paid in"):
        assert english not in viewer.locator("#offer").inner_text()
    assert viewer.js_errors == []  # type: ignore[attr-defined]
    screenshot(viewer, f"coupon-texts-{market.lower()}-desktop")
