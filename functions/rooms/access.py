"""The rooms function's public surface: room lookups, ownership checks and the room's languages.

Other functions (comments, coupons, moderation, localization, routing, the fan-out, the media
nodes) reach rooms only through this module (``Room`` is re-exported for type hints and reads).
"""

from __future__ import annotations

from functions.rooms.models import Room
from functions.shared.errors import Forbidden, NotFound
from functions.shared.plugins import get_plugins
from functions.shared.principal import Principal

__all__ = [
    "ROOM_ID_PATTERN",
    "Room",
    "find_room",
    "get_room",
    "market_languages",
    "require_moderator",
    "require_owner",
    "room_languages",
    "room_missing",
]

ROOM_ID_PATTERN = r"^[A-Za-z0-9_-]{3,64}$"


def get_room(room_id: str) -> Room:
    """The room, or a 404 problem."""
    try:
        return Room.get(room_id)
    except Room.DoesNotExist as exc:
        raise room_missing(room_id) from exc


def room_missing(room_id: str) -> NotFound:
    """The refusal for a room that does not exist (one wording wherever a room is read)."""
    return NotFound("room-not-found", f"no room {room_id!r}")


def find_room(room_id: str) -> Room | None:
    """The room, or None."""
    try:
        return Room.get(room_id)
    except Room.DoesNotExist:
        return None


def market_languages(market: str | None) -> list[str]:
    """The languages of ``market``'s plugin profile ([] for none or an unknown market)."""
    if not market:
        return []
    try:
        return list(get_plugins().market_profile(market).languages)
    except Exception:
        return []


def room_languages(room: Room) -> list[str]:
    """The room's languages: the host's, then each market's, without repeats.

    The one definition: comments detect a comment's language among them, and the fan-out
    translates each public comment into them once for every viewer.
    """
    languages = [str(room.host_language)]
    for market in [str(m) for m in room.markets or []]:
        languages += market_languages(market)
    return list(dict.fromkeys(languages))


def require_owner(room: Room, principal: Principal) -> None:
    """The caller must be the room's merchant (or an admin)."""
    if principal.sub != room.merchant_sub and "admin" not in principal.roles:
        raise Forbidden("not-room-owner", "only the room's merchant may do this")


def require_moderator(room: Room, principal: Principal) -> None:
    """The caller must moderate: the room's merchant, a moderator or an admin."""
    if principal.sub != room.merchant_sub and not principal.has("moderator"):
        raise Forbidden("not-room-moderator", "only the room's merchant or a moderator may do this")
