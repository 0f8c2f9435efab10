"""A real Chromium (Debian's, never a downloaded one) against a real embedded platform over HTTP.

The platform serves the API, the local issuer and the pages on a loopback port; the media nodes
join it when ``media_nodes.embedded`` provides them. Chromium runs headless with a fake camera
and loopback WebRTC (flags from NOTES.md). If Chromium cannot start, the tests fail: a browser
test that cannot run is a failure, never a skip.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, ViewportSize, sync_playwright

from crosslive.dev.platform import EmbeddedPlatform
from functions.shared import config as cfg
from functions.shared.db import configure_tables
from plugins.manager import builtin_market_plugins

CHROMIUM = os.environ.get("CROSSLIVE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--allow-loopback-in-peer-connection",
    "--disable-features=WebRtcHideLocalIpsWithMdns",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DESKTOP: ViewportSize = {"width": 1366, "height": 860}
PHONE: ViewportSize = {"width": 390, "height": 844}


def media_services() -> list[Any]:
    """The origin and edge media nodes, once ``media_nodes.embedded`` exists."""
    try:
        from media_nodes.embedded import embedded_media_services  # type: ignore[import-not-found]
    except ModuleNotFoundError:
        return []
    return list(embedded_media_services())


@pytest.fixture(scope="session")
def live_platform() -> Iterator[EmbeddedPlatform]:
    """The whole platform on a loopback port, with the media nodes when they exist."""
    plugins = tuple(sorted(builtin_market_plugins()))
    platform = EmbeddedPlatform(port=0, plugins=plugins, services=media_services())
    platform.start()
    try:
        yield platform
    finally:
        platform.stop()
        # Another test area's platform may still be configured: point the models back at it.
        if os.environ.get(cfg.ENV_DYNAMODB_ENDPOINT):
            configure_tables()


@pytest.fixture(scope="session")
def base_url(live_platform: EmbeddedPlatform) -> str:
    return live_platform.base_url


@pytest.fixture(scope="session")
def api(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=15) as client:
        yield client


@pytest.fixture(scope="session")
def issue(live_platform: EmbeddedPlatform) -> Callable[..., str]:
    def make(sub: str, role: str, market: str | None = None, name: str | None = None) -> str:
        return live_platform.issuer.issue(sub, role, market=market, name=name)

    return make


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run scripts/bootstrap.sh --browser", pytrace=False)
    launched = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                                   headless=True)
    try:
        yield launched
    finally:
        launched.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """``new_page(locale="id-ID", phone=True)`` -> a page in a fresh context (own localStorage)."""
    contexts: list[BrowserContext] = []

    def make(*, locale: str = "en-US", phone: bool = False) -> Page:
        context = browser.new_context(
            locale=locale, viewport=PHONE if phone else DESKTOP, device_scale_factor=1,
            is_mobile=phone, has_touch=phone, permissions=["camera", "microphone"],
        )
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.js_errors = errors  # type: ignore[attr-defined]
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def screenshot() -> Callable[[Page, str], Path]:
    """``screenshot(page, name)`` saves a PNG under test-artifacts/ (gitignored) to look at."""

    def save(page: Page, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=False)
        return path

    return save
