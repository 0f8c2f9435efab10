"""The embedded platform's token issuer: Cognito-shaped ID tokens for viewers, merchants, moderators.

In AWS, Cognito issues the tokens and the functions fetch its JWKS; locally this issuer signs
tokens of the same shape with a key made at start-up and hands its public JWKS to the functions
and media nodes (``CROSSLIVE_AUTH_JWKS``), so the verification code is the same in both places.
It exists only in the embedded platform and the tests, never in a deployment.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

from functions.shared.auth import ROLES

DEFAULT_ISSUER = "crosslive-local"
DEFAULT_AUDIENCE = "crosslive"


class LocalIssuer:
    def __init__(self, issuer: str = DEFAULT_ISSUER, audience: str = DEFAULT_AUDIENCE) -> None:
        self.issuer = issuer
        self.audience = audience
        self.kid = secrets.token_hex(8)
        self._key = ec.generate_private_key(ec.SECP256R1())

    def jwks(self) -> dict[str, Any]:
        public = json.loads(ECAlgorithm.to_jwk(self._key.public_key()))
        return {"keys": [{**public, "kid": self.kid, "alg": "ES256", "use": "sig"}]}

    def jwks_json(self) -> str:
        return json.dumps(self.jwks(), separators=(",", ":"))

    def issue(
        self,
        sub: str,
        roles: str | list[str] = "viewer",
        *,
        market: str | None = None,
        name: str | None = None,
        ttl_seconds: int = 12 * 3600,
        **extra: Any,
    ) -> str:
        """Sign an ID token for ``sub`` with ``roles`` (Cognito groups)."""
        groups = [roles] if isinstance(roles, str) else list(roles)
        unknown = set(groups) - set(ROLES)
        if unknown:
            raise ValueError(f"unknown roles {sorted(unknown)}")
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": sub,
            "iat": now,
            "exp": now + ttl_seconds,
            "jti": secrets.token_hex(12),
            "token_use": "id",
            "cognito:groups": groups,
            "cognito:username": name or sub,
            **extra,
        }
        if market:
            claims["custom:market"] = market.upper()
        if name:
            claims["name"] = name
        return self.sign(claims)

    def sign(self, claims: dict[str, Any]) -> str:
        """Sign exactly ``claims``, unchecked: tests use it to build validly signed tokens of any shape."""
        payload = json.dumps(claims, separators=(",", ":")).encode()
        return jwt.api_jws.encode(payload, self._key, algorithm="ES256", headers={"kid": self.kid})
