"""Eligibility segments, fed by the viewer's history (presence, claims, redemptions) and by shares
that someone else, seen in the room, opened."""

from __future__ import annotations

import time
import uuid

from functions.coupons.activity import DAY, OPENS_CREDITED_PER_OPENER, record_visit
from functions.coupons.models import Coupon, Redemption, ViewerActivity
from functions.coupons.presence import SESSION_GAP_SECONDS, activity_key
from functions.rooms.access import get_room

from .coupon_helpers import MERCHANT


def test_new_viewer_segment(client, auth, create_campaign, claim, shop):
    campaign = create_campaign(segment={"kind": "new", "days": 7})
    # a viewer first seen 30 days ago is not new
    ViewerActivity(
        activity_key(MERCHANT, "old-timer"),
        first_seen=time.time() - 30 * DAY,
        last_seen=time.time() - 60,
        gap_before_last=0,
    ).save()
    refused = claim(campaign, sub="old-timer")
    assert refused.status_code == 403 and refused.json()["code"] == "not-in-segment"
    # a viewer who just arrived is
    visit = client.post(f"/v1/coupons/rooms/{shop['room_id']}/visits", headers=auth("viewer", sub="newcomer"))
    assert visit.status_code == 200
    assert claim(campaign, sub="newcomer").status_code == 201


def test_lapsed_viewer_segment_survives_the_returning_visit(client, auth, create_campaign, claim, shop):
    campaign = create_campaign(segment={"kind": "lapsed", "days": 14})
    room = get_room(shop["room_id"])
    now = time.time()
    record_visit(room, "returning", now=now - 40 * DAY)
    record_visit(room, "regular", now=now - 2 * DAY)
    # both come back to the live room now
    for sub in ("returning", "regular"):
        assert (
            client.post(f"/v1/coupons/rooms/{shop['room_id']}/visits", headers=auth("viewer", sub=sub)).status_code
            == 200
        )
    assert claim(campaign, sub="returning").status_code == 201
    refused = claim(campaign, sub="regular")
    assert refused.status_code == 403 and refused.json()["segment"] == "lapsed"
    never_seen = claim(campaign, sub="stranger")
    assert never_seen.status_code == 403


def test_a_visit_within_a_session_does_not_reset_the_gap(shop):
    room = get_room(shop["room_id"])
    now = time.time()
    record_visit(room, "steady", now=now - 20 * DAY)
    record_visit(room, "steady", now=now - 10)
    again = record_visit(room, "steady", now=now)
    assert SESSION_GAP_SECONDS < again.gap_before_last >= 20 * DAY - 10 - 1


def comment_in(client, auth):
    def post(room_id: str, sub: str, market: str = "ID") -> None:
        headers = {**auth("viewer", sub=sub, market=market), "Idempotency-Key": uuid.uuid4().hex}
        response = client.post(f"/v1/comments/rooms/{room_id}", json={"text": "hello from here"}, headers=headers)
        assert response.status_code == 201, response.text

    return post


def test_sharers_segment_needs_someone_else_to_open_the_link(client, auth, create_campaign, claim, shop):
    comment = comment_in(client, auth)
    campaign = create_campaign(segment={"kind": "sharers"})
    share = client.post(f"/v1/coupons/rooms/{shop['room_id']}/shares", headers=auth("viewer", sub="sharer"))
    assert share.status_code == 201
    share_id = share.json()["share_id"]
    # sharing alone, or opening one's own link, does not count
    assert claim(campaign, sub="sharer").status_code == 403
    own = client.post(f"/v1/coupons/shares/{share_id}/opens", headers=auth("viewer", sub="sharer"))
    assert own.status_code == 422 and own.json()["code"] == "own-share"
    assert claim(campaign, sub="sharer").status_code == 403
    # a friend opens it before the platform saw them in the room: it does not count yet
    friend = auth("viewer", sub="friend", market="ID")
    early = client.post(f"/v1/coupons/shares/{share_id}/opens", headers=friend)
    assert early.status_code == 409 and early.json()["code"] == "opener-not-present"
    assert early.headers["Retry-After"] == "10"
    assert claim(campaign, sub="sharer").status_code == 403
    # the friend comments in the room (the platform saw them): now the open counts, once
    comment(shop["room_id"], "friend")
    opened = client.post(f"/v1/coupons/shares/{share_id}/opens", headers=friend)
    assert opened.status_code == 200 and opened.json()["counted"] is True
    again = client.post(f"/v1/coupons/shares/{share_id}/opens", headers=friend)
    assert again.status_code == 200 and again.json()["counted"] is True
    assert claim(campaign, sub="sharer").status_code == 201
    assert claim(campaign, sub="friend").status_code == 403


def test_activity_endpoints_refuse_bad_input(client, auth):
    assert client.post("/v1/coupons/rooms/no-such-room/visits", headers=auth("viewer", sub="v")).status_code == 404
    assert client.post("/v1/coupons/rooms/no-such-room/shares", headers=auth("viewer", sub="v")).status_code == 404
    assert client.post("/v1/coupons/rooms/no-such-room/visits").status_code == 401
    unknown = client.post("/v1/coupons/shares/" + "a" * 22 + "/opens", headers=auth("viewer", sub="v"))
    assert unknown.status_code == 404 and unknown.json()["code"] == "share-not-found"
    assert client.post("/v1/coupons/shares/bad!/opens", headers=auth("viewer", sub="v")).status_code == 422


def test_a_comment_is_presence_the_platform_saw(client, auth, shop):
    comment_in(client, auth)(shop["room_id"], "talker")
    seen = ViewerActivity.get(activity_key(MERCHANT, "talker"))
    assert seen.present_rooms == {shop["room_id"]}
    # a page-reported visit is presence but not proof of being in the room
    client.post(f"/v1/coupons/rooms/{shop['room_id']}/visits", headers=auth("viewer", sub="lurker"))
    assert not ViewerActivity.get(activity_key(MERCHANT, "lurker")).present_rooms


def _backdate(code_id: str, claimed_at: float) -> None:
    Coupon.get(code_id).update(actions=[Coupon.claimed_at.set(claimed_at)])


def test_a_claim_45_days_ago_without_any_visit_is_lapsed_not_new(client, auth, create_campaign, claim, shop):
    earlier = create_campaign(title="Earlier room's offer")
    granted = claim(earlier, sub="old-buyer")
    assert granted.status_code == 201
    _backdate(granted.json()["code_id"], time.time() - 45 * DAY)
    assert not list(ViewerActivity.scan(ViewerActivity.activity_key == activity_key(MERCHANT, "old-buyer")))
    new = create_campaign(segment={"kind": "new", "days": 7})
    refused = claim(new, sub="old-buyer")
    assert refused.status_code == 403 and refused.json()["segment"] == "new"
    lapsed = create_campaign(segment={"kind": "lapsed", "days": 30})
    assert claim(lapsed, sub="old-buyer").status_code == 201
    # a viewer with no history at all is new, not lapsed
    assert claim(create_campaign(segment={"kind": "lapsed", "days": 30}), sub="stranger").status_code == 403


def test_an_old_redemption_admits_to_a_lapsed_campaign(client, auth, create_campaign, claim, checkout, shop):
    earlier = create_campaign(title="Spring offer")
    coupon = claim(earlier, sub="shopper").json()
    redeemed = client.post(
        "/v1/coupons/redemptions",
        json={
            "code": coupon["code"],
            "holder_sub": "shopper",
            "order_id": "order-old-1",
            "market": "ID",
            "currency": "IDR",
            "order_total_minor": 6_000_000,
        },
        headers=checkout(),
    )
    assert redeemed.status_code == 201, redeemed.text
    now = time.time()
    _backdate(coupon["code_id"], now - 70 * DAY)
    Redemption.get(redeemed.json()["redemption_id"]).update(actions=[Redemption.redeemed_at.set(now - 40 * DAY)])
    # back now, watching: the silence before this session is 40 days (since the redemption)
    comment_in(client, auth)(shop["room_id"], "shopper")
    assert claim(create_campaign(segment={"kind": "lapsed", "days": 45}), sub="shopper").status_code == 403
    assert claim(create_campaign(segment={"kind": "lapsed", "days": 30}), sub="shopper").status_code == 201


def test_an_opener_outside_the_rooms_markets_does_not_count(client, auth, shop):
    share = client.post(f"/v1/coupons/rooms/{shop['room_id']}/shares", headers=auth("viewer", sub="sharer-x"))
    far = client.post(
        f"/v1/coupons/shares/{share.json()['share_id']}/opens", headers=auth("viewer", sub="abroad", market="JP")
    )
    assert far.status_code == 403 and far.json()["code"] == "opener-market-not-in-room"


def test_a_ring_of_fresh_accounts_unlocks_nothing_beyond_the_bound(client, auth, create_campaign, claim, shop):
    campaign = create_campaign(segment={"kind": "sharers"}, stock=20)
    ring = [f"ring-{i}" for i in range(4)]
    links = {
        sub: client.post(f"/v1/coupons/rooms/{shop['room_id']}/shares", headers=auth("viewer", sub=sub)).json()[
            "share_id"
        ]
        for sub in ring
    }

    def open_all(opener: str, sharers: list[str]) -> list[int]:
        return [
            client.post(f"/v1/coupons/shares/{links[s]}/opens", headers=auth("viewer", sub=opener, market="ID"))
            for s in sharers
            if s != opener
        ]

    # fresh accounts that never watched open each other's links: nothing counts
    for opener in ring:
        assert {r.json()["code"] for r in open_all(opener, ring)} == {"opener-not-present"}
    assert [claim(campaign, sub=s).status_code for s in ring] == [403] * 4
    # one sock puppet that did show up in the room opens every link: it credits one sharer only
    comment_in(client, auth)(shop["room_id"], "sock")
    answers = open_all("sock", ring)
    assert [r.status_code for r in answers] == [200] * 4
    assert sum(r.json()["counted"] for r in answers) == OPENS_CREDITED_PER_OPENER == 1
    granted = [s for s in ring if claim(campaign, sub=s).status_code == 201]
    assert granted == ["ring-0"]
    # the ring members show up too and open each other's links: each credits at most one sharer,
    # so present accounts get at most one sharer each (a person with N watching accounts: N)
    for member in ring:
        comment_in(client, auth)(shop["room_id"], member)
    for member in ring:
        assert sum(r.json()["counted"] for r in open_all(member, ring)) <= OPENS_CREDITED_PER_OPENER
    sharers = [s for s in ring if ViewerActivity.get(activity_key(MERCHANT, s)).sharer_rooms]
    credits = [s for s in ring if ViewerActivity.get(activity_key(MERCHANT, s)).credited_rooms]
    assert len(sharers) <= len(credits) + 1  # + the sock puppet's one
