"""Campaign rules: the room's markets, the currency each market uses, and each market's coupon law.

Market plugins decide the law (``coupon_policy`` and ``check_campaign`` hooks); this module
applies it. A campaign that breaks a rule is refused as a whole with every violation listed, each
naming the rule and the market, e.g. the EU price-indication rule (Directive 98/6/EC art. 6a,
in Germany § 11 PAngV): an announced reduction must state the lowest price of the prior 30 days.
"""

from __future__ import annotations

import time
from typing import Any

from functions.coupons.money import percent_of, require_currency
from functions.coupons.schemas import CampaignCreate, FixedDiscount
from functions.rooms.models import Room
from functions.shared.errors import ApiError
from functions.shared.plugins import get_plugins
from plugins.manager import UnknownMarketError

MAX_VALIDITY_SECONDS = 366 * 24 * 3600


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
        raise ApiError(422, "campaign-window-past", "valid_until is in the past")
    if body.valid_until - max(now, body.valid_from) > MAX_VALIDITY_SECONDS:
        raise ApiError(422, "campaign-window-too-long", "a campaign may run at most 366 days")
    outside = [m for m in body.markets if m not in room.markets]
    if outside:
        raise ApiError(
            422, "market-not-in-room", f"the room does not broadcast to {', '.join(outside)}", markets=outside
        )
    require_currency(body.currency)
    plugins = get_plugins()
    for market in body.markets:
        try:
            profile = plugins.market_profile(market)
        except UnknownMarketError as exc:
            raise ApiError(422, "unknown-market", f"no enabled plugin provides market {market!r}") from exc
        if profile.currency != body.currency:
            raise ApiError(
                422,
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
        raise ApiError(
            422,
            "discount-exceeds-min-spend",
            "a fixed discount larger than the minimum spend would make orders free or negative",
        )
    violations = market_violations(body)
    if violations:
        first = violations[0]
        raise ApiError(
            422,
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


def discount_text(
    kind: str,
    amount_minor: int | None,
    percent: int | None,
    max_minor: int | None,
    currency: str,
    locale: str,
) -> str:
    """ "-€5.00" or "-15% (max €20.00)", localized with the price-formatting hook."""
    plugins = get_plugins()
    if kind == "fixed":
        return "-" + plugins.format_price(int(amount_minor or 0), currency, locale)
    text = f"-{percent}%"
    if max_minor is not None:
        text += f" (max {plugins.format_price(int(max_minor), currency, locale)})"
    return text


def prior_price_text(prior_minor: int | None, currency: str, locale: str, days: int) -> str | None:
    if prior_minor is None:
        return None
    price = get_plugins().format_price(prior_minor, currency, locale)
    return f"Lowest price of the prior {days} days: {price}"


__all__ = ["discount_text", "market_violations", "percent_of", "prior_price_text", "validate_campaign"]
