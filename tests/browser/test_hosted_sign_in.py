"""Deployed sign-in in a real Chromium: Cognito's hosted UI with the authorization code and PKCE.

The pages are the embedded platform's, with the ``config.json`` a CDK deployment writes (``auth``
set, no local issuer). The hosted UI's two endpoints are played by Playwright routes that check
what Cognito checks: the S256 challenge against the verifier, the state, the client and the
registered redirect URI. The ID token they hand out is minted by the local issuer so that the
platform's API accepts it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Route, expect

from tests.room_helpers import room_key

pytestmark = pytest.mark.browser
TIMEOUT = 10_000
HOSTED_UI = "https://auth.crosslive.test"
CLIENT_ID = "4abc5defgh6ijk7lmn"
# a residency zone's pool, in its home region (infra/pages.py lists it in config.json's auth.pools)
ZONE_HOSTED_UI = "https://auth-eu.crosslive.test"
ZONE_CLIENT_ID = "9zone8eu7client6"
ZONE_POOL = {"zone": "eu", "markets": ["DE", "FR"], "hosted_ui": ZONE_HOSTED_UI, "user_pool_id": "eu-central-1_Zone",
             "client_id": ZONE_CLIENT_ID, "scopes": "openid email profile"}


def _deployed_config(route: Route) -> None:
    _fulfill_config(route, [])


def _fulfill_config(route: Route, pools: list[dict[str, object]]) -> None:
    config = {
        "api": "",
        "region": "local",
        "local_issuer": None,
        "auth": {"hosted_ui": HOSTED_UI, "user_pool_id": "ap-southeast-1_Test", "client_id": CLIENT_ID,
                 "scopes": "openid email profile", "pools": pools},
        "services": {},
    }
    route.fulfill(status=200, content_type="application/json", body=json.dumps(config))


class FakeHostedUi:
    """/oauth2/authorize and /oauth2/token, as strict as Cognito about PKCE, state and redirect URI."""

    def __init__(self, base_url: str, id_token: str, client_id: str = CLIENT_ID) -> None:
        self.base_url = base_url
        self.id_token = id_token
        self.client_id = client_id
        self.challenge: str | None = None
        self.redirect_uri: str | None = None
        self.code = secrets.token_urlsafe(12)
        self.exchanges: list[dict[str, str]] = []

    def authorize(self, route: Route) -> None:
        query = {k: v[0] for k, v in parse_qs(urlsplit(route.request.url).query).items()}
        assert query["response_type"] == "code" and query["client_id"] == self.client_id
        assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
        assert query["redirect_uri"] in (f"{self.base_url}/watch", f"{self.base_url}/console")
        assert "openid" in query["scope"].split()
        self.challenge, self.redirect_uri = query["code_challenge"], query["redirect_uri"]
        route.fulfill(status=302, headers={"Location": f"{self.redirect_uri}?code={self.code}&state={query['state']}"})

    def token(self, route: Route) -> None:
        form = {k: v[0] for k, v in parse_qs(route.request.post_data or "").items()}
        self.exchanges.append(form)
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        verified = base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == self.challenge
        ok = (
            verified
            and form.get("grant_type") == "authorization_code"
            and form.get("code") == self.code
            and form.get("client_id") == self.client_id
            and form.get("redirect_uri") == self.redirect_uri
        )
        body = {"id_token": self.id_token, "access_token": "opaque", "token_type": "Bearer", "expires_in": 3600}
        route.fulfill(
            status=200 if ok else 400,
            content_type="application/json",
            headers={"Access-Control-Allow-Origin": self.base_url},
            body=json.dumps(body if ok else {"error": "invalid_grant"}),
        )


def test_viewer_signs_in_through_the_hosted_ui_with_pkce_and_no_token_in_any_url(base_url, new_page, api, issue):
    # GIVEN a room, and the viewer page as deployed (hosted UI in config.json, no local issuer)
    merchant = {"Authorization": f"Bearer {issue('shop-hosted', 'merchant', 'CN', 'Hosted Shop')}"}
    room = api.post("/v1/rooms", headers={**merchant, **room_key()}, json={
        "title": "Hosted sign-in", "markets": ["ID"], "home_market": "CN", "host_language": "en"})
    assert room.status_code == 201, room.text
    room_id = room.json()["room_id"]
    id_token = issue("viewer-hosted-1", "viewer", "ID", "Putri")
    hosted = FakeHostedUi(base_url, id_token)
    viewer = new_page()
    viewer.route(f"{base_url}/config.json", _deployed_config)
    viewer.route(f"{HOSTED_UI}/oauth2/authorize**", hosted.authorize)
    viewer.route(f"{HOSTED_UI}/oauth2/token", hosted.token)
    requested: list[str] = []
    viewer.on("request", lambda request: requested.append(request.url))

    # WHEN they open a share link and choose "Sign in"
    viewer.goto(f"{base_url}/watch/{room_id}?market=ID")
    expect(viewer.locator("#signin-hosted")).to_be_visible(timeout=TIMEOUT)
    expect(viewer.locator("#signin")).to_be_hidden()
    viewer.click("#signin-hosted")

    # THEN they come back to the same link, signed in: the code was exchanged once, with the verifier
    expect(viewer.locator("#comment-form")).to_be_visible(timeout=TIMEOUT)
    assert viewer.url == f"{base_url}/watch/{room_id}?market=ID"
    assert len(hosted.exchanges) == 1 and hosted.redirect_uri == f"{base_url}/watch"
    assert viewer.evaluate("localStorage.getItem('crosslive.token.viewer')") == id_token
    assert viewer.evaluate("sessionStorage.getItem('crosslive.pkce')") is None
    # no URL the browser asked for carried a token (only the one-time code, on the callback)
    assert not [url for url in requested if id_token in url or "token=" in urlsplit(url).query]
    # AND the API takes the token: their comment is accepted
    viewer.fill("#comment-text", "Halo dari Jakarta")
    viewer.click("#comment-form button[type=submit]")
    expect(viewer.locator("#comments")).to_contain_text("Halo dari Jakarta", timeout=TIMEOUT)
    assert viewer.js_errors == []  # type: ignore[attr-defined]


def test_deployed_pages_ignore_a_token_in_the_url_and_a_forged_callback(base_url, new_page, api, issue):
    merchant = {"Authorization": f"Bearer {issue('shop-hosted-2', 'merchant', 'CN', 'Hosted Shop')}"}
    room = api.post("/v1/rooms", headers={**merchant, **room_key()}, json={
        "title": "No tokens in URLs", "markets": ["ID"], "home_market": "CN", "host_language": "en"})
    room_id = room.json()["room_id"]
    hosted = FakeHostedUi(base_url, issue("viewer-hosted-2", "viewer", "ID", "Budi"))
    viewer = new_page()
    viewer.route(f"{base_url}/config.json", _deployed_config)
    viewer.route(f"{HOSTED_UI}/oauth2/token", hosted.token)
    # a ?token= is dropped from the address bar and not used
    viewer.goto(f"{base_url}/watch?room={room_id}&token={issue('viewer-hosted-3', 'viewer', 'ID', 'Sari')}")
    expect(viewer.locator("#signin-hosted")).to_be_visible(timeout=TIMEOUT)
    expect(viewer.locator("#comment-form")).to_be_hidden()
    assert "token=" not in viewer.url
    assert viewer.evaluate("localStorage.getItem('crosslive.token.viewer')") is None
    # a ?code= this page did not ask for (no matching state) is never exchanged
    viewer.goto(f"{base_url}/watch?room={room_id}&code=stolen&state=forged")
    expect(viewer.locator("#signin-hosted")).to_be_visible(timeout=TIMEOUT)
    assert hosted.exchanges == [] and "code=" not in viewer.url


def test_a_viewer_of_a_zone_market_signs_in_to_the_zones_own_pool(base_url, new_page, api, issue):
    # GIVEN deployed pages whose config lists the eu zone's pool (DE, FR) beside the default one
    merchant = {"Authorization": f"Bearer {issue('shop-hosted-eu', 'merchant', 'CN', 'Hosted Shop')}"}
    room = api.post("/v1/rooms", headers={**merchant, **room_key()}, json={
        "title": "Zone sign-in", "markets": ["DE", "ID"], "home_market": "CN", "host_language": "en"})
    assert room.status_code == 201, room.text
    room_id = room.json()["room_id"]
    zone_ui = FakeHostedUi(base_url, issue("viewer-hosted-de", "viewer", "DE", "Lena"), client_id=ZONE_CLIENT_ID)
    viewer = new_page()
    viewer.route(f"{base_url}/config.json", lambda route: _fulfill_config(route, [ZONE_POOL]))
    viewer.route(f"{ZONE_HOSTED_UI}/oauth2/authorize**", zone_ui.authorize)
    viewer.route(f"{ZONE_HOSTED_UI}/oauth2/token", zone_ui.token)
    default_pool: list[str] = []
    viewer.route(f"{HOSTED_UI}/**", lambda route: (default_pool.append(route.request.url), route.abort()))
    # WHEN a viewer in Germany chooses "Sign in"
    viewer.goto(f"{base_url}/watch/{room_id}?market=DE")
    expect(viewer.locator("#signin-hosted")).to_be_visible(timeout=TIMEOUT)
    viewer.click("#signin-hosted")
    # THEN the zone's hosted UI and client issued the code and took the exchange; the default pool
    # (where the emails of every other market live) was never contacted
    expect(viewer.locator("#comment-form")).to_be_visible(timeout=TIMEOUT)
    assert len(zone_ui.exchanges) == 1 and zone_ui.exchanges[0]["client_id"] == ZONE_CLIENT_ID
    assert viewer.evaluate("localStorage.getItem('crosslive.token.viewer')") == zone_ui.id_token
    assert default_pool == []
    assert viewer.js_errors == []  # type: ignore[attr-defined]
