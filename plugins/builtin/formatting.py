"""Default price and date formatting from CLDR data (Babel).

Registered as an always-on plugin with ``trylast`` implementations: a market plugin may
override how its prices or dates look, but every market gets correct CLDR formatting by default,
with the currency's own minor units (JPY 0, BHD 3, ...). A whole amount is shown with CLDR's *cash*
digits where they are fewer: IDR has two minor digits in CLDR but zero cash digits, and Indonesian
shoppers read "Rp150.000", never "Rp150.000,00" (an amount with sen still shows them).
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.core import Locale, get_global
from babel.dates import format_datetime as babel_format_datetime
from babel.numbers import format_currency, get_currency_precision

from plugins import hookimpl


def minor_to_major(amount_minor: int, currency: str) -> Decimal:
    """Convert an integer amount in minor units to a Decimal in major units (CLDR digits)."""
    return Decimal(amount_minor).scaleb(-get_currency_precision(currency))


def cash_digits(currency: str) -> int:
    """CLDR's cash digits of ``currency`` (IDR 0 although its minor unit has 2)."""
    fractions = get_global("currency_fractions")
    return int(fractions.get(currency, fractions["DEFAULT"])[2])


def shown_digits(amount_minor: int, currency: str) -> int:
    """Fraction digits to show: CLDR's cash digits when fewer and the amount needs no more."""
    digits = get_currency_precision(currency)
    cash = cash_digits(currency)
    if cash < digits and amount_minor % 10 ** (digits - cash) == 0:
        return cash
    return digits


@hookimpl(trylast=True)
def format_price(amount_minor: int, currency: str, locale: str) -> str:
    value = minor_to_major(amount_minor, currency)
    digits = shown_digits(amount_minor, currency)
    if digits == get_currency_precision(currency):
        return format_currency(value, currency, locale=locale)
    pattern = copy.copy(Locale.parse(locale).currency_formats["standard"])
    pattern.frac_prec = (digits, digits)
    return format_currency(value, currency, format=pattern, locale=locale, currency_digits=False)


@hookimpl(trylast=True)
def format_datetime(timestamp: float, time_zone: str, locale: str) -> str:
    moment = datetime.fromtimestamp(timestamp, tz=UTC)
    return babel_format_datetime(moment, format="medium", tzinfo=ZoneInfo(time_zone), locale=locale)
