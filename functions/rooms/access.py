"""Room lookups and ownership checks that other functions use (comments, coupons, media)."""

from __future__ import annotations

from functions.rooms.models import Room
from functions.shared.auth import Principal
from functions.shared.errors import ApiError

ROOM_ID_PATTERN = r"^[A-Za-z0-9_-]{3,64}$"


def get_room(room_id: str) -> Room:
    """The room, or a 404 problem."""
    try:
        return Room.get(room_id)
    except Room.DoesNotExist as exc:
        raise ApiError(404, "room-not-found", f"no room {room_id!r}") from exc


def require_owner(room: Room, principal: Principal) -> None:
    """The caller must be the room's merchant (or an admin)."""
    if principal.sub != room.merchant_sub and "admin" not in principal.roles:
        raise ApiError(403, "not-room-owner", "only the room's merchant may do this")


def require_moderator(room: Room, principal: Principal) -> None:
    """The caller must moderate: the room's merchant, a moderator or an admin."""
    if principal.sub != room.merchant_sub and not principal.has("moderator"):
        raise ApiError(403, "not-room-moderator", "only the room's merchant or a moderator may do this")
