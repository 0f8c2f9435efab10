"""Checkout integration: redeem a coupon on an order exactly once, and release it on cancellation.

The checkout system calls with a merchant (or admin) token and the customer's id. Every check
happens before anything is written; the write itself is one transaction in the home region that
flips the coupon ``claimed -> redeemed`` only if it is still ``claimed`` and records the
redemption, so two checkouts racing with one code cannot both win. Re-sending the same order is
answered with the existing redemption (a checkout retry is not a double redeem); any other order
gets 409.
"""

from __future__ import annotations

import copy
import secrets
import time

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from functions.coupons.campaigns import load_campaign
from functions.coupons.codes import parse_code, tag_matches
from functions.coupons.models import Campaign, Coupon, Redemption
from functions.coupons.money import discount_for, opt_int
from functions.coupons.schemas import RedeemIn, RedemptionOut
from functions.coupons.store import CouponStore, every_store, market_store
from functions.shared import stream
from functions.shared.auth import Principal
from functions.shared.errors import Conflict, Forbidden, Invalid, NotFound
from functions.shared.plugins import get_plugins


def _invalid_code() -> Invalid:
    return Invalid("coupon-code-invalid", "this is not a valid coupon code")


def _require_merchant(campaign: Campaign, principal: Principal) -> None:
    if principal.sub != campaign.merchant_sub and "admin" not in principal.roles:
        raise Forbidden("not-campaign-merchant", "only the campaign's merchant checkout may redeem or cancel")


def redemption_out(redemption: Redemption) -> RedemptionOut:
    locale = get_plugins().market_profile(redemption.market).locale
    fmt = get_plugins().format_price
    payable = int(redemption.order_total_minor) - int(redemption.discount_minor)
    return RedemptionOut(
        redemption_id=redemption.redemption_id,
        code_id=redemption.code_id,
        campaign_id=redemption.campaign_id,
        order_id=redemption.order_id,
        status=redemption.status,
        market=redemption.market,
        currency=redemption.currency,
        order_total_minor=int(redemption.order_total_minor),
        discount_minor=int(redemption.discount_minor),
        payable_minor=payable,
        discount_text="-" + fmt(int(redemption.discount_minor), redemption.currency, locale),
        payable_text=fmt(payable, redemption.currency, locale),
    )


def _existing_for_order(store: CouponStore, coupon: Coupon, order_id: str) -> Redemption | None:
    if coupon.status != "redeemed" or not coupon.redemption_id:
        return None
    try:
        existing = store.redemptions.get(coupon.redemption_id, consistent_read=True)
    except store.redemptions.DoesNotExist:
        return None
    return existing if existing.order_id == order_id and existing.status == "redeemed" else None


def redeem(body: RedeemIn, principal: Principal, now: float | None = None) -> tuple[Redemption, bool]:
    """Redeem ``body.code`` on the order; returns ``(redemption, created)``."""
    now = time.time() if now is None else now
    code_id, tag = parse_code(body.code)
    store, coupon = _find_coupon(code_id, body.market)
    if not tag_matches(tag, code_id, coupon.campaign_id, coupon.holder_sub):
        raise _invalid_code()
    if body.holder_sub != coupon.holder_sub:
        raise Forbidden("coupon-not-yours", "this coupon belongs to another customer")
    campaign = load_campaign(coupon.campaign_id, store=store)
    _require_merchant(campaign, principal)
    if body.market != coupon.market:
        raise Invalid(
            "coupon-market-mismatch",
            f"this coupon works in {coupon.market}, not {body.market}",
            coupon_market=coupon.market,
        )
    if body.currency != campaign.currency:
        raise Invalid(
            "coupon-currency-mismatch",
            f"this coupon is in {campaign.currency}, not {body.currency}",
            coupon_currency=campaign.currency,
        )
    if now < float(campaign.valid_from):
        raise Conflict("coupon-not-yet-valid", "this coupon is not valid yet")
    if now > float(campaign.valid_until):
        raise Conflict("coupon-expired", "this coupon has expired")
    if body.order_total_minor < int(campaign.min_spend_minor or 0):
        raise Invalid(
            "min-spend-not-met",
            "the order is below the coupon's minimum spend",
            min_spend_minor=int(campaign.min_spend_minor),
        )
    existing = _existing_for_order(store, coupon, body.order_id)
    if existing is not None:
        return existing, False
    if coupon.status != "claimed":
        raise Conflict("coupon-already-redeemed", "this coupon has already been used on another order")
    policy = get_plugins().coupon_policy(coupon.market)
    discount = discount_for(
        body.order_total_minor,
        kind=campaign.discount_kind,
        amount_minor=opt_int(campaign.discount_amount_minor),
        percent=opt_int(campaign.discount_percent),
        max_discount_minor=opt_int(campaign.max_discount_minor),
        rounding=policy.rounding,
    )
    redemption = store.redemptions(
        secrets.token_urlsafe(12),
        code_id=code_id,
        campaign_id=campaign.campaign_id,
        holder_sub=coupon.holder_sub,
        order_id=body.order_id,
        market=body.market,
        currency=body.currency,
        order_total_minor=body.order_total_minor,
        discount_minor=discount,
        status="redeemed",
        redeemed_by=principal.sub,
        redeemed_at=now,
    )
    C = store.coupons
    try:
        with TransactWrite(connection=store.connection) as tx:
            tx.update(
                coupon,
                actions=[C.status.set("redeemed"), C.redemption_id.set(redemption.redemption_id)],
                condition=C.status == "claimed",
            )
            tx.save(redemption, condition=store.redemptions.redemption_id.does_not_exist())
    except TransactWriteError as exc:
        coupon = store.coupons.get(code_id, consistent_read=True)
        existing = _existing_for_order(store, coupon, body.order_id)
        if existing is not None:  # the same order won a race with itself, or an applied attempt's answer was lost
            return existing, False
        if coupon.status == "claimed":  # nothing applied: a fault that outlasted the SDK's retries (503)
            raise
        raise Conflict("coupon-already-redeemed", "this coupon has already been used on another order") from exc
    stream.emit(None, redemption)  # written in the transaction: reported here (insights' GMV)
    return redemption, True


def _find_coupon(code_id: str, market: str) -> tuple[CouponStore, Coupon]:
    """The coupon and the store (residency zone) holding it: the order market's zone first, then
    the others (a coupon of another zone's market is then refused as a market mismatch)."""
    first = market_store(market)
    for store in [first, *(s for s in every_store() if s is not first)]:
        try:
            return store, store.coupons.get(code_id, consistent_read=True)
        except store.coupons.DoesNotExist:
            continue
    raise _invalid_code()


def _find_redemption(redemption_id: str) -> tuple[CouponStore, Redemption]:
    """A redemption and the store (residency zone) holding it."""
    for store in every_store():
        try:
            return store, store.redemptions.get(redemption_id, consistent_read=True)
        except store.redemptions.DoesNotExist:
            continue
    raise NotFound("redemption-not-found", f"no redemption {redemption_id!r}")


def load_redemption(redemption_id: str, principal: Principal) -> Redemption:
    store, redemption = _find_redemption(redemption_id)
    _require_merchant(load_campaign(redemption.campaign_id, store=store), principal)
    return redemption


def cancel(redemption_id: str, principal: Principal, now: float | None = None) -> Redemption:
    """The order was cancelled: the coupon is usable again by its holder (stock is not touched)."""
    now = time.time() if now is None else now
    store, redemption = _find_redemption(redemption_id)
    _require_merchant(load_campaign(redemption.campaign_id, store=store), principal)
    if redemption.status != "redeemed":
        raise Conflict("redemption-already-cancelled", "this redemption was already cancelled")
    coupon = store.coupons(redemption.code_id)
    C, R = store.coupons, store.redemptions
    try:
        with TransactWrite(connection=store.connection) as tx:
            tx.update(
                redemption,
                actions=[R.status.set("cancelled"), R.cancelled_at.set(now)],
                condition=R.status == "redeemed",
            )
            tx.update(
                coupon,
                actions=[C.status.set("claimed"), C.redemption_id.remove()],
                condition=C.redemption_id == redemption_id,
            )
    except TransactWriteError as exc:
        raise Conflict("redemption-already-cancelled", "this redemption was already cancelled") from exc
    before = copy.deepcopy(redemption)
    redemption.status = "cancelled"
    redemption.cancelled_at = now
    stream.emit(before, redemption)
    return redemption
