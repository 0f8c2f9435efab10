"""The pages the embedded platform serves beside the API: index, merchant console, viewer page.

The pages themselves are static files in ``web/`` (plain HTML, CSS and ES modules, no build
step). What differs between deployments is one small document, ``/config.json``: where the API
is, whether a local token issuer exists, and the media and push URLs the platform's services
publish. In AWS the CDK stack writes the same document next to the pages in S3; here it is
computed from the running platform.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from functions.shared.errors import install_error_handlers
from functions.shared.zones import zones

if TYPE_CHECKING:
    from crosslive.dev.platform import EmbeddedPlatform

WEB_ROOT = Path(__file__).resolve().parents[2] / "web"
MEDIA_STATIC = Path(__file__).resolve().parents[2] / "media_nodes" / "static"
# Pages may load scripts only from themselves; media nodes and push sockets are other origins.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
    "media-src 'self' blob:; connect-src 'self' http: https: ws: wss:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def page_config(platform: EmbeddedPlatform) -> dict[str, Any]:
    """The deployment facts the pages need, in the shape CDK writes to ``config.json``."""
    services: dict[str, str] = {}
    for service in platform.services:
        try:
            services.update(service.urls())
        except Exception:  # a service that is not up yet has no URLs to give
            continue
    return {
        "api": "",  # same origin as the pages
        "region": platform.region_name,
        "local_issuer": "/v1/auth/token",
        "auth": None,  # deployed: the Cognito hosted UI (infra/pages.py)
        "services": services,
        # each residency zone's API, for its exports (the gateway serves it as in the zone's home)
        "zones": {
            zone.name: {"api": f"/zones/{zone.name}", "markets": list(zone.markets), "regions": list(zone.regions)}
            for zone in zones()
        },
    }


def pages_app(platform: EmbeddedPlatform) -> FastAPI:
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    install_error_handlers(app)

    @app.get("/", response_class=HTMLResponse)
    def index() -> str:
        rows = "".join(
            f'<li><a href="{html.escape(url)}">{html.escape(name)}</a></li>'
            for name, url in platform.urls().items()
            if url.startswith("http://" + platform.host)
        )
        return (
            "<!doctype html><meta charset=utf-8><title>crosslive (embedded)</title>"
            "<style>body{font:16px system-ui;margin:2rem;max-width:48rem}</style>"
            "<h1>crosslive — embedded platform</h1>"
            '<p><a href="/console">Merchant console</a> · <a href="/watch">Viewer page</a></p>'
            f"<ul>{rows}</ul>"
        )

    @app.get("/console", include_in_schema=False)
    def console() -> FileResponse:
        return FileResponse(WEB_ROOT / "console.html", media_type="text/html", headers=PAGE_HEADERS)

    @app.get("/watch", include_in_schema=False)
    @app.get("/watch/{room_id}", include_in_schema=False)  # share links: /watch/<room>?share=<id>
    def watch() -> FileResponse:
        return FileResponse(WEB_ROOT / "watch.html", media_type="text/html", headers=PAGE_HEADERS)

    @app.get("/config.json", include_in_schema=False)
    def config() -> JSONResponse:
        return JSONResponse(page_config(platform), headers={"Cache-Control": "no-store"})

    app.mount("/web", StaticFiles(directory=WEB_ROOT, check_dir=False), name="web")
    if MEDIA_STATIC.is_dir():
        app.mount("/media-static", StaticFiles(directory=MEDIA_STATIC), name="media-static")
    return app
