"""A real Chromium (Debian's, never a downloaded one) against a real embedded platform over HTTP.

The platform serves the API, the local issuer and the pages on a loopback port, with an origin and
an edge media node beside it. Chromium runs headless with a fake camera
and loopback WebRTC (flags from NOTES.md). If Chromium cannot start, the tests fail: a browser
test that cannot run is a failure, never a skip.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, ViewportSize, sync_playwright

from crosslive.dev.media import MediaNodeService
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


def media_nodes() -> dict[str, MediaNodeService]:
    """An origin node and an edge node pulling from it, each its own process (as ``crosslive dev``
    starts them, without the demo broadcaster: the merchant's browser camera is the source here)."""
    secret = secrets.token_urlsafe(24)
    origin = MediaNodeService("origin", "origin", "local", secret)
    edge = MediaNodeService("edge", "edge", "local-edge", secret, origin=origin)
    return {"origin": origin, "edge": edge}


@pytest.fixture(scope="package")
def nodes() -> dict[str, MediaNodeService]:
    return media_nodes()


@pytest.fixture(scope="package")
def live_platform(nodes: dict[str, MediaNodeService]) -> Iterator[EmbeddedPlatform]:
    """The whole platform on a loopback port: functions, issuer, pages, origin and edge nodes."""
    plugins = tuple(sorted(builtin_market_plugins()))
    platform = EmbeddedPlatform(port=0, plugins=plugins, services=[nodes["origin"], nodes["edge"]])
    platform.start()
    try:
        yield platform
    finally:
        platform.stop()
        # Another test area's platform may still be configured: point the models back at it.
        if os.environ.get(cfg.ENV_DYNAMODB_ENDPOINT):
            configure_tables()


@pytest.fixture(scope="package")
def base_url(live_platform: EmbeddedPlatform) -> str:
    return live_platform.base_url


@pytest.fixture(scope="package")
def api(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=15) as client:
        yield client


@pytest.fixture(scope="package")
def issue(live_platform: EmbeddedPlatform) -> Callable[..., str]:
    def make(sub: str, role: str, market: str | None = None, name: str | None = None) -> str:
        return live_platform.issuer.issue(sub, role, market=market, name=name)

    return make


@pytest.fixture(scope="package")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="package")
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


@pytest.fixture(scope="package")
def screenshot() -> Callable[[Page, str], Path]:
    """``screenshot(page, name)`` saves a PNG under test-artifacts/ (gitignored) to look at."""

    def save(page: Page, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=False)
        return path

    return save
