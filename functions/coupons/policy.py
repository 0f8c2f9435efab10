"""Campaign rules: the room's markets, the currency each market uses, and each market's coupon law.

Market plugins decide the law (``coupon_policy`` and ``check_campaign`` hooks); this module
applies it. A campaign that breaks a rule is refused as a whole with every violation listed, each
naming the rule and the market, e.g. the EU price-indication rule (Directive 98/6/EC art. 6a,
in Germany § 11 PAngV): an announced reduction must state the lowest price of the prior 30 days.

It also words the coupon for a viewer (``coupon_wording``): every sentence is built from the
market plugins' ``coupon_texts`` in the viewer's market language, never from English literals
here, because a legal disclosure in a language the consumer does not read informs nobody.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import get_timezone_name
from babel.numbers import format_decimal, format_percent, get_currency_name

from functions.coupons.money import percent_of, require_currency
from functions.coupons.schemas import CampaignCreate, FixedDiscount
from functions.rooms.access import Room
from functions.shared.errors import Invalid
from functions.shared.plugins import get_plugins
from plugins.manager import PluginError, UnknownMarketError
from plugins.types import COUPON_TEXT_PLACEHOLDERS, CouponPolicy, CouponTexts, MarketProfile

MAX_VALIDITY_SECONDS = 366 * 24 * 3600
ENGLISH = "en"  # a coupon sentence no plugin has in the viewer's language is shown in English


def campaign_facts(body: CampaignCreate, market: str) -> dict[str, Any]:
    """The campaign as plain data, the shape ``check_campaign`` plugins receive.

    The request body as sent, plus flat keys a rule usually needs: ``market``, ``currency``,
    ``discount_kind``, ``discount_percent`` (the effective percentage: the percent discount, or a
    fixed discount against ``prior_price_minor``; ``None`` when unknowable), ``discount_amount_minor``,
    ``prior_price_minor``, ``min_spend_minor``.
    """
    facts = body.model_dump(mode="json")
    facts.update(
        market=market,
        discount_kind=body.discount.kind,
        discount_percent=_effective_percent(body),
        discount_amount_minor=body.discount.amount_minor if isinstance(body.discount, FixedDiscount) else None,
    )
    return facts


def validate_campaign(body: CampaignCreate, room: Room, now: float | None = None) -> None:
    """Raise a 422 problem for the first structural defect, or one listing every market violation."""
    now = time.time() if now is None else now
    if body.valid_until <= now:
        raise Invalid("campaign-window-past", "valid_until is in the past")
    if body.valid_until - max(now, body.valid_from) > MAX_VALIDITY_SECONDS:
        raise Invalid("campaign-window-too-long", "a campaign may run at most 366 days")
    outside = [m for m in body.markets if m not in room.markets]
    if outside:
        raise Invalid("market-not-in-room", f"the room does not broadcast to {', '.join(outside)}", markets=outside)
    require_currency(body.currency)
    plugins = get_plugins()
    for market in body.markets:
        try:
            profile = plugins.market_profile(market)
        except UnknownMarketError as exc:
            raise Invalid("unknown-market", f"no enabled plugin provides market {market!r}") from exc
        if profile.currency != body.currency:
            raise Invalid(
                "currency-market-mismatch",
                f"{market} prices in {profile.currency}, not {body.currency}: one campaign per currency",
                market=market,
                market_currency=profile.currency,
            )
    if (
        isinstance(body.discount, FixedDiscount)
        and body.min_spend_minor
        and body.discount.amount_minor > body.min_spend_minor
    ):
        raise Invalid(
            "discount-exceeds-min-spend",
            "a fixed discount larger than the minimum spend would make orders free or negative",
        )
    # the title is advertising in every target market and under the merchant's home law (imported
    # here: the normalizer's tables cost ~0.1 s, paid by the first campaign, not every cold start)
    from functions.textrules.shown import refuse, screen

    refuse(screen(body.title, body.markets, room.home_market), "coupon title", targeted=True)
    violations = market_violations(body)
    if violations:
        first = violations[0]
        raise Invalid(
            "campaign-violates-market-rules",
            f"rule {first['rule']} in market {first['market']}: {first['message']}",
            violations=violations,
        )


def market_violations(body: CampaignCreate) -> list[dict[str, str]]:
    """Every rule of every target market the campaign breaks (empty: lawful everywhere)."""
    plugins = get_plugins()
    found: list[dict[str, str]] = []
    for market in body.markets:
        facts = campaign_facts(body, market)
        policy = plugins.coupon_policy(market)
        percent = _effective_percent(body)
        if percent is not None and percent > policy.max_discount_percent:
            found.append(
                {
                    "rule": "max-discount-percent",
                    "market": market,
                    "message": f"{percent:g}% off exceeds the {policy.max_discount_percent:g}% maximum",
                }
            )
        if policy.requires_prior_price and body.prior_price_minor is None:
            found.append(
                {
                    "rule": "prior-price-required",
                    "market": market,
                    "message": (
                        f"an announced reduction must state the lowest price of the prior "
                        f"{policy.prior_price_days} days (prior_price_minor)"
                    ),
                }
            )
        if (
            isinstance(body.discount, FixedDiscount)
            and body.prior_price_minor is not None
            and body.discount.amount_minor >= body.prior_price_minor
        ):
            found.append(
                {
                    "rule": "discount-exceeds-prior-price",
                    "market": market,
                    "message": "the fixed discount is not smaller than the stated prior price",
                }
            )
        for violation in plugins.check_campaign(market, facts):
            found.append(violation.model_dump())
    return found


def _effective_percent(body: CampaignCreate) -> float | None:
    """The discount as a percentage, where it can be known up front."""
    if isinstance(body.discount, FixedDiscount):
        if body.prior_price_minor:
            return 100.0 * body.discount.amount_minor / body.prior_price_minor
        return None
    return float(body.discount.percent)


@dataclass(frozen=True)
class CouponWording:
    """The coupon sentences of one market in one language, filled with CLDR-formatted values.

    Every sentence a viewer reads about a coupon is built here, from the ``coupon_texts`` hook:
    the discount, the prior-price statement of the EU price-indication rule (Directive 98/6/EC
    art. 6a, § 11 PAngV: a legal disclosure only informs in the viewer's language), until when
    and where a claimed coupon works, and the market's disclosures. A template no plugin has for
    the language is taken from English and listed in ``english``, so the gap is visible (and the
    built-in markets have none: ``tests/coupons/test_coupon_texts.py``).
    """

    market: str
    language: str
    locale: str
    market_name: str
    time_zone: str
    texts: CouponTexts
    english: tuple[str, ...]

    def discount(
        self, kind: str, amount_minor: int | None, percent: int | None, max_minor: int | None, currency: str
    ) -> str:
        """The discount as a phrase: "20 % Rabatt (max. 15,00 €)", "Potongan Rp10.000,00"."""
        if kind == "fixed":
            return self._fill("discount_fixed", amount=self._price(int(amount_minor or 0), currency))
        shown = format_percent(Decimal(int(percent or 0)) / 100, locale=self.locale)
        if max_minor is None:
            return self._fill("discount_percent", percent=shown)
        return self._fill("discount_percent_capped", percent=shown, max=self._price(int(max_minor), currency))

    def prior_price(self, prior_minor: int | None, currency: str, days: int) -> str | None:
        """The lowest price of the prior ``days`` days, stated in the viewer's language (or None)."""
        if prior_minor is None:
            return None
        template = self.texts.prior_price
        if isinstance(template, dict):  # CLDR plural forms: Arabic says 7 أيام but 30 يومًا
            forms: dict[str, str] = {str(category): form for category, form in template.items()}
            template = forms.get(Locale.parse(self.locale).plural_form(days)) or forms["other"]
        return str(template).format(
            days=format_decimal(days, locale=self.locale), price=self._price(prior_minor, currency)
        )

    def disclosures(self, policy: CouponPolicy) -> list[str]:
        """The market's coupon disclosures in this language, else as the market's policy states them."""
        return list(self.texts.disclosures if self.texts.disclosures is not None else policy.disclosures)

    def valid_until(self, until: float) -> str:
        """ "Gültig bis 29.11.2026, 00:17:15 (Mitteleuropäische Zeit)"."""
        return self._fill("valid_until", until=self._date(until), time_zone=self._zone_name())

    def works(self, discount: str, min_spend_minor: int, currency: str, since: float, until: float) -> str:
        """Exactly what a claimed coupon is good for: discount, minimum spend, market, currency, window."""
        values = {
            "discount": discount,
            "market_name": self.market_name,
            "market": self.market,
            "currency": currency,
            "currency_name": get_currency_name(currency, locale=self.locale),
            "since": self._date(since),
            "until": self._date(until),
            "time_zone": self._zone_name(),
        }
        if min_spend_minor > 0:
            return self._fill("works", min_spend=self._price(min_spend_minor, currency), **values)
        return self._fill("works_no_minimum", **values)

    def _fill(self, key: str, **values: str) -> str:
        return str(getattr(self.texts, key)).format(**values)

    def _price(self, amount_minor: int, currency: str) -> str:
        return get_plugins().format_price(amount_minor, currency, self.locale)

    def _date(self, timestamp: float) -> str:
        return get_plugins().format_datetime(float(timestamp), self.time_zone, self.locale)

    def _zone_name(self) -> str:
        """The time zone's CLDR name in the language ("Mitteleuropäische Zeit"), else its IANA id.

        CLDR's generic name, or for a zone without daylight saving time whose generic name needs
        its city in parentheses ("Waktu Indonesia (Jakarta)") the standard one ("Waktu Indonesia
        Barat"), which is then always right and reads well inside the sentence's own parentheses.
        """
        try:
            zone = ZoneInfo(self.time_zone)
            name = str(get_timezone_name(zone, "long", zone_variant="generic", locale=self.locale))
            if "(" in name and not _observes_dst(zone):
                name = str(get_timezone_name(zone, "long", zone_variant="standard", locale=self.locale))
            return name
        except (LookupError, ValueError):
            return self.time_zone


def _observes_dst(zone: ZoneInfo) -> bool:
    """Whether the zone's UTC offset differs between January and July of this year."""
    year = time.gmtime().tm_year
    january, july = (datetime(year, month, 1, tzinfo=zone).utcoffset() for month in (1, 7))
    return january != july


def served_language(market: str, requested: str | None) -> str:
    """The language to word ``market``'s coupons in: ``requested`` if the market lists it, else its first."""
    languages = get_plugins().market_profile(market).languages
    return requested if requested in languages else languages[0]


def coupon_wording(market: str, language: str | None = None) -> CouponWording:
    """The coupon sentences for ``market``, in ``language`` (default: the market's first language).

    The market's own locale formats prices and dates in its first language; another of its
    languages uses CLDR's locale for that language in that territory (``es_US``), or the bare
    language when CLDR has none.
    """
    plugins = get_plugins()
    profile = plugins.market_profile(market)
    language = language or profile.languages[0]
    english = plugins.coupon_texts(profile.code, ENGLISH)
    if english is None or english.missing():
        raise PluginError("coupon-texts", f"no complete English coupon texts for {profile.code} to fall back on")
    fallback: tuple[str, ...] = ()
    if language == ENGLISH:
        texts = english
    else:
        own = plugins.coupon_texts(profile.code, language)
        base = english.model_copy(update={"disclosures": None})  # disclosures never fall back to English
        texts = own.merged_over(base) if own is not None else base
        fallback = tuple(key for key in COUPON_TEXT_PLACEHOLDERS if own is None or getattr(own, key) is None)
    return CouponWording(
        market=profile.code,
        language=language,
        locale=profile.locale if language == profile.languages[0] else _locale_for(language, profile.code),
        market_name=profile.name if language == profile.languages[0] else _territory_name(language, profile),
        time_zone=profile.time_zone,
        texts=texts,
        english=fallback,
    )


def _locale_for(language: str, territory: str) -> str:
    """CLDR's locale for ``language`` in ``territory`` (``zh-Hans`` + ``SG`` -> ``zh_Hans_SG``)."""
    base = language.replace("-", "_")
    for candidate in (f"{base}_{territory}", base):
        try:
            return str(Locale.parse(candidate))
        except (UnknownLocaleError, ValueError):
            continue
    return base


def _territory_name(language: str, profile: MarketProfile) -> str:
    """The market's name in ``language`` from CLDR, else the name its profile gives."""
    try:
        return str(Locale.parse(language.replace("-", "_")).territories.get(profile.code) or profile.name)
    except (UnknownLocaleError, ValueError):
        return profile.name


__all__ = [
    "CouponWording",
    "coupon_wording",
    "market_violations",
    "percent_of",
    "served_language",
    "validate_campaign",
]
