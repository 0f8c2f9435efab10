"""Claims: atomic, idempotent, checked at claim time, and answered in the viewer's terms."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from functions.coupons.campaigns import load_campaign
from functions.coupons.claims import claim_coupon, remaining_by_shard
from functions.coupons.models import Coupon
from functions.coupons.store import home_store
from functions.shared.errors import DomainError

from .coupon_helpers import new_key


def test_claim_says_where_and_until_when_in_the_viewers_terms(client, auth, create_campaign, claim):
    campaign = create_campaign()
    response = claim(campaign, sub="ayu", market="ID")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["code"].startswith("CPN1.") and body["holder_sub"] == "ayu"
    assert body["market"] == "ID" and body["currency"] == "IDR" and body["locale"] == "id_ID"
    assert body["discount_text"] == "Potongan Rp10.000"  # CLDR id_ID: IDR cash digits (0) for a whole amount
    assert body["min_spend_text"] == "Rp50.000"
    assert "Indonesia" in body["works"] and "Waktu Indonesia Barat" in body["works"]  # CLDR zone name
    assert body["valid_until"] == campaign["valid_until"]
    mine = client.get("/v1/coupons/mine", headers=auth("viewer", sub="ayu", market="ID")).json()
    assert [c["code"] for c in mine] == [body["code"]]
    assert client.get("/v1/coupons/mine", headers=auth("viewer", sub="nobody", market="ID")).json() == []


def test_retry_with_same_key_returns_the_same_coupon(create_campaign, claim):
    campaign = create_campaign(stock=3, per_user_limit=2)
    key = new_key()
    first = claim(campaign, sub="retry", key=key)
    again = claim(campaign, sub="retry", key=key)
    assert first.status_code == again.status_code == 201
    assert first.json()["code"] == again.json()["code"]
    assert _remaining(campaign) == 2  # the replay took no second unit
    # another user reusing the same key string gets their own coupon
    other = claim(campaign, sub="someone-else", key=key)
    assert other.status_code == 201 and other.json()["code_id"] != first.json()["code_id"]


def test_per_user_limit_and_exhaustion_change_nothing(create_campaign, claim):
    campaign = create_campaign(stock=2, per_user_limit=1)
    assert claim(campaign, sub="u1").status_code == 201
    limit = claim(campaign, sub="u1")
    assert limit.status_code == 409 and limit.json()["code"] == "per-user-limit-reached"
    assert claim(campaign, sub="u2").status_code == 201
    gone = claim(campaign, sub="u3")
    assert gone.status_code == 409 and gone.json()["code"] == "coupon-exhausted"
    assert _remaining(campaign) == 0
    assert _coupons_of(campaign) == 2


def test_claims_only_inside_the_flash_window(create_campaign, claim):
    now = time.time()
    upcoming = create_campaign(flash={"start": now + 300, "end": now + 600})
    early = claim(upcoming)
    assert early.status_code == 409 and early.json()["code"] == "claims-not-open"
    assert 250 < early.json()["starts_in_seconds"] <= 300
    over = create_campaign(flash={"start": now - 600, "end": now - 300})
    late = claim(over)
    assert late.status_code == 409 and late.json()["code"] == "claims-closed"
    assert _remaining(upcoming) == 5 and _remaining(over) == 5


def test_market_is_the_viewers_token_market(create_campaign, claim):
    campaign = create_campaign()
    wrong = claim(campaign, market="DE")
    assert wrong.status_code == 403 and wrong.json()["code"] == "market-not-eligible"
    none = claim(campaign, market=None)
    assert none.status_code == 403
    assert _remaining(campaign) == 5


def test_claim_needs_a_well_formed_idempotency_key_and_a_viewer(client, auth, create_campaign):
    campaign = create_campaign()
    path = f"/v1/coupons/rooms/{campaign['room_id']}/campaigns/{campaign['campaign_id']}/claims"
    viewer = auth("viewer", sub="k", market="ID")
    assert client.post(path, headers=viewer).json()["code"] == "idempotency-key-required"
    assert client.post(path, headers={**viewer, "Idempotency-Key": "short"}).status_code == 400
    assert client.post(path, headers={**viewer, "Idempotency-Key": "x" * 200}).status_code == 400
    assert client.post(path, headers={**viewer, "Idempotency-Key": "bad key with spaces"}).status_code == 400
    assert client.post(path, headers={"Idempotency-Key": new_key()}).status_code == 401
    merchant = client.post(path, headers={**auth("merchant", sub="m", market="ID"), "Idempotency-Key": new_key()})
    assert merchant.status_code == 403
    unknown = client.post(
        f"/v1/coupons/rooms/{campaign['room_id']}/campaigns/NoSuchCampaign1/claims",
        headers={**viewer, "Idempotency-Key": new_key()},
    )
    assert unknown.status_code == 404 and unknown.json()["code"] == "campaign-not-found"
    wrong_room = client.post(
        f"/v1/coupons/rooms/other-room/campaigns/{campaign['campaign_id']}/claims",
        headers={**viewer, "Idempotency-Key": new_key()},
    )
    assert wrong_room.status_code == 404
    assert _remaining(campaign) == 5


def test_concurrent_claimers_never_exceed_stock(create_campaign):
    # GIVEN 10 units over 4 shards and 60 different viewers claiming at once
    campaign = load_campaign(create_campaign(stock=10, stock_shards=4)["campaign_id"])
    store = home_store()

    def attempt(i: int) -> str:
        try:
            claim_coupon(store, campaign, f"crowd-{i}", "ID")
            return "granted"
        except DomainError as exc:
            return exc.code

    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = list(pool.map(attempt, range(60)))
    # THEN exactly the stock is granted, and the shards and coupons agree
    assert outcomes.count("granted") == 10
    assert set(outcomes) == {"granted", "coupon-exhausted"}
    assert sum(remaining_by_shard(store, campaign, consistent=True).values()) == 0
    assert sum(1 for _ in Coupon.scan(Coupon.campaign_id == campaign.campaign_id)) == 10


def test_concurrent_claims_of_one_user_never_pass_the_limit(create_campaign):
    campaign = load_campaign(create_campaign(stock=50, per_user_limit=3, stock_shards=8)["campaign_id"])
    store = home_store()

    def attempt(_: int) -> str:
        try:
            claim_coupon(store, campaign, "greedy", "ID")
            return "granted"
        except DomainError as exc:
            return exc.code

    with ThreadPoolExecutor(max_workers=12) as pool:
        outcomes = list(pool.map(attempt, range(24)))
    assert outcomes.count("granted") == 3
    assert set(outcomes) == {"granted", "per-user-limit-reached"}
    assert sum(remaining_by_shard(store, campaign, consistent=True).values()) == 47


def _remaining(campaign) -> int:
    return sum(remaining_by_shard(home_store(), load_campaign(campaign["campaign_id"]), consistent=True).values())


def _coupons_of(campaign) -> int:
    return sum(1 for _ in Coupon.scan(Coupon.campaign_id == campaign["campaign_id"]))


def test_after_sell_out_a_winners_retry_still_returns_its_coupon(create_campaign, claim):
    campaign = create_campaign(stock=1)
    key = new_key()
    won = claim(campaign, sub="winner", key=key)
    assert won.status_code == 201
    assert claim(campaign, sub="late").json()["code"] == "coupon-exhausted"  # the process now knows
    replay = claim(campaign, sub="winner", key=key)
    assert replay.status_code == 201 and replay.json()["code"] == won.json()["code"]
    again = claim(campaign, sub="late")
    assert again.status_code == 409 and again.json()["code"] == "coupon-exhausted"
    assert _coupons_of(campaign) == 1
