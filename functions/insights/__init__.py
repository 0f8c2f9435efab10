"""Live insights: funnel, sentiment, hot questions, alerts."""

from __future__ import annotations

# The modules other packages may import (events: the fan-out's producer of the alerts table, the
# console push; streams: the tables the consumer folds, for the function specs); everything else
# is this package's own (the win-back segment reaches coupons by insights writing it into
# coupons.segments, so no package imports winback). tests/foundation/test_layout.py holds every
# package to it (docs/architecture.md).
PUBLIC_MODULES: tuple[str, ...] = ("events", "streams")
# The Lambda entry points (the HTTP app, the stream consumer and the scheduled dead-node sweep):
# the top of this package.
ENTRY_MODULES: tuple[str, ...] = ("app", "consumer", "sweep")
