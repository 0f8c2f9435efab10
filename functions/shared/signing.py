"""Signed requests with the fleet's push secret: the fan-out's batches to the media nodes' push
endpoint, and the nodes' insights feeds to the insights function.

Base layer (``functions.shared``) because both directions use it: the fan-out dispatches to the
insights alert producer, and insights verifies what nodes sign, so neither imports the other.

The push endpoint accepts a batch only with ``X-Crosslive-Push-Signature: t=<unix>,v1=<hex>``,
an HMAC-SHA256 over ``f"{t}.".encode() + body`` with the shared secret
``CROSSLIVE_PUSH_SECRET`` (Secrets Manager in AWS, injected into the fan-out Lambda and the
nodes; never in the repository). Signatures older than ``MAX_SKEW_SECONDS`` are refused, which
bounds replays; events also carry ids that nodes deduplicate.

On the embedded platform, when the variable is unset, a random secret is made per process and
exported, so the functions and in-process nodes agree and child processes inherit it. Deployed
stages without a secret refuse to sign or verify.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time

from functions.shared.config import get_settings
from functions.shared.secrets import secret_value

ENV_PUSH_SECRET = "CROSSLIVE_PUSH_SECRET"
SIGNATURE_HEADER = "X-Crosslive-Push-Signature"
MAX_SKEW_SECONDS = 60


class SignatureError(Exception):
    """A push request that is unsigned, forged or stale."""


def push_secret() -> bytes:
    secret = secret_value(ENV_PUSH_SECRET)  # the value, or Secrets Manager via CROSSLIVE_PUSH_SECRET_ARN
    if not secret:
        if not get_settings().is_local:
            raise SignatureError(f"{ENV_PUSH_SECRET} is not configured")
        secret = os.environ.setdefault(ENV_PUSH_SECRET, secrets.token_urlsafe(32))
    return secret.encode()


def sign(body: bytes, now: float | None = None) -> str:
    timestamp = int(time.time() if now is None else now)
    digest = hmac.new(push_secret(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(header: str | None, body: bytes, now: float | None = None) -> None:
    """Raise ``SignatureError`` unless ``header`` signs ``body`` recently with our secret."""
    if not header:
        raise SignatureError("missing signature")
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError) as exc:
        raise SignatureError("malformed signature") from exc
    current = time.time() if now is None else now
    if abs(current - timestamp) > MAX_SKEW_SECONDS:
        raise SignatureError("stale signature")
    expected = hmac.new(push_secret(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, given):
        raise SignatureError("bad signature")
