"""Rooms API: create, read, list and update live rooms.

Creating a room takes a required ``Idempotency-Key`` (``functions.shared.idempotency``, the one
meaning of the word): the room and the request's ``done`` record (holding the answer) are written
in one transaction, so a retry after a lost answer gets 201 with the same room, never a second
room; the same key with another body is 422 ``idempotency-key-reused``.

The rooms table is streamed: a status change reaches viewers as a ``room`` live signal
(``functions/rooms/signals.py``, pushed by ``functions/fanout``), from the table's DynamoDB
stream in AWS and from the stream port's local sink on the embedded platform.
"""

from __future__ import annotations

import secrets
import time
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from functions.rooms.access import ROOM_ID_PATTERN, get_room, require_owner
from functions.rooms.models import Room, plain_map
from functions.rooms.products import router as products_router
from functions.rooms.schemas import RoomCreate, RoomOut, RoomUpdate
from functions.shared import stream
from functions.shared.app import create_app, lambda_handler
from functions.shared.auth import Principal, require_role
from functions.shared.errors import ApiError
from functions.shared.idempotency import (
    IdempotencyKey,
    IdempotencyRecord,
    check_fingerprint,
    done_record,
    find,
    fingerprint,
    record_id,
    result_of,
)
from functions.shared.plugins import get_plugins
from plugins.manager import UnknownMarketError

router = APIRouter(prefix="/v1/rooms", tags=["rooms"])
Merchant = Annotated[Principal, Depends(require_role("merchant"))]
RoomId = Annotated[str, Path(pattern=ROOM_ID_PATTERN)]


def _out(room: Room) -> RoomOut:
    return RoomOut(
        room_id=room.room_id,
        merchant_sub=room.merchant_sub,
        title=room.title,
        titles={str(k): str(v) for k, v in plain_map(room.titles).items()},
        home_market=room.home_market,
        host_language=room.host_language,
        markets=[str(m) for m in room.markets],
        status=room.status,  # type: ignore[arg-type]
        scheduled_start=room.scheduled_start,
        created_at=room.created_at,
        updated_at=room.updated_at,
        version=int(room.version or 0),
    )


def _check_markets(markets: list[str], home_market: str | None = None) -> None:
    plugins = get_plugins()
    for code in [*markets, *([home_market] if home_market else [])]:
        try:
            profile = plugins.market_profile(code)
        except UnknownMarketError as exc:
            raise ApiError(422, "unknown-market", f"no enabled plugin provides market {code!r}") from exc
        if code in markets and profile.home_market_only:
            raise ApiError(422, "not-a-viewer-market", f"{code} is a merchant home market, not a viewer market")
    if len(set(markets)) != len(markets):
        raise ApiError(422, "duplicate-market", "a market is listed twice")


def _check_title(title: str, markets: list[str], home_market: str, titles: dict[str, str] | None = None) -> None:
    """The room's title is advertising in every market it broadcasts to (and under the home law):
    422 ``compliance-violation`` naming the rule, also where one market only restricts it (the
    merchant chose that market: drop it or retitle). Imported on use: the normalizer's tables."""
    from functions.textrules.shown import refuse, screen

    refuse(screen(title, markets, home_market, texts=titles), "room title", targeted=True)


def _check_titles(titles: dict[str, str] | None, markets: list[str]) -> None:
    outside = sorted(set(titles or {}) - set(markets))
    if outside:
        raise ApiError(422, "market-not-in-room", f"titles for markets the room does not broadcast to: {outside}")


def _stored_answer(rid: str, print_: str) -> RoomOut | None:
    """The room a request with this record id created, as it was answered (a consistent read)."""
    record = find(IdempotencyRecord, rid)
    if record is None:
        return None
    check_fingerprint(record, print_)  # the same key with another body: 422 idempotency-key-reused
    return RoomOut.model_validate(result_of(record))


@router.post(
    "",
    status_code=201,
    response_model=RoomOut,
    summary="Create a room (merchant)",
    description="A retry with the same Idempotency-Key is answered 201 with the room the first "
    "attempt created (never a second room); the same key with another body is 422.",
)
def create_room(body: RoomCreate, principal: Merchant, key: IdempotencyKey) -> RoomOut:
    rid = record_id("room", principal.sub, key)
    print_ = fingerprint(body.model_dump(mode="json"))
    stored = _stored_answer(rid, print_)
    if stored is not None:
        return stored
    _check_markets(body.markets, body.home_market)
    _check_titles(body.titles, body.markets)
    _check_title(body.title, body.markets, body.home_market, body.titles)
    now = time.time()
    room = Room(
        room_id=secrets.token_urlsafe(9),
        merchant_sub=principal.sub,
        title=body.title,
        home_market=body.home_market,
        host_language=body.host_language,
        titles=dict(body.titles or {}),
        markets=body.markets,
        status="scheduled",
        scheduled_start=body.scheduled_start,
        created_at=now,
        updated_at=now,
    )
    answer = _out(room)
    record = done_record(IdempotencyRecord, rid, answer.model_dump(mode="json"), print_)
    try:
        with TransactWrite(connection=Room._get_connection().connection) as tx:
            tx.save(record, condition=IdempotencyRecord.id.does_not_exist())
            tx.save(room, condition=Room.room_id.does_not_exist())
    except TransactWriteError as exc:
        reasons = [r.code if r is not None else None for r in (exc.cancellation_reasons or [])]
        if reasons and reasons[0] == "ConditionalCheckFailed":
            # the key already has its room: a concurrent duplicate, or the SDK retried a
            # transaction that had applied (its first answer lost); answer with that room
            stored = _stored_answer(rid, print_)
            if stored is not None:
                return stored
        if len(reasons) > 1 and reasons[1] == "ConditionalCheckFailed":
            raise ApiError(409, "room-exists", "room id collision, retry") from exc  # a 72-bit id collided
        raise  # a storage fault, not a collision: 503 with Retry-After (functions.shared.errors)
    stream.emit(None, room)  # written in the transaction (below the table layer): reported here
    return answer


@router.get("/{room_id}", response_model=RoomOut, summary="Read a room (public)")
def read_room(room_id: RoomId) -> RoomOut:
    return _out(get_room(room_id))


@router.get("", response_model=list[RoomOut], summary="List a merchant's rooms, newest first")
def list_rooms(
    merchant: Annotated[str, Query(min_length=1, max_length=128)], limit: Annotated[int, Query(ge=1, le=100)] = 20
) -> list[RoomOut]:
    rooms = Room.by_merchant.query(merchant, scan_index_forward=False, limit=limit)
    return [_out(r) for r in rooms]


@router.patch("/{room_id}", response_model=RoomOut, summary="Update a room (its merchant)")
def update_room(room_id: RoomId, body: RoomUpdate, principal: Merchant) -> RoomOut:
    room = get_room(room_id)
    require_owner(room, principal)
    if body.markets is not None:
        _check_markets(body.markets)
    markets = body.markets or [str(m) for m in room.markets]
    _check_titles(body.titles, markets)
    if body.title is not None or body.markets is not None or body.titles is not None:
        titles = body.titles if body.titles is not None else plain_map(room.titles)
        _check_title(body.title or room.title, markets, room.home_market, titles)
    actions: list[Action] = [Room.updated_at.set(time.time()), Room.version.add(1)]
    for field in ("title", "titles", "markets", "status", "scheduled_start"):
        value = getattr(body, field)
        if value is not None:
            actions.append(getattr(Room, field).set(value))
    if room.status == "ended" and body.status not in (None, "ended"):
        raise ApiError(409, "room-ended", "an ended room cannot go live again; create a new room")
    try:  # optimistic: the update applies to the version we read, or not at all
        room.update(actions=actions, condition=Room.version == room.version)
    except UpdateError as exc:
        raise ApiError(409, "room-changed", "the room changed meanwhile; read it again") from exc
    return _out(room)


app = create_app("rooms", "Live rooms: which merchant, which markets, which state")
app.include_router(router)
app.include_router(products_router)  # products and the live stage (functions/rooms/products.py)
handler = lambda_handler(app, "rooms")
