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


def test_a_serving_platform_freezes_its_heap_allows_prompt_full_collections_and_undoes_both_when_stopped() -> None:
    from crosslive.dev.platform import EmbeddedPlatform
    from plugins.manager import builtin_market_plugins

    before = gc.get_freeze_count()
    thresholds = gc.get_threshold()
    platform = EmbeddedPlatform(port=0, plugins=tuple(sorted(builtin_market_plugins())))
    platform.start()
    try:
        assert gc.get_freeze_count() > before
        assert gc.get_threshold() == (thresholds[0], thresholds[1], 1)
    finally:
        platform.stop()
    assert gc.get_freeze_count() == 0 and gc.get_threshold() == thresholds


@pytest.mark.skipif(not gc.isenabled(), reason="needs the automatic collector")
def test_prompt_full_collections_free_an_old_cycle_within_a_few_middle_collections() -> None:
    """A media node allocates little between packets: with CPython's ``threshold2`` of 10 a closed
    viewer's cycles waited ten middle collections (~170 s on the soak's edge) even with the start-up
    heap frozen; allowed after every middle collection, the 25 % rule alone decides."""
    thresholds = gc.get_threshold()
    gc.collect()
    heap.freeze_startup_heap()
    gc.set_threshold(100, 2, 10)  # CPython's oldest threshold; young ones scaled down (less work)
    try:
        cycle = _old_cycle()
        kept = _promote(1_000)  # five middle collections: fewer than the ten a full one waits for
        assert cycle() is not None
        assert heap.collect_old_garbage_promptly() == (100, 2, 10)
        cycle = _old_cycle()
        kept += _promote(1_000)  # the same work
        assert cycle() is None
        del kept
    finally:
        gc.set_threshold(*thresholds)
        heap.thaw()


def test_a_media_node_process_serves_with_its_start_up_heap_frozen_and_prompt_full_collections(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import uvicorn

    from media_nodes import server

    seen: dict[str, object] = {}

    def run(self: uvicorn.Server) -> None:  # what the node process does for its whole life
        seen.update(frozen=gc.get_freeze_count(), thresholds=gc.get_threshold(), app=self.config.app)

    monkeypatch.setattr(uvicorn.Server, "run", run)
    thresholds = gc.get_threshold()
    server.serve("127.0.0.1", 0)
    assert seen["app"] is not None and seen["frozen"] > 10_000  # type: ignore[operator]
    assert seen["thresholds"] == (thresholds[0], thresholds[1], 1)
    assert gc.get_threshold() == thresholds and gc.get_freeze_count() == 0  # restored on the way out
