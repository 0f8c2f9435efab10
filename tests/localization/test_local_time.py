"""Quiet hours per market and a broadcast's start in each market's local time."""

from __future__ import annotations

from datetime import UTC, datetime

from functions.localization.local_time import is_quiet, next_allowed, quiet_status
from plugins.manager import build_plugin_manager
from tests.room_helpers import room_key

PM = build_plugin_manager(include_entry_points=False)


def test_quiet_hours_wrap_past_midnight():
    jakarta = PM.market_profile("ID")  # 22:00-07:00 Asia/Jakarta (UTC+7)
    assert is_quiet(jakarta, datetime(2026, 11, 21, 16, 0, tzinfo=UTC))  # 23:00 local
    assert is_quiet(jakarta, datetime(2026, 11, 21, 23, 59, tzinfo=UTC))  # 06:59 local
    assert not is_quiet(jakarta, datetime(2026, 11, 22, 0, 0, tzinfo=UTC))  # 07:00 local
    assert not is_quiet(jakarta, datetime(2026, 11, 21, 14, 59, tzinfo=UTC))  # 21:59 local


def test_next_allowed_is_the_local_end_of_quiet_hours():
    berlin = PM.market_profile("DE")  # 22:00-08:00 Europe/Berlin
    at = datetime(2026, 11, 21, 22, 30, tzinfo=UTC)  # 23:30 CET
    assert next_allowed(berlin, at) == datetime(2026, 11, 22, 7, 0, tzinfo=UTC)  # 08:00 CET
    early = datetime(2026, 11, 22, 5, 0, tzinfo=UTC)  # 06:00 CET, same night
    assert next_allowed(berlin, early) == datetime(2026, 11, 22, 7, 0, tzinfo=UTC)
    awake = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    assert next_allowed(berlin, awake) == awake


def test_next_allowed_across_daylight_saving_change():
    berlin = PM.market_profile("DE")
    # Night of 28/29 March 2026: clocks go 02:00 -> 03:00; 08:00 CEST is 06:00 UTC
    at = datetime(2026, 3, 28, 23, 0, tzinfo=UTC)
    assert next_allowed(berlin, at) == datetime(2026, 3, 29, 6, 0, tzinfo=UTC)


def test_quiet_status_reports_local_time():
    status = quiet_status(PM.market_profile("AE"), datetime(2026, 11, 21, 20, 0, tzinfo=UTC))
    assert status.local_time == "2026-11-22T00:00:00+04:00"
    assert status.quiet is True
    assert status.next_allowed_local == "2026-11-22T08:00:00+04:00"


def test_quiet_hours_endpoint(client):
    response = client.get("/v1/localization/markets/jp/quiet-hours", params={"at": "2026-11-21T14:30:00Z"})
    body = response.json()
    assert response.status_code == 200
    assert body["local_time"] == "2026-11-21T23:30:00+09:00" and body["quiet"] is True
    assert body["next_allowed"] == "2026-11-21T23:00:00+00:00"  # 08:00 JST


def test_quiet_hours_of_unknown_market_is_404(client):
    response = client.get("/v1/localization/markets/XX/quiet-hours")
    assert response.status_code == 404 and response.json()["code"] == "unknown-market"


def test_broadcast_start_in_each_market(client):
    # GIVEN a broadcast at 12:00 UTC to Indonesia, Germany and the UAE
    response = client.get("/v1/localization/schedule", params={"start": "2026-11-21T12:00:00Z", "markets": "ID,DE,AE"})
    assert response.status_code == 200, response.text
    by_market = {m["market"]: m for m in response.json()["markets"]}
    # THEN each market sees its own local time, formatted in its locale
    assert by_market["ID"]["local_start"] == "2026-11-21T19:00:00+07:00"
    assert "19.00" in by_market["ID"]["display"]["text"]
    assert by_market["DE"]["local_start"] == "2026-11-21T13:00:00+01:00"
    assert "13:00" in by_market["DE"]["display"]["text"]
    assert by_market["AE"]["local_start"] == "2026-11-21T16:00:00+04:00"
    assert by_market["AE"]["display"]["dir"] == "rtl"
    assert by_market["AE"]["display"]["isolated"].startswith("\u2067")
    assert not any(m["quiet"] for m in by_market.values())


def test_broadcast_start_in_quiet_hours_is_flagged(client):
    response = client.get("/v1/localization/schedule", params={"start": "2026-11-21T20:00:00Z", "markets": "ID,US"})
    by_market = {m["market"]: m for m in response.json()["markets"]}
    assert by_market["ID"]["quiet"] is True  # 03:00 in Jakarta
    assert by_market["US"]["quiet"] is False  # 15:00 in New York


def test_schedule_bad_input(client):
    unknown = client.get("/v1/localization/schedule", params={"start": "2026-11-21T12:00:00Z", "markets": "ID,XX"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "unknown-market"
    malformed = client.get("/v1/localization/schedule", params={"start": "noon", "markets": "ID"})
    assert malformed.status_code == 422
    injected = client.get("/v1/localization/schedule", params={"start": "2026-11-21T12:00:00Z", "markets": "ID;DE"})
    assert injected.status_code == 422


def test_room_schedule_in_its_markets_and_home_market(client, auth):
    # GIVEN a room planned for 2026-11-21 13:00 UTC, broadcasting to TH, FR and SA from CN
    start = datetime(2026, 11, 21, 13, 0, tzinfo=UTC).timestamp()
    created = client.post(
        "/v1/rooms",
        json={
            "title": "Tea live",
            "markets": ["TH", "FR", "SA"],
            "home_market": "CN",
            "host_language": "zh-Hans",
            "scheduled_start": start,
        },
        headers={**auth("merchant", sub="merchant-sched"), **room_key()},
    )
    assert created.status_code == 201, created.text
    room_id = created.json()["room_id"]
    # WHEN its schedule is read
    response = client.get(f"/v1/localization/rooms/{room_id}/schedule")
    assert response.status_code == 200, response.text
    body = response.json()
    local = {m["market"]: m["local_start"] for m in body["markets"]}
    # THEN each market sees its own wall-clock time, and the host sees Beijing time
    assert local == {
        "TH": "2026-11-21T20:00:00+07:00",
        "FR": "2026-11-21T14:00:00+01:00",
        "SA": "2026-11-21T16:00:00+03:00",
    }
    assert body["home"]["market"] == "CN" and body["home"]["local_start"] == "2026-11-21T21:00:00+08:00"
    assert next(m for m in body["markets"] if m["market"] == "SA")["display"]["dir"] == "rtl"


def test_room_schedule_errors(client, auth):
    created = client.post(
        "/v1/rooms",
        json={"title": "Unplanned", "markets": ["TH"], "home_market": "CN", "host_language": "en"},
        headers={**auth("merchant", sub="merchant-sched"), **room_key()},
    )
    room_id = created.json()["room_id"]
    unplanned = client.get(f"/v1/localization/rooms/{room_id}/schedule")
    assert unplanned.status_code == 409 and unplanned.json()["code"] == "not-scheduled"
    missing = client.get("/v1/localization/rooms/no-such-room/schedule")
    assert missing.status_code == 404 and missing.json()["code"] == "room-not-found"
    bad = client.get("/v1/localization/rooms/..%2Fetc/schedule")
    assert bad.status_code in (404, 422)
