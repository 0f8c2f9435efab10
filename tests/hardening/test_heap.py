"""The start-up heap freeze (``functions.shared.heap``): cyclic garbage made after start-up is
freed by the collector's own schedule, not after a quarter of the start-up heap's worth of
promotions (the soak's platform growth, docs/benchmarks.md)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from functions.shared import heap


class _Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the cycle collector frees it


def _old_cycle() -> weakref.ref[_Node]:
    """A cycle that reached the oldest generation (as a closed peer connection does after its
    viewer stayed a few seconds), dropped: garbage only a full collection frees."""
    node = _Node()
    gc.collect(1)  # young collections promote the survivor into the oldest generation
    return weakref.ref(node)


def _promote(count: int) -> list[list[int]]:
    """``count`` long-lived containers made by ordinary work, through automatic collections only."""
    kept = []
    for i in range(count):
        kept.append([i])
    return kept


@pytest.fixture
def large_start_up_heap() -> Iterator[list[list[int]]]:
    """200,000 tracked objects alive for the process's life, like the platform's plugin data and
    lexicon matchers (about a million there). The young generations' thresholds are scaled down
    (a full collection is considered after 2 x 2 young collections of 100 allocations instead of
    10 x 10 of 700) so the test needs little work; the rule under test, a full collection only
    once the promotions reach a quarter of the long-lived objects, is CPython's own."""
    thresholds = gc.get_threshold()
    gc.collect()
    big = [[i] for i in range(200_000)]
    gc.collect()  # a full collection: the collector's long-lived count now includes them
    gc.set_threshold(100, 2, 2)
    try:
        yield big
    finally:
        gc.set_threshold(*thresholds)
        heap.thaw()
        del big
        gc.collect()


@pytest.mark.skipif(not gc.isenabled(), reason="needs the automatic collector")
def test_without_the_freeze_old_cycles_outlive_much_work_on_a_large_heap(large_start_up_heap: list) -> None:
    cycle = _old_cycle()
    kept = _promote(20_000)  # far below a quarter of the long-lived heap: no full collection is due
    assert cycle() is not None
    del kept


@pytest.mark.skipif(not gc.isenabled(), reason="needs the automatic collector")
def test_after_the_freeze_old_cycles_are_freed_by_the_collectors_own_schedule(large_start_up_heap: list) -> None:
    frozen = heap.freeze_startup_heap()
    assert frozen >= len(large_start_up_heap)
    cycle = _old_cycle()
    kept = _promote(20_000)  # the same work now exceeds a quarter of what lives outside the freeze
    assert cycle() is None
    del kept
    heap.thaw()
    assert gc.get_freeze_count() == 0


def test_a_serving_platform_freezes_its_start_up_heap_and_thaws_it_when_stopped() -> None:
    from crosslive.dev.platform import EmbeddedPlatform
    from plugins.manager import builtin_market_plugins

    before = gc.get_freeze_count()
    platform = EmbeddedPlatform(port=0, plugins=tuple(sorted(builtin_market_plugins())))
    platform.start()
    try:
        assert gc.get_freeze_count() > before
    finally:
        platform.stop()
    assert gc.get_freeze_count() == 0
