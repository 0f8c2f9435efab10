"""When to go live next: the recommendation on constructed histories, worked out by hand here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from functions.insights import nextshow
from functions.insights.models import MinuteCounters, ShowRecord, series_key
from functions.localization.local_time import is_quiet
from functions.shared.plugins import get_plugins
from tests.room_helpers import room_key

Headers = Callable[..., dict[str, str]]
DAY = 86_400
NOW = datetime(2026, 12, 7, 0, 0, tzinfo=UTC).timestamp()  # a Monday; Berlin is on CET (UTC+1)


def _profiles(*markets: str) -> dict[str, Any]:
    plugins = get_plugins()
    return {m: plugins.market_profile(m) for m in markets}


def _show(start_hour: int, day: int, viewers: dict[str, float], minutes: int = 60) -> nextshow.PastShow:
    live_at = NOW - day * DAY + start_hour * 3600
    first = int(live_at // 60)
    return nextshow.PastShow(
        live_at, live_at + minutes * 60, {m: {first + j: v for j in range(minutes)} for m, v in viewers.items()}
    )


def test_the_start_with_most_expected_viewers_outside_quiet_hours() -> None:
    # GIVEN two past one-hour shows to ID (UTC+7, quiet 22-07) and DE (UTC+1, quiet 22-08):
    #   A at 12:00 UTC (ID 19:00, DE 13:00): ID 100 per minute, DE 10
    #   B at 18:00 UTC (ID 01:00, DE 19:00): ID 5, DE 40
    shows = [_show(12, 3, {"ID": 100, "DE": 10}), _show(18, 2, {"ID": 5, "DE": 40})]
    result = nextshow.recommend(shows, _profiles("ID", "DE"), NOW)
    # By hand: a one-hour show avoids both quiet hours only from 07:00 to 14:00 UTC (DE wakes at
    # 07:00 UTC, ID sleeps at 15:00 UTC). Bases: ID (60*100 + 60*5)/120 = 52.5, DE 25.
    # Observed: ID 19h 100, DE 13h 10. Prior: base x 1.0 (18-21h), 0.5 (12-17h), 0.25 (7-11h).
    #   07-10 UTC: ID 14-17h 26.25 + DE 8-11h 6.25 = 32.5
    #   11 UTC: ID 18h 52.5 + DE 12h 12.5 = 65
    #   12 UTC: ID 19h 100 (seen) + DE 13h 10 (seen) = 110   <- best
    #   13, 14 UTC: ID 20h/21h 52.5 + DE 14h/15h 12.5 = 65
    # A quarter-hour start mixes two hours and so lies between them (12:15: 88.125 + 10.625).
    assert result["basis"] == "history" and result["shows_used"] == 2 and result["show_minutes"] == 60
    assert result["start"] == NOW + 12 * 3600
    assert result["expected_viewers"] == 110.0
    assert result["markets"]["ID"]["expected_viewers"] == 100.0
    assert result["markets"]["DE"]["expected_viewers"] == 10.0
    assert result["quiet_hours_respected"] is True
    # shown in each market's local time, in its own language (Babel)
    assert result["markets"]["ID"]["local_text"] == "Senin 19.00"
    assert result["markets"]["DE"]["local_text"] == "Montag 13:00"
    assert result["markets"]["DE"]["time_zone_name"] == "Mitteleuropäische Zeit"


def test_quiet_hours_win_over_a_bigger_audience() -> None:
    # GIVEN an ID audience that was ten times larger at 22:00 local (quiet hours begin) than at 19:00
    shows = [_show(12, 3, {"ID": 100}), _show(15, 2, {"ID": 1000})]
    profiles = _profiles("ID")
    result = nextshow.recommend(shows, profiles, NOW)
    # By hand: base (6000 + 60000) / 120 = 550; 19h was seen (100), 18h, 20h, 21h take 550 x 1.0.
    # 22h (1000, seen) is quiet, so the best starts are 18h, 20h, 21h local (550): the earliest,
    # 11:00 UTC, wins; the show ends at 19:00 local, before the quiet hours.
    assert result["start"] == NOW + 11 * 3600
    assert result["expected_viewers"] == 550.0
    assert result["markets"]["ID"]["local_time"].startswith("2026-12-07T18:00:00+07:00")
    profile = profiles["ID"]
    for minute in range(result["show_minutes"]):
        assert not is_quiet(profile, datetime.fromtimestamp(result["start"] + 60 * minute, tz=UTC))
    # the unconstrained best (22:00 local, 15:00 UTC) is never offered
    assert all(c["start"] % DAY != 15 * 3600 for c in result["runners_up"])


def test_markets_whose_waking_hours_never_meet() -> None:
    # GIVEN no history and three markets that are never all awake at once: US east is out of quiet
    # hours 13:00-03:00 UTC, Germany 07:00-21:00, Japan 23:00-13:00
    result = nextshow.recommend([], _profiles("US", "DE", "JP"), NOW)
    # THEN the answer says quiet hours could not all be kept, and counts no one in quiet hours
    assert result["basis"] == "default" and result["quiet_hours_respected"] is False
    quiet = [m for m, f in result["markets"].items() if f["in_quiet_hours"]]
    assert quiet
    awake = [m for m in ("US", "DE", "JP") if m not in quiet]
    assert result["expected_viewers"] == round(sum(result["markets"][m]["expected_viewers"] for m in awake), 2)


def test_default_without_history_is_the_shared_evening() -> None:
    # GIVEN a merchant with no past show (every base 1, the evening weights alone)
    result = nextshow.recommend([], _profiles("ID", "DE"), NOW)
    # By hand: from 07:00 to 14:00 UTC, ID is at 14-21h and DE at 8-15h. ID's evening (1.0) begins at
    # 11:00 UTC, when DE is at 12h (0.5): 1.5, and nothing later does better, so 11:00 UTC.
    assert result["basis"] == "default" and result["show_minutes"] == 60
    assert result["start"] == NOW + 11 * 3600
    assert result["expected_viewers"] == 1.5


def test_the_merchant_reads_it_from_stored_shows(client: Any, auth: Headers) -> None:
    # GIVEN a merchant whose past shows are stored (show windows and per-second counts per market)
    merchant = "nextshow-merchant"
    body = {"title": "Next", "markets": ["ID", "DE"], "home_market": "ID", "host_language": "id"}
    room = client.post("/v1/rooms", json=body, headers={**auth("merchant", sub=merchant), **room_key()}).json()
    today = int(datetime.now(UTC).timestamp() // DAY * DAY)
    for k, (hour, viewers) in enumerate([(12, {"ID": 100, "DE": 10}), (18, {"ID": 5, "DE": 40})]):
        past_room = f"nextshow-past-{k}-{today}"
        live_at = today - (3 - k) * DAY + hour * 3600
        ShowRecord(
            past_room, merchant_sub=merchant, markets=["ID", "DE"], live_at=live_at, ended_at=live_at + 3600
        ).save()
        for market, count in viewers.items():
            for minute in range(60):
                seconds = {f"c{s:02d}": count for s in range(60)}
                MinuteCounters(series_key(past_room, market), live_at // 60 + minute, **seconds).save()
    # WHEN the merchant asks when to go live next
    response = client.get(f"/v1/insights/rooms/{room['room_id']}/next-show", headers=auth("merchant", sub=merchant))
    assert response.status_code == 200, response.text
    data = response.json()
    # THEN it is 12:00 UTC (ID 19:00, the hour its audience came), the next such moment
    assert data["basis"] == "history" and data["shows_used"] == 2
    assert data["start"] % DAY == 12 * 3600
    assert 0 <= data["start"] - datetime.now(UTC).timestamp() <= DAY
    local = datetime.fromisoformat(data["markets"]["ID"]["local_time"])
    assert local.astimezone(ZoneInfo("Asia/Jakarta")).hour == 19
    assert data["expected_viewers"] == 110.0
    # AND nobody else may ask about this merchant's rooms
    other = client.get(f"/v1/insights/rooms/{room['room_id']}/next-show", headers=auth("merchant", sub="someone"))
    assert other.status_code == 403
    assert client.get("/v1/insights/rooms/x/next-show", headers=auth("merchant", sub=merchant)).status_code == 422
