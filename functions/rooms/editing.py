"""Creating and changing a room: the rules (markets, titles and their compliance) and the writes
behind ``POST`` and ``PATCH /v1/rooms`` (the routes in ``app.py`` hand the work here).

Creating takes the request's ``Idempotency-Key`` (``functions.shared.idempotency``): the room and
the request's ``done`` record (holding the answer) are written in one transaction, so a retry
after a lost answer gets the same room, never a second one. Refusals are domain errors
(``functions.shared.errors``), mapped to problems once.
"""

from __future__ import annotations

import secrets
import time

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from functions.rooms.access import get_room, require_owner
from functions.rooms.models import Room, plain_map
from functions.rooms.schemas import RoomCreate, RoomOut, RoomUpdate
from functions.shared import stream
from functions.shared.auth import Principal
from functions.shared.errors import Conflict, Invalid
from functions.shared.idempotency import (
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


def room_out(room: Room) -> RoomOut:
    """The room as the API shows it."""
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
            raise Invalid("unknown-market", f"no enabled plugin provides market {code!r}") from exc
        if code in markets and profile.home_market_only:
            raise Invalid("not-a-viewer-market", f"{code} is a merchant home market, not a viewer market")
    if len(set(markets)) != len(markets):
        raise Invalid("duplicate-market", "a market is listed twice")


def _check_title(title: str, markets: list[str], home_market: str, titles: dict[str, str] | None = None) -> None:
    """The room's title is advertising in every market it broadcasts to (and under the home law):
    422 ``compliance-violation`` naming the rule, also where one market only restricts it (the
    merchant chose that market: drop it or retitle). Imported on use: the normalizer's tables."""
    from functions.textrules.shown import refuse, screen

    refuse(screen(title, markets, home_market, texts=titles), "room title", targeted=True)


def _check_titles(titles: dict[str, str] | None, markets: list[str]) -> None:
    outside = sorted(set(titles or {}) - set(markets))
    if outside:
        raise Invalid("market-not-in-room", f"titles for markets the room does not broadcast to: {outside}")


def _stored_answer(rid: str, print_: str) -> RoomOut | None:
    """The room a request with this record id created, as it was answered (a consistent read)."""
    record = find(IdempotencyRecord, rid)
    if record is None:
        return None
    check_fingerprint(record, print_)  # the same key with another body: 422 idempotency-key-reused
    return RoomOut.model_validate(result_of(record))


def create(body: RoomCreate, merchant_sub: str, key: str) -> RoomOut:
    """Create a room for ``merchant_sub`` once per Idempotency-Key ``key``: the room and the
    request's ``done`` record in one transaction; a retry (or a concurrent duplicate) is answered
    with the room the first attempt created."""
    rid = record_id("room", merchant_sub, key)
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
        merchant_sub=merchant_sub,
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
    answer = room_out(room)
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
            raise Conflict("room-exists", "room id collision, retry") from exc  # a 72-bit id collided
        raise  # a storage fault, not a collision: 503 with Retry-After (functions.shared.errors)
    stream.emit(None, room)  # written in the transaction (below the table layer): reported here
    return answer


def update(room_id: str, body: RoomUpdate, principal: Principal) -> RoomOut:
    """Change a room (its merchant only): the fields ``body`` gives, applied to the version read
    (409 ``room-changed`` if another change came first); an ended room stays ended."""
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
        raise Conflict("room-ended", "an ended room cannot go live again; create a new room")
    try:  # optimistic: the update applies to the version we read, or not at all
        room.update(actions=actions, condition=Room.version == room.version)
    except UpdateError as exc:
        raise Conflict("room-changed", "the room changed meanwhile; read it again") from exc
    return room_out(room)
