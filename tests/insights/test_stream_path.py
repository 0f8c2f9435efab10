"""Comments, claims and redemptions made through their APIs reach the figures through the stream."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from crosslive.dev import stream as local_stream
from tests.coupons.coupon_helpers import campaign_body

from .conftest import MERCHANT


def test_comment_claim_redeem_and_cancel_reach_the_funnel_and_gmv(
    live_room: dict[str, Any],
    client: Any,
    auth: Callable[..., dict[str, str]],
    figures: Callable[[str], dict[str, Any]],
) -> None:
    room_id = live_room["room_id"]
    # GIVEN a viewer in ID who comments, claims a coupon and buys with it
    viewer = auth("viewer", sub="ins-ayu", market="ID")
    posted = client.post(
        f"/v1/comments/rooms/{room_id}",
        json={"text": "Berapa harga kain ini?"},
        headers={**viewer, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert posted.status_code == 201, posted.text
    praised = client.post(
        f"/v1/comments/rooms/{room_id}",
        json={"text": "Bagus banget kainnya, saya suka!", "language": "id"},
        headers={**auth("viewer", sub="ins-budi", market="ID"), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert praised.status_code == 201, praised.text
    campaign = client.post(
        f"/v1/coupons/rooms/{room_id}/campaigns", json=campaign_body(), headers=auth("merchant", sub=MERCHANT)
    ).json()
    claimed = client.post(
        f"/v1/coupons/rooms/{room_id}/campaigns/{campaign['campaign_id']}/claims",
        headers={**viewer, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert claimed.status_code == 201, claimed.text
    order = {
        "code": claimed.json()["code"],
        "holder_sub": "ins-ayu",
        "order_id": f"o-{time.time_ns()}",
        "market": "ID",
        "currency": "IDR",
        "order_total_minor": 15_000_000,
    }
    redeemed = client.post("/v1/coupons/redemptions", json=order, headers=auth("merchant", sub=MERCHANT))
    assert redeemed.status_code == 201, redeemed.text
    # WHEN the stream has delivered those writes to the insights consumer
    assert local_stream.drain()
    # THEN the merchant's figures show each step of the funnel and the order's value
    data = figures(room_id)
    market = data["markets"]["ID"]
    assert market["counters"]["comments"] == 2
    assert market["counters"]["questions"] == 1
    assert market["counters"]["positive"] == 1 and market["counters"]["negative"] == 0  # scored in Indonesian
    assert any(v is not None and v > 0 for v in market["sentiment"].values())  # (positive − negative) ÷ comments
    assert market["counters"]["claims"] == 1
    assert market["counters"]["redemptions"] == 1
    assert data["funnel"]["ID"]["steps"] == {"joined": 0, "qualified": 0, "commented": 2, "claimed": 1, "redeemed": 1}
    assert data["total"]["gmv"]["markets"]["ID"] == {"amount_minor": 15_000_000, "currency": "IDR"}
    assert data["total"]["gmv"]["total_minor"] > 0
    # AND a cancelled order takes its value back out
    cancelled = client.post(
        f"/v1/coupons/redemptions/{redeemed.json()['redemption_id']}/cancel", headers=auth("merchant", sub=MERCHANT)
    )
    assert cancelled.status_code == 200, cancelled.text
    assert local_stream.drain()
    again = figures(room_id)
    assert again["markets"]["ID"]["counters"]["redemptions"] == 0
    assert again["total"]["gmv"]["markets"]["ID"]["amount_minor"] == 0
