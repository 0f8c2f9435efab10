"""Keep the cyclic garbage collector's full collections cheap and frequent in a process that
loads a large, never-freed heap at start-up.

CPython frees an object caught in a reference cycle only when the collector examines the
generation holding it. Objects that survive two young collections reach the oldest generation,
and a full collection runs only once the objects promoted there since the last one amount to
25 % of those that survived it (``long_lived_pending > long_lived_total / 4`` in
``Modules/gcmodule.c``). The embedded platform holds about a million tracked objects from
start-up (the market plugins' data, the moderation lexicons and their matchers: 547,000 trie
nodes alone), so about 250,000 objects of cyclic garbage had to pile up before a full collection
freed any: a WHEP viewer's closed peer connection (about 580 objects in cycles, with its DTLS and
SRTP state in native memory), a request's cycles. Measured (docs/benchmarks.md, soak): RSS grew
+2.4 MB/min over a 10-minute soak without one full collection, and the full collection that came
after ~200 s of 5x the soak's viewer churn paused the process for about 1 s (load ~9).

``freeze_startup_heap`` moves everything alive at the end of start-up into the permanent
generation (``gc.freeze``): those objects are never examined again, and the 25 % rule then
compares against what was created after start-up only, so full collections come often and
cost little. ``thaw`` undoes it when the process unloads what it froze (the embedded platform
stopping inside a test process), so a stopped platform's cycles can be freed again.
"""

from __future__ import annotations

import gc


def freeze_startup_heap() -> int:
    """Collect start-up's garbage, freeze what is left, and restart the full-collection schedule.

    Returns the number of objects frozen (``gc.get_freeze_count()``). Call it once start-up has
    built its long-lived state (tables, apps, plugin data, matchers); objects frozen are still
    freed by reference counting, only the cycle collector stops examining them.
    """
    gc.collect()  # start-up's own garbage is not frozen
    gc.freeze()
    # A full collection over the (now nearly empty) oldest generation: it sets the collector's
    # long-lived count to what is left there, so the 25 % rule no longer counts the frozen heap.
    gc.collect()
    return gc.get_freeze_count()


def collect_old_garbage_promptly() -> tuple[int, int, int]:
    """Consider a full collection at every collection of the middle generation, not every tenth.

    Besides the 25 % rule, CPython runs a full collection only after ``threshold2`` (10)
    collections of the middle generation, each after ``threshold1`` (10) young ones of
    ``threshold0`` (700) net allocations: 70,000 net allocations of tracked objects. A media node
    allocates little between packets, so that took about 170 s on the soak's edge, while each
    closed viewer (about 1,400 objects in cycles: aiortc's peer connection, its transports and
    the forwarding tap, with native DTLS and SRTP state behind cffi finalizers) waited in the
    oldest generation: about 40 closed viewers' worth of memory, 10-15 MB, before each full
    collection (docs/benchmarks.md, soak). With ``threshold2`` at 1 a full collection may follow
    every middle one (about every 7,000 net allocations), still only when the 25 % rule allows, so
    the work of full collections stays in proportion to the heap they examine, which after
    ``freeze_startup_heap`` is only what was made after start-up. Measured on the soak's edge (300 s
    runs, with the closed viewers' NACK history also released): a full collection every 30-50 s,
    RSS growth after warm-up +0.39 MB/min instead of +3.8. Returns the previous thresholds (to restore them).
    """
    previous = gc.get_threshold()
    gc.set_threshold(previous[0], previous[1], 1)
    return previous


def thaw() -> None:
    """Return the frozen objects to the oldest generation (the next full collection examines them)."""
    gc.unfreeze()
