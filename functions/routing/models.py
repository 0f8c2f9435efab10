"""The media-node registry: one item per node process, refreshed by its heartbeat.

A global table (every region's routing function ranks every region's nodes). ``expires_at`` is
the DynamoDB TTL, which only garbage-collects: TTL deletion is lazy (it can take a day), so the
routing function judges liveness by ``heartbeat_at`` age itself (``DEAD_AFTER_SECONDS``).
"""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute

from functions.shared.db import TableModel, table_meta

HEARTBEAT_SECONDS = 2.0
DEAD_AFTER_SECONDS = 6.0  # three missed heartbeats: out of the ranking well within 10 s
EXPIRE_AFTER_SECONDS = 300  # TTL: the item is garbage after five minutes of silence


class MediaNodeRecord(TableModel):
    Meta = table_meta("media-nodes", replicated=True, ttl_attribute="expires_at")  # type: ignore[assignment]

    node_id = UnicodeAttribute(hash_key=True)
    base_url = UnicodeAttribute()  # public HTTP(S) base: WHEP is <base_url>/whep/<room>
    region_name = UnicodeAttribute()  # regions/<name>.toml
    aws_region = UnicodeAttribute()
    role = UnicodeAttribute()  # origin | edge
    rooms = ListAttribute(of=UnicodeAttribute, default=list)  # rooms with a hub here (any source)
    ingest_rooms = ListAttribute(of=UnicodeAttribute, default=list)  # rooms published to this node
    viewers = NumberAttribute(default=0)
    capacity = NumberAttribute(default=500)  # viewers this node accepts
    cpu_percent = NumberAttribute(default=0)
    heartbeat_at = NumberAttribute()  # epoch seconds (float)
    started_at = NumberAttribute()
    expires_at = NumberAttribute()  # epoch seconds, DynamoDB TTL
    draining = BooleanAttribute(default=False)
