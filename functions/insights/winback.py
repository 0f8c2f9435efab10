"""The win-back segment of a show: the viewers worth a second try (definitions: docs/insights.md).

A viewer of the show is in the segment for one or more reasons:

* ``left-before-qualifying``: had a first frame, has no session open, left before the show ended,
  and watched less than ``QUALIFY_SECONDS`` in all;
* ``left-after-price-reveal``: has no session open and their last session closed within
  ``PRICE_REVEAL_WINDOW`` seconds after a product was put on screen (which shows its price),
  before the show ended;
* ``claimed-not-redeemed``: claimed a coupon of the room's campaigns and redeemed none.

Everything is read from the per-viewer items (``insights-viewers``) and the show's markers, per
residency zone (``zoned.py``): the segment of one zone is read from that zone's table and holds
only that zone's markets. The merchant's summary counts per reason and market (no personal data);
the CSV export is per zone. ``publish`` hands the segment to coupons (``coupons.segments``),
where a ``winback`` campaign's claims are checked.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from functions.coupons import segments
from functions.insights import zoned
from functions.insights.models import QUALIFY_SECONDS, ShowRecord

PRICE_REVEAL_WINDOW = 60.0
LEFT_EARLY = "left-before-qualifying"
LEFT_AFTER_PRICE = "left-after-price-reveal"
CLAIMED_NOT_REDEEMED = "claimed-not-redeemed"
REASONS = (LEFT_EARLY, LEFT_AFTER_PRICE, CLAIMED_NOT_REDEEMED)
EXPORT_COLUMNS = ("viewer_sub", "market", "reasons", "first_frame_at", "left_at", "watched_seconds", "claimed_at")


@dataclass(frozen=True)
class Show:
    """What the reasons need from the show: when it ended and when prices were revealed."""

    ended_at: float | None
    reveals: tuple[float, ...]


@dataclass(frozen=True)
class Member:
    sub: str
    market: str
    reasons: tuple[str, ...]
    first_at: float | None
    left_at: float | None
    watched: float
    claimed_at: float | None


def load_show(room_id: str) -> Show:
    try:
        record = ShowRecord.get(room_id)
    except ShowRecord.DoesNotExist:
        return Show(None, ())
    events = [dict(e.as_dict() if hasattr(e, "as_dict") else e) for e in record.events or []]
    reveals = sorted(float(e["at"]) for e in events if e.get("kind") == "highlight" and e.get("at") is not None)
    return Show(float(record.ended_at) if record.ended_at is not None else None, tuple(reveals))


def reasons_of(viewer: Any, show: Show) -> tuple[str, ...]:
    """Why ``viewer`` (an ``insights-viewers`` item) is in the segment; empty when not in it."""
    out = []
    left_at = float(viewer.last_at) if viewer.last_at is not None else None
    left = (
        viewer.first_at is not None
        and int(viewer.sessions_open or 0) <= 0
        and left_at is not None
        and (show.ended_at is None or left_at < show.ended_at)
    )
    if left and float(viewer.watched or 0) < QUALIFY_SECONDS:
        out.append(LEFT_EARLY)
    if left and left_at is not None and any(at <= left_at <= at + PRICE_REVEAL_WINDOW for at in show.reveals):
        out.append(LEFT_AFTER_PRICE)
    if viewer.claimed is not None and viewer.redeemed is None:
        out.append(CLAIMED_NOT_REDEEMED)
    return tuple(out)


def _member(viewer: Any, reasons: tuple[str, ...]) -> Member:
    return Member(
        sub=str(viewer.sub),
        market=str(viewer.market),
        reasons=reasons,
        first_at=float(viewer.first_at) if viewer.first_at is not None else None,
        left_at=float(viewer.last_at) if viewer.last_at is not None and int(viewer.sessions_open or 0) <= 0 else None,
        watched=float(viewer.watched or 0),
        claimed_at=float(viewer.claimed) if viewer.claimed is not None else None,
    )


def segment(room_id: str, zone: str, show: Show | None = None) -> list[Member]:
    """The segment's members whose data lives in ``zone``, read from that zone's table only."""
    show = show or load_show(room_id)
    model = zoned.viewers_model(zone)
    out = []
    for viewer in model.query(room_id):
        if viewer.sub is None or not zoned.in_zone(viewer.market, zone):
            continue
        reasons = reasons_of(viewer, show)
        if reasons:
            out.append(_member(viewer, reasons))
    return sorted(out, key=lambda m: (m.market, m.sub))


def counts(room_id: str, markets: Iterable[str], zone_names: Iterable[str] | None = None) -> dict[str, Any]:
    """Per market and in total: members, and members per reason (a viewer may have several).

    ``zone_names``: the residency zones whose viewers are counted (None: every zone). A named
    zone's are counted inside the zone (``zone_figures``), the default zone's by the poll
    (``winback_cache``).
    """
    show = load_show(room_id)
    empty = {"members": 0, **dict.fromkeys(REASONS, 0)}
    per_market: dict[str, dict[str, int]] = {m: dict(empty) for m in markets}
    for zone in zoned.zone_names() if zone_names is None else zone_names:
        for member in segment(room_id, zone, show):
            row = per_market.setdefault(member.market, dict(empty))
            row["members"] += 1
            for reason in member.reasons:
                row[reason] += 1
    total = {key: sum(row[key] for row in per_market.values()) for key in empty}
    return {
        "room_id": room_id,
        "reasons": list(REASONS),
        "price_reveals": list(show.reveals),
        "show_ended_at": show.ended_at,
        "markets": per_market,
        "total": total,
        "zones": {zone: sorted(zoned.zone_markets().get(zone, ())) for zone in zoned.zone_names()},
    }


def publish(room_id: str, merchant_sub: str, zone: str = zoned.DEFAULT_ZONE) -> dict[str, int]:
    """Make coupons' ``winback`` campaigns of this show admit exactly ``zone``'s segment as it is now.

    The zone's viewers are read from the zone's table (by a function in one of the zone's regions:
    ``app.py``); only changes are written: a viewer who
    joined the segment since the last publication is added in coupons (``coupons.segments``), one
    who left it (came back, redeemed) is taken out, and the viewer item remembers which.
    """
    show = load_show(room_id)
    out = {"members": 0, "added": 0, "removed": 0}
    model = zoned.viewers_model(zone)
    for viewer in model.query(room_id):
        if viewer.sub is None or not zoned.in_zone(viewer.market, zone):
            continue
        member = bool(reasons_of(viewer, show))
        out["members"] += member
        if member == bool(viewer.winback_published):
            continue
        seen = [float(t) for t in (viewer.last_at, viewer.claimed, viewer.first_at) if t is not None]
        at = max(seen, default=0.0)
        segments.set_winback(merchant_sub, room_id, str(viewer.sub), member, at, market=viewer.market)
        flag = model.winback_published
        model(room_id, viewer.viewer).update(actions=[flag.set(1) if member else flag.remove()])
        out["added" if member else "removed"] += 1
    return out


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def _cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run as a formula (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def export_csv(members: Iterable[Member]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    for m in members:
        row = (m.sub, m.market, " ".join(m.reasons), m.first_at, m.left_at, round(m.watched, 1), m.claimed_at)
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()
