"""Errors as RFC 9457 problem details, one stable JSON shape for every function.

Every error response is ``application/problem+json``::

    {"type": "urn:crosslive:problem:coupon-exhausted", "title": "Coupon stock exhausted",
     "status": 409, "detail": "...", "code": "coupon-exhausted", "instance": "/v1/coupons/..."}

``code`` is the stable, machine-readable part; clients switch on it, never on ``title``.

Two kinds of error become problems:

* ``DomainError`` and its kinds (``NotFound``, ``Conflict``, ``Invalid``, ...): what the data and
  logic layers raise when a rule says no. They know nothing of HTTP; ``STATUS_OF_KIND`` below is
  the one place a kind becomes a status.
* ``ApiError``: what a route raises about the HTTP request itself (a header, a status it chooses).
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the web framework is imported where a response is made: the stream Lambdas
    from fastapi import FastAPI, Request  # raise domain errors too, and never load FastAPI
    from fastapi.responses import JSONResponse

PROBLEM_JSON = "application/problem+json"
logger = logging.getLogger("crosslive.errors")


class DomainError(Exception):
    """A domain rule refused something. ``code`` is the stable problem code; keyword ``extra``
    fields travel in the problem document; ``retry_after`` (seconds) says when to try again."""

    def __init__(self, code: str, detail: str, *, retry_after: int | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.retry_after = retry_after
        self.extra = extra

    @property
    def status(self) -> int:
        """The HTTP status this kind of refusal maps to (``STATUS_OF_KIND``)."""
        return status_of(self)


class BadRequest(DomainError):
    """The request is malformed in a way the schema cannot say (a cursor from nowhere)."""


class Unauthenticated(DomainError):
    """Who is asking cannot be established: a signature or credential is missing or forged."""


class Forbidden(DomainError):
    """The caller may not do this (not the room's merchant, muted, banned)."""


class NotFound(DomainError):
    """The thing named does not exist (or is not visible to the caller)."""


class Conflict(DomainError):
    """The current state refuses it (sold out, already held, changed meanwhile, room ended)."""


class Gone(DomainError):
    """It existed and is no longer usable (an expired link or coupon)."""


class Invalid(DomainError):
    """Well-formed, but against a rule of the domain (a text, a discount, a market)."""


class TooMany(DomainError):
    """A rate limit."""


class Unavailable(DomainError):
    """Not possible right now (contention, missing configuration); nothing was done, and
    ``retry_after`` says when the same request may be retried."""


STATUS_OF_KIND: dict[type[DomainError], int] = {
    BadRequest: 400,
    Unauthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    Gone: 410,
    Invalid: 422,
    TooMany: 429,
    Unavailable: 503,
}


def status_of(error: DomainError) -> int:
    """The status of ``error``'s kind (its nearest listed base class; 400 for a bare DomainError)."""
    for kind in type(error).__mro__:
        if kind in STATUS_OF_KIND:
            return STATUS_OF_KIND[kind]  # type: ignore[index]
    return 400


class ApiError(Exception):
    """An error meant for the client: raise it anywhere in a route."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        title: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.title = title or HTTPStatus(status).phrase
        self.headers = headers
        self.extra = extra


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    instance: str = "",
    title: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    from fastapi.responses import JSONResponse

    body = {
        "type": f"urn:crosslive:problem:{code}",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
        "instance": instance,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def domain_problem(exc: DomainError, *, instance: str = "") -> JSONResponse:
    """The problem document of a domain error (the one mapping of kinds to statuses)."""
    headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else None
    return problem(exc.status, exc.code, exc.detail, instance=instance, headers=headers, **exc.extra)


def _code_for_status(status: int) -> str:
    return HTTPStatus(status).phrase.lower().replace(" ", "-").replace("'", "")


_METHODS = ("DELETE", "GET", "PATCH", "POST", "PUT")


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (Starlette's 405 names only the first route's).

    A fixed path (``/v1/rooms/health``) names its own resource even where a templated one
    (``/v1/rooms/{room_id}``) would also match it: its methods are the answer.
    """
    from fastapi.routing import APIRoute
    from starlette.routing import Match

    routes = request.app.router.routes
    for route in routes:
        fixed = isinstance(route, APIRoute) and not route.param_convertors
        if fixed and route.matches(request.scope)[0] != Match.NONE:
            return sorted(route.methods)
    return [
        method
        for method in _METHODS
        if any(route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes)
    ]


STORAGE_RETRY_AFTER_SECONDS = 1
TRANSIENT_CODES = frozenset(
    {
        "ThrottlingException",
        "ThrottlingError",
        "ProvisionedThroughputExceededException",
        "ProvisionedThroughputExceeded",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "TransactionConflictException",
        "TransactionConflict",
        "TransactionInProgressException",
        "LimitExceededException",
    }
)


def is_storage_fault(exc: BaseException) -> bool:
    """A DynamoDB (or other AWS) call failed after the SDK's own retries: throttling, a 5xx, a
    timeout, a dropped connection. The request may or may not have been applied; a retry with the
    same Idempotency-Key finds out, so the client is told 503 with ``Retry-After``, never 500."""
    from botocore.exceptions import BotoCoreError, ClientError

    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, BotoCoreError):  # timeouts, dropped connections
            return True
        if isinstance(current, ClientError):
            error = current.response.get("Error", {})
            status = int(current.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
            reasons = {r.get("Code") for r in current.response.get("CancellationReasons", []) or []}
            return status >= 500 or error.get("Code") in TRANSIENT_CODES or bool(reasons & TRANSIENT_CODES)
        current = current.__cause__ or current.__context__
    return False


def install_error_handlers(app: FastAPI) -> None:
    """Turn every error (ours, validation, routing, unexpected) into a problem document."""
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException as StarletteHTTPException

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return problem(
            exc.status,
            exc.code,
            exc.detail,
            instance=request.url.path,
            title=exc.title,
            headers=exc.headers,
            **exc.extra,
        )

    @app.exception_handler(DomainError)
    async def _domain_error(request: Request, exc: DomainError) -> JSONResponse:
        return domain_problem(exc, instance=request.url.path)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
            for e in exc.errors()
        ]
        first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
        detail = f"{'.'.join(first['loc'][1:]) or 'body'}: {first['msg']}"
        return problem(422, "validation-failed", detail, instance=request.url.path, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request))
        return problem(
            exc.status_code,
            _code_for_status(exc.status_code),
            detail,
            instance=request.url.path,
            headers=headers or None,
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        if is_storage_fault(exc):
            logger.warning("storage fault on %s: %r", request.url.path, exc)
            return problem(
                503,
                "storage-unavailable",
                "the database did not answer in time; retry the same request (with the same Idempotency-Key)",
                instance=request.url.path,
                headers={"Retry-After": str(STORAGE_RETRY_AFTER_SECONDS)},
            )
        logger.exception("unhandled error on %s", request.url.path)
        return problem(
            500, "internal-error", "An unexpected error occurred; it has been logged.", instance=request.url.path
        )
