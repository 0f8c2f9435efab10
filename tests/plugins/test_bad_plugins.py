"""A plugin returning bad data stops its region from starting, with the plugin named."""

from __future__ import annotations

from typing import Any

import pluggy
import pytest

from functions.shared.config import get_settings
from plugins.manager import PluginError, build_plugin_manager
from tests.plugins.installed import BRAZIL, install_fake

hookimpl = pluggy.HookimplMarker("crosslive")


class BadProfile:
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
            "languages": ["en"],
            "locale": "en_KE",
            "currency": "KES",
            "time_zone": "Africa/Nairobi",
            "quiet_hours": {"start": "25:00", "end": "07:00"},
        }


class BadLexicon:
    @hookimpl
    def moderation_lexicon(self, market: str) -> list[dict[str, Any]]:
        return (
            [
                {
                    "term": "x",
                    "language": "en",
                    "category": "profanity",
                    "severity": 7,
                    "source": "s",
                    "license": "l",
                }
            ]
            if market == "ID"
            else []
        )


class NotAList:
    @hookimpl
    def compliance_rules(self, market: str) -> Any:
        return {"id": "oops"} if market == "DE" else []


class BadCoupon:
    @hookimpl
    def coupon_policy(self, market: str) -> dict[str, Any] | None:
        return {"max_discount_percent": 150} if market == "FR" else None


@pytest.mark.parametrize(
    ("name", "plugin", "fragment"),
    [
        ("bad-profile", BadProfile(), "market_profile returned bad data at quiet_hours.start"),
        ("bad-lexicon", BadLexicon(), "moderation_lexicon returned bad data at severity"),
        ("not-a-list", NotAList(), "compliance_rules must return a list"),
        ("bad-coupon", BadCoupon(), "coupon_policy returned bad data at max_discount_percent"),
    ],
)
def test_bad_data_names_the_plugin_and_refuses_to_start(name, plugin, fragment):
    with pytest.raises(PluginError) as info:
        build_plugin_manager(
            ["market-id", "market-de", "market-fr"], include_entry_points=False, extra=[(name, plugin)]
        )
    assert info.value.plugin == name
    assert fragment in str(info.value)


def test_unknown_plugin_in_region_is_refused():
    with pytest.raises(PluginError, match=r"'market-xx'.*is not installed"):
        build_plugin_manager(["market-id", "market-xx"], include_entry_points=False)


def test_hook_without_spec_is_refused():
    class Typo:
        @hookimpl
        def market_profil(self, market: str) -> None:
            return None

    with pytest.raises(pluggy.PluginValidationError, match="market_profil"):
        build_plugin_manager(["market-id"], include_entry_points=False, extra=[("typo", Typo())])


def test_region_function_refuses_to_start_with_unknown_plugin(monkeypatch):
    # GIVEN a region whose settings enable a plugin that is not installed
    monkeypatch.setenv("CROSSLIVE_PLUGINS", "market-id,market-nowhere")
    get_settings.cache_clear()
    try:
        from functions.shared.plugins import get_plugins

        # THEN building the region's plugins fails, naming the plugin
        with pytest.raises(PluginError, match="market-nowhere"):
            get_plugins()
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


# The Brazil market of tests/plugins/installed.py, with a currency that is no ISO 4217 code.
BAD_MARKET = BRAZIL.replace('"BRL"', '"real"')


def test_crosslive_dev_refuses_to_start_naming_the_plugin_with_bad_data(tmp_path):
    # GIVEN an installed third-party market whose profile has a malformed currency
    import os
    import subprocess
    import sys

    from crosslive.dev.platform import free_port

    install_fake(tmp_path, "crosslive-market-bad", "crosslive_market_bad", BAD_MARKET)
    paths = [str(tmp_path), *os.environ.get("PYTHONPATH", "").split(os.pathsep)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
    # WHEN the platform is started as a user starts it
    result = subprocess.run(
        [sys.executable, "-m", "crosslive.cli", "dev", "--port", str(free_port()), "--no-media"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # THEN it refuses to start, naming the plugin and what is wrong, and serves nothing
    assert result.returncode != 0
    assert "refusing to start: plugin 'crosslive-market-bad': market_profile returned bad data at currency" in (
        result.stderr
    ), result.stderr[-2000:]
    assert "crosslive is running" not in result.stdout
