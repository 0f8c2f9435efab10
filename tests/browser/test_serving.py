"""How the embedded platform serves the pages (plain HTTP; no browser needed)."""

from __future__ import annotations


def test_pages_config_and_assets_are_served(api, live_platform, nodes):
    config = api.get("/config.json")
    assert config.status_code == 200 and config.headers["cache-control"] == "no-store"
    body = config.json()
    assert body["api"] == "" and body["local_issuer"] == "/v1/auth/token"
    assert body["services"]["media origin"] == f"{nodes['origin'].url}/metrics"
    for path in ("/console", "/watch", "/watch/some-room"):
        page = api.get(path)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert page.headers["x-content-type-options"] == "nosniff"
    script = api.get("/web/js/watch.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert api.get("/media-static/crosslive-player.js").status_code == 200
    assert api.get("/web/../pyproject.toml").status_code == 404
    assert api.get("/web/js/nope.js").status_code == 404
    urls = live_platform.urls()
    assert urls["merchant console"] == f"{live_platform.base_url}/console"
    index = api.get("/").text
    assert 'href="/console"' in index and 'href="/watch"' in index
