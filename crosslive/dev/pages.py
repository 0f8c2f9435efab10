"""The pages the embedded platform serves beside the API (index now; console and viewer later)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from functions.shared.errors import install_error_handlers

if TYPE_CHECKING:
    from crosslive.dev.platform import EmbeddedPlatform


def pages_app(platform: EmbeddedPlatform) -> FastAPI:
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    install_error_handlers(app)

    @app.get("/", response_class=HTMLResponse)
    def index() -> str:
        rows = "".join(
            f'<li><a href="{html.escape(url)}">{html.escape(name)}</a></li>' for name, url in platform.urls().items()
            if url.startswith("http://" + platform.host)
        )
        return (
            "<!doctype html><meta charset=utf-8><title>crosslive (embedded)</title>"
            "<style>body{font:16px system-ui;margin:2rem;max-width:48rem}</style>"
            f"<h1>crosslive — embedded platform</h1><ul>{rows}</ul>"
        )

    return app
