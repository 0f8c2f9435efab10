"""Offer flood protection: a token bucket per client address, plus a cap on concurrent offers.

Negotiating an offer costs a peer connection, ICE gathering and a DTLS certificate; a client
that floods a node gets 429 (with ``Retry-After``) long before the node feels it, and the
viewers already connected are not touched.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict

MAX_TRACKED = 10_000


class TokenBuckets:
    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, at)

    def take(self, key: str, now: float | None = None) -> float:
        """0 when allowed; otherwise the seconds to wait."""
        now = time.monotonic() if now is None else now
        tokens, at = self._buckets.pop(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - at) * self.rate)
        if tokens >= 1.0:
            self._buckets[key] = (tokens - 1.0, now)
            wait = 0.0
        else:
            self._buckets[key] = (tokens, now)
            wait = (1.0 - tokens) / self.rate if self.rate > 0 else math.inf
        while len(self._buckets) > MAX_TRACKED:
            self._buckets.popitem(last=False)
        return wait
