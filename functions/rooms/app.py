"""Rooms API: create, read, list and update live rooms (the routes; ``editing.py`` does the work).

Creating a room takes a required ``Idempotency-Key`` (``functions.shared.idempotency``, the one
meaning of the word): the room and the request's ``done`` record (holding the answer) are written
in one transaction, so a retry after a lost answer gets 201 with the same room, never a second
room; the same key with another body is 422 ``idempotency-key-reused``.

The rooms table is streamed: a status change reaches viewers as a ``room`` live signal
(``functions/rooms/signals.py``, pushed by ``functions/fanout``), from the table's DynamoDB
stream in AWS and from the stream port's local sink on the embedded platform.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from functions.rooms import editing
from functions.rooms.access import ROOM_ID_PATTERN, get_room
from functions.rooms.editing import room_out
from functions.rooms.models import Room
from functions.rooms.products import router as products_router
from functions.rooms.schemas import RoomCreate, RoomOut, RoomUpdate
from functions.shared.app import create_app, lambda_handler
from functions.shared.auth import Principal, require_role
from functions.shared.idempotency import IdempotencyKey

router = APIRouter(prefix="/v1/rooms", tags=["rooms"])
Merchant = Annotated[Principal, Depends(require_role("merchant"))]
RoomId = Annotated[str, Path(pattern=ROOM_ID_PATTERN)]


@router.post(
    "",
    status_code=201,
    response_model=RoomOut,
    summary="Create a room (merchant)",
    description="A retry with the same Idempotency-Key is answered 201 with the room the first "
    "attempt created (never a second room); the same key with another body is 422.",
)
def create_room(body: RoomCreate, principal: Merchant, key: IdempotencyKey) -> RoomOut:
    return editing.create(body, principal.sub, key)


@router.get("/{room_id}", response_model=RoomOut, summary="Read a room (public)")
def read_room(room_id: RoomId) -> RoomOut:
    return room_out(get_room(room_id))


@router.get("", response_model=list[RoomOut], summary="List a merchant's rooms, newest first")
def list_rooms(
    merchant: Annotated[str, Query(min_length=1, max_length=128)], limit: Annotated[int, Query(ge=1, le=100)] = 20
) -> list[RoomOut]:
    rooms = Room.by_merchant.query(merchant, scan_index_forward=False, limit=limit)
    return [room_out(r) for r in rooms]


@router.patch("/{room_id}", response_model=RoomOut, summary="Update a room (its merchant)")
def update_room(room_id: RoomId, body: RoomUpdate, principal: Merchant) -> RoomOut:
    return editing.update(room_id, body, principal)


app = create_app("rooms", "Live rooms: which merchant, which markets, which state")
app.include_router(router)
app.include_router(products_router)  # products and the live stage (functions/rooms/products.py)
handler = lambda_handler(app, "rooms")
