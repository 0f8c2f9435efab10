"""Each function's OpenAPI document describes the API it serves, errors and authentication included.

FastAPI documents the success response and a 422 in ``application/json``; the functions also
answer 400/401/403/404/409/413/415/429/503, always as RFC 9457 ``application/problem+json``
(``functions.shared.errors``). ``documented_openapi`` adds what FastAPI cannot see:

* ``components.securitySchemes.bearer`` (an ID token, ``Authorization: Bearer <JWT>``) and each
  operation's ``security``: FastAPI lists the scheme where a route depends on ``current_principal``
  (through ``require_role`` or ``Authenticated``); where it depends on ``optional_principal``
  (FastAPI's ``bearer-optional``) it becomes ``[{bearer: []}, {}]``, a token or none;
* the problem statuses each operation can answer, each with the ``Problem`` schema, replacing
  FastAPI's ``HTTPValidationError`` 422;
* headers the route checks itself as required (``Idempotency-Key``, whose absence is a 400 with
  the stable ``idempotency-key-required`` code rather than FastAPI's 422);
* ``Retry-After`` on 429/503 and ``WWW-Authenticate`` on 401.

Clients and the schemathesis run in CI (``tests/hardening/test_openapi_conformance.py``) read the
same document, so it cannot drift from the behaviour unnoticed.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from functions.shared.auth import BEARER, BEARER_OPTIONAL
from functions.shared.errors import PROBLEM_JSON

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details; switch on `code`, never on `title`.",
    "type": "object",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string", "description": "urn:crosslive:problem:<code>"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "code": {"type": "string", "description": "stable machine-readable code"},
        "instance": {"type": "string"},
    },
    "additionalProperties": True,
}
BEARER_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "bearerFormat": "JWT",
    "description": "A Cognito ID token (locally: the embedded platform's issuer, POST /v1/auth/token)",
}
_WHY = {
    400: "Malformed request (body, header or Content-Length)",
    401: "Missing, malformed, forged or expired token",
    403: "Authenticated, but not allowed",
    404: "Not found",
    409: "Conflicts with the current state",
    410: "No longer available",
    413: "Request body too large",
    415: "Body is not JSON",
    422: "Validation failed",
    429: "Too many requests; retry after Retry-After seconds",
    503: "Temporarily unavailable; retry after Retry-After seconds",
}
_RETRY_AFTER = {"Retry-After": {"description": "seconds to wait before retrying", "schema": {"type": "string"}}}
_AUTHENTICATE = {"WWW-Authenticate": {"description": "the Bearer challenge", "schema": {"type": "string"}}}
# Headers a route validates itself, documented as required; see the module docstring.
REQUIRED_HEADERS: dict[str, dict[str, Any]] = {
    "idempotency-key": {
        "type": "string",
        "pattern": "^[A-Za-z0-9_.:-]{8,128}$",
        "description": "a fresh id per intended request; a retry sends the same one",
    }
}
_BODY_METHODS = {"post", "put", "patch"}


def _auth_of(operation: dict[str, Any]) -> str | None:
    schemes = {name for requirement in operation.get("security", []) for name in requirement}
    if BEARER.scheme_name in schemes:
        return "required"
    if BEARER_OPTIONAL.scheme_name in schemes:
        return "optional"
    return None


def _problem(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": _WHY[status],
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    if status in (429, 503):
        response["headers"] = _RETRY_AFTER
    if status == 401:
        response["headers"] = _AUTHENTICATE
    return response


def _statuses(method: str, auth: str | None, has_body: bool) -> list[int]:
    statuses = [400, 404, 413, 422, 503]
    if auth == "required":
        statuses += [401, 403]
    elif auth == "optional":
        statuses += [401]
    if method != "get":
        statuses += [409, 410, 429]
    if has_body:
        statuses += [415]
    return sorted(statuses)


def documented_openapi(app: FastAPI) -> dict[str, Any]:
    """``app``'s OpenAPI document with security, problem responses and required headers."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
    )
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for unused in ("HTTPValidationError", "ValidationError"):
        components["schemas"].pop(unused, None)
    components["securitySchemes"] = {BEARER.scheme_name: BEARER_SCHEME}
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            auth = _auth_of(operation)
            if auth == "required":
                operation["security"] = [{BEARER.scheme_name: []}]
            elif auth == "optional":
                operation["security"] = [{BEARER.scheme_name: []}, {}]
            else:
                operation["security"] = []
            responses = operation.setdefault("responses", {})
            has_body = method in _BODY_METHODS and "requestBody" in operation
            for status in _statuses(method, auth, has_body):
                responses[str(status)] = _problem(status)
            for status, declared in responses.items():  # a route's own error statuses: problems too
                if status[:1] in "45" and int(status) not in _WHY:
                    continue
                if status[:1] in "45":
                    responses[status] = {
                        **_problem(int(status)),
                        "description": declared.get("description") or _WHY[int(status)],
                    }
            for parameter in operation.get("parameters", []):
                header = REQUIRED_HEADERS.get(str(parameter.get("name", "")).lower())
                if parameter.get("in") == "header" and header is not None:
                    parameter["required"] = True
                    parameter["schema"] = header
    app.openapi_schema = schema
    return schema


def install_openapi(app: FastAPI) -> None:
    """Serve ``documented_openapi`` at the app's ``openapi_url``."""
    app.openapi = lambda: documented_openapi(app)  # type: ignore[method-assign]
