"""Default price and date formatting from CLDR data (Babel).

Registered as an always-on plugin with ``trylast`` implementations: a market plugin may
override how its prices or dates look, but every market gets correct CLDR formatting by default,
with the currency's own minor units (IDR 0 digits shown, JPY 0, BHD 3, ...).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_datetime as babel_format_datetime
from babel.numbers import format_currency, get_currency_precision

from plugins import hookimpl


def minor_to_major(amount_minor: int, currency: str) -> Decimal:
    """Convert an integer amount in minor units to a Decimal in major units (CLDR digits)."""
    return Decimal(amount_minor).scaleb(-get_currency_precision(currency))


@hookimpl(trylast=True)
def format_price(amount_minor: int, currency: str, locale: str) -> str:
    return format_currency(minor_to_major(amount_minor, currency), currency, locale=locale)


@hookimpl(trylast=True)
def format_datetime(timestamp: float, time_zone: str, locale: str) -> str:
    moment = datetime.fromtimestamp(timestamp, tz=UTC)
    return babel_format_datetime(moment, format="medium", tzinfo=ZoneInfo(time_zone), locale=locale)
