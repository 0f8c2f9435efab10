"""Order statistics the benchmarks print, defined once.

Two definitions are in use, kept as each benchmark first published its figures:

* ``percentile(values, p)``: ``p`` in 0-100, the sample at the rounded rank ``p/100 * (n-1)``
  (media, comments); NaN for no samples.
* ``rank_percentile(values, q)``: ``q`` in 0-1, the sample at rank ``floor(q * n)`` clamped to the
  last (moderation, coupons); ``empty`` for no samples.
"""

from __future__ import annotations

from collections.abc import Sequence


def percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


def rank_percentile(values: Sequence[float], q: float, empty: float = float("nan")) -> float:
    if not values:
        return empty
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
