"""The win-back segment of a show: exact membership, counts, the per-zone export, coupon targeting.

A scripted set of viewers goes through the real inputs (signed node batches for sessions, the
coupons API and the stream for claims and redemptions, a stage stream record for the price
reveal). Members: left before qualifying, left at most 60 s after the price reveal,
claimed-not-redeemed. Controls that must stay out: still watching, came back after a short
first session, left 61 s after the reveal, left before the reveal after qualifying, redeemed.
"""

from __future__ import annotations

import csv
import io
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from crosslive.dev import stream as local_stream
from crosslive.dev.stream import stream_record
from functions.insights import consumer, winback, winback_cache, zone_figures, zoned
from functions.insights.models import ShowRecord, ViewerPresence
from functions.rooms.product_models import Stage
from functions.shared import zones
from functions.shared.zones import Zone
from tests.coupons.coupon_helpers import campaign_body
from tests.room_helpers import room_key

from .conftest import MERCHANT, FeedPoster

Headers = Callable[..., dict[str, str]]
EU = Zone("eu", "eu-central-1", ("eu-central-1",), ("DE", "FR"))


def _sessions(room_id: str, live_at: float, reveal: float) -> list[dict[str, Any]]:
    """(sub, market, start, end or None) -> the node's session events, starts before ends."""
    script = [
        ("wb-early-id", "ID", live_at + 5, live_at + 10),  # 5 s: left before qualifying
        ("wb-reveal40-de", "DE", live_at + 2, reveal + 40),  # left 40 s after the reveal
        ("wb-reveal60-de", "DE", live_at + 2, reveal + 60),  # left exactly 60 s after: still in
        ("wb-reveal61-de", "DE", live_at + 2, reveal + 61),  # control: 61 s after
        ("wb-before-ae", "AE", live_at + 1, reveal - 1),  # control: qualified, left before the reveal
        ("wb-both-ae", "AE", reveal + 2, reveal + 8),  # 6 s right after the reveal: both reasons
        ("wb-watching-id", "ID", live_at + 3, None),  # control: still watching
        ("wb-back-id", "ID", live_at + 1, live_at + 4),  # control: 3 s, then came back (below)
        ("wb-back-id", "ID", live_at + 20, None),
    ]
    starts, ends = [], []
    for sub, market, start, end in script:
        base = {"room_id": room_id, "market": market, "sub": sub}
        starts.append({**base, "event": "start", "at": start})
        if end is not None:
            ends.append({**base, "event": "end", "at": end, "watched": end - start})
    return starts + ends


@pytest.fixture
def show(live_room: dict[str, Any], client: Any, auth: Headers, feed: FeedPoster) -> dict[str, Any]:
    """The scripted show: sessions, a price reveal, two claims of which one is redeemed."""
    room_id = live_room["room_id"]
    live_at = float(ShowRecord.get(room_id).live_at)
    reveal = live_at + 30
    before = Stage(room_id, highlights=[], highlighted_at={}, version=1, updated_at=live_at)
    after = Stage(room_id, highlights=["sku-kain"], highlighted_at={"sku-kain": reveal}, version=2, updated_at=reveal)
    consumer.process_records([stream_record(before, after, 1)])
    sessions = _sessions(room_id, live_at, reveal)
    assert feed.post(sessions=sessions[:7]).status_code == 202
    assert feed.post(sessions=sessions[7:]).status_code == 202
    campaign = client.post(
        f"/v1/coupons/rooms/{room_id}/campaigns", json=campaign_body(), headers=auth("merchant", sub=MERCHANT)
    ).json()
    codes = {}
    for sub in ("wb-claimer-id", "wb-redeemer-id"):
        claimed = client.post(
            f"/v1/coupons/rooms/{room_id}/campaigns/{campaign['campaign_id']}/claims",
            headers={**auth("viewer", sub=sub, market="ID"), "Idempotency-Key": uuid.uuid4().hex},
        )
        assert claimed.status_code == 201, claimed.text
        codes[sub] = claimed.json()["code"]
    order = {
        "code": codes["wb-redeemer-id"],
        "holder_sub": "wb-redeemer-id",
        "order_id": f"o-{time.time_ns()}",
        "market": "ID",
        "currency": "IDR",
        "order_total_minor": 9_000_000,
    }
    assert client.post("/v1/coupons/redemptions", json=order, headers=auth("merchant", sub=MERCHANT)).status_code == 201
    assert local_stream.drain()
    return live_room


EXPECTED = {
    "wb-early-id": ("ID", "left-before-qualifying"),
    "wb-reveal40-de": ("DE", "left-after-price-reveal"),
    "wb-reveal60-de": ("DE", "left-after-price-reveal"),
    "wb-both-ae": ("AE", "left-before-qualifying left-after-price-reveal"),
    "wb-claimer-id": ("ID", "claimed-not-redeemed"),
}


def _export(client: Any, auth: Headers, room_id: str, zone: str | None = None) -> dict[str, tuple[str, str]]:
    query = f"?zone={zone}" if zone else ""
    response = client.get(f"/v1/insights/rooms/{room_id}/winback.csv{query}", headers=auth("merchant", sub=MERCHANT))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    return {row["viewer_sub"]: (row["market"], row["reasons"]) for row in rows}


def test_the_segment_is_exactly_the_scripted_members(show: dict[str, Any], client: Any, auth: Headers) -> None:
    room_id = show["room_id"]
    # WHEN the merchant reads the segment's counts
    response = client.get(f"/v1/insights/rooms/{room_id}/winback", headers=auth("merchant", sub=MERCHANT))
    assert response.status_code == 200, response.text
    data = response.json()
    # THEN each market counts exactly its scripted members, per reason
    assert data["markets"]["ID"] == {
        "members": 2,
        "left-before-qualifying": 1,
        "left-after-price-reveal": 0,
        "claimed-not-redeemed": 1,
    }
    assert data["markets"]["DE"] == {
        "members": 2,
        "left-before-qualifying": 0,
        "left-after-price-reveal": 2,
        "claimed-not-redeemed": 0,
    }
    assert data["markets"]["AE"] == {
        "members": 1,
        "left-before-qualifying": 1,
        "left-after-price-reveal": 1,
        "claimed-not-redeemed": 0,
    }
    assert data["total"]["members"] == 5
    assert "wb-" not in json.dumps(data)  # counts only: no viewer is named
    # AND the export (no zones configured: one default zone) lists exactly those viewers and reasons
    assert _export(client, auth, room_id) == EXPECTED


def test_the_polled_counts_are_the_ones_computed_from_the_viewers(
    show: dict[str, Any], client: Any, auth: Headers, feed: FeedPoster, monkeypatch: pytest.MonkeyPatch
) -> None:
    room_id = show["room_id"]
    url = f"/v1/insights/rooms/{room_id}/winback"
    markets = ["ID", "DE", "AE"]

    def polled() -> dict[str, Any]:
        response = client.get(url, headers=auth("merchant", sub=MERCHANT))
        assert response.status_code == 200, response.text
        answer = dict(response.json())
        assert answer.pop("max_age_seconds") == winback_cache.MAX_AGE_SECONDS
        assert isinstance(answer.pop("as_of"), float)
        assert answer.pop("zones_counted_at") == {}  # no residency zone configured here
        return answer

    # WHEN the console polls the counts, THEN they are exactly the segment read from every viewer item
    computed = winback.counts(room_id, markets)
    assert polled() == computed
    assert computed["total"] == {
        "members": 5,
        "left-before-qualifying": 2,
        "left-after-price-reveal": 3,
        "claimed-not-redeemed": 1,
    }
    # AND when a member comes back, the next poll within the window still answers the stored counts,
    back = {"room_id": room_id, "market": "ID", "sub": "wb-early-id", "event": "start", "at": time.time() - 1}
    assert feed.post(sessions=[back]).status_code == 202
    assert polled() == computed
    # AND the first poll past the window the segment as it is now
    later = time.time() + winback_cache.MAX_AGE_SECONDS
    monkeypatch.setattr(winback_cache, "clock", lambda: later)
    now = winback.counts(room_id, markets)
    assert now["total"]["members"] == 4 and now["markets"]["ID"]["left-before-qualifying"] == 0
    assert polled() == now


def test_each_zone_exports_only_its_own_people(
    show: dict[str, Any], client: Any, auth: Headers, monkeypatch: pytest.MonkeyPatch
) -> None:
    room_id = show["room_id"]
    # GIVEN an EU residency zone holding DE and FR, whose viewer items are in the zone's own table
    # (eu-central-1), as the zoned runtime writes them; one DE item is also left behind in the
    # default table
    monkeypatch.setattr(zones, "zones", lambda settings=None: (EU,))
    eu_table = zoned.viewers_model("eu")
    assert eu_table.Meta.region == "eu-central-1" and "-eu-insights-viewers" in eu_table.Meta.table_name
    if not eu_table.exists():
        eu_table.create_table(wait=True)
    for item in ViewerPresence.query(room_id):
        if item.market == "DE":
            eu_table.from_raw_data(item.serialize()).save()
            if item.sub != "wb-reveal40-de":
                item.delete()
    # THEN a function outside the zone refuses to assemble the EU export (421, naming the zone's regions)
    monkeypatch.setattr(zones, "serving_region", lambda: "ap-southeast-1")
    outside = client.get(f"/v1/insights/rooms/{room_id}/winback.csv?zone=eu", headers=auth("merchant", sub=MERCHANT))
    assert outside.status_code == 421, outside.text
    assert outside.json()["code"] == "export-outside-zone" and outside.json()["regions"] == ["eu-central-1"]
    # AND one running in the zone exports the DE members only, read from the EU table
    monkeypatch.setattr(zones, "serving_region", lambda: "eu-central-1")
    eu = _export(client, auth, room_id, "eu")
    assert eu == {k: v for k, v in EXPECTED.items() if v[0] == "DE"}
    # AND the default zone's export has no DE viewer, not even the one left in its table
    default = _export(client, auth, room_id, "default")
    assert default == {k: v for k, v in EXPECTED.items() if v[0] != "DE"}
    # AND the poll (served outside the zone) counts only the default zone's viewers itself: the EU
    # zone's are counted inside the zone (zone_figures, in the zone's home) and only their counts
    # reach the poll
    monkeypatch.setattr(zones, "serving_region", lambda: "ap-southeast-1")
    url = f"/v1/insights/rooms/{room_id}/winback"
    before = client.get(url, headers=auth("merchant", sub=MERCHANT)).json()
    assert before["total"]["members"] == 3 and before["markets"]["DE"]["members"] == 0
    assert before["zones_counted_at"] == {}
    assert zone_figures.recount("eu", room_id, zone_figures.WINBACK, newest=time.time())
    monkeypatch.setattr(winback_cache, "clock", lambda: time.time() + winback_cache.MAX_AGE_SECONDS)
    counts = client.get(url, headers=auth("merchant", sub=MERCHANT)).json()
    assert counts["total"]["members"] == 5 and counts["markets"]["DE"]["members"] == 2
    assert set(counts["zones_counted_at"]) == {"eu"} and counts["as_of"] <= counts["zones_counted_at"]["eu"]
    assert counts["zones"] == {"default": [], "eu": ["DE", "FR"]}
    # AND a zone that does not exist is a clear 404, a malformed one a 422
    missing = client.get(f"/v1/insights/rooms/{room_id}/winback.csv?zone=apac", headers=auth("merchant", sub=MERCHANT))
    assert missing.status_code == 404 and missing.json()["code"] == "zone-not-found"
    bad = client.get(f"/v1/insights/rooms/{room_id}/winback.csv?zone=EU!", headers=auth("merchant", sub=MERCHANT))
    assert bad.status_code == 422


def _next_show(client: Any, auth: Headers) -> str:
    body = {"title": "Second show", "markets": ["ID", "DE", "AE"], "home_market": "CN", "host_language": "zh-Hans"}
    response = client.post("/v1/rooms", json=body, headers={**auth("merchant", sub=MERCHANT), **room_key()})
    assert response.status_code == 201, response.text
    return str(response.json()["room_id"])


def _claim(client: Any, auth: Headers, room_id: str, campaign_id: str, sub: str, market: str) -> Any:
    return client.post(
        f"/v1/coupons/rooms/{room_id}/campaigns/{campaign_id}/claims",
        headers={**auth("viewer", sub=sub, market=market), "Idempotency-Key": uuid.uuid4().hex},
    )


def test_a_winback_campaign_admits_exactly_the_segment(
    show: dict[str, Any], client: Any, auth: Headers, feed: FeedPoster
) -> None:
    # GIVEN the segment published to coupons, then one member comes back and it is published again
    shown = show["room_id"]
    publish = f"/v1/insights/rooms/{shown}/winback/publish"
    first = client.post(publish, headers=auth("merchant", sub=MERCHANT))
    assert first.status_code == 200, first.text
    assert first.json() == {"room_id": shown, "zone": "default", "members": 5, "added": 5, "removed": 0}
    back = {"room_id": shown, "market": "ID", "sub": "wb-early-id", "event": "start", "at": time.time() - 1}
    assert feed.post(sessions=[back]).status_code == 202
    again = client.post(publish, headers=auth("merchant", sub=MERCHANT)).json()
    assert again == {"room_id": shown, "zone": "default", "members": 4, "added": 0, "removed": 1}
    assert client.post(publish, headers=auth("merchant", sub="wb-other")).status_code == 403
    # AND the merchant's next show with a win-back campaign for ID and one for DE (EUR, prior price)
    room_id = _next_show(client, auth)
    merchant = auth("merchant", sub=MERCHANT)
    segment = {"kind": "winback", "show": shown}
    made = client.post(
        f"/v1/coupons/rooms/{room_id}/campaigns", json=campaign_body(segment=segment, stock=20), headers=merchant
    )
    assert made.status_code == 201, made.text
    assert made.json()["segment"] == {"kind": "winback", "days": None, "show": shown}
    id_campaign = made.json()["campaign_id"]
    de_body = campaign_body(
        segment=segment,
        stock=20,
        markets=["DE"],
        currency="EUR",
        discount={"kind": "fixed", "amount_minor": 500},
        min_spend_minor=2000,
        prior_price_minor=4999,
    )
    de_made = client.post(f"/v1/coupons/rooms/{room_id}/campaigns", json=de_body, headers=merchant)
    assert de_made.status_code == 201, de_made.text
    de_campaign = de_made.json()["campaign_id"]
    # THEN every member claims, and every control is refused with the segment named
    admitted = {
        sub
        for sub, market in [
            ("wb-early-id", "ID"),
            ("wb-claimer-id", "ID"),
            ("wb-watching-id", "ID"),
            ("wb-back-id", "ID"),
            ("wb-redeemer-id", "ID"),
            ("wb-stranger-id", "ID"),
            ("wb-reveal40-de", "DE"),
            ("wb-reveal60-de", "DE"),
            ("wb-reveal61-de", "DE"),
        ]
        if _ok(_claim(client, auth, room_id, id_campaign if market == "ID" else de_campaign, sub, market))
    }
    assert admitted == {"wb-claimer-id", "wb-reveal40-de", "wb-reveal60-de"}  # wb-early-id came back


def _ok(response: Any) -> bool:
    if response.status_code == 201:
        return True
    problem = response.json()
    assert response.status_code == 403, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert problem["code"] == "not-in-segment" and problem["segment"] == "winback"
    return False


def test_bad_winback_inputs_are_refused(show: dict[str, Any], client: Any, auth: Headers) -> None:
    room_id = show["room_id"]
    # another merchant may neither read the segment nor export it, nor target it
    other = auth("merchant", sub="wb-other-merchant")
    assert client.get(f"/v1/insights/rooms/{room_id}/winback", headers=other).status_code == 403
    assert client.get(f"/v1/insights/rooms/{room_id}/winback.csv", headers=other).status_code == 403
    assert (
        client.get(f"/v1/insights/rooms/{room_id}/winback", headers=auth("viewer", sub="wb-early-id")).status_code
        == 403
    )
    # a room that does not exist is 404, a malformed id 422
    missing = client.get("/v1/insights/rooms/no-such-room/winback", headers=auth("merchant", sub=MERCHANT))
    assert missing.status_code == 404 and missing.json()["code"] == "room-not-found"
    assert client.get("/v1/insights/rooms/a!b/winback", headers=auth("merchant", sub=MERCHANT)).status_code == 422
    # a campaign may target only its own merchant's show, named by a well-formed id
    body = {"title": "Other", "markets": ["ID"], "home_market": "ID", "host_language": "id"}
    other_room = client.post("/v1/rooms", json=body, headers={**other, **room_key()}).json()["room_id"]
    stolen = client.post(
        f"/v1/coupons/rooms/{other_room}/campaigns",
        json=campaign_body(segment={"kind": "winback", "show": room_id}),
        headers=other,
    )
    assert stolen.status_code == 404 and stolen.json()["code"] == "show-not-found"
    for segment in (
        {"kind": "winback", "show": "bad id!"},
        {"kind": "winback"},
        {"kind": "new", "show": room_id},
    ):
        refused = client.post(
            f"/v1/coupons/rooms/{other_room}/campaigns", json=campaign_body(segment=segment), headers=other
        )
        assert refused.status_code == 422, (segment, refused.text)
