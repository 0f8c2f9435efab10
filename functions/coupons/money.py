"""Amounts in integer minor units, currency checks (CLDR via Babel) and discount arithmetic.

Every amount in the coupon API is an integer in the currency's minor units as CLDR defines them
(``babel.numbers.get_currency_precision``: EUR 2, JPY 0, ...). Percent discounts are computed
with ``Decimal`` and rounded to a whole minor unit with the market's rounding rule from its coupon
policy, so 15 % of ¥999 is never ¥149.85.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel.numbers import get_currency_precision, list_currencies

from functions.shared.errors import Invalid

# One trillion minor units: above any real basket, below anything that overflows a client.
MAX_AMOUNT_MINOR = 10**12
ROUNDING = {"half_even": ROUND_HALF_EVEN, "half_up": ROUND_HALF_UP, "down": ROUND_DOWN}


@lru_cache(maxsize=1)
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def require_currency(code: str) -> int:
    """The number of minor-unit digits of ``code``; 422 if ISO 4217/CLDR does not know it."""
    if code not in _currencies():
        raise Invalid("unknown-currency", f"{code!r} is not a known ISO 4217 currency")
    return int(get_currency_precision(code))


def opt_int(value: float | None) -> int | None:
    """A stored number as an int (PynamoDB numbers come back as floats), keeping ``None``."""
    return None if value is None else int(value)


def percent_of(amount_minor: int, percent: int, rounding: str) -> int:
    """``percent`` % of ``amount_minor``, rounded to a whole minor unit by ``rounding``."""
    exact = Decimal(amount_minor) * Decimal(percent) / Decimal(100)
    return int(exact.quantize(Decimal(1), rounding=ROUNDING.get(rounding, ROUND_HALF_EVEN)))


def discount_for(
    order_total_minor: int,
    *,
    kind: str,
    amount_minor: int | None,
    percent: int | None,
    max_discount_minor: int | None,
    rounding: str,
) -> int:
    """The discount a coupon gives on an order: never more than the order itself."""
    if kind == "fixed":
        discount = int(amount_minor or 0)
    else:
        discount = percent_of(order_total_minor, int(percent or 0), rounding)
        if max_discount_minor is not None:
            discount = min(discount, int(max_discount_minor))
    return max(0, min(discount, order_total_minor))
