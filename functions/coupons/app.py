"""Coupons API: campaigns (merchant), claims (viewer), redemption (checkout), viewer activity.

Routes (all under ``/v1/coupons``; see ``docs/coupons.md`` for request/response examples):

* ``POST /rooms/{room}/campaigns`` (room's merchant), ``GET /rooms/{room}/campaigns[/{id}]``
* ``POST /rooms/{room}/campaigns/{id}/claims`` (viewer, ``Idempotency-Key`` header), ``GET /mine``
* ``POST /redemptions``, ``GET /redemptions/{id}``, ``POST /redemptions/{id}/cancel`` (checkout:
  the campaign's merchant or an admin)
* ``POST /rooms/{room}/visits``, ``POST /rooms/{room}/shares``, ``POST /shares/{id}/opens`` (viewer
  activity behind the new / lapsed / sharers segments)
"""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response

from functions.coupons.activity import create_share, open_share, record_visit
from functions.coupons.campaigns import campaign_out, create_campaign, load_campaign
from functions.coupons.claiming import claim
from functions.coupons.history import holder_coupons
from functions.coupons.models import Campaign
from functions.coupons.redemptions import cancel, load_redemption, redeem, redemption_out
from functions.coupons.schemas import (
    CampaignCreate,
    CampaignOut,
    ClaimOut,
    RedeemIn,
    RedemptionOut,
    ShareOut,
    VisitOut,
)
from functions.coupons.wallet import coupon_out
from functions.coupons.warm import warm_in_background
from functions.rooms.access import ROOM_ID_PATTERN, get_room, require_owner
from functions.shared.app import create_app, lambda_handler
from functions.shared.auth import Principal, require_role
from functions.shared.errors import Invalid
from functions.shared.idempotency import IdempotencyKey

router = APIRouter(prefix="/v1/coupons", tags=["coupons"])
Merchant = Annotated[Principal, Depends(require_role("merchant"))]
Viewer = Annotated[Principal, Depends(require_role("viewer"))]
RoomId = Annotated[str, Path(pattern=ROOM_ID_PATTERN)]
Id = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{8,64}$")]
# The language of the texts, if the market has it (SG: en, zh-Hans, ms); else the market's first.
Language = Annotated[str | None, Query(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]


@router.post(
    "/rooms/{room_id}/campaigns",
    status_code=201,
    response_model=CampaignOut,
    summary="Create a coupon campaign (the room's merchant)",
)
def post_campaign(room_id: RoomId, body: CampaignCreate, principal: Merchant) -> CampaignOut:
    room = get_room(room_id)
    require_owner(room, principal)
    campaign = create_campaign(body, room, principal.sub)
    return campaign_out(campaign, remaining=int(campaign.stock))


@router.get("/rooms/{room_id}/campaigns", response_model=list[CampaignOut], summary="A room's campaigns (public)")
def list_campaigns(
    room_id: RoomId,
    market: Annotated[str | None, Query(pattern=r"^[A-Z]{2}$")] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
    language: Language = None,
) -> list[CampaignOut]:
    get_room(room_id)
    warm_in_background()  # a viewer reads the campaigns before claiming: have the claim path's clients ready
    now = time.time()
    found = Campaign.by_room.query(room_id, scan_index_forward=False, limit=limit)
    return [
        campaign_out(c, now, markets=[market] if market else None, language=language)
        for c in found
        if market is None or market in c.markets
    ]


@router.get(
    "/rooms/{room_id}/campaigns/{campaign_id}",
    response_model=CampaignOut,
    summary="A campaign with its server-side countdown (public)",
)
def get_campaign(
    room_id: RoomId,
    campaign_id: Id,
    market: Annotated[str | None, Query(pattern=r"^[A-Z]{2}$")] = None,
    language: Language = None,
) -> CampaignOut:
    campaign = load_campaign(campaign_id, room_id)
    if market is not None and market not in campaign.markets:
        raise Invalid("market-not-in-campaign", f"this campaign does not run in {market}")
    return campaign_out(campaign, markets=[market] if market else None, language=language)


@router.post(
    "/rooms/{room_id}/campaigns/{campaign_id}/claims",
    status_code=201,
    response_model=ClaimOut,
    summary="Claim a coupon (viewer; send an Idempotency-Key)",
)
def post_claim(room_id: RoomId, campaign_id: Id, principal: Viewer, key: IdempotencyKey) -> dict[str, Any]:
    return claim(load_campaign(campaign_id, room_id), principal, key)


@router.get("/mine", response_model=list[ClaimOut], summary="The caller's coupons, newest first")
def my_coupons(
    principal: Viewer, limit: Annotated[int, Query(ge=1, le=100)] = 50, language: Language = None
) -> list[ClaimOut]:
    coupons = holder_coupons(principal.sub, principal.market, limit)
    return [coupon_out(c, load_campaign(c.campaign_id), language) for c in coupons]


@router.post(
    "/redemptions",
    status_code=201,
    response_model=RedemptionOut,
    summary="Redeem a coupon on an order (checkout: merchant or admin)",
)
def post_redemption(body: RedeemIn, principal: Merchant, response: Response) -> RedemptionOut:
    redemption, created = redeem(body, principal)
    if not created:
        response.status_code = 200
    return redemption_out(redemption)


@router.get("/redemptions/{redemption_id}", response_model=RedemptionOut, summary="A redemption (checkout)")
def get_redemption(redemption_id: Id, principal: Merchant) -> RedemptionOut:
    return redemption_out(load_redemption(redemption_id, principal))


@router.post(
    "/redemptions/{redemption_id}/cancel",
    response_model=RedemptionOut,
    summary="The order was cancelled: release the coupon to its holder (checkout)",
)
def cancel_redemption(redemption_id: Id, principal: Merchant) -> RedemptionOut:
    return redemption_out(cancel(redemption_id, principal))


@router.post("/rooms/{room_id}/visits", response_model=VisitOut, summary="Record that the caller is watching")
def post_visit(room_id: RoomId, principal: Viewer) -> VisitOut:
    room = get_room(room_id)
    activity = record_visit(room, principal.sub, market=principal.market)
    return VisitOut(
        room_id=room_id,
        first_seen=activity.first_seen,
        last_seen=activity.last_seen,
        gap_before_last=activity.gap_before_last,
    )


@router.post(
    "/rooms/{room_id}/shares",
    status_code=201,
    response_model=ShareOut,
    summary="Make a share link of the room (counts once someone else opens it)",
)
def post_share(room_id: RoomId, principal: Viewer) -> ShareOut:
    link = create_share(get_room(room_id), principal.sub, market=principal.market)
    return ShareOut(share_id=link.share_id, room_id=room_id, url_path=f"/watch/{room_id}?share={link.share_id}")


@router.post("/shares/{share_id}/opens", response_model=ShareOut, summary="Someone opened a share link")
def post_share_open(share_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{16,64}$")], principal: Viewer) -> ShareOut:
    link, counted = open_share(share_id, principal)
    return ShareOut(
        share_id=link.share_id,
        room_id=link.room_id,
        url_path=f"/watch/{link.room_id}?share={share_id}",
        counted=counted,
    )


app = create_app("coupons", "Coupons and flash sales: campaigns, claims, redemption")
app.include_router(router)
handler = lambda_handler(app, "coupons")
