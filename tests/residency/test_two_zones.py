"""Two residency zones at runtime: an EU viewer's data is stored only in the EU zone's tables.

The embedded platform runs with its functions and default zone in ap-southeast-1 and an "eu" zone
(DE, FR) whose tables are created in eu-central-1: moto keeps one backend per region in this
process, so each region's tables can be scanned like a real region's. The user's path is the
API's: a German and an Indonesian viewer comment and claim, the merchant sees both comments and
redeems a German coupon, exports the chat per zone. Then every table of ap-southeast-1 is scanned
for the German viewer's id: nothing there may mention them.

The platform is this module's own (its own moto server, table prefix and regions); it is stopped
after the module, which restores the session's platform environment (``EmbeddedPlatform.stop``).
Never ``mock_aws()`` here: moto's backends are process-global.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import botocore.client
import pytest
from fastapi.testclient import TestClient

from crosslive.dev import stream as local_stream
from crosslive.dev.platform import EmbeddedPlatform
from functions.insights.feed import FEED_SIGNATURE_HEADER
from functions.insights.fold import viewer_key
from functions.shared import signing
from functions.shared.config import get_settings
from functions.shared.pseudonyms import pseudonym
from tests.conftest import BUILTIN_PLUGINS

DEFAULT_REGION, EU_REGION = "ap-southeast-1", "eu-central-1"
ZONES = {"eu": {"home": EU_REGION, "regions": [EU_REGION], "markets": ["DE", "FR"]}}
PREFIX = "crosslive-res"
MERCHANT = "res-merchant"
EU_VIEWER = "res-viewer-de-7f3a"  # distinctive: any item mentioning it is found by a text search
ID_VIEWER = "res-viewer-id-91c2"


@pytest.fixture(scope="module")
def zoned() -> Iterator[EmbeddedPlatform]:
    platform = EmbeddedPlatform(
        port=0, plugins=BUILTIN_PLUGINS, aws_region=DEFAULT_REGION, table_prefix=PREFIX, zones=ZONES
    )
    platform.configure()
    try:
        yield platform
    finally:
        platform.stop()


@pytest.fixture(scope="module")
def api(zoned: EmbeddedPlatform) -> Iterator[TestClient]:
    with TestClient(zoned.asgi_app(), raise_server_exceptions=False) as client:
        yield client


def bearer(platform: EmbeddedPlatform, sub: str, role: str, market: str | None, name: str = "") -> dict[str, str]:
    return {"Authorization": f"Bearer {platform.issuer.issue(sub, role, market=market, name=name or sub)}"}


def dynamodb(platform: EmbeddedPlatform, region: str) -> Any:
    return boto3.client("dynamodb", region_name=region, endpoint_url=platform.dynamodb.endpoint)


def tables_mentioning(platform: EmbeddedPlatform, region: str, text: str) -> dict[str, int]:
    """Every table of ``region`` (this module's prefix) with items whose stored form contains ``text``."""
    client = dynamodb(platform, region)
    found: dict[str, int] = {}
    names = [n for n in client.list_tables()["TableNames"] if n.startswith(f"{PREFIX}-")]
    assert names, f"no tables in {region}"
    for name in names:
        for page in client.get_paginator("scan").paginate(TableName=name):
            hits = sum(text in json.dumps(item, ensure_ascii=False) for item in page["Items"])
            if hits:
                found[name] = found.get(name, 0) + hits
    return found


@pytest.fixture(scope="module")
def show(zoned: EmbeddedPlatform, api: TestClient) -> dict[str, Any]:
    """A room for ID and DE; each viewer comments; a DE campaign; the German viewer claims."""
    merchant = bearer(zoned, MERCHANT, "merchant", "CN", "Res Shop")
    room = api.post(
        "/v1/rooms",
        headers={**merchant, "Idempotency-Key": f"res-room-{time.time_ns()}"},
        json={"title": "Residency live", "markets": ["ID", "DE"], "home_market": "CN", "host_language": "en"},
    )
    assert room.status_code == 201, room.text
    room_id = room.json()["room_id"]
    comments = {}
    for sub, market, text in ((EU_VIEWER, "DE", "Gibt es den Schal in Blau?"), (ID_VIEWER, "ID", "Ada warna biru?")):
        posted = api.post(
            f"/v1/comments/rooms/{room_id}",
            headers={**bearer(zoned, sub, "viewer", market), "Idempotency-Key": f"res-{sub}-0001"},
            json={"text": text},
        )
        assert posted.status_code == 201, posted.text
        comments[market] = posted.json()
    now = time.time()
    campaign = api.post(
        f"/v1/coupons/rooms/{room_id}/campaigns",
        headers={**merchant, "Idempotency-Key": f"res-campaign-{time.time_ns()}"},
        json={
            "title": "Blau -20 %",
            "markets": ["DE"],
            "currency": "EUR",
            "discount": {"kind": "percent", "percent": 20},
            "min_spend_minor": 0,
            "prior_price_minor": 4999,
            "stock": 3,
            "per_user_limit": 1,
            "valid_from": now - 60,
            "valid_until": now + 3600,
        },
    )
    assert campaign.status_code == 201, campaign.text
    campaign_id = campaign.json()["campaign_id"]
    claimed = api.post(
        f"/v1/coupons/rooms/{room_id}/campaigns/{campaign_id}/claims",
        headers={**bearer(zoned, EU_VIEWER, "viewer", "DE"), "Idempotency-Key": "res-claim-de-0001"},
    )
    assert claimed.status_code == 201, claimed.text
    return {
        "room_id": room_id,
        "merchant": merchant,
        "comments": comments,
        "campaign_id": campaign_id,
        "coupon": claimed.json(),
    }


def test_the_eu_viewers_comment_and_claim_are_stored_only_in_the_eu_zone(zoned, api, show):
    # GIVEN a German viewer who commented and claimed a coupon (the ``show`` fixture, through the API)
    # THEN the eu zone's tables in eu-central-1 hold their comment, coupon, holding and records
    eu = tables_mentioning(zoned, EU_REGION, EU_VIEWER)
    for table in ("comments", "coupons", "coupon-viewers"):
        assert f"{PREFIX}-eu-{table}" in eu, eu
    assert all(name.startswith(f"{PREFIX}-eu-") for name in eu), eu
    stock = dynamodb(zoned, EU_REGION).scan(TableName=f"{PREFIX}-eu-coupon-stock")["Items"]
    assert sum(int(i["remaining"]["N"]) for i in stock if i["campaign_id"]["S"] == show["campaign_id"]) == 2
    holding = dynamodb(zoned, EU_REGION).get_item(
        TableName=f"{PREFIX}-eu-coupon-holdings", Key={"holding_key": {"S": f"{show['campaign_id']}#{EU_VIEWER}"}}
    )
    assert int(holding["Item"]["claimed"]["N"]) == 1
    # AND no table of the default zone's region (ap-southeast-1) mentions them: not the comment,
    # not the coupon, not presence, moderation counters, idempotency records or insights
    assert tables_mentioning(zoned, DEFAULT_REGION, EU_VIEWER) == {}
    # AND the spam counters keep even the hash of their account id in the zone only
    hashed = pseudonym(EU_VIEWER)
    assert f"{PREFIX}-eu-moderation-counters" in tables_mentioning(zoned, EU_REGION, hashed)
    assert tables_mentioning(zoned, DEFAULT_REGION, hashed) == {}
    # AND the campaign's definition (not personal) stays global, in the default region
    definition = dynamodb(zoned, DEFAULT_REGION).get_item(
        TableName=f"{PREFIX}-coupon-campaigns", Key={"campaign_id": {"S": show["campaign_id"]}}
    )
    assert definition["Item"]["markets"]["L"] == [{"S": "DE"}]


def test_the_id_viewers_comment_is_stored_in_the_default_zone(zoned, show):
    default = tables_mentioning(zoned, DEFAULT_REGION, ID_VIEWER)
    assert f"{PREFIX}-comments" in default, default
    assert tables_mentioning(zoned, EU_REGION, ID_VIEWER) == {}


def test_the_merchant_sees_every_zones_comments_and_redeems_the_german_coupon(zoned, api, show):
    room_id, merchant = show["room_id"], show["merchant"]
    # WHEN the merchant opens the host list and the room's comment list
    host = api.get(f"/v1/comments/rooms/{room_id}/host", headers=merchant)
    assert host.status_code == 200, host.text
    authors = {item["author_sub"] for item in host.json()["items"]}
    # THEN both viewers' comments are there, read from both zones (read, not stored elsewhere)
    assert {EU_VIEWER, ID_VIEWER} <= authors
    listed = api.get(f"/v1/comments/rooms/{room_id}", headers=merchant, params={"order": "oldest"})
    ids = [c["comment_id"] for c in listed.json()["items"]]
    assert ids == sorted(ids) and show["comments"]["DE"]["comment_id"] in ids
    # AND the German viewer sees their coupon in their wallet
    mine = api.get("/v1/coupons/mine", headers=bearer(zoned, EU_VIEWER, "viewer", "DE"))
    assert [c["campaign_id"] for c in mine.json()] == [show["campaign_id"]]
    # WHEN checkout redeems it on a euro order
    body = {
        "code": show["coupon"]["code"],
        "holder_sub": EU_VIEWER,
        "order_id": "res-order-1",
        "market": "DE",
        "currency": "EUR",
        "order_total_minor": 5000,
    }
    redeemed = api.post("/v1/coupons/redemptions", headers=merchant, json=body)
    assert redeemed.status_code == 201, redeemed.text
    assert redeemed.json()["discount_minor"] == 1000
    again = api.post("/v1/coupons/redemptions", headers=merchant, json={**body, "order_id": "res-order-2"})
    assert again.status_code == 409 and again.json()["code"] == "coupon-already-redeemed"
    read = api.get(f"/v1/coupons/redemptions/{redeemed.json()['redemption_id']}", headers=merchant)
    assert read.status_code == 200 and read.json()["order_id"] == "res-order-1"
    # THEN the redemption is in the eu zone's table and nowhere in the default region
    assert f"{PREFIX}-eu-coupon-redemptions" in tables_mentioning(zoned, EU_REGION, "res-order-1")
    assert tables_mentioning(zoned, DEFAULT_REGION, "res-order-1") == {}
    assert tables_mentioning(zoned, DEFAULT_REGION, EU_VIEWER) == {}


def test_a_campaign_across_two_zones_is_refused(zoned, api, show):
    now = time.time()
    mixed = api.post(
        f"/v1/coupons/rooms/{show['room_id']}/campaigns",
        headers={**show["merchant"], "Idempotency-Key": f"res-mixed-{time.time_ns()}"},
        json={
            "title": "Everywhere",
            "markets": ["ID", "DE"],
            "currency": "EUR",
            "discount": {"kind": "percent", "percent": 10},
            "min_spend_minor": 0,
            "prior_price_minor": 4999,
            "stock": 3,
            "per_user_limit": 1,
            "valid_from": now - 60,
            "valid_until": now + 3600,
        },
    )
    assert mixed.status_code == 422, mixed.text
    assert mixed.json()["code"] == "campaign-spans-zones"


def test_a_moderators_mute_of_the_eu_viewer_is_stored_and_applied_in_their_zone(zoned, api, show):
    room_id = show["room_id"]
    url = f"/v1/moderation/rooms/{room_id}/sanctions/{EU_VIEWER}"
    # without the account's market the zone is unknown: refused, nothing stored
    unknown = api.put(url, headers=show["merchant"], json={"kind": "mute"})
    assert unknown.status_code == 422 and unknown.json()["code"] == "market-required"
    muted = api.put(url, headers=show["merchant"], json={"kind": "mute", "market": "DE"})
    assert muted.status_code == 200, muted.text
    again = api.post(
        f"/v1/comments/rooms/{room_id}",
        headers={**bearer(zoned, EU_VIEWER, "viewer", "DE"), "Idempotency-Key": "res-muted-0001"},
        json={"text": "Hallo?"},
    )
    assert again.status_code == 403 and again.json()["code"] == "author-muted"
    eu = tables_mentioning(zoned, EU_REGION, EU_VIEWER)
    assert {f"{PREFIX}-eu-moderation-sanctions", f"{PREFIX}-eu-moderation-audit"} <= set(eu), eu
    assert tables_mentioning(zoned, DEFAULT_REGION, EU_VIEWER) == {}
    audit = api.get(f"/v1/moderation/rooms/{room_id}/audit", headers=show["merchant"])
    assert [e["target_sub"] for e in audit.json()] == [EU_VIEWER]


@contextmanager
def dynamodb_requests() -> Iterator[list[tuple[str, str]]]:
    """Every DynamoDB request made meanwhile in this process: (operation, table name)."""
    seen: list[tuple[str, str]] = []
    real = botocore.client.BaseClient._make_api_call

    def recording(self: Any, operation: str, params: dict[str, Any]) -> Any:
        if self.meta.service_model.service_name == "dynamodb":
            seen.append((operation, str(params.get("TableName") or sorted(params.get("RequestItems") or ()))))
        return real(self, operation, params)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(botocore.client.BaseClient, "_make_api_call", recording)
        yield seen


def test_the_eu_markets_insights_are_aggregated_inside_the_zone(zoned, api, show):
    room_id, merchant = show["room_id"], show["merchant"]
    # GIVEN the show live, each viewer watching from a media node (besides their comment and the
    # German viewer's claim, from the ``show`` fixture)
    assert api.patch(f"/v1/rooms/{room_id}", headers=merchant, json={"status": "live"}).status_code == 200
    # (the German viewer leaves after 5 s: a win-back member, who left before qualifying)
    now = time.time()
    sessions = [
        {"room_id": room_id, "market": market, "sub": sub, "event": "start", "at": now - 20}
        for sub, market in ((EU_VIEWER, "DE"), (ID_VIEWER, "ID"))
    ]
    left = [{"room_id": room_id, "market": "DE", "sub": EU_VIEWER, "event": "end", "at": now - 15}]
    for batch, part in enumerate((sessions, left), start=int(now * 1000)):
        body = json.dumps({"node_id": "res-node", "batch": batch, "sessions": part}).encode()
        fed = api.post(
            "/v1/insights/internal/node-feed",
            content=body,
            headers={"Content-Type": "application/json", FEED_SIGNATURE_HEADER: signing.sign(body)},
        )
        assert fed.status_code == 202, fed.text
    assert local_stream.drain(10)  # the consumers (insights, the zone's figures) have every record
    # THEN the German viewer's pseudonymous key is in the eu zone's distinct sets and viewer items
    # only: no table of the default zone's region holds it
    key = viewer_key(room_id, EU_VIEWER)
    eu = tables_mentioning(zoned, EU_REGION, key)
    assert {f"{PREFIX}-eu-insights-distinct", f"{PREFIX}-eu-insights-viewers"} <= set(eu), eu
    assert tables_mentioning(zoned, DEFAULT_REGION, key) == {}
    assert f"{PREFIX}-insights-distinct" in tables_mentioning(zoned, DEFAULT_REGION, viewer_key(room_id, ID_VIEWER))
    # WHEN the merchant's console reads the live figures and the win-back counts from a function
    # outside the zone (ap-southeast-1)
    with dynamodb_requests() as requests:
        live = api.get(f"/v1/insights/rooms/{room_id}/live", headers=merchant)
        winback = api.get(f"/v1/insights/rooms/{room_id}/winback", headers=merchant)
    assert live.status_code == 200 and winback.status_code == 200, (live.text, winback.text)
    # THEN it read none of the eu zone's insights tables: the zone's figures come counted from the
    # zone (the hot questions show the room's comments, of every zone: display, docs/residency.md)
    touched = {table for _, table in requests}
    assert not [t for t in touched if f"{PREFIX}-eu-insights-" in t], touched
    assert f"{PREFIX}-eu-comments" in touched
    assert f"{PREFIX}-insights-zone-figures" in touched
    # AND they are the whole room's: both markets reached, each one commented, the German claimed
    figures = live.json()
    assert figures["markets"]["DE"]["reach"] == 1 and figures["markets"]["ID"]["reach"] == 1
    assert figures["total"]["reach"] == 2
    steps = {m: figures["funnel"][m]["steps"] for m in ("DE", "ID")}
    assert (steps["DE"]["commented"], steps["DE"]["claimed"]) == (1, 1)
    assert (steps["ID"]["commented"], steps["ID"]["claimed"]) == (1, 0)
    assert set(figures["zones_counted_at"]) == {"eu"}
    counts = winback.json()
    assert counts["markets"]["DE"]["left-before-qualifying"] == 1 and counts["markets"]["ID"]["members"] == 0
    assert counts["total"]["members"] == 1
    assert set(counts["zones_counted_at"]) == {"eu"}
    # AND the counts that left the zone name nobody: no key, no account id
    rows = dynamodb(zoned, DEFAULT_REGION).scan(TableName=f"{PREFIX}-insights-zone-figures")["Items"]
    stored = json.dumps(rows)
    assert room_id in stored and key not in stored and EU_VIEWER not in stored
    # WHEN the merchant targets the segment with a coupon: each zone's part is published by a
    # function inside that zone (the zone's route), the default zone's by the origin's
    publish = f"/v1/insights/rooms/{room_id}/winback/publish"
    outside = api.post(publish, headers=merchant, params={"zone": "eu"})
    assert outside.status_code == 421 and outside.json()["code"] == "publish-outside-zone", outside.text
    with dynamodb_requests() as requests:
        default_part = api.post(publish, headers=merchant)
    assert default_part.json() == {"room_id": room_id, "zone": "default", "members": 0, "added": 0, "removed": 0}
    assert not [t for _, t in requests if f"{PREFIX}-eu-" in t]
    eu_part = api.post(f"/zones/eu{publish}", headers=merchant, params={"zone": "eu"})
    assert eu_part.json() == {"room_id": room_id, "zone": "eu", "members": 1, "added": 1, "removed": 0}, eu_part.text
    # THEN the German member is admitted in the eu zone's coupon-viewers, and still nowhere in the
    # default zone's region
    admitted = dynamodb(zoned, EU_REGION).scan(TableName=f"{PREFIX}-eu-coupon-viewers")["Items"]
    assert any(EU_VIEWER in json.dumps(i) and room_id in json.dumps(i.get("winback_rooms", {})) for i in admitted)
    assert tables_mentioning(zoned, DEFAULT_REGION, EU_VIEWER) == {}


def test_each_zones_chat_export_is_produced_in_that_zone(zoned, api, show):
    room_id, merchant = show["room_id"], show["merchant"]
    ended = api.patch(f"/v1/rooms/{room_id}", headers=merchant, json={"status": "ended"})
    assert ended.status_code == 200, ended.text
    # the default zone's export, from this (ap-southeast-1) function: the Indonesian viewer only
    default = api.get(f"/v1/comments/rooms/{room_id}/export.csv", headers=merchant)
    assert default.status_code == 200, default.text
    assert ID_VIEWER in default.text and EU_VIEWER not in default.text
    assert default.headers["crosslive-residency-zones"] == "eu"
    # the eu zone's export is not produced outside the zone: the answer names where to ask
    refused = api.get(f"/v1/comments/rooms/{room_id}/export.csv", headers=merchant, params={"zone": "eu"})
    assert refused.status_code == 421, refused.text
    assert refused.json()["code"] == "export-outside-zone" and refused.json()["regions"] == [EU_REGION]
    assert (
        api.get(f"/v1/comments/rooms/{room_id}/export.csv", headers=merchant, params={"zone": "us"}).json()["code"]
        == "zone-not-found"
    )
    # a comments function in eu-central-1 (the zone's region) produces it from the eu zone's table
    room_item = dynamodb(zoned, DEFAULT_REGION).get_item(TableName=f"{PREFIX}-rooms", Key={"room_id": {"S": room_id}})
    in_zone = EmbeddedPlatform(port=0, plugins=BUILTIN_PLUGINS, aws_region=EU_REGION, table_prefix=PREFIX, zones=ZONES)
    in_zone.issuer = zoned.issuer  # the same sign-in; its own moto server on moto's process-wide backends
    in_zone.configure()  # eu-central-1's replicas of the global tables (empty: moto does not replicate)
    try:
        assert get_settings().aws_region == EU_REGION
        # what global-table replication does for the room (its definition is not personal data)
        dynamodb(in_zone, EU_REGION).put_item(TableName=f"{PREFIX}-rooms", Item=room_item["Item"])
        with TestClient(in_zone.asgi_app(), raise_server_exceptions=False) as eu_api:
            exported = eu_api.get(f"/v1/comments/rooms/{room_id}/export.csv", headers=merchant, params={"zone": "eu"})
        assert exported.status_code == 200, exported.text
        assert EU_VIEWER in exported.text and ID_VIEWER not in exported.text
        assert "Gibt es den Schal in Blau?" in exported.text
    finally:
        in_zone.stop()  # back to the ap-southeast-1 platform's environment


def test_the_zones_api_route_serves_its_export_as_the_zone_home_does(zoned, api, show):
    # GIVEN the ended show (a German and an Indonesian viewer commented)
    room_id, merchant = show["room_id"], show["merchant"]
    assert api.patch(f"/v1/rooms/{room_id}", headers=merchant, json={"status": "ended"}).status_code == 200
    # WHEN the merchant asks the origin's /v1 for the eu zone's export: refused, as in AWS
    outside = api.get(f"/v1/comments/rooms/{room_id}/export.csv", headers=merchant, params={"zone": "eu"})
    assert outside.status_code == 421 and outside.json()["code"] == "export-outside-zone", outside.text
    # THEN the zone's route (/zones/eu/v1/..., CloudFront's behavior to the zone home's API in AWS)
    # produces it, served as in eu-central-1: the German viewer only
    inside = api.get(f"/zones/eu/v1/comments/rooms/{room_id}/export.csv", headers=merchant, params={"zone": "eu"})
    assert inside.status_code == 200, inside.text
    assert EU_VIEWER in inside.text and ID_VIEWER not in inside.text
    # AND the serving region was the zone's for that request only: /v1 answers 421 again, and the
    # default zone's export through the zone's route is still the default zone's table
    again = api.get(f"/v1/comments/rooms/{room_id}/export.csv", headers=merchant, params={"zone": "eu"})
    assert again.status_code == 421
    default = api.get(f"/zones/eu/v1/comments/rooms/{room_id}/export.csv", headers=merchant)
    assert default.status_code == 200 and ID_VIEWER in default.text and EU_VIEWER not in default.text
    # AND the win-back export takes the same route (the eu zone's segment, empty here: nobody left early)
    winback = f"/v1/insights/rooms/{room_id}/winback.csv"
    in_zone = api.get(f"/zones/eu{winback}", headers=merchant, params={"zone": "eu"})
    assert in_zone.status_code == 200, in_zone.text
    assert api.get(winback, headers=merchant, params={"zone": "eu"}).status_code == 421
    # AND an unknown zone's route is not served
    unknown = api.get(f"/zones/us/v1/comments/rooms/{room_id}/export.csv", headers=merchant)
    assert unknown.status_code == 404, unknown.text
    # AND the pages' config.json lists the zone with its API base
    assert api.get("/config.json").json()["zones"] == {
        "eu": {"api": "/zones/eu", "markets": ["DE", "FR"], "regions": [EU_REGION]}
    }


def test_a_share_opened_across_zones_counts_and_keeps_each_person_in_their_zone(zoned, api, show):
    # GIVEN the Indonesian viewer (default zone) shares the room
    room_id = show["room_id"]
    shared = api.post(f"/v1/coupons/rooms/{room_id}/shares", headers=bearer(zoned, ID_VIEWER, "viewer", "ID"))
    assert shared.status_code == 201, shared.text
    share_id = shared.json()["share_id"]
    # WHEN the German viewer (eu zone, present: they commented) opens it, twice
    opener = bearer(zoned, EU_VIEWER, "viewer", "DE")
    first = api.post(f"/v1/coupons/shares/{share_id}/opens", headers=opener)
    again = api.post(f"/v1/coupons/shares/{share_id}/opens", headers=opener)
    # THEN the open counted once (the second answers the same, counting nothing more)
    assert first.status_code == 200 and first.json()["counted"] is True, first.text
    assert again.status_code == 200 and again.json()["counted"] is True, again.text
    # AND the link (the sharer's zone) remembers the opener by pseudonym only, the opener's credit
    # is in the eu zone, and no default-zone table holds the German viewer's id
    link = dynamodb(zoned, DEFAULT_REGION).get_item(
        TableName=f"{PREFIX}-coupon-shares", Key={"share_id": {"S": share_id}}
    )
    assert link["Item"]["opened_by"]["S"] == pseudonym(EU_VIEWER)
    assert f"{PREFIX}-eu-coupon-viewers" in tables_mentioning(zoned, EU_REGION, EU_VIEWER)
    assert tables_mentioning(zoned, DEFAULT_REGION, EU_VIEWER) == {}
    # AND the sharer is a sharer of the room, recorded in their own (default) zone
    sharer = dynamodb(zoned, DEFAULT_REGION).scan(TableName=f"{PREFIX}-coupon-viewers")["Items"]
    assert any(ID_VIEWER in json.dumps(i) and room_id in json.dumps(i.get("sharer_rooms", {})) for i in sharer)
