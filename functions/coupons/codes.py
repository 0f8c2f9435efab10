"""Coupon codes that cannot be forged, guessed or used by someone else.

A code is ``CPN1.<id>.<tag>``: ``id`` is 128 random bits (base64url), ``tag`` is
HMAC-SHA256(key, id | campaign | holder) truncated to 128 bits. Guessing an id is hopeless
(2^-128), a made-up tag fails verification, and a tag only verifies for the user who claimed the
coupon, so a leaked code is useless in anyone else's checkout.

The key never lives in the repository:

* ``CROSSLIVE_COUPON_KEY``: the key itself (hex or base64url, at least 32 bytes), or
* ``CROSSLIVE_COUPON_KEY_SECRET_ARN``: an AWS Secrets Manager secret holding it (what the CDK
  stack sets; read once per container).
* The embedded platform (stage ``local``) with neither set generates a random key at start-up and
  keeps it in the process environment, so codes issued by this run verify in this run only.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets
import threading

from functions.shared.config import get_settings
from functions.shared.errors import Invalid, Unavailable
from functions.shared.secrets import secret_value

ENV_COUPON_KEY = "CROSSLIVE_COUPON_KEY"
ENV_COUPON_KEY_SECRET_ARN = "CROSSLIVE_COUPON_KEY_SECRET_ARN"
PREFIX = "CPN1"
MIN_KEY_BYTES = 32
CODE_PATTERN = re.compile(r"^CPN1\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{22})$")
MAX_CODE_LENGTH = 64

_lock = threading.Lock()
_cached: tuple[str, bytes] | None = None


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _decode_key(text: str) -> bytes:
    text = text.strip()
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        except (binascii.Error, ValueError) as exc:
            raise RuntimeError(f"{ENV_COUPON_KEY} is neither hex nor base64url") from exc
    if len(raw) < MIN_KEY_BYTES:
        raise RuntimeError(f"the coupon signing key must be at least {MIN_KEY_BYTES} bytes")
    return raw


def _load_key() -> bytes:
    value = secret_value(ENV_COUPON_KEY, arn_env=ENV_COUPON_KEY_SECRET_ARN)  # env, or Secrets Manager by ARN
    if value:
        return _decode_key(value)
    if get_settings().is_local:
        generated = secrets.token_hex(MIN_KEY_BYTES)
        os.environ.setdefault(ENV_COUPON_KEY, generated)
        return _decode_key(os.environ[ENV_COUPON_KEY])
    raise Unavailable("coupon-key-unconfigured", "no coupon signing key is configured for this deployment")


def signing_key() -> bytes:
    """The HMAC key (cached per process; reloaded if the environment's key changes)."""
    global _cached
    marker = os.environ.get(ENV_COUPON_KEY, "") + "|" + os.environ.get(ENV_COUPON_KEY_SECRET_ARN, "")
    with _lock:
        if _cached is None or _cached[0] != marker:
            key = _load_key()
            marker = os.environ.get(ENV_COUPON_KEY, "") + "|" + os.environ.get(ENV_COUPON_KEY_SECRET_ARN, "")
            _cached = (marker, key)
        return _cached[1]


def _tag(code_id: str, campaign_id: str, holder_sub: str) -> str:
    message = "\x1f".join((PREFIX, code_id, campaign_id, holder_sub)).encode()
    return _b64(hmac.new(signing_key(), message, hashlib.sha256).digest()[:16])


def new_code_id() -> str:
    """128 random bits, base64url (22 characters)."""
    return _b64(secrets.token_bytes(16))


def claim_code_id(campaign_id: str, holder_sub: str, idempotency_key: str) -> str:
    """The coupon id a claim gets: 128 bits of HMAC(key, campaign | holder | Idempotency-Key).

    Derived, not drawn, so every attempt of one claim (a retry, an SDK retry, a duplicate sent at
    once) writes the *same* coupon item, whose ``attribute_not_exists`` condition lets only one of
    them in. As unguessable as a random id for anyone without the signing key.
    """
    message = "\x1f".join(("claim", campaign_id, holder_sub, idempotency_key)).encode()
    return _b64(hmac.new(signing_key(), message, hashlib.sha256).digest()[:16])


def issue_code(code_id: str, campaign_id: str, holder_sub: str) -> str:
    """The code a holder shows at checkout."""
    return f"{PREFIX}.{code_id}.{_tag(code_id, campaign_id, holder_sub)}"


def parse_code(code: str) -> tuple[str, str]:
    """``(code_id, tag)`` of a well-formed code, else a 422 problem (nothing is looked up)."""
    match = CODE_PATTERN.match(code) if len(code) <= MAX_CODE_LENGTH else None
    if match is None:
        raise Invalid("coupon-code-malformed", "not a coupon code")
    return match.group(1), match.group(2)


def tag_matches(tag: str, code_id: str, campaign_id: str, holder_sub: str) -> bool:
    """Constant-time check that ``tag`` was issued for this coupon and this holder."""
    return hmac.compare_digest(tag, _tag(code_id, campaign_id, holder_sub))
