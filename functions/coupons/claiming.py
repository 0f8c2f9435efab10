"""A viewer's claim request: eligibility, then one grant, its outcome a function of its key.

``claim`` is what ``POST /rooms/{room}/campaigns/{id}/claims`` runs. The claim's idempotency
record (``functions.shared.idempotency``, in the home region's table) is looked up first:

* ``done``: the coupon it names is the answer (a retry after a lost answer, a duplicate);
* ``refused``: the same refusal again (403 ``market-not-eligible``, 403 ``not-in-segment``,
  409 ``claims-closed``, ``per-user-limit-reached``, ``coupon-exhausted``), so a retry never gets
  another code than the first answer;
* none: check eligibility and grant (``claims.claim_coupon``: the coupon, whose id is derived from
  the key, and the ``done`` record are written in the grant's transaction).

Not recorded, because the same request may rightly succeed later: 409 ``claims-not-open`` (before
the sale; the viewer's page only offers the claim once it opens) and 503 (contention or a fault
that outlasted the SDK's retries: nothing was granted, or the retry finds the record).

Sold out (every shard seen empty by this process, final since stock never returns): a claim with
no record is refused from memory with one read and no write; a retry of a winner still finds its
record.
"""

from __future__ import annotations

import time
from typing import Any

from functions.coupons.activity import check_segment
from functions.coupons.campaigns import claim_window, markets_of
from functions.coupons.claims import claim_coupon, exhausted, known_sold_out
from functions.coupons.codes import claim_code_id
from functions.coupons.models import Campaign
from functions.coupons.store import CouponStore, campaign_store
from functions.coupons.wallet import coupon_out
from functions.shared.auth import Principal
from functions.shared.errors import Conflict, Forbidden
from functions.shared.idempotency import (
    AlreadyDone,
    IdempotencyRecord,
    done_record,
    find,
    record_id,
    refuse,
    result_of,
)

NOT_RECORDED = frozenset({"claims-not-open"})


def claim(campaign: Campaign, principal: Principal, idempotency_key: str) -> dict[str, Any]:
    """The claim's answer (the coupon as its holder sees it), or its refusal raised."""
    store = campaign_store(campaign)  # its markets' residency zone's home
    rid = record_id("claim", campaign.campaign_id, principal.sub, idempotency_key)
    record = find(store.requests, rid)
    if record is not None:
        return _answer(store, campaign, record)
    if known_sold_out(store, campaign):
        raise exhausted()
    code_id = claim_code_id(campaign.campaign_id, principal.sub, idempotency_key)
    try:
        market = _eligible_market(campaign, principal, time.time())
        coupon = claim_coupon(
            store,
            campaign,
            principal.sub,
            market,
            time.time(),
            code_id=code_id,
            record=done_record(store.requests, rid, {"code_id": code_id}),
        )
    except AlreadyDone as done:
        return _answer(store, campaign, done.record)
    except (Forbidden, Conflict) as refusal:
        if refusal.code in NOT_RECORDED:
            raise
        try:
            raise refuse(store.requests, rid, refusal) from refusal
        except AlreadyDone as done:  # a concurrent attempt of this key was granted first
            return _answer(store, campaign, done.record)
    return coupon_out(coupon, campaign).model_dump(mode="json")


def _answer(store: CouponStore, campaign: Campaign, record: IdempotencyRecord) -> dict[str, Any]:
    data = result_of(record)  # raises a stored refusal
    coupon = store.coupons.get(str(data["code_id"]), consistent_read=True)
    return coupon_out(coupon, campaign).model_dump(mode="json")


def _eligible_market(campaign: Campaign, principal: Principal, now: float) -> str:
    """The caller's market if the campaign may grant them a coupon now; else the refusal."""
    market = principal.market
    if not market or market not in campaign.markets:
        raise Forbidden(
            "market-not-eligible",
            f"this campaign runs in {', '.join(markets_of(campaign))}, not in {market or 'no market'}",
        )
    start, end = claim_window(campaign)
    if now < start:
        raise Conflict("claims-not-open", "the sale has not started yet", starts_in_seconds=round(start - now, 3))
    if now >= end:
        raise Conflict("claims-closed", "the sale is over")
    check_segment(campaign, principal.sub, now, market)
    return market
