"""Fixtures of the moderation tests: a comment context factory with fresh authors and rooms."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

from crosslive.dev.platform import EmbeddedPlatform
from functions.moderation.verdict import CommentContext

_ids = itertools.count()


def fresh(prefix: str) -> str:
    return f"{prefix}-{next(_ids)}-{id(_ids) % 9973}"


@pytest.fixture
def context(embedded: EmbeddedPlatform) -> Callable[..., CommentContext]:
    """``context(market="US", text_room=..., **fields)``: a viewer in a fresh room unless told otherwise."""
    room = fresh("room")

    def make(market: str = "US", **fields: Any) -> CommentContext:
        values: dict[str, Any] = {
            "room_id": room,
            "author_sub": fresh("viewer"),
            "author_roles": frozenset({"viewer"}),
            "market": market,
        }
        values.update(fields)
        return CommentContext(**values)

    return make
