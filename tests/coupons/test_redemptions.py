"""Redemption: the checkout integration validates everything and redeems exactly once."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from functions.coupons.codes import issue_code, new_code_id
from functions.coupons.redemptions import redeem
from functions.coupons.schemas import RedeemIn
from functions.shared.auth import Principal
from functions.shared.errors import DomainError

from .coupon_helpers import MERCHANT

PATH = "/v1/coupons/redemptions"


@pytest.fixture
def held(create_campaign, claim):
    """A campaign (5% off IDR, min spend Rp50.000, max Rp20.000) and a coupon held by ``buyer``."""
    campaign = create_campaign(
        discount={"kind": "percent", "percent": 15, "max_discount_minor": 2_000_000},
        stock=3,
        per_user_limit=1,
    )
    coupon = claim(campaign, sub="buyer", market="ID").json()
    return campaign, coupon


def order(coupon, **overrides):
    body = {
        "code": coupon["code"],
        "holder_sub": "buyer",
        "order_id": f"o-{time.time_ns()}",
        "market": "ID",
        "currency": "IDR",
        "order_total_minor": 10_000_050,
    }
    body.update(overrides)
    return body


def _status(client, auth, coupon):
    mine = client.get("/v1/coupons/mine", headers=auth("viewer", sub="buyer", market="ID")).json()
    return next(c["status"] for c in mine if c["code_id"] == coupon["code_id"])


def test_redeem_once_rounded_by_market_rule_then_cancel_releases(client, auth, checkout, held):
    _, coupon = held
    body = order(coupon)
    first = client.post(PATH, json=body, headers=checkout())
    assert first.status_code == 201, first.text
    redemption = first.json()
    # 15% of 10,000,050 minor = 1,500,007.5 -> half_up (ID's rule) = 1,500,008
    assert redemption["discount_minor"] == 1_500_008
    assert redemption["payable_minor"] == 10_000_050 - 1_500_008
    assert redemption["payable_text"].startswith("Rp")
    assert _status(client, auth, coupon) == "redeemed"
    # the checkout retrying the same order gets the same redemption, not a second one
    retry = client.post(PATH, json=body, headers=checkout())
    assert retry.status_code == 200 and retry.json()["redemption_id"] == redemption["redemption_id"]
    # another order with the same coupon is refused
    double = client.post(PATH, json=order(coupon), headers=checkout())
    assert double.status_code == 409 and double.json()["code"] == "coupon-already-redeemed"
    # the order is cancelled: the coupon is usable again, and a second cancel is refused
    cancelled = client.post(f"{PATH}/{redemption['redemption_id']}/cancel", headers=checkout())
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert _status(client, auth, coupon) == "claimed"
    again = client.post(f"{PATH}/{redemption['redemption_id']}/cancel", headers=checkout())
    assert again.status_code == 409 and again.json()["code"] == "redemption-already-cancelled"
    reused = client.post(PATH, json=order(coupon), headers=checkout())
    assert reused.status_code == 201
    read = client.get(f"{PATH}/{reused.json()['redemption_id']}", headers=checkout())
    assert read.status_code == 200 and read.json()["status"] == "redeemed"


def test_percent_discount_is_capped(client, checkout, held):
    _, coupon = held
    big = client.post(PATH, json=order(coupon, order_total_minor=100_000_000), headers=checkout())
    assert big.status_code == 201 and big.json()["discount_minor"] == 2_000_000


def test_racing_checkouts_redeem_exactly_once(client, checkout, held):
    _, coupon = held
    bodies = [order(coupon, order_id=f"race-{i}") for i in range(12)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(lambda b: client.post(PATH, json=b, headers=checkout()).status_code, bodies))
    assert statuses.count(201) == 1
    assert statuses.count(409) == 11


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"holder_sub": "thief"}, 403, "coupon-not-yours"),
        ({"market": "DE"}, 422, "coupon-market-mismatch"),
        ({"currency": "EUR"}, 422, "coupon-currency-mismatch"),
        ({"order_total_minor": 4_999_999}, 422, "min-spend-not-met"),
        ({"order_total_minor": -5}, 422, "validation-failed"),
        ({"order_total_minor": 10**15}, 422, "validation-failed"),
        ({"currency": "XQZ"}, 422, "coupon-currency-mismatch"),
        ({"code": "CPN1.not-a-code"}, 422, "coupon-code-malformed"),
        ({"code": "x" * 500}, 422, "validation-failed"),
        ({"order_id": "bad id with spaces"}, 422, "validation-failed"),
    ],
)
def test_bad_redemptions_change_nothing(client, auth, checkout, held, overrides, status, code):
    _, coupon = held
    response = client.post(PATH, json=order(coupon, **overrides), headers=checkout())
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert _status(client, auth, coupon) == "claimed"


def test_forged_and_foreign_codes_are_refused(client, auth, checkout, held):
    campaign, coupon = held
    code_id, tag = coupon["code"].split(".")[1:]
    # a tag changed by one character
    flipped = tag[:-1] + ("A" if tag[-1] != "A" else "B")
    forged = client.post(PATH, json=order(coupon, code=f"CPN1.{code_id}.{flipped}"), headers=checkout())
    assert forged.status_code == 422 and forged.json()["code"] == "coupon-code-invalid"
    # a well-formed code for an id that was never issued (signed with the right key, even)
    made_up = issue_code(new_code_id(), campaign["campaign_id"], "buyer")
    assert client.post(PATH, json=order(coupon, code=made_up), headers=checkout()).json()["code"] == (
        "coupon-code-invalid"
    )
    # the holder's own code re-signed for another user does not verify either
    rebound = issue_code(code_id, campaign["campaign_id"], "thief")
    stolen = client.post(PATH, json=order(coupon, code=rebound, holder_sub="thief"), headers=checkout())
    assert stolen.status_code == 422
    # another merchant's checkout cannot redeem this shop's coupon; a viewer cannot call checkout
    foreign = client.post(PATH, json=order(coupon), headers=checkout("other-merchant"))
    assert foreign.status_code == 403 and foreign.json()["code"] == "not-campaign-merchant"
    assert client.post(PATH, json=order(coupon), headers=auth("viewer", sub="buyer", market="ID")).status_code == 403
    assert client.post(PATH, json=order(coupon)).status_code == 401
    assert _status(client, auth, coupon) == "claimed"
    # unknown redemption ids
    assert client.post(f"{PATH}/no-such-redemption/cancel", headers=checkout()).status_code == 404
    assert client.get(f"{PATH}/no-such-redemption", headers=checkout()).status_code == 404


def test_admin_may_redeem_and_other_merchant_may_not_cancel(client, auth, checkout, held):
    _, coupon = held
    done = client.post(PATH, json=order(coupon), headers=auth("admin", sub="ops"))
    assert done.status_code == 201
    rid = done.json()["redemption_id"]
    assert client.post(f"{PATH}/{rid}/cancel", headers=checkout("other-merchant")).status_code == 403
    assert client.get(f"{PATH}/{rid}", headers=checkout(MERCHANT)).json()["status"] == "redeemed"


def test_expired_and_not_yet_valid_coupons(create_campaign, claim):
    campaign = create_campaign()
    coupon = claim(campaign, sub="buyer").json()
    body = RedeemIn.model_validate(order(coupon, order_total_minor=6_000_000))
    merchant = Principal(sub=MERCHANT, roles=frozenset({"merchant"}))
    with pytest.raises(DomainError) as expired:
        redeem(body, merchant, now=campaign["valid_until"] + 1)
    assert expired.value.code == "coupon-expired"
    with pytest.raises(DomainError) as early:
        redeem(body, merchant, now=campaign["valid_from"] - 1)
    assert early.value.code == "coupon-not-yet-valid"
    redemption, created = redeem(body, merchant)
    assert created and redemption.status == "redeemed"
