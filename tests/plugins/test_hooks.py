"""One test per hook in plugins/hookspecs.py (``test_hook_<name>``), through the plugin manager.

Each registers a small plugin for the test (as a platform team would) and checks that the hook's
contract holds: firstresult hooks are overridden by a registered plugin, collected hooks add up,
and results are validated against ``plugins/types.py``.
"""

from __future__ import annotations

from typing import Any

import pytest

from plugins import hookimpl
from plugins.manager import PluginError


class Kenya:
    """A third-party market plugin written in code (no data files)."""

    @hookimpl
    def market_codes(self) -> list[str]:
        return ["KE"]

    @hookimpl
    def market_profile(self, market: str) -> dict[str, Any] | None:
        if market != "KE":
            return None
        return {
            "code": "KE",
            "name": "Kenya",
            "languages": ["en", "sw"],
            "locale": "en_KE",
            "currency": "KES",
            "time_zone": "Africa/Nairobi",
            "quiet_hours": {"start": "22:00", "end": "07:00"},
        }


def test_hook_market_codes(manager_with):
    base = manager_with().market_codes()
    codes = manager_with(("kenya", Kenya())).market_codes()
    assert "KE" not in base
    assert sorted(codes) == sorted([*base, "KE"])


def test_hook_market_profile(manager_with):
    class LateNightJakarta:
        @hookimpl
        def market_profile(self, market: str) -> dict[str, Any] | None:
            if market != "ID":
                return None
            return {
                "code": "ID",
                "name": "Indonesia",
                "languages": ["id"],
                "locale": "id_ID",
                "currency": "IDR",
                "time_zone": "Asia/Jakarta",
                "quiet_hours": {"start": "01:00", "end": "06:00"},
            }

    pm = manager_with(("late-night", LateNightJakarta()))
    profile = pm.market_profile("ID")
    assert profile.quiet_hours is not None and profile.quiet_hours.start == "01:00"  # the plugin wins
    assert manager_with().market_profile("ID").quiet_hours.start == "22:00"  # built-in otherwise


def test_hook_moderation_lexicon(manager_with):
    class ExtraTerms:
        @hookimpl
        def moderation_lexicon(self, market: str) -> list[dict[str, Any]]:
            if market != "ID":
                return []
            return [
                {
                    "term": "rekber palsu",
                    "language": "id",
                    "category": "scam",
                    "severity": 3,
                    "source": "test",
                    "license": "CC0-1.0",
                }
            ]

    base = manager_with().moderation_lexicon("ID")
    combined = manager_with(("extra-terms", ExtraTerms())).moderation_lexicon("ID")
    assert len(combined) == len(base) + 1  # collected, not replaced
    assert any(e.term == "rekber palsu" and e.severity == 3 for e in combined)


def test_hook_moderation_policy(manager_with):
    class Strict:
        @hookimpl
        def moderation_policy(self, market: str) -> dict[str, Any] | None:
            return {"max_comments_per_minute": 5, "links": "hold"} if market == "DE" else None

    pm = manager_with(("strict", Strict()))
    assert pm.moderation_policy("DE").max_comments_per_minute == 5
    assert pm.moderation_policy("FR").max_comments_per_minute == 20


def test_hook_contact_words(manager_with):
    class Swahili:
        @hookimpl
        def contact_words(self, market: str) -> list[dict[str, Any]]:
            if market != "DE":
                return []
            digits = ["sifuri", "moja", "mbili", "tatu", "nne", "tano", "sita", "saba", "nane", "tisa"]
            return [
                {
                    "language": "sw",
                    "source": "test",
                    "numbers": {word: str(value) for value, word in enumerate(digits)},
                    "dot": ["nukta"],
                    "cues": ["piga"],
                }
            ]

    from functions.moderation.contacts import find_contacts, find_links

    pm = manager_with(("swahili", Swahili()))
    languages = {w.language for w in pm.contact_words("DE")}
    assert languages == {"de", "en", "sw"}  # collected: the built-in market's and the plugin's
    assert find_contacts("piga sifuri saba moja, tano tano nane, tisa", pm)
    assert find_links("duka (nukta) com", pm)
    assert not find_contacts("sifuri saba moja, tano tano nane, tisa", manager_with())  # words unknown there

    class Broken:
        @hookimpl
        def contact_words(self, market: str) -> list[dict[str, Any]]:
            return [{"language": "sw", "source": "test", "numbers": {"kumi": "ten"}}]

    with pytest.raises(PluginError, match="broken"):
        manager_with(("broken", Broken())).contact_words("DE")


def test_hook_compliance_rules(manager_with):
    class Rule:
        @hookimpl
        def compliance_rules(self, market: str) -> list[dict[str, Any]]:
            if market != "FR":
                return []
            return [
                {
                    "id": "FR-TEST-1",
                    "market": "FR",
                    "law": "test",
                    "kind": "banned_term",
                    "terms": ["miracle"],
                    "message": "no miracles",
                }
            ]

    before = manager_with().compliance_rules("FR")
    after = manager_with(("rule", Rule())).compliance_rules("FR")
    assert [r.id for r in after if r.id not in {b.id for b in before}] == ["FR-TEST-1"]


def test_hook_classify_toxicity(manager_with):
    class Scorer:
        @hookimpl
        def classify_toxicity(self, texts: list[str], language: str) -> list[dict[str, Any]] | None:
            return [{"toxicity": 0.9 if "idiot" in t else 0.0} for t in texts] if language == "en" else None

    pm = manager_with(("scorer", Scorer()))
    scores = pm.classify_toxicity(["you idiot", "nice scarf"], "en")
    assert scores is not None and [s.toxicity for s in scores] == [0.9, 0.0]

    class Short:
        @hookimpl
        def classify_toxicity(self, texts: list[str], language: str) -> list[dict[str, Any]]:
            return [{"toxicity": 0.1}]

    with pytest.raises(PluginError, match=r"'short'.*1 scores for 2 texts"):
        manager_with(("short", Short())).classify_toxicity(["a", "b"], "en")


def test_hook_sentiment_polarity(manager_with):
    # the built-in local scorer answers for a market language, in order, one number per text
    pm = manager_with()
    scores = pm.sentiment_polarity(["bagus sekali", "jelek", "besok"], "id")
    assert scores is not None and scores[0] > 0 and scores[1] < 0 and scores[2] == 0

    class Loud:
        @hookimpl
        def sentiment_polarity(self, texts: list[str], language: str) -> list[float] | None:
            return [1.0 for _ in texts] if language == "id" else None

    # a registered plugin answers first; for other languages the built-in still does
    assert manager_with(("loud", Loud())).sentiment_polarity(["jelek"], "id") == [1.0]
    assert manager_with(("loud", Loud())).sentiment_polarity(["schlecht"], "de")[0] < 0

    class Wild:
        @hookimpl
        def sentiment_polarity(self, texts: list[str], language: str) -> list[float]:
            return [3.0 for _ in texts]

    with pytest.raises(PluginError, match=r"'wild'.*not a number in \[-1, 1\]"):
        manager_with(("wild", Wild())).sentiment_polarity(["a"], "en")


def test_hook_detect_language(manager_with):
    pm = manager_with()
    guess = pm.detect_language("Berapa lama pengiriman ke Jakarta?", ["id", "en"])
    assert guess is not None and guess.language == "id"

    class AlwaysEnglish:
        @hookimpl
        def detect_language(self, text: str, candidates: list[str]) -> dict[str, Any]:
            return {"language": "en", "confidence": 0.5, "detector": "always"}

    override = manager_with(("always", AlwaysEnglish())).detect_language("Berapa lama?", ["id"])
    assert override is not None and override.detector == "always"


def test_hook_translate(manager_with):
    pm = manager_with()
    result = pm.translate("Is it in stock?", "en", "th")
    assert result is not None and result.text == "มีของพร้อมส่งไหม" and result.engine == "phrasebook"

    class Shouting:
        @hookimpl
        def translate(self, text: str, source: str, target: str) -> dict[str, Any]:
            return {
                "text": text.upper(),
                "source": source,
                "target": target,
                "translated": True,
                "engine": "shout",
            }

    loud = manager_with(("shout", Shouting())).translate("hi", "en", "de")
    assert loud is not None and loud.engine == "shout" and loud.text == "HI"


def test_hook_phrasebook(manager_with):
    class Swahili:
        @hookimpl
        def phrasebook(self, language: str) -> dict[str, dict[str, str]]:
            return {"stock.sold_out": {"sw": "Imeisha."}} if language == "sw" else {}

    pm = manager_with(("swahili", Swahili()))
    assert pm.phrasebook("sw") == {"stock.sold_out": {"sw": "Imeisha."}}
    result = pm.translate("Imeisha.", "sw", "th")
    assert result is not None and result.translated and result.text == "สินค้าหมดแล้ว"

    class Broken:
        @hookimpl
        def phrasebook(self, language: str) -> Any:
            return {"stock.sold_out": "Imeisha."}

    with pytest.raises(PluginError, match="'broken'"):
        manager_with(("broken", Broken()))


def test_hook_format_price(manager_with):
    pm = manager_with()
    assert pm.format_price(1999, "EUR", "fr_FR") == "19,99\xa0€"
    assert pm.format_price(150000, "JPY", "ja_JP") == "￥150,000"

    class Rounded:
        @hookimpl
        def format_price(self, amount_minor: int, currency: str, locale: str) -> str | None:
            return f"{currency} {amount_minor // 100}" if currency == "SGD" else None

    custom = manager_with(("rounded", Rounded()))
    assert custom.format_price(2599, "SGD", "en_SG") == "SGD 25"
    assert custom.format_price(2599, "USD", "en_US") == "$25.99"


def test_hook_format_datetime(manager_with):
    pm = manager_with()
    text = pm.format_datetime(1_763_726_400, "Asia/Tokyo", "ja_JP")  # 2025-11-21T12:00Z
    assert "21:00" in text and "2025" in text


def test_hook_faq_answers(manager_with):
    class Extra:
        @hookimpl
        def faq_answers(self, market: str, language: str) -> list[dict[str, Any]]:
            if (market, language) != ("TH", "th"):
                return []
            return [{"id": "warranty", "patterns": ["ประกัน"], "answer": "รับประกัน 1 ปี"}]

    answers = manager_with(("extra", Extra())).faq_answers("TH", "th")
    assert {a.id for a in answers} >= {"warranty", "shipping.time", "size.guide"}


def test_faq_auto_replies_fill_every_placeholder_the_docs_promise(manager_with, monkeypatch):
    # GIVEN a plugin whose FAQ answer uses all three placeholders and one unknown brace
    class PaymentFaq:
        @hookimpl
        def faq_answers(self, market: str, language: str) -> list[dict[str, Any]]:
            if (market, language) != ("TH", "en"):
                return []
            template = "Shops in {market_name} ({market}) take {currency}; {coupon} stays as written."
            return [{"id": "payment.currency", "patterns": ["which currency"], "answer": template}]

    from functions.comments import faq

    pm = manager_with(("payment-faq", PaymentFaq()))
    monkeypatch.setattr(faq, "get_plugins", lambda: pm)
    # WHEN a viewer asks in a comment
    found = faq.match_faq("Which currency do you take?", "TH", ["en"])
    # THEN the auto-reply is filled as the localization API fills it
    thailand = pm.market_profile("TH")
    assert found is not None
    assert found.answer == f"Shops in {thailand.name} (TH) take THB; {{coupon}} stays as written."


def test_hook_coupon_policy(manager_with):
    assert manager_with().coupon_policy("DE").requires_prior_price is True

    class Capped:
        @hookimpl
        def coupon_policy(self, market: str) -> dict[str, Any] | None:
            return {"max_discount_percent": 30} if market == "ID" else None

    assert manager_with(("capped", Capped())).coupon_policy("ID").max_discount_percent == 30


def test_hook_check_campaign(manager_with):
    class PriorPrice:
        @hookimpl
        def check_campaign(self, market: str, campaign: dict[str, Any]) -> list[dict[str, Any]]:
            if market == "DE" and "prior_price_minor" not in campaign:
                return [{"rule": "EU-PRICE-6a", "market": "DE", "message": "state the prior price"}]
            return []

    pm = manager_with(("prior", PriorPrice()))
    assert [v.rule for v in pm.check_campaign("DE", {"discount_percent": 20})] == ["EU-PRICE-6a"]
    assert pm.check_campaign("DE", {"prior_price_minor": 1000}) == []


def test_hook_data_residency(manager_with):
    pm = manager_with()
    assert pm.data_residency("DE").allows("eu-central-1")
    assert not pm.data_residency("DE").allows("us-east-1")
    assert pm.data_residency("ID").allows("us-east-1")


def test_hook_routing_preference(manager_with):
    pm = manager_with()
    assert pm.routing_preference("AE").preferred_regions == ["me-central-1"]

    class ViaTokyo:
        @hookimpl
        def routing_preference(self, market: str) -> dict[str, Any] | None:
            return {"preferred_regions": ["ap-northeast-1"]} if market == "AE" else None

    assert manager_with(("tokyo", ViaTokyo())).routing_preference("AE").preferred_regions == ["ap-northeast-1"]


def test_phrasebook_translation_tolerates_emoji_and_case(manager_with):
    pm = manager_with()
    result = pm.translate("IS IT IN STOCK??? 😍👍🏽", "en", "id")
    assert result is not None and result.translated and result.text == "Apakah stoknya ada?"
    partial = pm.translate("Is it in stock? Also do you have it in purple?", "en", "id")
    assert partial is not None and not partial.translated and partial.engine == "none"  # never half-translated


def test_hook_startup(manager_with):
    # GIVEN a plugin that reads another hook's answers through the manager it is handed
    class Census:
        def __init__(self) -> None:
            self.seen: list[object] = []

        @hookimpl
        def startup(self, manager: Any) -> None:
            self.seen.append(manager)

    early, late = Census(), Census()
    # WHEN one is registered with the region and the other after the manager is built
    pm = manager_with(("early-census", early))
    pm.register(late, name="late-census")
    # THEN both were handed the manager once (the hook is historic), and the built-in
    # translator got it too: it translates from every plugin's phrasebook
    assert early.seen == [pm] and late.seen == [pm]
    assert pm.translate("Sold out.", "en", "de").translated


def test_a_faq_answer_that_breaks_the_markets_advertising_rules_is_never_posted(manager_with, monkeypatch):
    # GIVEN a plugin answering a Thai question with a therapeutic claim (TH-FDA-medical) and a lawful one
    class Claims:
        @hookimpl
        def faq_answers(self, market: str, language: str) -> list[dict[str, Any]]:
            if (market, language) != ("TH", "en"):
                return []
            return [
                {"id": "balm.claim", "patterns": ["does the balm work"], "answer": "Our balm cures eczema."},
                {"id": "balm.size", "patterns": ["balm size"], "answer": "The balm comes in 50 ml."},
            ]

    from functions.comments import faq

    pm = manager_with(("claims", Claims()))
    monkeypatch.setattr(faq, "get_plugins", lambda: pm)
    # WHEN viewers in TH ask THEN the unlawful answer is not posted, the lawful one is
    assert faq.match_faq("does the balm work?", "TH", ["en"]) is None
    found = faq.match_faq("what balm size?", "TH", ["en"])
    assert found is not None and found.answer == "The balm comes in 50 ml."


def test_the_faq_listing_of_a_market_leaves_out_answers_its_advertising_rules_ban(manager_with):
    class Claims:
        @hookimpl
        def faq_answers(self, market: str, language: str) -> list[dict[str, Any]]:
            if (market, language) != ("TH", "th"):
                return []
            return [{"id": "balm.claim", "patterns": ["บาล์ม"], "answer": "บาล์มนี้รักษาหายขาด"}]  # "cures for good"

    from functions.localization.app import market_faq

    pm = manager_with(("claims", Claims()))
    listed = {view.id for view in market_faq("TH", pm, "th")}
    assert "balm.claim" not in listed and listed  # the market's own answers are still listed
