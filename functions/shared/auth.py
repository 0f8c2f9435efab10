"""Bearer-token authentication and role checks for every function and media node.

Tokens are JWTs verified against a JWKS: the Cognito user pool's in AWS (``CROSSLIVE_AUTH_JWKS_URL``,
defined by the CDK stack), or the embedded platform's local issuer (``CROSSLIVE_AUTH_JWKS``, the
keys inline). Both issue tokens of the same shape as a Cognito ID token, so one code path
verifies them: signature, ``iss``, ``aud``, ``exp``/``iat``/``nbf``, ``token_use == "id"``.
Roles are the user's Cognito groups (``cognito:groups``): viewer, merchant, moderator, admin.

Nothing in a token is trusted before verification, and a route never reads claims itself: it
asks for a ``Principal`` through ``require_role(...)`` or ``optional_principal``.

**The algorithm comes from the key, never from the token.** Each signing key accepts exactly one
algorithm, the one its JWK names (or its type implies: RSA → RS256, EC P-256 → ES256), and a token
whose header says anything else is refused before any cryptography runs. Handing a library an RSA
algorithm with an EC key (or the reverse) makes it raise ``TypeError``, not a JWT error; and every
other surprise a hostile token can cause is a 401 too: no token shape makes a route answer 5xx.

The market (``custom:market``) is read only from the verified token; in AWS the user pool makes
it immutable to users (set by the sign-up flow), so a viewer cannot move themselves to another
market's prices and coupons.

**Several pools.** With residency zones a deployment has one user pool per zone, in the zone's
home, beside the default one (docs/residency.md). ``CROSSLIVE_AUTH_ISSUERS`` lists each with its
JWKS, its audience (its web client) and the markets its tokens may carry: a token is verified
against the pool its ``iss`` names (an issuer not listed is a 401), and its market must be one of
that pool's (a zone pool) or one no zone pool lists (the default pool): a default-pool token that
claims DE, when DE is a zone's market, is refused with 403 ``market-not-in-pool``. Without that
variable the single issuer of ``CROSSLIVE_AUTH_ISSUER``/``_AUDIENCE``/``_JWKS_URL`` (or the inline
``CROSSLIVE_AUTH_JWKS``) is the only one, with no market restriction, as before.
"""

from __future__ import annotations

import json
import threading
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPBearer

from functions.shared.config import IssuerConfig, Settings, get_settings
from functions.shared.errors import ApiError
from functions.shared.principal import Principal

ROLES = ("viewer", "merchant", "moderator", "admin")
ALGORITHMS = ("RS256", "ES256")  # what a signing key may use; each key accepts exactly one
MARKET_CLAIM = "custom:market"
LEEWAY_SECONDS = 30
MAX_TOKEN_BYTES = 8192


class _KeySource:
    """Signing keys by ``kid``, from an inline JWKS or a (cached) JWKS URL."""

    def __init__(self, issuer: IssuerConfig) -> None:
        self._lock = threading.Lock()
        self._client: jwt.PyJWKClient | None = None
        self._inline: dict[str, jwt.PyJWK] = {}
        if issuer.jwks:
            for key in jwt.PyJWKSet.from_dict(json.loads(issuer.jwks)).keys:
                self._inline[str(key.key_id)] = key
        elif issuer.jwks_url:
            self._client = jwt.PyJWKClient(issuer.jwks_url, cache_keys=True, lifespan=3600, timeout=5)

    def key_for(self, token: str) -> jwt.PyJWK:
        """The key the token names, if the token's ``alg`` is the one that key accepts."""
        try:
            header = jwt.get_unverified_header(token)
        except Exception as exc:  # any malformed header (bad base64, JSON, types) is the caller's fault
            raise _unauthorized("malformed token") from exc
        kid, alg = header.get("kid"), header.get("alg")
        if not isinstance(kid, str) or not isinstance(alg, str):
            raise _unauthorized("token header must name its key (kid) and algorithm (alg)")
        key = self._lookup(kid)
        if key.algorithm_name not in ALGORITHMS or alg != key.algorithm_name:
            raise _unauthorized(f"key {kid[:64]} accepts only {key.algorithm_name}, not {alg[:16]}")
        return key

    def _lookup(self, kid: str) -> jwt.PyJWK:
        if self._inline:
            key = self._inline.get(kid)
            if key is None:
                raise _unauthorized("token signed by an unknown key")
            return key
        if self._client is None:
            raise ApiError(503, "auth-unconfigured", "no token issuer is configured for this deployment")
        try:
            with self._lock:
                return self._client.get_signing_key(kid)
        except jwt.PyJWKClientConnectionError as exc:  # Cognito's JWKS unreachable: ours, not theirs
            raise ApiError(
                503, "auth-unavailable", "cannot fetch the token issuer's keys; retry", headers={"Retry-After": "1"}
            ) from exc
        except jwt.PyJWKClientError as exc:
            raise _unauthorized("token signed by an unknown key") from exc


# The settings object the key sources were built for (held, so its id cannot be reused) and them.
_sources: list[tuple[Settings, dict[str, tuple[IssuerConfig, _KeySource]]]] = []


def issuers(settings: Settings) -> tuple[IssuerConfig, ...]:
    """The pools whose tokens are accepted: ``CROSSLIVE_AUTH_ISSUERS``, else the single issuer."""
    if settings.auth_issuers:
        return settings.auth_issuers
    return (
        IssuerConfig(
            issuer=settings.auth_issuer,
            audience=settings.auth_audience,
            jwks_url=settings.auth_jwks_url,
            jwks=settings.auth_jwks,
        ),
    )


def _source(settings: Settings, issuer: str) -> tuple[IssuerConfig, _KeySource]:
    """The configured pool named by a token's ``iss``, with its keys; 401 for any other issuer."""
    # Rebuilt when the settings object changes (tests). Compared by identity with the object held
    # here, never by a bare id(): a freed settings object's id can be reused by the next one, which
    # then found the old issuers' keys (every token "unknown key" after a test's second platform).
    if not _sources or _sources[0][0] is not settings:
        _sources[:] = [(settings, {i.issuer: (i, _KeySource(i)) for i in issuers(settings)})]
    found = _sources[0][1].get(issuer)
    if found is None:
        raise _unauthorized("token from an unknown issuer")
    return found


def _unverified_issuer(token: str) -> str:
    """The ``iss`` a token claims, only to pick the pool that must then verify it."""
    try:
        claimed = jwt.decode(token, options={"verify_signature": False})
    except Exception as exc:  # malformed segments, JSON, types: the caller's fault
        raise _unauthorized("malformed token") from exc
    issuer = claimed.get("iss") if isinstance(claimed, dict) else None
    if not isinstance(issuer, str) or not issuer:
        raise _unauthorized("token names no issuer")
    return issuer


def _check_market(principal: Principal, pool: IssuerConfig, settings: Settings) -> None:
    """A zone pool's token carries only the zone's markets; the default pool's none of the zones'."""
    if not settings.auth_issuers or principal.market is None:
        return
    if pool.markets is not None:
        allowed = principal.market in pool.markets
    else:
        allowed = not any(principal.market in (i.markets or ()) for i in settings.auth_issuers)
    if not allowed:
        raise ApiError(
            403,
            "market-not-in-pool",
            f"a token of this user pool may not carry market {principal.market}: its people sign in to "
            "the user pool of their market's residency zone",
        )


def _unauthorized(detail: str) -> ApiError:
    return ApiError(401, "unauthorized", detail, headers={"WWW-Authenticate": 'Bearer realm="crosslive"'})


def verify_token(token: Any, settings: Settings | None = None) -> Principal:
    """Verify a JWT and return the caller; raises ``ApiError(401)`` on any defect."""
    settings = settings or get_settings()
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_BYTES:
        raise _unauthorized("missing or oversized token")
    pool, source = _source(settings, _unverified_issuer(token))
    key = source.key_for(token)
    try:
        claims = jwt.decode(
            token,
            key=key.key,
            algorithms=[key.algorithm_name],
            audience=pool.audience,
            issuer=pool.issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "iat", "sub", "iss", "aud"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise _unauthorized("token expired") from exc
    except jwt.PyJWTError as exc:
        raise _unauthorized(f"invalid token: {str(exc)[:200]}") from exc
    except Exception as exc:  # a library surprise on hostile input is still the token's defect
        raise _unauthorized("invalid token") from exc
    principal = _principal(claims)
    _check_market(principal, pool, settings)
    return principal


def _text_claim(claims: dict[str, Any], name: str) -> str | None:
    value = claims.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value or len(value) > 256:
        raise _unauthorized(f"malformed {name} claim")
    return value


def _principal(claims: dict[str, Any]) -> Principal:
    """The caller from verified claims; a claim of the wrong type is a malformed token (401)."""
    if claims.get("token_use") != "id":
        raise _unauthorized("not an ID token")
    groups = claims.get("cognito:groups") or []
    if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
        raise _unauthorized("malformed groups claim")
    roles = frozenset(g for g in groups if g in ROLES) or frozenset({"viewer"})
    sub = _text_claim(claims, "sub")
    if sub is None:
        raise _unauthorized("token has no subject")
    market = _text_claim(claims, MARKET_CLAIM)
    if market is not None and not (len(market) == 2 and market.isascii() and market.isalpha()):
        raise _unauthorized(f"malformed {MARKET_CLAIM} claim")
    iat = claims.get("iat", 0)
    return Principal(
        sub=sub,
        roles=roles,
        market=market.upper() if market else None,
        name=_text_claim(claims, "name") or _text_claim(claims, "cognito:username"),
        token_id=_text_claim(claims, "jti"),
        issued_at=int(iat) if isinstance(iat, int | float) else 0,
        claims=claims,
    )


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        return None
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("Authorization header must be 'Bearer <token>'")
    return token.strip()


class _Bearer(HTTPBearer):
    """The bearer token as a FastAPI security dependency, so OpenAPI documents the scheme per route.

    ``scheme_name`` tells required (``bearer``) from optional (``bearer-optional``) use;
    ``functions.shared.openapi`` turns the latter into "a token, or none".
    """

    def __init__(self, scheme_name: str) -> None:
        super().__init__(bearerFormat="JWT", scheme_name=scheme_name, auto_error=False)

    async def __call__(self, request: Request) -> str | None:  # type: ignore[override]
        return bearer_token(request)


BEARER = _Bearer("bearer")
BEARER_OPTIONAL = _Bearer("bearer-optional")


def optional_principal(token: Annotated[str | None, Depends(BEARER_OPTIONAL)]) -> Principal | None:
    """The caller if a token was sent (it must then be valid), else ``None``."""
    return verify_token(token) if token else None


def current_principal(token: Annotated[str | None, Depends(BEARER)]) -> Principal:
    """The verified caller; 401 without a valid token."""
    if not token:
        raise _unauthorized("authentication required")
    return verify_token(token)


def require_role(*roles: str):  # type: ignore[no-untyped-def]
    """FastAPI dependency: a verified caller holding one of ``roles`` (admin always passes)."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")

    def dependency(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if not principal.has(*roles):
            raise ApiError(403, "forbidden", f"requires role {' or '.join(roles)}")
        return principal

    return dependency


Authenticated = Annotated[Principal, Depends(current_principal)]
MaybeAuthenticated = Annotated[Principal | None, Depends(optional_principal)]
