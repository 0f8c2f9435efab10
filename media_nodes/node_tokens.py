"""Node-to-node tokens: how an edge proves to its origin that it may pull a room.

Viewers and merchants carry Cognito ID tokens; nodes have no user. A node token is an HMAC-SHA256
over (issuing node, room, expiry) with the fleet's shared secret (``CROSSLIVE_MEDIA_NODE_SECRET``,
from Secrets Manager in AWS). It is scoped to one room and lives ``TTL_SECONDS``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

from functions.shared.errors import ApiError

PREFIX = "cln1."
TTL_SECONDS = 60


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issue_node_token(secret: str, node_id: str, room_id: str, now: float | None = None) -> str:
    payload = _b64(
        json.dumps(
            {"n": node_id, "r": room_id, "e": int((now or time.time()) + TTL_SECONDS)}, separators=(",", ":")
        ).encode()
    )
    sig = _b64(hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest())
    return f"{PREFIX}{payload}.{sig}"


def is_node_token(token: str) -> bool:
    return token.startswith(PREFIX)


def verify_node_token(secret: str | None, token: str, room_id: str, now: float | None = None) -> str:
    """The issuing node's id; ``ApiError(401/403)`` when forged, expired or for another room."""
    if not secret:
        raise ApiError(401, "unauthorized", "node tokens are not accepted by this node")
    try:
        payload, sig = token[len(PREFIX) :].split(".")
        expected = _b64(hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest())
        if not hmac.compare_digest(expected, sig):
            raise ValueError("bad signature")
        claims = json.loads(_unb64(payload))
        node_id, room, expires = str(claims["n"]), str(claims["r"]), int(claims["e"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ApiError(401, "unauthorized", "invalid node token") from exc
    if expires < (now or time.time()):
        raise ApiError(401, "unauthorized", "node token expired")
    if room != room_id:
        raise ApiError(403, "forbidden", "node token is for another room")
    return node_id
