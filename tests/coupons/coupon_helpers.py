"""Plain helpers shared by the coupon tests (fixtures live in ``conftest.py``)."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import Any

Headers = Callable[..., dict[str, str]]
_keys = itertools.count()

MERCHANT = "coupon-merchant"


def campaign_body(**overrides: Any) -> dict[str, Any]:
    """A lawful IDR campaign for market ID, open now, valid for a day."""
    now = time.time()
    body: dict[str, Any] = {
        "title": "Rp 10.000 off",
        "markets": ["ID"],
        "currency": "IDR",
        "discount": {"kind": "fixed", "amount_minor": 1_000_000},
        "min_spend_minor": 5_000_000,
        "stock": 5,
        "per_user_limit": 1,
        "valid_from": now - 60,
        "valid_until": now + 86_400,
    }
    body.update(overrides)
    return body


def new_key() -> str:
    return f"key-{time.time_ns()}-{next(_keys)}"
