"""The routing function's public surface: the media-node registry that nodes write and others read.

Media nodes register and heartbeat here (``media_nodes.registry``); routing ranks them; the
fan-out pushes to the live ones. A node is live while its last heartbeat is younger than
``DEAD_AFTER_SECONDS`` (the TTL only garbage-collects, lazily).
"""

from __future__ import annotations

import time

from functions.routing.models import DEAD_AFTER_SECONDS, EXPIRE_AFTER_SECONDS, HEARTBEAT_SECONDS, MediaNodeRecord

__all__ = [
    "DEAD_AFTER_SECONDS",
    "EXPIRE_AFTER_SECONDS",
    "HEARTBEAT_SECONDS",
    "MediaNodeRecord",
    "is_live",
    "live_nodes",
]


def is_live(node: MediaNodeRecord, now: float) -> bool:
    """The node's last heartbeat is at most ``DEAD_AFTER_SECONDS`` old."""
    return now - float(node.heartbeat_at) <= DEAD_AFTER_SECONDS


def live_nodes(now: float | None = None) -> list[MediaNodeRecord]:
    """Nodes whose last heartbeat is younger than ``DEAD_AFTER_SECONDS`` (a small table: scan)."""
    now = time.time() if now is None else now
    return [n for n in MediaNodeRecord.scan() if is_live(n, now)]
