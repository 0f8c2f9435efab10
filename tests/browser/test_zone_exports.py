"""A residency zone's exports from the merchant console, in a real Chromium (docs/residency.md, "Exports").

The embedded platform plays two regions: its functions and default zone in ap-southeast-1, an "eu"
zone (DE, FR) at home in eu-central-1. The console reaches the zone's API through its own origin
(``/zones/eu``, as CloudFront's per-zone behavior does in AWS), so the eu zone's chat and win-back
CSVs download with the German viewer's data and without the Indonesian viewer's. A zone whose API
the deployment has not published yet, and a zone export asked of the wrong region (421), are shown
as sentences, not HTTP codes.

The platform is this module's own (own moto server, table prefix and zone); stopping it restores
the environment of any platform started before it (``EmbeddedPlatform.stop``).
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from playwright.sync_api import Page, Route, expect

from crosslive.dev.platform import EmbeddedPlatform
from functions.shared import config as cfg
from functions.shared import signing
from functions.shared.db import configure_tables
from tests.browser.conftest import ARTIFACTS
from tests.conftest import BUILTIN_PLUGINS
from tests.room_helpers import room_key

TIMEOUT = 20_000
DEFAULT_REGION, EU_REGION = "ap-southeast-1", "eu-central-1"
ZONES = {"eu": {"home": EU_REGION, "regions": [EU_REGION], "markets": ["DE", "FR"]}}
EU_VIEWER, ID_VIEWER = "zx-viewer-de-51b7", "zx-viewer-id-08e4"


@pytest.fixture(scope="module")
def zoned_platform() -> Iterator[EmbeddedPlatform]:
    platform = EmbeddedPlatform(
        port=0, plugins=BUILTIN_PLUGINS, aws_region=DEFAULT_REGION, table_prefix="crosslive-zx", zones=ZONES
    )
    platform.start()
    try:
        yield platform
    finally:
        platform.stop()
        if os.environ.get(cfg.ENV_DYNAMODB_ENDPOINT):  # another platform of the session: its models again
            configure_tables()


@pytest.fixture(scope="module")
def ended_show(zoned_platform: EmbeddedPlatform) -> dict[str, str]:
    """An ID + DE room: each viewer comments and leaves after 5 s (the win-back segment), then it ends."""
    issuer = zoned_platform.issuer
    merchant = issuer.issue("zx-shop", "merchant", market="CN", name="Zone Shop")
    auth = {"Authorization": f"Bearer {merchant}"}
    with httpx.Client(base_url=zoned_platform.base_url, timeout=15) as api:
        room = api.post(
            "/v1/rooms",
            json={"title": "Zones live", "markets": ["ID", "DE"], "home_market": "CN", "host_language": "en"},
            headers={**auth, **room_key()},
        )
        assert room.status_code == 201, room.text
        room_id = room.json()["room_id"]
        assert api.patch(f"/v1/rooms/{room_id}", json={"status": "live"}, headers=auth).status_code == 200
        for sub, market, text in ((EU_VIEWER, "DE", "Gibt es das in Rot?"), (ID_VIEWER, "ID", "Ada yang merah?")):
            viewer = issuer.issue(sub, "viewer", market=market, name=sub)
            posted = api.post(
                f"/v1/comments/rooms/{room_id}",
                json={"text": text},
                headers={"Authorization": f"Bearer {viewer}", "Idempotency-Key": uuid.uuid4().hex},
            )
            assert posted.status_code == 201, posted.text
        now = int(time.time())
        sessions = [
            {"room_id": room_id, "market": market, "sub": sub, "event": event, "at": now - 60 + at, **extra}
            for sub, market in ((EU_VIEWER, "DE"), (ID_VIEWER, "ID"))
            for event, at, extra in (("start", 0, {}), ("end", 5, {"watched": 5}))
        ]
        raw = json.dumps({"node_id": "zx-node", "batch": now * 1000, "seconds": [], "sessions": sessions}).encode()
        fed = api.post(
            "/v1/insights/internal/node-feed", content=raw, headers={"X-Crosslive-Feed-Signature": signing.sign(raw)}
        )
        assert fed.status_code == 202, fed.text
        assert api.patch(f"/v1/rooms/{room_id}", json={"status": "ended"}, headers=auth).status_code == 200
    return {"room_id": room_id, "merchant": merchant}


def _config_with_eu_api(page: Page, base_url: str, eu_api: str | None) -> None:
    """Serve the console the platform's config.json with the eu zone's ``api`` replaced (None: not
    published yet, as the deployed pages' config.json says it: no ``api``, a ``pending`` note)."""

    def fulfill(route: Route) -> None:
        config = httpx.get(f"{base_url}/config.json").json()
        if eu_api is None:
            del config["zones"]["eu"]["api"]
            config["zones"]["eu"]["pending"] = "zone eu's API address is published by `crosslive deploy` ..."
        else:
            config["zones"]["eu"]["api"] = eu_api
        route.fulfill(status=200, content_type="application/json", body=json.dumps(config))

    page.route(f"{base_url}/config.json", fulfill)


def _download(page: Page, selector: str) -> str:
    with page.expect_download() as download:
        page.click(selector)
    return Path(download.value.path()).read_text(encoding="utf-8")


def test_the_console_downloads_the_eu_zones_win_back_and_chat_csv(
    zoned_platform: EmbeddedPlatform, ended_show: dict[str, str], new_page: Callable[..., Page], screenshot: Any
) -> None:
    base_url, room_id = zoned_platform.base_url, ended_show["room_id"]
    # GIVEN the merchant's console on the ended show
    console = new_page()
    console.goto(f"{base_url}/console?token={ended_show['merchant']}&room={room_id}")
    winback = console.locator("#insights-winback")
    expect(winback.locator("tr.total td").first).to_have_text("2", timeout=TIMEOUT)
    chat_eu = "button.export-chat[data-zone=eu]"
    expect(console.locator(chat_eu)).to_have_text("Chat CSV: eu zone (DE, FR)")
    expect(console.locator(chat_eu)).to_be_enabled(timeout=TIMEOUT)
    expect(console.locator("#export-csv")).to_have_text("Chat CSV: default zone")
    expect(winback.locator("button[data-zone=eu]")).to_have_text("CSV: eu zone (DE, FR)")
    export_area = console.locator("#insights-winback")
    export_area.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    export_area.screenshot(path=str(ARTIFACTS / "console-zone-exports-winback.png"))
    console.locator("#export-csv").scroll_into_view_if_needed()
    screenshot(console, "console-zone-exports-chat")

    # WHEN they click the eu zone's win-back CSV: THEN the file holds the German viewer, not the Indonesian
    eu_winback = _download(console, "#insights-winback button[data-zone=eu]")
    assert eu_winback.startswith("viewer_sub,market,reasons")
    assert EU_VIEWER in eu_winback and ID_VIEWER not in eu_winback
    # AND the default zone's holds the Indonesian viewer only
    default_winback = _download(console, "#insights-winback button[data-zone=default]")
    assert ID_VIEWER in default_winback and EU_VIEWER not in default_winback

    # WHEN they click the eu zone's chat CSV: THEN the German comment, not the Indonesian one
    eu_chat = _download(console, chat_eu)
    assert EU_VIEWER in eu_chat and "Gibt es das in Rot?" in eu_chat
    assert ID_VIEWER not in eu_chat and "Ada yang merah?" not in eu_chat
    default_chat = _download(console, "#export-csv")
    assert ID_VIEWER in default_chat and EU_VIEWER not in default_chat
    expect(console.locator(".toast-error")).to_have_count(0)

    # WHEN they target the segment with a coupon: each zone's part is published by its own API
    console.click("#winback-target")
    expect(console.locator("#winback-target")).to_have_attribute("data-published", "2", timeout=TIMEOUT)
    expect(console.locator(".toast-error")).to_have_count(0)
    # THEN the German member is admitted in the eu zone's table (eu-central-1), not the default one
    dynamodb = boto3.client("dynamodb", region_name=EU_REGION, endpoint_url=zoned_platform.dynamodb.endpoint)
    admitted = json.dumps(dynamodb.scan(TableName="crosslive-zx-eu-coupon-viewers")["Items"])
    assert EU_VIEWER in admitted and room_id in admitted and ID_VIEWER not in admitted

    # AND the after-show report's eu win-back CSV takes the zone's route too
    report = new_page()
    report.goto(f"{base_url}/web/report.html?token={ended_show['merchant']}&room={room_id}")
    expect(report.locator("body[data-ready='1']")).to_have_count(1, timeout=TIMEOUT)
    from_report = _download(report, "#report-winback button[data-zone=eu]")
    assert EU_VIEWER in from_report and ID_VIEWER not in from_report
    assert not console.js_errors and not report.js_errors  # type: ignore[attr-defined]


def test_a_zone_not_yet_reachable_or_asked_of_the_wrong_region_is_said_in_words(
    zoned_platform: EmbeddedPlatform, ended_show: dict[str, str], new_page: Callable[..., Page], screenshot: Any
) -> None:
    base_url, room_id = zoned_platform.base_url, ended_show["room_id"]
    # GIVEN a deployment whose eu zone's API is not published yet (config.json: no "api")
    pending = new_page()
    _config_with_eu_api(pending, base_url, None)
    pending.goto(f"{base_url}/console?token={ended_show['merchant']}&room={room_id}")
    expect(pending.locator("button.export-chat[data-zone=eu]")).to_be_enabled(timeout=TIMEOUT)
    # WHEN the eu chat export is clicked: THEN a sentence says why, and no request is made
    pending.click("button.export-chat[data-zone=eu]")
    toast = pending.locator(".toast-error[data-code=zone-api-pending]")
    expect(toast).to_contain_text("export of the eu zone (DE, FR) is not reachable from these pages yet")
    # AND targeting the segment publishes the default zone's part and says the eu zone's was not
    pending.click("#winback-target")
    expect(pending.locator("#winback-target")).to_have_attribute("data-published", "1", timeout=TIMEOUT)
    expect(pending.locator(".toast-error", has_text="win-back segment of the eu zone (DE, FR) was not published"))\
        .to_have_count(1)
    # GIVEN pages that would ask the origin's own API for the eu zone (a wrong "api"): the 421's detail
    wrong = new_page()
    _config_with_eu_api(wrong, base_url, "")
    wrong.goto(f"{base_url}/console?token={ended_show['merchant']}&room={room_id}")
    expect(wrong.locator("#insights-winback button[data-zone=eu]")).to_be_visible(timeout=TIMEOUT)
    wrong.click("#insights-winback button[data-zone=eu]")
    refused = wrong.locator(".toast-error[data-code=export-outside-zone]")
    expect(refused).to_contain_text("The export of the eu zone (DE, FR) failed: ")
    expect(refused).to_contain_text("produced in eu-central-1")
    expect(refused).not_to_contain_text("HTTP 421")
    screenshot(wrong, "console-zone-export-refused")
    assert not pending.js_errors and not wrong.js_errors  # type: ignore[attr-defined]
