"""A holder's view of a coupon: the code, and exactly where and until when it works, localized."""

from __future__ import annotations

from functions.coupons.campaigns import discount_of, market_terms
from functions.coupons.codes import issue_code
from functions.coupons.models import Campaign, Coupon
from functions.coupons.schemas import ClaimOut
from functions.shared.plugins import get_plugins


def coupon_out(coupon: Coupon, campaign: Campaign) -> ClaimOut:
    plugins = get_plugins()
    profile = plugins.market_profile(coupon.market)
    terms = market_terms(campaign, coupon.market)
    until = plugins.format_datetime(float(campaign.valid_until), profile.time_zone, profile.locale)
    since = plugins.format_datetime(float(campaign.valid_from), profile.time_zone, profile.locale)
    works = (
        f"{terms.discount} on orders from {terms.min_spend} in {profile.name} ({coupon.market}), "
        f"paid in {campaign.currency}, at this room's shop, from {since} until {until} ({profile.time_zone})"
    )
    return ClaimOut(
        code=issue_code(coupon.code_id, coupon.campaign_id, coupon.holder_sub),
        code_id=coupon.code_id,
        campaign_id=coupon.campaign_id,
        room_id=campaign.room_id,
        holder_sub=coupon.holder_sub,
        market=coupon.market,
        currency=campaign.currency,
        locale=profile.locale,
        discount=discount_of(campaign),
        discount_text=terms.discount,
        min_spend_minor=int(campaign.min_spend_minor or 0),
        min_spend_text=terms.min_spend,
        valid_from=float(campaign.valid_from),
        valid_until=float(campaign.valid_until),
        valid_until_text=until,
        disclosures=terms.disclosures + ([terms.prior_price] if terms.prior_price else []),
        works=works,
        status=coupon.status,
    )
