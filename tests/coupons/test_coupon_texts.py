"""Every sentence the coupon path shows a viewer is in the viewer's market language.

The campaign list (``GET /rooms/{room}/campaigns?market=XX``) and the claimed-coupon view
(claim response and ``GET /mine``) word the discount, the EU prior-price statement, the validity
and the "works" sentence from the market plugins' ``coupon_texts``, with CLDR-formatted prices;
and no built-in market falls back to English unless English is its language.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import pluggy
import pytest
from fastapi.testclient import TestClient

from functions.coupons.policy import ENGLISH, coupon_wording
from functions.shared.plugins import get_plugins
from plugins.manager import builtin_market_plugins
from plugins.types import COUPON_TEXT_PLACEHOLDERS, CouponTexts
from tests.room_helpers import room_key

from .coupon_helpers import MERCHANT, Headers, campaign_body, new_key

hookimpl = pluggy.HookimplMarker("crosslive")
NBSP, RLM = "\u00a0", "\u200f"
BUILTIN_MARKETS = sorted(name.removeprefix("market-").upper() for name in builtin_market_plugins())
# Characters only the language's own script has: a sentence in it must contain some.
SCRIPTS = {
    "ar": re.compile(r"[\u0600-\u06ff]"),
    "ja": re.compile(r"[\u3040-\u30ff]"),  # kana: kanji alone could be Chinese
    "zh-Hans": re.compile(r"[\u4e00-\u9fff]"),
    "th": re.compile(r"[\u0e00-\u0e7f]"),
}


@pytest.fixture
def world_room(client: TestClient, auth: Headers) -> dict[str, Any]:
    """A room broadcasting to six markets in six scripts and spellings."""
    response = client.post(
        "/v1/rooms",
        json={
            "title": "World sale",
            "markets": ["DE", "FR", "ID", "AE", "JP", "SG"],
            "home_market": "CN",
            "host_language": "zh-Hans",
        },
        headers={**auth("merchant", sub=MERCHANT), **room_key()},
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


@pytest.fixture
def campaign_in(client: TestClient, auth: Headers, world_room: dict[str, Any]) -> Callable[..., dict[str, Any]]:
    """``campaign_in("DE", "EUR", discount=..., ...)``: a live campaign of the room for one market."""

    def make(market: str, currency: str, **overrides: Any) -> dict[str, Any]:
        body = campaign_body(markets=[market], currency=currency, **overrides)
        path = f"/v1/coupons/rooms/{world_room['room_id']}/campaigns"
        response = client.post(path, json=body, headers=auth("merchant", sub=MERCHANT))
        assert response.status_code == 201, response.text
        return dict(response.json())

    return make


def listed_terms(client: TestClient, campaign: dict[str, Any], market: str, **params: str) -> dict[str, Any]:
    """The campaign's terms for ``market`` as the public campaign list shows them."""
    path = f"/v1/coupons/rooms/{campaign['room_id']}/campaigns"
    response = client.get(path, params={"market": market, **params})
    assert response.status_code == 200, response.text
    (listed,) = [c for c in response.json() if c["campaign_id"] == campaign["campaign_id"]]
    (terms,) = listed["terms"]
    assert terms["market"] == market
    return dict(terms)


def claimed(client: TestClient, auth: Headers, campaign: dict[str, Any], market: str) -> dict[str, Any]:
    """A viewer of ``market`` claims the campaign's coupon; the claim response."""
    response = client.post(
        f"/v1/coupons/rooms/{campaign['room_id']}/campaigns/{campaign['campaign_id']}/claims",
        headers={**auth("viewer", sub=f"texts-{market}-{time.time_ns()}", market=market), "Idempotency-Key": new_key()},
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


# -- the API, language by language --------------------------------------------------------------


def test_german_campaign_and_coupon(client, auth, campaign_in):
    campaign = campaign_in(
        "DE",
        "EUR",
        discount={"kind": "percent", "percent": 20, "max_discount_minor": 1500},
        min_spend_minor=2000,
        prior_price_minor=4999,
    )
    terms = listed_terms(client, campaign, "DE")
    assert terms["language"] == "de" and terms["locale"] == "de_DE"
    assert terms["discount"] == f"20{NBSP}% Rabatt (max. 15,00{NBSP}€)"
    assert terms["min_spend"] == f"20,00{NBSP}€"
    assert terms["prior_price"] == f"Niedrigster Preis der letzten 30 Tage: 49,99{NBSP}€"
    assert terms["disclosures"] == [
        "Preisermäßigung bezogen auf den niedrigsten Preis der letzten 30 Tage (§ 11 PAngV)."
    ]

    coupon = claimed(client, auth, campaign, "DE")
    assert coupon["language"] == "de"
    assert coupon["discount_text"] == terms["discount"]
    assert coupon["valid_until_text"].startswith("Gültig bis ")
    assert coupon["valid_until_text"].endswith(" (Mitteleuropäische Zeit)")
    assert coupon["works"].startswith(f"20{NBSP}% Rabatt (max. 15,00{NBSP}€) auf Bestellungen ab 20,00{NBSP}€ ")
    assert "in Deutschland (DE), zahlbar in Euro, im Shop dieses Livestreams, vom " in coupon["works"]
    assert f"Niedrigster Preis der letzten 30 Tage: 49,99{NBSP}€" in coupon["disclosures"]
    for english in ("Lowest", "orders", "paid in", "Valid", "off"):
        assert english not in " ".join([coupon["works"], coupon["valid_until_text"], *coupon["disclosures"]])


def test_french_prior_price_statement(client, campaign_in):
    campaign = campaign_in(
        "FR", "EUR", discount={"kind": "fixed", "amount_minor": 500}, min_spend_minor=2000, prior_price_minor=4999
    )
    terms = listed_terms(client, campaign, "FR")
    assert terms["language"] == "fr"
    assert terms["discount"] == f"5,00{NBSP}€ de réduction"
    assert terms["prior_price"] == f"Prix le plus bas des 30 derniers jours{NBSP}: 49,99{NBSP}€"
    assert terms["disclosures"][0].startswith("Réduction calculée sur le prix le plus bas")


@pytest.mark.parametrize("market", ["DE", "FR"])
def test_eu_markets_refuse_a_campaign_without_the_prior_price_and_state_it_in_their_language(
    client, auth, world_room, campaign_in, market
):
    assert get_plugins().coupon_policy(market).requires_prior_price
    refused = client.post(
        f"/v1/coupons/rooms/{world_room['room_id']}/campaigns",
        json=campaign_body(markets=[market], currency="EUR", discount={"kind": "percent", "percent": 10}),
        headers=auth("merchant", sub=MERCHANT),
    )
    assert refused.status_code == 422 and refused.json()["violations"][0]["rule"] == "prior-price-required"
    campaign = campaign_in(market, "EUR", discount={"kind": "percent", "percent": 10}, prior_price_minor=1999)
    statement = listed_terms(client, campaign, market)["prior_price"]
    english = coupon_wording(market, ENGLISH).prior_price(1999, "EUR", 30)
    assert statement and english and statement != english
    assert "19,99" in statement and "30" in statement and "Lowest" not in statement


def test_indonesian_campaign_and_coupon(client, auth, campaign_in):
    campaign = campaign_in("ID", "IDR", prior_price_minor=6_000_000)  # Rp10.000 off from Rp50.000
    terms = listed_terms(client, campaign, "ID")
    assert terms["language"] == "id"
    assert terms["discount"] == "Potongan Rp10.000"
    assert terms["prior_price"] == "Harga terendah dalam 30 hari terakhir: Rp60.000"
    assert terms["disclosures"] == []  # Indonesia's coupon policy has none

    coupon = claimed(client, auth, campaign, "ID")
    assert coupon["works"].startswith("Potongan Rp10.000 untuk pembelian minimal Rp50.000 di Indonesia (ID), ")
    assert "dibayar dalam Rupiah Indonesia, di toko siaran langsung ini, mulai " in coupon["works"]
    assert coupon["works"].endswith(" (Waktu Indonesia Barat)")
    assert coupon["valid_until_text"].startswith("Berlaku hingga ")
    assert coupon["disclosures"] == ["Harga terendah dalam 30 hari terakhir: Rp60.000"]


def test_arabic_campaign_and_coupon(client, auth, campaign_in):
    campaign = campaign_in(
        "AE",
        "AED",
        discount={"kind": "percent", "percent": 15, "max_discount_minor": 5000},
        min_spend_minor=20000,
        prior_price_minor=19900,
    )
    terms = listed_terms(client, campaign, "AE")
    assert terms["language"] == "ar" and terms["locale"] == "ar_AE"
    aed = f"{NBSP}د.إ.{RLM}"
    assert terms["discount"] == f"خصم 15% (بحد أقصى {RLM}50.00{aed})"
    # CLDR plural rules: 30 is "many" in Arabic, so "يومًا" (not "أيام", the form for 3-10).
    assert terms["prior_price"] == f"أدنى سعر خلال آخر 30 يومًا: {RLM}199.00{aed}"
    # The permit notice in Arabic only, not also in English.
    assert terms["disclosures"] == ["العروض الترويجية والتخفيضات تخضع لتصريح من دائرة الاقتصاد والسياحة."]

    coupon = claimed(client, auth, campaign, "AE")
    assert coupon["works"].startswith(f"خصم 15% (بحد أقصى {RLM}50.00{aed}) على الطلبات ابتداءً من {RLM}200.00{aed}")
    assert "في الإمارات (AE)، بالدفع بعملة درهم إماراتي" in coupon["works"]
    assert coupon["valid_until_text"].startswith("صالح حتى ")
    assert all(SCRIPTS["ar"].search(text) for text in [coupon["works"], *coupon["disclosures"]])


def test_japanese_campaign_and_coupon(client, auth, campaign_in):
    campaign = campaign_in(
        "JP", "JPY", discount={"kind": "fixed", "amount_minor": 500}, min_spend_minor=3000, prior_price_minor=4980
    )
    terms = listed_terms(client, campaign, "JP")
    assert terms["language"] == "ja"
    assert terms["discount"] == "￥500引き"  # JPY has no minor digits
    assert terms["prior_price"] == "過去28日間の最低価格：￥4,980"  # JP's own period, not the EU's 30 days
    assert terms["disclosures"] == ["【PR】この配信には広告が含まれます。"]

    coupon = claimed(client, auth, campaign, "JP")
    assert coupon["works"].startswith("￥3,000以上のご注文で￥500引き。対象：日本（JP）、日本円でのお支払い")
    assert coupon["works"].endswith("（日本時間）")
    assert coupon["valid_until_text"].startswith("有効期限：")


def test_chinese_campaign_and_coupon_in_singapore(client, auth, campaign_in):
    """Singapore's viewers read English, Chinese or Malay: ``language`` picks one of them."""
    campaign = campaign_in(
        "SG", "SGD", discount={"kind": "percent", "percent": 10, "max_discount_minor": 2000}, min_spend_minor=5000
    )
    terms = listed_terms(client, campaign, "SG", language="zh-Hans")
    assert terms["language"] == "zh-Hans" and terms["locale"] == "zh_Hans_SG"
    assert terms["discount"] == "立减10%（最多减$20.00）"
    assert terms["disclosures"] == ["价格以新加坡元（SGD）标示，已含消费税（GST）。"]
    english = listed_terms(client, campaign, "SG")  # the market's first language
    assert english["language"] == "en" and english["discount"] == "10% off (up to $20.00)"
    assert listed_terms(client, campaign, "SG", language="ja")["language"] == "en"  # not a language of SG

    coupon = claimed(client, auth, campaign, "SG")
    viewer = auth("viewer", sub=coupon["holder_sub"], market="SG")
    (mine,) = client.get("/v1/coupons/mine", params={"language": "zh-Hans"}, headers=viewer).json()
    assert mine["code"] == coupon["code"] and mine["language"] == "zh-Hans"
    assert mine["works"].startswith("订单满$50.00立减10%（最多减$20.00）；适用市场：新加坡（SG），以新加坡元支付")
    assert mine["valid_until_text"].startswith("有效期至")
    assert all(SCRIPTS["zh-Hans"].search(text) for text in [mine["works"], *mine["disclosures"]])


# -- the built-in markets' data -------------------------------------------------------------------


def market_languages() -> Iterator[tuple[str, str]]:
    pm = get_plugins()
    for market in BUILTIN_MARKETS:
        for language in pm.market_profile(market).languages:
            yield market, language


def test_every_built_in_market_is_served():
    assert set(BUILTIN_MARKETS) <= set(get_plugins().market_codes()) and len(BUILTIN_MARKETS) == 13


@pytest.mark.parametrize(("market", "language"), list(market_languages()))
def test_no_built_in_market_language_falls_back_to_english(market, language):
    """Every template of every language a built-in market lists comes from a plugin, none from English."""
    wording = coupon_wording(market, language)
    assert wording.english == (), f"{market}/{language} shows these coupon sentences in English: {wording.english}"
    texts = get_plugins().coupon_texts(market, language)
    assert texts is not None and texts.missing() == []
    policy = get_plugins().coupon_policy(market)
    if policy.disclosures:  # the law's disclosures are worded for this language too
        assert texts.disclosures, f"{market} has coupon disclosures but none in {language}"


@pytest.mark.parametrize(("market", "language"), [(m, lang) for m, lang in market_languages() if lang != ENGLISH])
def test_no_built_in_market_words_its_coupons_in_english_unless_it_speaks_english(market, language):
    """Compared with the English texts, each template and each sentence as shown is different."""
    pm = get_plugins()
    own, english = pm.coupon_texts(market, language), pm.coupon_texts(market, ENGLISH)
    assert own is not None and english is not None
    for key in COUPON_TEXT_PLACEHOLDERS:
        assert getattr(own, key) != getattr(english, key), f"{market}/{language} {key} is the English template"
    assert not set(own.disclosures or []) & set(english.disclosures or [])

    currency = pm.market_profile(market).currency
    words, en = coupon_wording(market, language), coupon_wording(market, ENGLISH)
    for sentence in ("discount", "prior_price", "valid_until", "works"):
        shown = {
            "discount": lambda w: w.discount("percent", None, 20, 1500, currency),
            "prior_price": lambda w: w.prior_price(4999, currency, 30),
            "valid_until": lambda w: w.valid_until(1_795_907_835),
            "works": lambda w: w.works("X", 2000, currency, 1_795_303_025, 1_795_907_835),
        }[sentence]
        assert shown(words) != shown(en), f"{market}/{language} shows the {sentence} sentence in English"
    if language in SCRIPTS:
        assert SCRIPTS[language].search(words.works("X", 2000, currency, 1_795_303_025, 1_795_907_835))
        assert all(SCRIPTS[language].search(d) for d in own.disclosures or [])


def test_arabic_prior_price_follows_cldr_plural_forms():
    """Arabic counts days with different nouns: 1, 2, 3-10, 11-99 and 100+ each read differently."""
    wording = coupon_wording("AE")
    shown = {days: wording.prior_price(1000, "AED", days) for days in (1, 2, 7, 30, 100)}
    assert shown[1].startswith("أدنى سعر خلال اليوم السابق:")
    assert shown[2].startswith("أدنى سعر خلال اليومين السابقين:")
    assert shown[7].startswith("أدنى سعر خلال آخر 7 أيام:")
    assert shown[30].startswith("أدنى سعر خلال آخر 30 يومًا:")
    assert shown[100].startswith("أدنى سعر خلال آخر 100 يوم:")
    assert coupon_wording("DE").prior_price(1000, "EUR", 1) == f"Niedrigster Preis des letzten Tages: 10,00{NBSP}€"


# -- plugins decide, English only where nothing else exists -------------------------------------


class Swahili:
    """A market that speaks Swahili, a language no plugin has coupon texts for."""

    @hookimpl
    def market_codes(self) -> list[str]:
        return ["KE"]

    @hookimpl
    def market_profile(self, market: str) -> dict[str, Any] | None:
        if market != "KE":
            return None
        return {
            "code": "KE", "name": "Kenya", "languages": ["sw", "en"], "locale": "sw_KE",
            "currency": "KES", "time_zone": "Africa/Nairobi",
        }  # fmt: skip


class GermanPriorPrice:
    """A platform team rewords only Germany's prior-price statement."""

    @hookimpl
    def coupon_texts(self, market: str, language: str) -> dict[str, Any] | None:
        if (market, language) != ("DE", "de"):
            return None
        return {"prior_price": "Bisher niedrigster Preis (30 Tage): {price}"}


@pytest.fixture
def registered() -> Iterator[Callable[[str, object], None]]:
    pm = get_plugins()
    added: list[object] = []

    def register(name: str, plugin: object) -> None:
        pm.register(plugin, name=name)
        added.append(plugin)

    yield register
    for plugin in added:
        pm.unregister(plugin)


def test_a_market_without_templates_falls_back_to_english_and_says_so(registered):
    registered("swahili", Swahili())
    wording = coupon_wording("KE")
    assert wording.language == "sw" and set(wording.english) == set(COUPON_TEXT_PLACEHOLDERS)
    assert wording.discount("fixed", 50000, None, None, "KES").endswith(" off")
    assert wording.disclosures(get_plugins().coupon_policy("KE")) == []


def test_a_plugin_overrides_one_sentence_and_keeps_the_rest(registered, client, campaign_in):
    registered("german-prior-price", GermanPriorPrice())
    campaign = campaign_in("DE", "EUR", discount={"kind": "percent", "percent": 10}, prior_price_minor=2000)
    terms = listed_terms(client, campaign, "DE")
    assert terms["prior_price"] == f"Bisher niedrigster Preis (30 Tage): 20,00{NBSP}€"
    assert terms["discount"] == f"10{NBSP}% Rabatt"  # still the built-in German
    assert coupon_wording("DE").english == ()


def test_templates_with_unknown_placeholders_are_refused():
    with pytest.raises(ValueError, match="unknown placeholders"):
        CouponTexts.model_validate({"works": "{discount} until {valid_until}"})
    with pytest.raises(ValueError, match="'other'"):
        CouponTexts.model_validate({"prior_price": {"one": "{price}"}})
