"""Display strings with direction, CLDR prices and dates, FAQ answers, market data."""

from __future__ import annotations

import pytest

from plugins.manager import build_plugin_manager

PM = build_plugin_manager(include_entry_points=False)
ARABIC_MARKETS = ("AE", "SA")


def _walk_display(value):
    """Every DisplayText-shaped dict inside a JSON value."""
    if isinstance(value, dict):
        if {"text", "lang", "dir", "isolated"} <= set(value):
            yield value
        for inner in value.values():
            yield from _walk_display(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _walk_display(inner)


@pytest.mark.parametrize("market", ARABIC_MARKETS)
def test_every_display_string_for_arabic_markets_is_rtl(client, auth, market):
    # GIVEN every display-returning route, asked for an Arabic market
    responses = [
        client.get(f"/v1/localization/markets/{market}"),
        client.get(f"/v1/localization/markets/{market}/faq", params={"language": "ar"}),
        client.get("/v1/localization/format/price", params={"amount_minor": 12550, "market": market}),
        client.get("/v1/localization/format/number", params={"value": "12.5", "market": market}),
        client.get("/v1/localization/format/datetime", params={"at": "2026-11-21T12:00:00Z", "market": market}),
        client.get("/v1/localization/schedule", params={"start": "2026-11-21T12:00:00Z", "markets": market}),
        client.get("/v1/localization/convert", params={"amount_minor": 1000, "from": "USD", "market": market}),
        client.post(
            "/v1/localization/translate",
            json={"texts": ["Sold out."], "source": "en", "target": "ar"},
            headers=auth(),
        ),
    ]
    displays = []
    for response in responses:
        assert response.status_code == 200, response.text
        found = list(_walk_display(response.json()))
        assert found, f"no display string in {response.url}"
        displays += found
    # THEN each carries rtl and is wrapped in a right-to-left isolate
    for display in displays:
        assert display["dir"] == "rtl", display
        assert display["isolated"] == "\u2067" + display["text"] + "\u2069"


def test_ltr_market_display_is_ltr(client):
    body = client.get("/v1/localization/markets/DE").json()
    assert body["display_name"] == {
        "text": "Deutschland",
        "lang": "de",
        "dir": "ltr",
        "isolated": "\u2066Deutschland\u2069",
    }


@pytest.mark.parametrize(
    ("amount", "currency", "locale", "expected"),
    [
        (1999, "USD", "en_US", "$19.99"),
        (1999, "EUR", "de_DE", "19,99\xa0€"),
        (1500000, "IDR", "id_ID", "Rp15.000"),  # CLDR cash digits: no sen
        (1500050, "IDR", "id_ID", "Rp15.000,50"),
        (150000, "VND", "vi_VN", "150.000\xa0₫"),
        (1980, "JPY", "ja_JP", "￥1,980"),
        (12345, "THB", "th_TH", "฿123.45"),
    ],
)
def test_prices_use_cldr_and_minor_units(client, amount, currency, locale, expected):
    body = client.get(
        "/v1/localization/format/price",
        params={"amount_minor": amount, "currency": currency, "locale": locale},
    ).json()
    assert body["display"]["text"] == expected


def test_price_of_market_defaults_to_its_currency(client):
    body = client.get("/v1/localization/format/price", params={"amount_minor": 2500, "market": "my"}).json()
    assert body["currency"] == "MYR" and body["minor_digits"] == 2 and body["display"]["text"] == "RM25.00"


def test_price_bad_input(client):
    unknown = client.get("/v1/localization/format/price", params={"amount_minor": 1, "currency": "ZZZ", "locale": "en"})
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown-currency"
    locale = client.get(
        "/v1/localization/format/price", params={"amount_minor": 1, "currency": "USD", "locale": "qq_ZZ"}
    )
    assert locale.status_code == 422 and locale.json()["code"] == "unknown-language"
    market = client.get("/v1/localization/format/price", params={"amount_minor": 1, "market": "XX"})
    assert market.status_code == 404
    huge = client.get(
        "/v1/localization/format/price", params={"amount_minor": 10**16, "currency": "USD", "locale": "en"}
    )
    assert huge.status_code == 422


def test_faq_in_market_language_and_currency_filled(client):
    body = client.get("/v1/localization/markets/ID/faq", params={"language": "id"}).json()
    by_id = {a["id"]: a for a in body}
    assert set(by_id) == {"shipping.cost", "shipping.time", "returns.policy", "payment.methods", "size.guide"}
    assert "IDR" in by_id["payment.methods"]["answer"]["text"]
    assert "{currency}" not in by_id["payment.methods"]["answer"]["text"]
    assert by_id["payment.methods"]["engine"] == "template"


def test_faq_in_a_language_without_templates_is_translated_or_labelled(client):
    body = client.get("/v1/localization/markets/DE/faq", params={"language": "ja"}).json()
    assert len(body) == 5
    for answer in body:
        # No phrasebook covers whole FAQ answers: the German original is returned, labelled honestly
        assert answer["engine"] == "none" and answer["translated_from"] is None
        assert answer["answer"]["lang"] == "de"


def test_faq_unknown_language(client):
    response = client.get("/v1/localization/markets/DE/faq", params={"language": "xq"})
    assert response.status_code == 422 and response.json()["code"] == "unknown-language"


def test_every_market_has_complete_data():
    codes = PM.market_codes()
    assert len(codes) == 13 and "CN" in codes
    for code in codes:
        profile = PM.market_profile(code)
        policy = PM.coupon_policy(code)
        assert 0 < policy.max_discount_percent <= 100
        for language in profile.languages:
            topics = {a.id for a in PM.faq_answers(code, language)}
            assert topics == {
                "shipping.cost",
                "shipping.time",
                "returns.policy",
                "payment.methods",
                "size.guide",
            }, (
                code,
                language,
            )
            assert len(PM.phrasebook(language)) >= 40, (code, language)


def test_eu_prior_price_rule_and_us_endorsement_disclosure():
    for code in ("DE", "FR"):
        policy = PM.coupon_policy(code)
        assert policy.requires_prior_price and policy.prior_price_days == 30
    assert any("#ad" in d for d in PM.coupon_policy("US").disclosures)
    assert PM.coupon_policy("VN").max_discount_percent == 50
    assert PM.coupon_policy("CN").prior_price_days == 7


def test_phrasebook_concepts_shared_across_languages():
    en = PM.phrasebook("en")
    for language in ("zh-Hans", "id", "th", "vi", "ms", "fil", "ar", "de", "fr", "ja", "es"):
        book = PM.phrasebook(language)
        assert set(book) == set(en), language


@pytest.mark.parametrize(
    ("market", "expected"),
    [("DE", "1.234.567,891"), ("US", "1,234,567.891"), ("FR", "1\u202f234\u202f567,891"), ("AE", "1,234,567.891")],
)
def test_numbers_per_locale(client, market, expected):
    body = client.get("/v1/localization/format/number", params={"value": "1234567.891", "market": market}).json()
    assert body["display"]["text"] == expected
    assert body["display"]["dir"] == ("rtl" if market == "AE" else "ltr")


def test_number_bad_input(client):
    assert client.get("/v1/localization/format/number", params={"value": "12abc", "market": "DE"}).status_code == 422
    assert client.get("/v1/localization/format/number", params={"value": "1e400", "market": "DE"}).status_code == 422
    missing = client.get("/v1/localization/format/number", params={"value": "1"})
    assert missing.status_code == 422 and missing.json()["code"] == "locale-required"


def test_market_list_marks_arabic_names_rtl(client):
    markets = {m["code"]: m for m in client.get("/v1/localization/markets").json()}
    assert {c for c, m in markets.items() if m["display_name"]["dir"] == "rtl"} == set(ARABIC_MARKETS)
    assert markets["AE"]["display_name"]["isolated"] == "\u2067" + markets["AE"]["name"] + "\u2069"


def test_policies_with_disclosures_ready_for_display(client):
    sa = client.get("/v1/localization/markets/SA/policies").json()
    by_lang = {d["lang"]: d for d in sa["disclosures"]}
    assert by_lang["ar"]["dir"] == "rtl" and by_lang["ar"]["isolated"].startswith("\u2067")
    assert by_lang["en"]["dir"] == "ltr"
    de = client.get("/v1/localization/markets/DE/policies").json()
    assert de["coupon_policy"]["requires_prior_price"] is True and de["coupon_policy"]["prior_price_days"] == 30
    assert de["data_residency"]["jurisdiction"] == "EU"
    assert de["disclosures"][0]["lang"] == "de"
    us = client.get("/v1/localization/markets/US/policies").json()
    assert any(d["text"].startswith("#ad") for d in us["disclosures"])
    assert client.get("/v1/localization/markets/XX/policies").status_code == 404
