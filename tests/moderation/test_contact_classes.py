"""Contact spam classes of issue 15 (phone numbers read aloud, obfuscated messenger names, spoken
dots), in every built-in market language, with the innocent numbers and words each must leave alone.

The examples are written for these tests; none comes from a bench corpus.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from functions.moderation.contacts import _contacts, _links, build_vocabulary, find_contacts, find_links, scan
from functions.moderation.pipeline import moderate_comment
from functions.moderation.verdict import CommentContext
from plugins.manager import build_plugin_manager

Ctx = Callable[..., CommentContext]

SPOKEN_PHONES = {
    "en": ["ring me on seven one eight, four four four, nine two six one",
           "text me oh seven seven double nine three four five six"],
    "de": ["ruf an: null eins sieben zwei, drei drei vier, fünf sechs sieben acht",
           "Handy null eins fünf neun, zwölf vierunddreißig sechsundfünfzig"],
    "fr": ["appelle-moi au zéro sept, quatorze, vingt-deux, quarante et un, soixante-dix-neuf",
           "zéro six trente-trois dix-huit quatre-vingt-onze cinquante"],
    "id": ["wa aku nol delapan lima dua, tujuh tujuh satu, sembilan sembilan nol",
           "hubungi kosong delapan 1 dua 9 tiga 3 empat"],
    "ms": ["hubungi kosong satu sembilan, tiga lapan lima, enam dua lapan",
           "telefon sifar satu dua lapan enam enam tiga"],
    "fil": ["tawagan mo ako sero siyam isa pito, dalawa tatlo apat, lima anim",
            "text ka sa zero nuwebe otso sais, dos tres kwatro singko"],
    "th": ["โทรมา ศูนย์เก้าสองหนึ่ง สามสี่ห้า หกเจ็ดแปด", "เบอร์ ๐๘ หนึ่งโทสาม สี่สี่ห้า เก้าเก้า"],
    "vi": ["gọi em số không tám bốn ba, hai một sáu, năm năm bảy", "zalo không chín tư hai, một một ba, tám sáu"],
    "ja": ["でんわは ゼロハチゼロ いちにさん よんごろくなな", "れんらくは まるきゅうまる、ななはちに、さんいちご"],
    "zh": ["电话 幺三九 零零二一 五六七八", "打我手机一五八，两两六七，三九零四"],
    "ar": ["اتصل صفر تسعة ستة ستة، واحد اتنين تلاتة، اربعة خمسة", "رقمي صفر خمسة صفر ثلاثة سبعة سبعة ثمانية اثنان"],
}  # fmt: skip
SPACED_DIGITS = ["0 9 1 7 - 3 3 5 5 - 2 4 6 8", "1 5 9 - 2 2 0 7 - 6 6 1 0", "08 one two three 4567 8", "0️⃣9️⃣1️⃣7️⃣3️⃣3️⃣5️⃣5️⃣2️⃣4️⃣"]
PRICE_RANGES = ["harga 150.000 - 200.000", "Rp 1.250.000 - 1.500.000", "giá 150.000 - 200.000đ", "¥ 12 800 - 15 600",
                "1 299 000 - 1 499 000 VND", "order #2024 1234 5678"]  # fmt: skip
MESSENGERS = [
    "t e l e g r a m @deals_4u", "t.e.l.e.g.r.a.m: fastdeal77", "L I N E id: bagqueen9", "w h a t s a p p @shopbabe1",
    "w-h-a-t-s-a-p-p: shopbabe1", "tg @cheapbags99", "t g @cheapbags99", "tele: @cheapbags99", "wa @cheapbags99",
    "vx: bagqueen99", "snap @bagqueen99", "سناب: bagqueen99", "تيليجرام @bagqueen99", "テレグラム @bagqueen99",
    "LINE id：bagqueen99", "zalo id: hangre2024", "เทเลแกรม @bagqueen99", "telegr@m: deals4u99", "te1egram @deals_4u",
    "w3ch4t: bagqueen99",
]  # fmt: skip
SPOKEN_DOTS = [
    "tasche24 (punkt) com", "sacsmoins [point] com", "tokomurah (titik) id", "tokomurah titik my", "hangre (chấm) com",
    "bagsale نقطة كوم", "bagsale ドットコム", "淘宝店bagsale点com", "bagsale 点 com", "bagsale (点) net",
    "bagsale {dot} shop", "bagsale จุด คอม", "bagsale (tuldok) ph",
]  # fmt: skip
INNOCENT = {
    "en": ["size thirty eight please", "two for one today?", "I'll take three, no four of them",
           "twenty five, thirty, thirty five dollars", "order 20261202 shipped?", "ships 2026-12-02",
           "sizes 36 38 40 42 44 available?", "one two three four five six seven eight nine ten go!",
           "tracking 7781 2290 4410 still pending"],
    "de": ["Größe achtunddreißig bitte", "zwei für eins?", "drei oder vier Stück",
           "Bestellung 4471 2093 8812 wo ist sie", "Lieferung am 02.12.2026", "neununddreißig Euro neunundneunzig"],
    "fr": ["taille trente-huit svp", "deux pour un ?", "commande 3345 6678 9901 reçue", "le 02.12.2026",
           "trente-neuf euros quatre-vingt-dix-neuf"],
    "id": ["ukuran tiga puluh delapan", "beli dua gratis satu", "harga seratus lima puluh ribu",
           "resi 0081 2233 4455 kak", "kirim tanggal 2026-12-02"],
    "ms": ["saiz tiga puluh lapan", "beli satu percuma satu", "tempahan 5512 0098 7733 bila sampai"],
    "fil": ["size trenta otso po", "dalawa po", "isa dalawa tatlo", "order 8812 3345 9900 po"],
    "th": ["ไซส์สามสิบแปด", "ซื้อหนึ่งแถมหนึ่ง", "ราคาสองร้อยห้าสิบบาท", "เลขพัสดุ 5566 7788 9900"],
    "vi": ["size ba mươi tám", "mua hai tặng một", "không không, em không lấy", "đơn hàng 5566 7788 9900 đâu rồi"],
    "ja": ["さんじゅうはちサイズ", "にこでいちまん", "いちにさんしごろく", "注文 1234 5678 9012"],
    "zh": ["三十八码", "买二送一", "一二三四五六七八", "订单 1234 5678 9012", "12月2日发货"],
    "ar": ["مقاس ثمانية وثلاثون", "اثنين بواحد", "طلب 4455 6677 8899", "السعر خمسة وتسعون"],
}  # fmt: skip
HANDLES_AND_WORDS = [
    "@maria this looks great on you", "hey @shop_friend99 see this", "line dress in blue", "the tele lens?",
    "dot the i", "point de croix", "ada titik putih", "wa ini bagus", "snap buttons?", "tg size?",
    "b3st pr1ce 4 u", "@maria_99 your wh4t size?",
]  # fmt: skip


@pytest.mark.parametrize(("language", "text"), [(lang, t) for lang, texts in SPOKEN_PHONES.items() for t in texts])
def test_phone_numbers_read_aloud_are_contacts(language: str, text: str) -> None:
    assert find_contacts(text), (language, text)


@pytest.mark.parametrize("text", SPACED_DIGITS)
def test_digit_runs_broken_by_spaces_and_hyphens_are_contacts(text: str) -> None:
    assert find_contacts(text)


@pytest.mark.parametrize("text", MESSENGERS)
def test_obfuscated_messenger_names_with_a_handle_are_contacts(text: str) -> None:
    assert find_contacts(text)


@pytest.mark.parametrize("text", SPOKEN_DOTS)
def test_spoken_dots_make_links(text: str) -> None:
    assert find_links(text)


@pytest.mark.parametrize(("language", "text"), [(lang, t) for lang, texts in INNOCENT.items() for t in texts])
def test_prices_sizes_quantities_orders_and_dates_are_left_alone(language: str, text: str) -> None:
    assert scan(text) == ([], []), (language, text)


@pytest.mark.parametrize("text", PRICE_RANGES)
def test_price_ranges_and_order_numbers_are_not_phone_numbers(text: str) -> None:
    assert scan(text) == ([], [])


@pytest.mark.parametrize("text", HANDLES_AND_WORDS)
def test_a_handle_or_a_short_word_alone_is_not_a_contact(text: str) -> None:
    assert scan(text) == ([], [])


def test_seven_digits_read_aloud_need_a_contact_cue() -> None:
    assert not find_contacts("four one five, five five five, two")
    assert find_contacts("call four one five, five five five, two")
    assert find_contacts("four one five, five five five, zero one two three")  # ten digits alone


def test_every_market_declares_number_words_for_each_of_its_languages() -> None:
    pm = build_plugin_manager(include_entry_points=False, validate=True)
    for code in pm.market_codes():
        declared = {w.language: w for w in pm.contact_words(code)}
        assert set(declared) == set(pm.market_profile(code).languages), code
        for words in declared.values():
            assert set(words.numbers.values()) >= {str(d) for d in range(10)}, (code, words.language)
            assert words.source and words.dot


def test_a_third_party_plugin_adds_a_language() -> None:
    vocab = build_vocabulary([({"nula": "0", "jedna": "1", "dva": "2", "tri": "3"}, {}, ["tečka"], {}, ["volej"], [])])
    assert _contacts("volej nula dva jedna tri tri dva jedna", vocab)
    assert _links("obchod (tečka) com", vocab)
    assert _links("obchod tečka shop", vocab)


def test_a_viewer_reading_a_phone_number_aloud_is_held(context: Ctx) -> None:
    verdict = moderate_comment("ruf an: null eins sieben zwei, drei drei vier, fünf sechs sieben acht", context("DE"))
    assert verdict.action == "hold" and any(r.code == "contact-id" for r in verdict.reasons), verdict
    assert moderate_comment("Größe achtunddreißig, zwei Stück bitte", context("DE")).action == "publish"
