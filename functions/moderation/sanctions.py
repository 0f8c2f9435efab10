"""Mutes and bans (per room and platform-wide, with expiry) and the audit log of every action."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from functions.moderation.models import AuditEntry, Sanction
from functions.shared.db import get_items

PLATFORM = "platform"
TTL_GRACE_SECONDS = 86_400


def room_scope(room_id: str) -> str:
    return f"room#{room_id}"


@dataclass(frozen=True)
class ActiveSanction:
    scope: str
    kind: str  # mute | ban
    reason: str
    expires_at: float | None


def sanction_keys(room_id: str, sub: str) -> list[tuple[type[Sanction], tuple[str, str]]]:
    """The items that may hold the author's mute or ban: this room's and the platform's."""
    return [(Sanction, (room_scope(room_id), sub)), (Sanction, (PLATFORM, sub))]


def unexpired(items: list[Sanction | None], now: float) -> list[ActiveSanction]:
    """The sanctions among ``items`` (read with ``sanction_keys``) that still apply at ``now``."""
    return [
        ActiveSanction(item.scope, item.kind, item.reason, item.expires_at)
        for item in items
        if item is not None and (item.expires_at is None or item.expires_at > now)
    ]


def active_sanctions(room_id: str, sub: str, now: float) -> list[ActiveSanction]:
    """The author's unexpired mutes and bans in this room and platform-wide (one BatchGetItem)."""
    return unexpired(get_items(sanction_keys(room_id, sub)), now)


def audit(
    scope: str,
    actor_sub: str,
    action: str,
    now: float,
    *,
    target_sub: str | None = None,
    comment_id: str | None = None,
    reason: str = "",
    detail: str = "",
) -> AuditEntry:
    entry = AuditEntry(
        scope=scope,
        entry_id=f"{now:017.6f}#{secrets.token_hex(4)}",
        at=now,
        actor_sub=actor_sub,
        action=action,
        target_sub=target_sub,
        comment_id=comment_id,
        reason=reason,
        detail=detail,
    )
    entry.save()
    return entry


def place(
    scope: str,
    sub: str,
    kind: str,
    by_sub: str,
    now: float,
    *,
    reason: str = "",
    duration_seconds: int | None = None,
) -> Sanction:
    """Mute or ban ``sub`` in ``scope`` (replacing any earlier sanction there) and audit it."""
    expires_at = now + duration_seconds if duration_seconds else None
    sanction = Sanction(
        scope=scope,
        sub=sub,
        kind=kind,
        reason=reason,
        by_sub=by_sub,
        created_at=now,
        expires_at=expires_at,
        ttl=int(expires_at + TTL_GRACE_SECONDS) if expires_at else None,
    )
    sanction.save()
    audit(
        scope,
        by_sub,
        kind,
        now,
        target_sub=sub,
        reason=reason,
        detail=f"until {expires_at:.0f}" if expires_at else "until lifted",
    )
    return sanction


def lift(scope: str, sub: str, by_sub: str, now: float, *, reason: str = "") -> bool:
    """Remove a sanction; False when there was none (nothing is audited then)."""
    try:
        sanction = Sanction.get(scope, sub)
    except Sanction.DoesNotExist:
        return False
    sanction.delete()
    audit(scope, by_sub, f"un{sanction.kind}", now, target_sub=sub, reason=reason)
    return True
