"""The push fan-out: streamed tables' records -> push events -> the region's media nodes -> viewers.

One Lambda per region (``handler.handler``) reads the streams of every table defined with
``stream=True`` (one event source mapping per table; on the embedded platform the stream port's
local sink, ``crosslive.dev.stream``, calls ``handler.process_records``). ``records`` decodes the
batch (Powertools' ``DynamoDBStreamEvent``) and names each record's table; ``dispatch`` hands each
table's records to the producer its domain owns (``{table: producer}``: ``comments.events``,
``rooms.signals``, ``coupons.signals``); ``delivery`` sends one signed POST per node (``signing``).
"""

from __future__ import annotations

# The modules other packages may import (handler: the entry points; records: stream decoding, for
# another stream consumer; signing: the push signature the nodes verify); everything else is this
# package's own. tests/foundation/test_layout.py holds every package to it (docs/architecture.md).
PUBLIC_MODULES: tuple[str, ...] = ("handler", "records", "signing")
