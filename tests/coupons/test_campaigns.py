"""Campaigns: the room's merchant creates them within each market's coupon law."""

from __future__ import annotations

import time

from .coupon_helpers import MERCHANT, campaign_body


def _post(client, auth, shop, sub=MERCHANT, **overrides):
    return client.post(
        f"/v1/coupons/rooms/{shop['room_id']}/campaigns",
        json=campaign_body(**overrides),
        headers=auth("merchant", sub=sub),
    )


def test_merchant_creates_a_campaign_shown_localized_with_countdown(client, auth, shop):
    now = time.time()
    response = _post(client, auth, shop, flash={"start": now + 120, "end": now + 600}, stock=40, stock_shards=4)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["stock_shards"] == 4 and body["remaining"] == 40
    assert body["countdown"]["state"] == "upcoming"
    assert 100 < body["countdown"]["starts_in_seconds"] <= 120
    terms = body["terms"][0]
    assert terms["market"] == "ID" and "10.000" in terms["discount"] and "Rp" in terms["discount"]
    # GET returns the server's clock and the seconds remaining
    read = client.get(f"/v1/coupons/rooms/{shop['room_id']}/campaigns/{body['campaign_id']}").json()
    assert read["countdown"]["server_time"] >= now
    assert read["countdown"]["ends_in_seconds"] > read["countdown"]["starts_in_seconds"]
    listed = client.get(f"/v1/coupons/rooms/{shop['room_id']}/campaigns").json()
    assert [c["campaign_id"] for c in listed] == [body["campaign_id"]]


def test_eu_campaign_needs_the_prior_price_and_shows_it(client, auth, shop):
    # GIVEN a German campaign without the lowest price of the prior 30 days
    refused = _post(
        client,
        auth,
        shop,
        markets=["DE"],
        currency="EUR",
        discount={"kind": "percent", "percent": 20},
        min_spend_minor=0,
    )
    # THEN it is refused naming the rule and the market
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["code"] == "campaign-violates-market-rules"
    assert any(v["rule"] == "prior-price-required" and v["market"] == "DE" for v in problem["violations"])
    assert "DE" in problem["detail"] and "prior-price-required" in problem["detail"]
    # WHEN the prior price is stated, the campaign is accepted and shows it with the disclosure
    ok = _post(
        client,
        auth,
        shop,
        markets=["DE"],
        currency="EUR",
        discount={"kind": "percent", "percent": 20},
        min_spend_minor=0,
        prior_price_minor=4999,
    )
    assert ok.status_code == 201, ok.text
    terms = ok.json()["terms"][0]
    assert "49,99" in terms["prior_price"] and "30" in terms["prior_price"]
    assert any("PAngV" in d for d in terms["disclosures"])


def test_discount_over_market_maximum_is_refused(client, auth, shop):
    response = _post(client, auth, shop, discount={"kind": "percent", "percent": 95})
    assert response.status_code == 422
    assert response.json()["violations"][0] == {
        "rule": "max-discount-percent",
        "market": "ID",
        "message": response.json()["violations"][0]["message"],
    }


def test_currency_must_be_the_markets_currency(client, auth, shop):
    mismatch = _post(client, auth, shop, currency="USD")
    assert mismatch.status_code == 422 and mismatch.json()["code"] == "currency-market-mismatch"
    unknown = _post(client, auth, shop, currency="XQZ")
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown-currency"
    mixed = _post(client, auth, shop, markets=["ID", "DE"], prior_price_minor=9_000_000)
    assert mixed.status_code == 422 and mixed.json()["market"] == "DE"


def test_bad_amounts_and_windows_are_refused(client, auth, shop):
    now = time.time()
    cases = [
        {"discount": {"kind": "fixed", "amount_minor": -5}},
        {"discount": {"kind": "fixed", "amount_minor": 10**15}},
        {"discount": {"kind": "fixed", "amount_minor": 1.5}},
        {"min_spend_minor": -1},
        {"stock": 0},
        {"stock": 10**9},
        {"per_user_limit": 0},
        {"valid_until": now - 10},
        {"valid_from": now + 10, "valid_until": now + 5},
        {"flash": {"start": now + 10, "end": now + 5}},
        {"markets": []},
        {"markets": ["ID", "ID"]},
        {"discount": {"kind": "fixed", "amount_minor": 9_000_000}},  # larger than the minimum spend
        {"markets": ["US"], "currency": "USD"},  # the room does not broadcast to US
        {"valid_until": now + 400 * 86_400},
    ]
    for overrides in cases:
        response = _post(client, auth, shop, **overrides)
        assert response.status_code == 422, (overrides, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    assert client.get(f"/v1/coupons/rooms/{shop['room_id']}/campaigns").json() == []


def test_only_the_rooms_merchant_creates_campaigns(client, auth, shop):
    other = _post(client, auth, shop, sub="someone-else")
    assert other.status_code == 403
    viewer = client.post(
        f"/v1/coupons/rooms/{shop['room_id']}/campaigns",
        json=campaign_body(),
        headers=auth("viewer", sub="v"),
    )
    assert viewer.status_code == 403
    anonymous = client.post(f"/v1/coupons/rooms/{shop['room_id']}/campaigns", json=campaign_body())
    assert anonymous.status_code == 401
    missing = client.post(
        "/v1/coupons/rooms/no-such-room/campaigns",
        json=campaign_body(),
        headers=auth("merchant", sub=MERCHANT),
    )
    assert missing.status_code == 404
    assert client.get(f"/v1/coupons/rooms/{shop['room_id']}/campaigns").json() == []
    assert client.get(f"/v1/coupons/rooms/{shop['room_id']}/campaigns/unknown-campaign").status_code == 404


def test_malformed_and_oversized_bodies_change_nothing(client, auth, shop):
    path = f"/v1/coupons/rooms/{shop['room_id']}/campaigns"
    headers = {**auth("merchant", sub=MERCHANT), "Content-Type": "application/json"}
    assert client.post(path, content=b"{not json", headers=headers).status_code == 422
    huge = campaign_body(title="x" * 100, markets=["ID"] * 1) | {"padding": "y" * 200_000}
    assert client.post(path, json=huge, headers=headers).status_code == 413
    extra = campaign_body() | {"surprise": 1}
    assert client.post(path, json=extra, headers=headers).status_code == 422
    assert client.get(path).json() == []


def test_a_check_campaign_plugin_can_refuse_with_its_rule(client, auth, shop):
    import pluggy

    from functions.shared.plugins import get_plugins

    hookimpl = pluggy.HookimplMarker("crosslive")
    seen = []

    class NoDeepDiscountsInId:
        @hookimpl
        def check_campaign(self, market, campaign):
            seen.append(campaign)
            if market == "ID" and (campaign["discount_percent"] or 0) > 50:
                return [{"rule": "ID-TEST-50", "market": "ID", "message": "over half off needs a permit"}]
            return []

    pm = get_plugins()
    pm.register(NoDeepDiscountsInId(), name="test-no-deep-discounts")
    try:
        refused = _post(client, auth, shop, discount={"kind": "percent", "percent": 60})
        allowed = _post(client, auth, shop, discount={"kind": "percent", "percent": 40})
    finally:
        pm.unregister(name="test-no-deep-discounts")
    assert refused.status_code == 422
    assert refused.json()["violations"] == [
        {"rule": "ID-TEST-50", "market": "ID", "message": "over half off needs a permit"}
    ]
    assert "ID-TEST-50" in refused.json()["detail"]
    assert allowed.status_code == 201
    assert seen[0]["market"] == "ID" and seen[0]["discount_kind"] == "percent" and seen[0]["currency"] == "IDR"


def test_a_coupon_title_passes_each_target_markets_rules_and_the_home_law(client, auth, shop):
    # a claim the home market's law (CN, art. 9(3)) bans: refused, naming the rule, nothing created
    absolute = _post(client, auth, shop, title="全网最低价 Rp 10.000 off")
    assert absolute.status_code == 422, absolute.text
    assert absolute.json()["code"] == "compliance-violation"
    assert [v["rule"] for v in absolute.json()["violations"]] == ["CN-AD-9-3-absolute"]
    # alcohol may not be advertised in ID: a coupon targeted at ID is refused with the market's rule
    beer = _post(client, auth, shop, title="Rp 10.000 off beer")
    assert beer.status_code == 422
    assert {(v["rule"], v["market"]) for v in beer.json()["violations"]} == {("ID-alcohol", "ID")}
    assert client.get(f"/v1/coupons/rooms/{shop['room_id']}/campaigns").json() == []
