"""A plugin registered in a test changes a market as seen through the localization API."""

from __future__ import annotations

from typing import Any

import pluggy

from functions.localization.app import app as localization_app
from functions.localization.app import plugins_dependency
from plugins.manager import build_plugin_manager

hookimpl = pluggy.HookimplMarker("crosslive")


class SaudiOverride:
    """Moves Saudi Arabia's quiet hours and renames it, as a platform team's plugin would."""

    @hookimpl
    def market_profile(self, market: str) -> dict[str, Any] | None:
        if market != "SA":
            return None
        return {
            "code": "SA",
            "name": "المملكة العربية السعودية",
            "languages": ["ar", "en"],
            "locale": "ar_SA",
            "currency": "SAR",
            "time_zone": "Asia/Riyadh",
            "quiet_hours": {"start": "01:00", "end": "09:00"},
            "direction": "rtl",
        }


def test_registered_plugin_overrides_profile_through_the_api(client):
    before = client.get("/v1/localization/markets/SA").json()
    pm = build_plugin_manager(
        ["market-sa", "market-id"], include_entry_points=False, extra=[("saudi-override", SaudiOverride())]
    )
    localization_app.dependency_overrides[plugins_dependency] = lambda: pm
    try:
        after = client.get("/v1/localization/markets/SA").json()
        quiet = client.get("/v1/localization/markets/SA/quiet-hours", params={"at": "2026-11-21T23:00:00Z"}).json()
    finally:
        localization_app.dependency_overrides.pop(plugins_dependency)
    assert after["quiet_hours"] == {"start": "01:00", "end": "09:00"} != before["quiet_hours"]
    assert after["display_name"]["text"] == "المملكة العربية السعودية" and after["display_name"]["dir"] == "rtl"
    assert quiet["quiet"] is True  # 02:00 in Riyadh is quiet only under the override
    assert client.get("/v1/localization/markets/SA").json() == before
