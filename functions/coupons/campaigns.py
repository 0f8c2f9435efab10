"""Campaign creation, lookup and the localized, countdown-bearing view of a campaign."""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from typing import Literal

from pynamodb.exceptions import PutError

from functions.coupons.claims import create_stock, default_shards, remaining_by_shard
from functions.coupons.models import Campaign
from functions.coupons.money import opt_int
from functions.coupons.policy import coupon_wording, served_language, validate_campaign
from functions.coupons.schemas import (
    CampaignCreate,
    CampaignOut,
    Countdown,
    FixedDiscount,
    Flash,
    MarketTerms,
    PercentDiscount,
    Segment,
)
from functions.coupons.store import CouponStore, campaign_store, campaign_zone, home_store, zone_store
from functions.rooms.access import Room, find_room
from functions.shared.errors import Conflict, NotFound
from functions.shared.plugins import get_plugins

_cache_lock = threading.Lock()
_cache: OrderedDict[str, Campaign] = OrderedDict()
CACHE_SIZE = 2048


def create_campaign(body: CampaignCreate, room: Room, merchant_sub: str) -> Campaign:
    """Validate against the room and every target market's rules, then write campaign and stock."""
    zone = campaign_zone(body.markets)  # one residency zone per campaign: its stock lives there
    validate_campaign(body, room)
    if body.segment.show is not None:
        show = find_room(body.segment.show)
        if show is None or show.merchant_sub != merchant_sub:  # another merchant's room reads as missing
            raise NotFound("show-not-found", f"no show {body.segment.show!r} of yours to win viewers back from")
    store = zone_store(zone)
    campaign_id = secrets.token_urlsafe(12)
    shards = create_stock(store, campaign_id, body.stock, body.stock_shards or default_shards(body.stock))
    discount = body.discount
    campaign = store.campaigns(
        campaign_id,
        room_id=room.room_id,
        merchant_sub=merchant_sub,
        title=body.title,
        markets=list(body.markets),
        currency=body.currency,
        discount_kind=discount.kind,
        discount_amount_minor=discount.amount_minor if isinstance(discount, FixedDiscount) else None,
        discount_percent=discount.percent if isinstance(discount, PercentDiscount) else None,
        max_discount_minor=discount.max_discount_minor if isinstance(discount, PercentDiscount) else None,
        min_spend_minor=body.min_spend_minor,
        prior_price_minor=body.prior_price_minor,
        stock=body.stock,
        shards=shards,
        per_user_limit=body.per_user_limit,
        valid_from=body.valid_from,
        valid_until=body.valid_until,
        flash_start=body.flash.start if body.flash else None,
        flash_end=body.flash.end if body.flash else None,
        segment=body.segment.kind,
        segment_days=body.segment.days,
        segment_show=body.segment.show,
        created_at=time.time(),
    )
    try:
        campaign.save(condition=store.campaigns.campaign_id.does_not_exist())
    except PutError as exc:
        raise Conflict("campaign-exists", "campaign id collision, retry") from exc
    return campaign


def load_campaign(campaign_id: str, room_id: str | None = None, store: CouponStore | None = None) -> Campaign:
    """A campaign (immutable, so cached per process), from the local replica or else its home."""
    with _cache_lock:
        campaign = _cache.get(campaign_id)
    if campaign is None:
        try:
            campaign = Campaign.get(campaign_id)
        except Campaign.DoesNotExist:
            home = store or home_store()
            try:  # just created in the home region and not replicated here yet
                campaign = home.campaigns.get(campaign_id, consistent_read=True)
            except home.campaigns.DoesNotExist as exc:
                raise NotFound("campaign-not-found", f"no campaign {campaign_id!r}") from exc
        with _cache_lock:
            _cache[campaign_id] = campaign
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    if room_id is not None and campaign.room_id != room_id:
        raise NotFound("campaign-not-found", f"no campaign {campaign_id!r} in room {room_id!r}")
    return campaign


def claim_window(campaign: Campaign) -> tuple[float, float]:
    """When claims are accepted: the flash sale if there is one, else the validity window."""
    start = campaign.flash_start if campaign.flash_start is not None else campaign.valid_from
    end = campaign.flash_end if campaign.flash_end is not None else campaign.valid_until
    return float(start), float(end)


def countdown(campaign: Campaign, now: float) -> Countdown:
    start, end = claim_window(campaign)
    state: Literal["upcoming", "live", "ended"] = "upcoming" if now < start else ("live" if now < end else "ended")
    return Countdown(
        state=state,
        server_time=now,
        starts_in_seconds=round(max(0.0, start - now), 3),
        ends_in_seconds=round(max(0.0, end - now), 3),
    )


def discount_of(campaign: Campaign) -> FixedDiscount | PercentDiscount:
    if campaign.discount_kind == "fixed":
        return FixedDiscount(kind="fixed", amount_minor=int(campaign.discount_amount_minor or 0))
    return PercentDiscount(
        kind="percent",
        percent=int(campaign.discount_percent or 0),
        max_discount_minor=int(campaign.max_discount_minor) if campaign.max_discount_minor else None,
    )


def market_terms(campaign: Campaign, market: str, language: str | None = None) -> MarketTerms:
    """How the campaign reads in ``market``: every sentence in its language (``policy.coupon_wording``)."""
    plugins = get_plugins()
    policy = plugins.coupon_policy(market)
    wording = coupon_wording(market, language)
    return MarketTerms(
        market=market,
        locale=wording.locale,
        language=wording.language,
        discount=wording.discount(
            campaign.discount_kind,
            opt_int(campaign.discount_amount_minor),
            opt_int(campaign.discount_percent),
            opt_int(campaign.max_discount_minor),
            campaign.currency,
        ),
        min_spend=plugins.format_price(int(campaign.min_spend_minor or 0), campaign.currency, wording.locale),
        prior_price=wording.prior_price(
            opt_int(campaign.prior_price_minor), campaign.currency, policy.prior_price_days
        ),
        disclosures=wording.disclosures(policy),
    )


def campaign_out(
    campaign: Campaign,
    now: float | None = None,
    markets: list[str] | None = None,
    remaining: int | None = None,
    language: str | None = None,
) -> CampaignOut:
    """The campaign with its countdown and, per market, its terms worded in that market's language
    (``language`` where the market lists it, e.g. ``zh-Hans`` in SG; else the market's first)."""
    now = time.time() if now is None else now
    if remaining is None:
        remaining = sum(remaining_by_shard(campaign_store(campaign), campaign).values())
    flash = Flash(start=campaign.flash_start, end=campaign.flash_end) if campaign.flash_start is not None else None
    return CampaignOut(
        campaign_id=campaign.campaign_id,
        room_id=campaign.room_id,
        title=campaign.title,
        markets=markets_of(campaign),
        currency=campaign.currency,
        discount=discount_of(campaign),
        min_spend_minor=int(campaign.min_spend_minor or 0),
        prior_price_minor=int(campaign.prior_price_minor) if campaign.prior_price_minor is not None else None,
        stock=int(campaign.stock),
        remaining=remaining,
        stock_shards=int(campaign.shards),
        per_user_limit=int(campaign.per_user_limit),
        valid_from=float(campaign.valid_from),
        valid_until=float(campaign.valid_until),
        flash=flash,
        segment=Segment(
            kind=campaign.segment,  # type: ignore[arg-type]
            days=int(campaign.segment_days) if campaign.segment_days is not None else None,
            show=campaign.segment_show,
        ),
        countdown=countdown(campaign, now),
        terms=[market_terms(campaign, m, served_language(m, language)) for m in (markets or markets_of(campaign))],
    )


def markets_of(campaign: Campaign) -> list[str]:
    return [str(m) for m in campaign.markets]
