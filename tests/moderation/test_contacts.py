"""Links, phone numbers and messenger ids; prices, sizes and order numbers are not contacts."""

from __future__ import annotations

import pytest

from functions.moderation.contacts import find_contacts, find_links, scan


@pytest.mark.parametrize(
    "text",
    [
        "visit www.cheap.com now",
        "buy at shop-deal(dot)xyz",
        "ａｂｃ．ｃｏｍ",
        "see http://x.io/a",
        "wa.me/6281234567",
        "cheaper at scarves.shop/deal",
        "t.me/cheapdeals",
        "order at cheapscarves dot com",
        "www dot bagsale dot net",
        "scarfhub [.] shop",
        "tasche24 punkt de",
        "tokobaju titik com",
        "rebaonline chấm com",
        "ร้านเรา shopdee จุด คอม",
        "cheapbags。com",
        "t dot me slash cheapgroup",
    ],
)
def test_links_are_found(text: str) -> None:
    assert find_links(text)


@pytest.mark.parametrize(
    "text",
    [
        "加微信 abc12345",
        "WhatsApp +62 812 3456 7890",
        "call 0812-3456-7890",
        "line id: shop_girl88",
        "vx:abc123456",
        "wa: 081234567890",
        "ไลน์ shopgirl99",
        "telegram @cheap_deals",
        "+v: shopgirl88",
        "加V shopgirl88",
        "薇❤ shopgirl88",
        "威芯号 shopgirl88",
        "V❤ shopgirl88",
        "w.e.c.h.a.t shopgirl88",
        "tele gram @cheap_deals",
        "ラインID: shopgirl88",
        "ไลน์ไอดี shopgirl88",
    ],
)
def test_contacts_are_found(text: str) -> None:
    assert find_contacts(text)


@pytest.mark.parametrize(
    "text",
    [
        "price is 1.250.000 rupiah",
        "harga 150000",
        "100% cotton, size 38",
        "order #12345678?",
        "2.5 kg please",
        "line dress please",
        "jawaban apa kak",
        "Rp 99.000 free ongkir",
        "size 38-40",
        "I want 2 pcs. thanks!",
        "hello.everyone",
        "ukuran 3.5 inch",
        "f.y.i. it ships monday",
        "the polka dot dress",
        "Le point de croix",
        "ada titik putih di bajunya",
        "V领毛衣有S码吗",
        "A-line dress, V neck",
        "a 5V charger please",
        "plus size available?",
    ],
)
def test_ordinary_numbers_and_words_are_not(text: str) -> None:
    assert scan(text) == ([], [])
