"""The manager calls hooks through pluggy: wrappers, tryfirst and raised errors behave as in pluggy."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pluggy
import pytest

from plugins.manager import PluginError
from plugins.types import TextTooLongError

# A third-party package's own marker: the same as ``plugins.hookimpl``.
thirdparty = pluggy.HookimplMarker("crosslive")


class RenameMarkets:
    """A third-party wrapper: every profile's name gets a suffix, whoever answered."""

    @thirdparty(wrapper=True)
    def market_profile(self, market: str) -> Generator[None, Any, Any]:
        profile = yield
        return None if profile is None else {**profile, "name": f"{profile['name']} (cross-border)"}

    @thirdparty(wrapper=True)
    def moderation_lexicon(self, market: str) -> Generator[None, Any, Any]:
        answers = yield
        extra = {
            "term": "dm for price",
            "language": "en",
            "category": "spam",
            "severity": 2,
            "source": "test",
            "license": "CC0-1.0",
        }
        return [*answers, [extra]]


def test_a_third_party_wrapper_wraps_every_call(manager_with):
    # GIVEN a region with a third-party plugin whose implementations are wrappers
    pm = manager_with(("rename-markets", RenameMarkets()))
    # THEN the firstresult answer and the collected answers went through the wrapper
    assert pm.market_profile("DE").name == "Deutschland (cross-border)"
    assert any(entry.term == "dm for price" for entry in pm.moderation_lexicon("DE"))
    # and the plugin listing names it while per-plugin calls leave it out
    assert "rename-markets" in pm.implementations()["market_profile"]
    assert "rename-markets" not in dict(pm.call_each("market_profile", market="DE"))
    assert pm.wrappers("market_profile") == ["rename-markets"]


def test_a_wrapper_that_breaks_the_data_is_named(manager_with):
    class Breaker:
        @thirdparty(wrapper=True)
        def coupon_policy(self, market: str) -> Generator[None, Any, Any]:
            yield
            return {"max_discount_percent": 400}

    with pytest.raises(PluginError) as info:
        manager_with(("breaker", Breaker()))
    assert info.value.plugin == "breaker"
    assert "coupon_policy returned bad data after its wrappers" in str(info.value)


def test_tryfirst_beats_a_later_registration(manager_with):
    class First:
        @thirdparty(tryfirst=True)
        def format_price(self, amount_minor: int, currency: str, locale: str) -> str:
            return f"first {amount_minor}"

    class Second:
        @thirdparty
        def format_price(self, amount_minor: int, currency: str, locale: str) -> str:
            return f"second {amount_minor}"

    pm = manager_with(("first", First()), ("second", Second()))
    assert pm.format_price(100, "EUR", "de_DE") == "first 100"


def _lookup(table: dict[str, Any], market: str) -> Any:
    return table[market]  # raises KeyError two frames below the hook


class Raises:
    @thirdparty
    def data_residency(self, market: str) -> dict[str, Any] | None:
        return _lookup({}, market)


def test_a_hook_that_raises_is_named_when_the_region_starts(manager_with):
    with pytest.raises(PluginError) as info:
        manager_with(("raises", Raises()))
    assert info.value.plugin == "raises"
    assert "data_residency raised KeyError" in str(info.value)
    assert isinstance(info.value.__cause__, KeyError)


def test_a_hook_that_raises_at_run_time_is_named(manager_with):
    class RaisesLater:
        @thirdparty
        def check_campaign(self, market: str, campaign: dict[str, Any]) -> list[dict[str, Any]]:
            raise RuntimeError("rules service down")

    pm = manager_with(("raises-later", RaisesLater()))
    with pytest.raises(PluginError, match=r"plugin 'raises-later': check_campaign raised RuntimeError"):
        pm.check_campaign("DE", {"title": "x"})


def test_an_error_that_is_part_of_a_hook_contract_passes_through(manager_with):
    class TooLong:
        @thirdparty
        def translate(self, text: str, source: str, target: str) -> dict[str, Any] | None:
            raise TextTooLongError(20_000)

    pm = manager_with(("too-long", TooLong()))
    with pytest.raises(TextTooLongError):
        pm.translate("x", "en", "de")


def test_pluggys_hook_call_monitoring_sees_the_accessors_calls(manager_with):
    pm = manager_with()
    seen: list[tuple[str, dict[str, Any]]] = []
    undo = pm.add_hookcall_monitoring(lambda name, impls, kwargs: seen.append((name, kwargs)), lambda *_: None)
    try:
        pm.check_campaign("FR", {"title": "x"})
        pm.translate("Sold out.", "en", "de")
    finally:
        undo()
    assert ("check_campaign", {"market": "FR", "campaign": {"title": "x"}}) in seen
    assert ("translate", {"text": "Sold out.", "source": "en", "target": "de"}) in seen
