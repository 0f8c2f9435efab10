"""Creating rooms in tests as the console does: every ``POST /v1/rooms`` carries a fresh
``Idempotency-Key`` (required, functions/shared/idempotency.py)."""

from __future__ import annotations

import uuid


def new_room_key() -> str:
    """A fresh key: one per intended room (a retry of the same request sends the same one)."""
    return f"room-{uuid.uuid4().hex}"


def room_key(key: str | None = None) -> dict[str, str]:
    """The ``Idempotency-Key`` header of one room creation, to merge into a request's headers."""
    return {"Idempotency-Key": key or new_room_key()}
