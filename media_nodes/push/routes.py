"""HTTP and WebSocket routes of the push module, mounted on every media node.

* ``WS  /v1/push/rooms/{room_id}``: a viewer subscribes. The first message must be
  ``{"type": "auth", "token": "<ID token>"}`` within ``AUTH_TIMEOUT_SECONDS`` (browsers cannot set
  headers on a WebSocket, and a token in the URL ends up in access logs). The node answers
  ``{"type": "ready", ...}`` and then sends ``{"type": "events", "events": [...]}`` frames. Close
  codes: 4400 malformed hello, 4401 missing/forged/expired token (also when the token expires
  while connected), 4408 no hello in time, 1013 too slow to keep up.
* ``POST /v1/push/internal/events``: the fan-out's signed batch (``functions.shared.signing``):
  comment events and the live ``room``/``stage``/``campaign`` signals (``functions.shared.push``),
  each checked against its public schema here (extra fields are refused, so nothing private can
  ride along to viewers).
* ``GET /v1/push/stats``: counters of this node's push hub.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any, Literal

from fastapi import APIRouter, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from functions.shared import signing
from functions.shared.auth import verify_token
from functions.shared.errors import ApiError, problem
from media_nodes.push.hub import PushHub, Subscriber

AUTH_TIMEOUT_SECONDS = 5.0
ROOM_ID_PATTERN = r"^[A-Za-z0-9_-]{3,64}$"
MAX_EVENTS_PER_BATCH = 1000


class RoomSignal(BaseModel):
    """A room's new status (what ``GET /v1/rooms/{id}`` shows anyone): badge and playback at once."""

    model_config = ConfigDict(extra="forbid")

    room_id: str = Field(pattern=ROOM_ID_PATTERN)
    status: Literal["scheduled", "live", "ended"]
    version: int = Field(ge=0)


class StageSignal(BaseModel):
    """What viewers learn about a stage change: only that there is a newer version."""

    model_config = ConfigDict(extra="forbid")

    room_id: str = Field(pattern=ROOM_ID_PATTERN)
    version: int = Field(ge=0)


class CampaignSignal(BaseModel):
    """A campaign's public state: the stock bar and countdown state without a refetch."""

    model_config = ConfigDict(extra="forbid")

    room_id: str = Field(pattern=ROOM_ID_PATTERN)
    campaign_id: str = Field(pattern=r"^[A-Za-z0-9_-]{8,64}$")
    change: Literal["created", "updated", "removed", "stock"]
    state: Literal["upcoming", "live", "ended"]
    left: int = Field(ge=0)
    stock: int = Field(ge=0)
    markets: list[str] = Field(max_length=50)
    server_time: float


SIGNAL_MODELS: dict[str, type[BaseModel]] = {"room": RoomSignal, "stage": StageSignal, "campaign": CampaignSignal}


class PushEvent(BaseModel):
    # insights.alert: the merchant's live-insights alert (functions/insights/events.py), private
    type: str = Field(pattern=r"^(comment(\.update|\.remove)?|room|stage|campaign|insights\.alert)$")
    id: str = Field(min_length=1, max_length=160)
    room_id: str = Field(pattern=ROOM_ID_PATTERN)
    audience: str = Field(pattern=r"^(all|private)$")
    author_sub: str | None = None
    owner_sub: str | None = None
    comment: dict[str, Any] | None = None
    author_comment: dict[str, Any] | None = None
    signal: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _shape(self) -> PushEvent:
        """Comments carry ``comment``; signals carry a public ``signal`` of their type, for all."""
        model = SIGNAL_MODELS.get(self.type)
        if model is None:
            if self.comment is None or self.signal is not None:
                raise ValueError("a comment event carries a comment and no signal")
            if self.type == "insights.alert" and (self.audience != "private" or not self.owner_sub):
                raise ValueError("an insights alert goes only to the room's merchant and moderators")
            return self
        if self.signal is None or self.comment is not None or self.audience != "all":
            raise ValueError("a signal carries a signal, no comment, and goes to everyone in the room")
        signal = model.model_validate(self.signal)
        if getattr(signal, "room_id", None) != self.room_id:
            raise ValueError("signal of another room")
        self.signal = signal.model_dump()
        return self


class PushBatch(BaseModel):
    events: list[PushEvent] = Field(max_length=MAX_EVENTS_PER_BATCH)
    sent_at: float | None = None


def push_router(hub: PushHub, prefix: str = "/v1/push") -> APIRouter:
    router = APIRouter(prefix=prefix, tags=["push"])

    @router.post("/internal/events", summary="Deliver a batch of comment events (fan-out only, signed)")
    async def deliver(request: Request) -> JSONResponse:
        body = await request.body()
        try:
            signing.verify(request.headers.get(signing.SIGNATURE_HEADER), body)
        except signing.SignatureError as exc:
            return problem(401, "bad-push-signature", str(exc), instance=request.url.path)
        try:
            batch = PushBatch.model_validate_json(body)
        except ValidationError as exc:
            return problem(
                400,
                "bad-push-batch",
                f"malformed batch: {exc.error_count()} errors",
                instance=request.url.path,
            )
        rooms = hub.publish([e.model_dump(exclude_none=True) for e in batch.events])
        return JSONResponse({"accepted": len(batch.events), "rooms_with_viewers": rooms})

    @router.get("/stats", summary="This node's push counters")
    async def stats() -> dict[str, Any]:
        s = hub.stats
        return {
            "rooms": len(hub.rooms),
            "subscribers": hub.subscriber_count,
            "events_in": s.events_in,
            "duplicates": s.duplicates,
            "frames_out": s.frames_out,
            "signals_coalesced": s.signals_coalesced,
            "overflows": s.overflows,
        }

    @router.websocket("/rooms/{room_id}")
    async def subscribe(websocket: WebSocket, room_id: str) -> None:
        await websocket.accept()
        import re

        if not re.match(ROOM_ID_PATTERN, room_id):
            await websocket.close(4400, "bad room id")
            return
        try:
            hello = json.loads(await asyncio.wait_for(websocket.receive_text(), AUTH_TIMEOUT_SECONDS))
        except TimeoutError:
            await websocket.close(4408, "no auth message in time")
            return
        except (ValueError, KeyError, WebSocketDisconnect):
            with contextlib.suppress(Exception):
                await websocket.close(4400, "first message must be JSON text")
            return
        if not isinstance(hello, dict) or hello.get("type") != "auth" or not isinstance(hello.get("token"), str):
            await websocket.close(4400, 'first message must be {"type": "auth", "token": "..."}')
            return
        try:
            principal = await asyncio.to_thread(verify_token, hello["token"])
        except ApiError as exc:
            await websocket.close(4401, exc.detail[:100])
            return
        subscriber = Subscriber(room_id=room_id, sub=principal.sub, roles=principal.roles, market=principal.market)
        hub.subscribe(subscriber)
        expires_in = float(principal.claims.get("exp", time.time() + 3600)) - time.time()
        try:
            await websocket.send_text(json.dumps({"type": "ready", "room_id": room_id, "sub": principal.sub}))
            sender = asyncio.ensure_future(_send_loop(websocket, subscriber))
            receiver = asyncio.ensure_future(_receive_loop(websocket))
            done, _ = await asyncio.wait(
                {sender, receiver}, timeout=max(expires_in, 0.0), return_when=asyncio.FIRST_COMPLETED
            )
            for task in (sender, receiver):
                task.cancel()
            await asyncio.gather(sender, receiver, return_exceptions=True)
            if not done:
                with contextlib.suppress(Exception):
                    await websocket.close(4401, "token expired")
            elif subscriber.overflowed:
                with contextlib.suppress(Exception):
                    await websocket.close(1013, "too slow: reconnect and catch up")
        finally:
            hub.unsubscribe(subscriber)

    return router


async def _send_loop(websocket: WebSocket, subscriber: Subscriber) -> None:
    while not subscriber.overflowed:
        frame = await subscriber.queue.get()
        if frame is None or subscriber.overflowed:
            return
        await websocket.send_text(frame)


async def _receive_loop(websocket: WebSocket) -> None:
    """Answer pings; anything else from a viewer is ignored. Returns when the viewer leaves."""
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
        if message.get("text") == '{"type":"ping"}':
            await websocket.send_text('{"type":"pong"}')
