"""One ASGI server for every function, on the same paths as behind API Gateway.

In AWS each function is its own Lambda behind the HTTP API route ``ANY /v1/<name>/{proxy+}``;
locally ``Gateway`` dispatches ``/v1/<name>/...`` to the same FastAPI app by the same rule, so a
client cannot tell the difference. The local issuer's routes (``/v1/auth/...``) and the pages
(``/``, ``/console``, ``/watch``) exist only here.

A residency zone's API is reached as ``/zones/<zone>/v1/...``, as the pages reach it in AWS (a
CloudFront behavior to the zone home's HTTP API, ``infra/pages.py``): the prefix is stripped and
the request is served as by a function in the zone's home region (``zones.serving_in``), so a
zone's exports work here as they do there (docs/residency.md, "Exports").
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from pydantic import BaseModel, Field

from crosslive.dev.issuer import LocalIssuer
from functions import FUNCTIONS
from functions.shared.app import BodyLimitMiddleware
from functions.shared.auth import ROLES
from functions.shared.config import get_settings
from functions.shared.errors import install_error_handlers, problem
from functions.shared.zones import serving_in

ASGIApp = Callable[
    [MutableMapping[str, Any], Callable[..., Awaitable[Any]], Callable[..., Awaitable[Any]]], Awaitable[None]
]


def load_function_apps(names: Iterable[str] = FUNCTIONS) -> dict[str, FastAPI]:
    """Import ``functions.<name>.app`` for each function (settings must already be in place)."""
    return {name: importlib.import_module(f"functions.{name}.app").app for name in names}


class TokenRequest(BaseModel):
    sub: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.@-]+$")
    role: str = Field(pattern="^(" + "|".join(ROLES) + ")$")
    market: str | None = Field(default=None, pattern=r"^[A-Za-z]{2}$")
    name: str | None = Field(default=None, max_length=64)


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]", "::1"})


def _host_of(authority: str) -> str:
    """``host`` of ``host[:port]`` (IPv6 literals keep their brackets)."""
    if authority.startswith("["):
        return authority.split("]", 1)[0] + "]"
    return authority.rsplit(":", 1)[0] if authority.count(":") == 1 else authority


def local_caller_only(app: FastAPI, allowed_hosts: Iterable[str] = ()) -> None:
    """Refuse (403) requests whose ``Host`` or ``Origin`` is not loopback (or ``allowed_hosts``).

    The issuer mints any role for anyone who asks, which is fine for the developer at this machine
    and nobody else. A page on another site can make the browser call loopback (DNS rebinding
    points a name it owns at 127.0.0.1, and its requests then carry that name as ``Host``), so the
    name the caller used must be a loopback one, and a browser's ``Origin``, when sent, too.
    """
    allowed = LOOPBACK_HOSTS | {h.lower() for h in allowed_hosts if h not in ("0.0.0.0", "::", "")}

    @app.middleware("http")
    async def check_caller(request: Request, call_next):  # type: ignore[no-untyped-def]
        host = _host_of(request.headers.get("host", "").strip().lower())
        origin = request.headers.get("origin")
        origin_host = _host_of(urlsplit(origin).netloc.lower()) if origin and origin != "null" else None
        if host not in allowed or (origin is not None and origin_host not in allowed):
            return problem(
                403, "not-a-local-caller", "the local issuer answers only loopback callers", instance=request.url.path
            )
        return await call_next(request)


def issuer_app(issuer: LocalIssuer, allowed_hosts: Iterable[str] = ()) -> FastAPI:
    """The local issuer's HTTP face: a JWKS and a token endpoint for development only.

    Only for loopback callers (``local_caller_only``), with the same body limit as every function.
    """
    app = FastAPI(title="crosslive local issuer", openapi_url="/v1/auth/openapi.json", docs_url=None, redoc_url=None)
    install_error_handlers(app)
    local_caller_only(app, allowed_hosts)
    app.add_middleware(BodyLimitMiddleware, max_bytes=get_settings().max_body_bytes)

    @app.get("/v1/auth/.well-known/jwks.json")
    def jwks() -> dict[str, Any]:
        return issuer.jwks()

    @app.post("/v1/auth/token", status_code=201)
    def token(body: TokenRequest) -> dict[str, Any]:
        return {
            "token": issuer.issue(body.sub, body.role, market=body.market, name=body.name),
            "sub": body.sub,
            "role": body.role,
            "market": body.market.upper() if body.market else None,
        }

    return app


ZONES_PREFIX = "/zones/"


class Gateway:
    """Dispatch by the first path segment after ``/v1/``; everything else goes to ``fallback``.

    ``zone_homes`` (zone name -> its home AWS region): ``/zones/<zone>/v1/<name>/...`` goes to the
    same function, served as in the zone's home (one process plays every region here)."""

    def __init__(
        self,
        functions: dict[str, FastAPI],
        extra: dict[str, ASGIApp] | None = None,
        fallback: ASGIApp | None = None,
        zone_homes: dict[str, str] | None = None,
    ) -> None:
        self.routes: dict[str, ASGIApp] = {**functions, **(extra or {})}
        self.fallback = fallback
        self.zone_homes = dict(zone_homes or {})

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            message = await receive()
            while message["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
                message = await receive()
            await send({"type": "lifespan.shutdown.complete"})
            return
        path: str = scope.get("path", "")
        if path.startswith(ZONES_PREFIX):
            await self._zone(scope, receive, send)
            return
        parts = path.split("/", 3)
        if len(parts) >= 3 and parts[1] == "v1" and parts[2] in self.routes:
            await self.routes[parts[2]](scope, receive, send)
            return
        if self.fallback is not None:
            await self.fallback(scope, receive, send)
            return
        if scope["type"] == "http":
            await problem(404, "not-found", f"no function serves {path}", instance=path)(scope, receive, send)

    async def _zone(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        """``/zones/<zone>/v1/...``: the function's route without the prefix, in the zone's home."""
        path: str = scope["path"]
        zone, _, rest = path[len(ZONES_PREFIX) :].partition("/")
        home = self.zone_homes.get(zone)
        parts = ("/" + rest).split("/", 3)
        if home is None or len(parts) < 3 or parts[1] != "v1" or parts[2] not in self.routes:
            if scope["type"] == "http":
                await problem(404, "not-found", f"no zone function serves {path}", instance=path)(scope, receive, send)
            return
        prefix = f"{ZONES_PREFIX}{zone}"
        raw_path: bytes = scope.get("raw_path") or path.encode()
        inner = {**scope, "path": "/" + rest, "raw_path": raw_path[len(prefix.encode()) :]}
        with serving_in(home):
            await self.routes[parts[2]](inner, receive, send)
