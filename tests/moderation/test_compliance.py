"""Compliance rules from the market plugins, applied to what a merchant publishes."""

from __future__ import annotations

import pytest

from functions.textrules.compliance import check_compliance, markets_to_check
from plugins.manager import CrossliveManager, build_plugin_manager


@pytest.fixture(scope="module")
def pm() -> CrossliveManager:
    return build_plugin_manager(include_entry_points=False, validate=False)


def rules(text: str, pm: CrossliveManager, markets: list[str], home: str | None = "CN", **kw: object) -> set[str]:
    return {v.rule for v in check_compliance(text, markets, home, plugins=pm, **kw)}  # type: ignore[arg-type]


def test_a_fact_is_not_a_claim(pm: CrossliveManager) -> None:
    assert rules("100%纯棉，第一件半价", pm, ["ID"]) == set()
    assert rules("100%治愈失眠", pm, ["ID"]) == {"CN-AD-9-3-absolute", "CN-AD-17-medical"}


def test_traditional_chinese_is_folded(pm: CrossliveManager) -> None:
    assert "CN-AD-9-3-absolute" in rules("這是國家級品質", pm, [])


def test_home_market_rules_apply_only_to_its_merchants(pm: CrossliveManager) -> None:
    assert rules("全网最低价", pm, ["DE"], home=None) == set()
    assert rules("全网最低价", pm, ["DE"], home="CN") == {"CN-AD-9-3-absolute"}


def test_restricted_categories_by_name_and_by_declaration(pm: CrossliveManager) -> None:
    assert rules("Premium bacon and wine box", pm, ["AE", "SA", "DE"], home=None) == {
        "AE-restricted-pork",
        "AE-restricted-alcohol",
        "SA-restricted-pork",
        "SA-restricted-alcohol",
    }
    assert rules("Gift box no. 5", pm, ["SA"], home=None, categories=["Alcohol"]) == {"SA-restricted-alcohol"}
    assert rules("hamper with dates", pm, ["AE"], home=None) == set()  # "ham" is a whole word only


def test_disclosure_required_for_endorsements(pm: CrossliveManager) -> None:
    assert rules("This scarf was gifted, use my code ANNA10", pm, ["US"], home=None) == {"US-FTC-255-disclosure"}
    assert rules("#ad This scarf was gifted, use my code ANNA10", pm, ["US"], home=None) == set()


def test_severity_and_law_are_reported(pm: CrossliveManager) -> None:
    found = check_compliance("nur heute: klimaneutral und heilt Kopfschmerzen", ["DE"], None, plugins=pm)
    by_rule = {v.rule: v for v in found}
    assert by_rule["EU-UCPD-I-7-urgency"].severity == "warn"
    assert by_rule["EU-2024-825-green"].severity == "block"
    assert "2005/29/EC" in by_rule["EU-UCPD-I-17-cure"].law and by_rule["EU-UCPD-I-17-cure"].matched == "heilt"


def test_unknown_markets_are_skipped_and_markets_deduplicated(pm: CrossliveManager) -> None:
    assert rules("全网最低价", pm, ["ZZ"], home="CN") == {"CN-AD-9-3-absolute"}
    assert markets_to_check(["id", "DE", "ID"], "cn") == ["ID", "DE", "CN"]
