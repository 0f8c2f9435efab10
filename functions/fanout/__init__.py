"""The push fan-out: streamed tables' records -> push events -> the region's media nodes -> viewers.

One Lambda per region (``handler.handler``) reads the streams of every table defined with
``stream=True`` (one event source mapping per table; on the embedded platform the stream port's
local sink, ``crosslive.dev.stream``, calls ``handler.process_records``). ``functions.shared.stream_records``
decodes the batch (Powertools' ``DynamoDBStreamEvent``) and names each record's table; ``dispatch``
hands each table's records to the producer its domain owns (``{table: producer}``:
``comments.events``, ``rooms.signals``, ``coupons.signals``, ``insights.events``); ``delivery``
sends one signed POST per node (``functions.shared.signing``).
"""

from __future__ import annotations

# The modules other packages may import (handler: the entry points, which the embedded platform's
# local stream calls); everything else is this package's own. Stream decoding and the push
# signature are the base layer's (functions.shared.stream_records, functions.shared.signing).
# tests/foundation/test_layout.py holds every package to it (docs/architecture.md).
PUBLIC_MODULES: tuple[str, ...] = ("handler",)
