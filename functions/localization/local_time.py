"""Market-local time: quiet hours for notifications and a broadcast's start in every market.

Other functions call ``quiet_status(profile, at)`` directly (comments, coupons and the
notification paths must not ping a market at 03:00); the localization API serves the same
answers over HTTP. Quiet hours are local wall-clock times from the market profile and may wrap
past midnight (22:00-08:00); daylight-saving changes are handled by ``zoneinfo``.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from plugins.types import MarketProfile


class QuietStatus(BaseModel):
    market: str
    time_zone: str
    local_time: str  # ISO 8601 with the market's offset
    quiet: bool
    quiet_hours: dict[str, str] | None
    next_allowed: str  # ISO 8601 UTC: ``at`` itself when not quiet
    next_allowed_local: str


def _hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def aware(at: datetime) -> datetime:
    """``at`` as an aware UTC datetime (naive input is taken as UTC)."""
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC)


def is_quiet(profile: MarketProfile, at: datetime) -> bool:
    """Whether ``at`` falls in the market's quiet hours (local time, start inclusive)."""
    if profile.quiet_hours is None:
        return False
    start, end = _hhmm(profile.quiet_hours.start), _hhmm(profile.quiet_hours.end)
    local = aware(at).astimezone(ZoneInfo(profile.time_zone)).time()
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def next_allowed(profile: MarketProfile, at: datetime) -> datetime:
    """The first moment at or after ``at`` outside quiet hours (UTC)."""
    moment = aware(at)
    if not is_quiet(profile, moment):
        return moment
    assert profile.quiet_hours is not None
    zone = ZoneInfo(profile.time_zone)
    end = _hhmm(profile.quiet_hours.end)
    local = moment.astimezone(zone)
    candidate = datetime.combine(local.date(), end, tzinfo=zone)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), end, tzinfo=zone)
    return candidate.astimezone(UTC)


def quiet_status(profile: MarketProfile, at: datetime) -> QuietStatus:
    zone = ZoneInfo(profile.time_zone)
    moment = aware(at)
    allowed = next_allowed(profile, moment)
    return QuietStatus(
        market=profile.code,
        time_zone=profile.time_zone,
        local_time=moment.astimezone(zone).isoformat(),
        quiet=is_quiet(profile, moment),
        quiet_hours=profile.quiet_hours.model_dump() if profile.quiet_hours else None,
        next_allowed=allowed.isoformat(),
        next_allowed_local=allowed.astimezone(zone).isoformat(),
    )
