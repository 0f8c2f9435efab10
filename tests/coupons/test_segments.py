"""Eligibility segments, fed by visits and by shares that someone else opened."""

from __future__ import annotations

import time

from functions.coupons.activity import DAY, SESSION_GAP_SECONDS, activity_key, record_visit
from functions.coupons.models import ViewerActivity
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


def test_sharers_segment_needs_someone_else_to_open_the_link(client, auth, create_campaign, claim, shop):
    campaign = create_campaign(segment={"kind": "sharers"})
    share = client.post(f"/v1/coupons/rooms/{shop['room_id']}/shares", headers=auth("viewer", sub="sharer"))
    assert share.status_code == 201
    share_id = share.json()["share_id"]
    # sharing alone, or opening one's own link, does not count
    assert claim(campaign, sub="sharer").status_code == 403
    own = client.post(f"/v1/coupons/shares/{share_id}/opens", headers=auth("viewer", sub="sharer"))
    assert own.status_code == 422 and own.json()["code"] == "own-share"
    assert claim(campaign, sub="sharer").status_code == 403
    # a friend opens it: now the sharer qualifies (the friend does not)
    opened = client.post(f"/v1/coupons/shares/{share_id}/opens", headers=auth("viewer", sub="friend"))
    assert opened.status_code == 200
    assert claim(campaign, sub="sharer").status_code == 201
    assert claim(campaign, sub="friend").status_code == 403


def test_activity_endpoints_refuse_bad_input(client, auth):
    assert client.post("/v1/coupons/rooms/no-such-room/visits", headers=auth("viewer", sub="v")).status_code == 404
    assert client.post("/v1/coupons/rooms/no-such-room/shares", headers=auth("viewer", sub="v")).status_code == 404
    assert client.post("/v1/coupons/rooms/no-such-room/visits").status_code == 401
    unknown = client.post("/v1/coupons/shares/" + "a" * 22 + "/opens", headers=auth("viewer", sub="v"))
    assert unknown.status_code == 404 and unknown.json()["code"] == "share-not-found"
    assert client.post("/v1/coupons/shares/bad!/opens", headers=auth("viewer", sub="v")).status_code == 422
