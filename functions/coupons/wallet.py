"""A holder's view of a coupon: the code, and exactly where and until when it works, localized.

Every sentence is in the language of the market the coupon is bound to (``policy.coupon_wording``).
"""

from __future__ import annotations

from functions.coupons.campaigns import discount_of, market_terms
from functions.coupons.codes import issue_code
from functions.coupons.models import Campaign, Coupon
from functions.coupons.policy import coupon_wording, served_language
from functions.coupons.schemas import ClaimOut


def coupon_out(coupon: Coupon, campaign: Campaign, language: str | None = None) -> ClaimOut:
    """The coupon as its holder sees it, worded in ``language`` if its market lists it, else the market's first."""
    wording = coupon_wording(coupon.market, served_language(coupon.market, language))
    terms = market_terms(campaign, coupon.market, wording.language)
    min_spend = int(campaign.min_spend_minor or 0)
    works = wording.works(
        terms.discount, min_spend, campaign.currency, float(campaign.valid_from), float(campaign.valid_until)
    )
    return ClaimOut(
        code=issue_code(coupon.code_id, coupon.campaign_id, coupon.holder_sub),
        code_id=coupon.code_id,
        campaign_id=coupon.campaign_id,
        room_id=campaign.room_id,
        holder_sub=coupon.holder_sub,
        market=coupon.market,
        currency=campaign.currency,
        locale=wording.locale,
        language=wording.language,
        discount=discount_of(campaign),
        discount_text=terms.discount,
        min_spend_minor=min_spend,
        min_spend_text=terms.min_spend,
        valid_from=float(campaign.valid_from),
        valid_until=float(campaign.valid_until),
        valid_until_text=wording.valid_until(float(campaign.valid_until)),
        disclosures=terms.disclosures + ([terms.prior_price] if terms.prior_price else []),
        works=works,
        status=coupon.status,
    )
