"""Fixtures of the moderation tests: a comment context factory with fresh authors and rooms."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

from crosslive.dev.platform import EmbeddedPlatform
from functions.moderation.lexicon import Matcher, matcher_for
from functions.moderation.verdict import CommentContext
from plugins.manager import build_plugin_manager

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


@pytest.fixture(scope="module")
def market() -> Callable[[str], Matcher]:
    """``market("SA")``: the moderation matcher of a built-in market (plugins built once per module)."""
    pm = build_plugin_manager(include_entry_points=False, validate=False)

    def matcher(code: str) -> Matcher:
        return matcher_for(pm, code)

    return matcher
