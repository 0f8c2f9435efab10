"""Moderation API: pre-live compliance check, mutes and bans, the audit log.

The in-line checks of every comment are not a route: the comments function calls
``functions.moderation.pipeline.moderate_comment`` directly (one process, no extra hop). The review
queue of held comments is the comments function's (``/v1/comments/rooms/{room_id}/queue``): it owns
the table a decision changes, and writes the decision to this package's audit log.
"""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from functions.moderation import sanctions
from functions.moderation.models import AuditEntry, Sanction
from functions.moderation.schemas import (
    SUB_PATTERN,
    AuditOut,
    ComplianceCheckIn,
    ComplianceCheckOut,
    SanctionIn,
    SanctionOut,
    ViolationOut,
)
from functions.rooms.access import ROOM_ID_PATTERN, get_room, require_moderator, require_owner
from functions.shared.app import create_app, lambda_handler
from functions.shared.auth import Principal, current_principal, require_role
from functions.shared.errors import Invalid, NotFound
from functions.shared.zones import zones
from functions.textrules.compliance import check_compliance, markets_to_check

router = APIRouter(prefix="/v1/moderation", tags=["moderation"])
Caller = Annotated[Principal, Depends(current_principal)]
PlatformModerator = Annotated[Principal, Depends(require_role("moderator"))]
RoomId = Annotated[str, Path(pattern=ROOM_ID_PATTERN)]
Sub = Annotated[str, Path(pattern=SUB_PATTERN)]
Limit = Annotated[int, Query(ge=1, le=200)]


def _sanction_out(item: Sanction) -> SanctionOut:
    return SanctionOut(
        scope=item.scope,
        sub=item.sub,
        kind=item.kind,
        reason=item.reason,
        by_sub=item.by_sub,
        created_at=item.created_at,
        expires_at=item.expires_at,
    )


def _audit_out(entry: AuditEntry) -> AuditOut:
    return AuditOut(
        scope=entry.scope,
        entry_id=entry.entry_id,
        at=entry.at,
        actor_sub=entry.actor_sub,
        action=entry.action,
        target_sub=entry.target_sub,
        comment_id=entry.comment_id,
        reason=entry.reason,
        detail=entry.detail,
    )


# -- compliance -------------------------------------------------------------------------------


@router.post(
    "/rooms/{room_id}/compliance-check",
    response_model=ComplianceCheckOut,
    summary="Check a script against the rules of every market the room reaches (room owner)",
)
def compliance_check(room_id: RoomId, body: ComplianceCheckIn, principal: Caller) -> ComplianceCheckOut:
    room = get_room(room_id)
    require_owner(room, principal)
    room_markets = [str(m) for m in room.markets or []]
    markets = markets_to_check(room_markets, room.home_market)
    found = check_compliance(body.text, room_markets, room.home_market, categories=body.categories)
    return ComplianceCheckOut(
        ok=not any(v.severity == "block" for v in found),
        markets=markets,
        violations=[
            ViolationOut(
                rule=v.rule,
                market=v.market,
                law=v.law,
                severity=v.severity,  # type: ignore[arg-type]
                message=v.message,
                matched=v.matched,
            )
            for v in found
        ],
    )


# -- sanctions --------------------------------------------------------------------------------


def _no_self(principal: Principal, sub: str) -> None:
    if principal.sub == sub:
        raise Invalid("self-sanction", "you cannot mute or ban yourself")


@router.put(
    "/rooms/{room_id}/sanctions/{sub}",
    response_model=SanctionOut,
    summary="Mute or ban an account in a room (its merchant or a moderator)",
)
def sanction_in_room(room_id: RoomId, sub: Sub, body: SanctionIn, principal: Caller) -> SanctionOut:
    room = get_room(room_id)
    require_moderator(room, principal)
    _no_self(principal, sub)
    if sub == room.merchant_sub:
        raise Invalid("cannot-sanction-host", "the room's merchant cannot be muted in their own room")
    item = sanctions.place(
        sanctions.room_scope(room_id),
        sub,
        body.kind,
        principal.sub,
        time.time(),
        reason=body.reason,
        duration_seconds=body.duration_seconds,
        market=_market_of(sub, body.market),
    )
    return _sanction_out(item)


def _market_of(sub: str, given: str | None) -> str | None:
    """The sanctioned account's market, which decides the residency zone its sanction is stored in
    (the moderator's console has it from the account's comment: ``author_market``). With zones
    configured and no market, 422 ``market-required``: a sanction stored in the wrong zone would
    not apply."""
    if given is not None:
        return given
    if zones():
        raise Invalid(
            "market-required", f"say the market of {sub!r} (its data is stored in its market's residency zone)"
        )
    return None


@router.delete(
    "/rooms/{room_id}/sanctions/{sub}",
    status_code=204,
    summary="Lift a mute or ban in a room (its merchant or a moderator)",
)
def lift_in_room(room_id: RoomId, sub: Sub, principal: Caller) -> None:
    room = get_room(room_id)
    require_moderator(room, principal)
    if not sanctions.lift(sanctions.room_scope(room_id), sub, principal.sub, time.time()):
        raise NotFound("no-sanction", f"{sub!r} is not muted or banned in this room")


@router.get(
    "/rooms/{room_id}/sanctions",
    response_model=list[SanctionOut],
    summary="Active mutes and bans of a room (its merchant or a moderator)",
)
def room_sanctions(room_id: RoomId, principal: Caller, limit: Limit = 100) -> list[SanctionOut]:
    room = get_room(room_id)
    require_moderator(room, principal)
    now = time.time()
    items = sanctions.scope_sanctions(sanctions.room_scope(room_id), limit)
    return [_sanction_out(i) for i in items if i.expires_at is None or i.expires_at > now][:limit]


@router.put("/sanctions/{sub}", response_model=SanctionOut, summary="Mute or ban an account platform-wide (moderator)")
def sanction_platform(sub: Sub, body: SanctionIn, principal: PlatformModerator) -> SanctionOut:
    _no_self(principal, sub)
    item = sanctions.place(
        sanctions.PLATFORM,
        sub,
        body.kind,
        principal.sub,
        time.time(),
        reason=body.reason,
        duration_seconds=body.duration_seconds,
        market=_market_of(sub, body.market),
    )
    return _sanction_out(item)


@router.delete("/sanctions/{sub}", status_code=204, summary="Lift a platform-wide mute or ban (moderator)")
def lift_platform(sub: Sub, principal: PlatformModerator) -> None:
    if not sanctions.lift(sanctions.PLATFORM, sub, principal.sub, time.time()):
        raise NotFound("no-sanction", f"{sub!r} is not muted or banned platform-wide")


# -- audit log --------------------------------------------------------------------------------


@router.get(
    "/rooms/{room_id}/audit",
    response_model=list[AuditOut],
    summary="The room's moderation actions, newest first (its merchant or a moderator)",
)
def room_audit(room_id: RoomId, principal: Caller, limit: Limit = 100) -> list[AuditOut]:
    room = get_room(room_id)
    require_moderator(room, principal)
    return [_audit_out(e) for e in sanctions.scope_audit(sanctions.room_scope(room_id), limit)]


@router.get("/audit", response_model=list[AuditOut], summary="Platform-wide moderation actions, newest first")
def platform_audit(principal: PlatformModerator, limit: Limit = 100) -> list[AuditOut]:
    return [_audit_out(e) for e in sanctions.scope_audit(sanctions.PLATFORM, limit)]


app = create_app("moderation", "Moderation: lexicon, spam, compliance, mutes and bans, audit log")
app.include_router(router)
handler = lambda_handler(app, "moderation")
