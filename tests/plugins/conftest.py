"""Helpers for plugin tests: a manager of the built-in plugins plus plugins registered per test."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from plugins.manager import CrossliveManager, build_plugin_manager, builtin_market_plugins

BUILTIN = tuple(sorted(builtin_market_plugins()))
# The markets the hook tests use: validating every built-in lexicon (~38k terms) for each of the
# many managers these tests build would dominate the run.
SOME = ("market-ae", "market-cn", "market-de", "market-fr", "market-id", "market-th")


@pytest.fixture
def manager_with() -> Callable[..., CrossliveManager]:
    """``manager_with(("name", plugin), ...)``: some built-in markets (no entry points) plus these."""

    def make(*extra: tuple[str, object], enabled: tuple[str, ...] = SOME) -> CrossliveManager:
        return build_plugin_manager(enabled, include_entry_points=False, extra=list(extra))

    return make
