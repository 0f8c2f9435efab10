"""The ``coupon_texts`` hook: merged key by key, validated, bad data names the plugin."""

from __future__ import annotations

from typing import Any

import pluggy
import pytest

from crosslive.plugin_kit.conformance import check_plugin
from plugins.manager import PluginError, build_plugin_manager

hookimpl = pluggy.HookimplMarker("crosslive")


class AustrianGerman:
    """Rewords the German validity sentence for DE only; says nothing about other keys."""

    @hookimpl
    def coupon_texts(self, market: str, language: str) -> dict[str, Any] | None:
        if (market, language) != ("DE", "de"):
            return None
        return {"valid_until": "Gilt bis {until} ({time_zone})"}


class BadPlaceholder:
    @hookimpl
    def coupon_texts(self, market: str, language: str) -> dict[str, Any] | None:
        return {"discount_fixed": "{price} off"} if market == "DE" else None


def test_hook_coupon_texts(manager_with):
    base = manager_with()
    german = base.coupon_texts("DE", "de")
    assert german is not None and german.missing() == []
    assert german.valid_until == "Gültig bis {until} ({time_zone})"
    # The market's own data adds its disclosures to the built-in language file's sentences.
    assert german.disclosures == ["Preisermäßigung bezogen auf den niedrigsten Preis der letzten 30 Tage (§ 11 PAngV)."]
    assert base.coupon_texts("AE", "ar").disclosures == [  # type: ignore[union-attr]
        "العروض الترويجية والتخفيضات تخضع لتصريح من دائرة الاقتصاد والسياحة."
    ]
    assert base.coupon_texts("DE", "xx") is None  # no plugin knows the language

    merged = manager_with(("austrian-german", AustrianGerman())).coupon_texts("DE", "de")
    assert merged is not None and merged.valid_until == "Gilt bis {until} ({time_zone})"
    assert merged.discount_fixed == german.discount_fixed and merged.disclosures == german.disclosures
    assert manager_with(("austrian-german", AustrianGerman())).coupon_texts("FR", "fr") == base.coupon_texts("FR", "fr")


def test_coupon_texts_with_an_unknown_placeholder_stop_the_region():
    with pytest.raises(PluginError) as caught:
        build_plugin_manager(["market-de"], include_entry_points=False, extra=[("bad-placeholder", BadPlaceholder())])
    assert caught.value.plugin == "bad-placeholder" and "price" in str(caught.value)


def test_conformance_checks_coupon_texts():
    report = check_plugin(AustrianGerman(), name="austrian-german")
    assert report.ok, report.render()
    assert any(c.name == "DE coupon_texts[de]" and c.status == "pass" for c in report.checks)
    bad = check_plugin(BadPlaceholder(), name="bad-placeholder")
    assert not bad.ok
    assert any(c.name == "DE coupon_texts[de]" and c.status == "fail" and "price" in c.detail for c in bad.checks)
