"""Mutes and bans (per room and platform-wide, with expiry) and the audit log of every action.

Residency (``functions.shared.zones``): a sanction and an audit entry are about a person (the
sanctioned account, the author of the reviewed comment), so they are stored in the zone of that
person's market; lists of a room or of the platform read every zone's table and merge them.
"""

from __future__ import annotations

import heapq
import secrets
from dataclasses import dataclass

from functions.moderation.models import AuditEntry, Sanction
from functions.shared.db import get_items
from functions.shared.zones import bind, bind_zone, everywhere, zone_of_model

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


def sanction_keys(room_id: str, sub: str, market: str | None = None) -> list[tuple[type[Sanction], tuple[str, str]]]:
    """The items that may hold the author's mute or ban: this room's and the platform's, in the
    residency zone of the author's ``market`` (with no market: in every zone, since a sanction is
    stored where its person's data is and that person's zone is then unknown)."""
    tables = [bind(Sanction, market)] if market else everywhere(Sanction)
    return [(table, key) for table in tables for key in ((room_scope(room_id), sub), (PLATFORM, sub))]


def unexpired(items: list[Sanction | None], now: float) -> list[ActiveSanction]:
    """The sanctions among ``items`` (read with ``sanction_keys``) that still apply at ``now``."""
    return [
        ActiveSanction(item.scope, item.kind, item.reason, item.expires_at)
        for item in items
        if item is not None and (item.expires_at is None or item.expires_at > now)
    ]


def active_sanctions(room_id: str, sub: str, now: float, market: str | None = None) -> list[ActiveSanction]:
    """The author's unexpired mutes and bans in this room and platform-wide (one BatchGetItem)."""
    return unexpired(get_items(sanction_keys(room_id, sub, market)), now)


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
    market: str | None = None,
) -> AuditEntry:
    """Record one action; ``market``: the market of the person it is about (their zone keeps it)."""
    entry = entry_of(
        bind(AuditEntry, market),
        scope,
        actor_sub,
        action,
        now,
        target_sub=target_sub,
        comment_id=comment_id,
        reason=reason,
        detail=detail,
    )
    entry.save()
    return entry


def entry_of(
    table: type[AuditEntry],
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
    """An audit entry of ``table`` (not saved)."""
    return table(
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


def place(
    scope: str,
    sub: str,
    kind: str,
    by_sub: str,
    now: float,
    *,
    reason: str = "",
    duration_seconds: int | None = None,
    market: str | None = None,
) -> Sanction:
    """Mute or ban ``sub`` in ``scope`` (replacing any earlier sanction there) and audit it, in
    the zone of ``sub``'s ``market``."""
    expires_at = now + duration_seconds if duration_seconds else None
    sanction = bind(Sanction, market)(
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
        market=market,
    )
    return sanction


def lift(scope: str, sub: str, by_sub: str, now: float, *, reason: str = "") -> bool:
    """Remove a sanction, in whichever zone holds it; False when there was none (nothing is
    audited then). The lift is audited beside the sanction."""
    for table in everywhere(Sanction):
        try:
            sanction = table.get(scope, sub, consistent_read=True)
        except table.DoesNotExist:
            continue
        sanction.delete()
        entry = bind_zone(AuditEntry, zone_of_model(table))
        entry_of(entry, scope, by_sub, f"un{sanction.kind}", now, target_sub=sub, reason=reason).save()
        return True
    return False


def scope_sanctions(scope: str, limit: int) -> list[Sanction]:
    """The sanctions of ``scope`` in every zone (each zone's first ``limit``)."""
    return [item for table in everywhere(Sanction) for item in table.query(scope, limit=limit)]


def scope_audit(scope: str, limit: int) -> list[AuditEntry]:
    """The newest ``limit`` audit entries of ``scope`` over every zone, newest first."""
    queries = [table.query(scope, scan_index_forward=False, limit=limit) for table in everywhere(AuditEntry)]
    merged = heapq.merge(*queries, key=lambda e: str(e.entry_id), reverse=True)
    return [e for _, e in zip(range(limit), merged, strict=False)]
