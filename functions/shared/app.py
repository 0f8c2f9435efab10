"""The factory every function uses: FastAPI app, error shape, body limit, health, OpenAPI.

Usage in ``functions/<name>/app.py``::

    app = create_app("comments", "Comments: post, list and push danmaku across markets")
    app.include_router(router)
    handler = lambda_handler(app, "comments")
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import FastAPI
from mangum import Mangum

from functions.shared.config import get_settings
from functions.shared.errors import install_error_handlers, problem
from functions.shared.observability import lambda_entrypoint, logger
from functions.shared.openapi import install_openapi

API_VERSION = "v1"
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class BodyLimitMiddleware:
    """Refuse request bodies over ``max_bytes`` with 413 before the route reads them.

    Checks ``Content-Length`` up front and counts chunked bodies as they stream in, so an
    oversized comment or offer costs nothing and changes nothing.
    """

    def __init__(self, app: Callable[..., Awaitable[None]], max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.max_bytes
            except ValueError:
                await problem(400, "bad-content-length", "Content-Length is not a number")(scope, receive, send)
                return
            if too_big:
                await self._refuse(scope, receive, send)
                return
        # Chunked or undeclared bodies: buffer up to the limit (bodies here are small JSON or
        # SDP), refuse the moment it is passed, and replay what was read to the app.
        chunks: list[bytes] = []
        seen = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([], message, receive), send)
                return
            body = message.get("body", b"")
            seen += len(body)
            if seen > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            chunks.append(body)
            more = message.get("more_body", False)
        await self.app(scope, _replay(chunks, None, receive), send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem(
            413, "payload-too-large", f"request body over {self.max_bytes} bytes", instance=scope.get("path", "")
        )
        await response(scope, receive, send)


def _replay(chunks: list[bytes], tail: Message | None, receive: Receive) -> Receive:
    """A ``receive`` that hands out what was already read, then defers to the real one."""
    pending: list[Message] = (
        [tail] if tail is not None else [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]
    )

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()  # blocks until the client disconnects (streaming responses)

    return replay


def protect(headers: MutableMapping[str, str], *, authenticated: bool) -> None:
    """Headers every answer carries: ``nosniff`` (a JSON or CSV body is never sniffed into HTML),
    and ``Cache-Control: no-store`` on an answer to an authenticated request (it may hold the
    caller's coupon codes or hidden comments, which no shared or browser cache may keep)."""
    headers["X-Content-Type-Options"] = "nosniff"
    if authenticated:
        headers["Cache-Control"] = "no-store"


def create_app(name: str, summary: str, *, version: str = "1.0.0") -> FastAPI:
    """A FastAPI app for function ``name`` serving under ``/v1/<name>``."""
    settings = get_settings()
    base = f"/{API_VERSION}/{name}"
    app = FastAPI(
        title=f"crosslive {name}",
        summary=summary,
        version=version,
        openapi_url=f"{base}/openapi.json",
        # Swagger UI loads its scripts from a CDN: only on the embedded platform, never deployed.
        docs_url=f"{base}/docs" if settings.is_local else None,
        redoc_url=None,
    )
    install_error_handlers(app)
    install_openapi(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    log = logger(name)

    @app.middleware("http")
    async def access_log(request, call_next):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        response = await call_next(request)
        protect(response.headers, authenticated="authorization" in request.headers)
        log.debug(
            "request",
            extra={
                "method": request.method,
                "path": request.url.path,
                "status": response.status_code,
                "ms": round((time.perf_counter() - started) * 1000, 2),
            },
        )
        return response

    @app.get(f"{base}/health", tags=["health"], summary="Liveness of this function")
    def health() -> dict[str, Any]:
        current = get_settings()
        return {
            "status": "ok",
            "function": name,
            "version": version,
            "stage": current.stage,
            "region": current.region_name,
            "aws_region": current.aws_region,
        }

    app.state.crosslive_function = name
    return app


def lambda_handler(app: FastAPI, name: str) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """The Lambda entry point: Mangum (no lifespan: it would run on every invocation)."""
    return lambda_entrypoint(name, Mangum(app, lifespan="off"))
