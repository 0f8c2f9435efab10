"""A node's registration and heartbeat in the media-node registry, and lookups of its peers."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from functions.routing.registry import EXPIRE_AFTER_SECONDS, MediaNodeRecord, live_nodes

logger = logging.getLogger("crosslive.media.registry")


@dataclass(frozen=True)
class NodeLoad:
    rooms: list[str]
    ingest_rooms: list[str]
    viewers: int
    cpu_percent: float
    draining: bool = False


def write_heartbeat(record: MediaNodeRecord, load: NodeLoad, now: float | None = None) -> None:
    now = time.time() if now is None else now
    record.rooms = sorted(load.rooms)  # type: ignore[assignment,arg-type]
    record.ingest_rooms = sorted(load.ingest_rooms)  # type: ignore[assignment,arg-type]
    record.viewers = load.viewers
    record.cpu_percent = round(load.cpu_percent, 1)
    record.draining = load.draining
    record.heartbeat_at = now
    record.expires_at = int(now + EXPIRE_AFTER_SECONDS)
    record.save()


def publisher_nodes(room_id: str, exclude: str, now: float | None = None) -> list[MediaNodeRecord]:
    """Live nodes holding ``room_id``'s publisher (not ``exclude``): candidates to pull from."""
    return [n for n in live_nodes(now) if room_id in (n.ingest_rooms or []) and n.node_id != exclude]


def deregister(node_id: str) -> None:
    try:
        MediaNodeRecord(node_id).delete()
    except Exception:  # the table may be gone already (platform stopping)
        logger.debug("deregister failed", exc_info=True)


async def heartbeat_loop(record: MediaNodeRecord, load: Callable[[], NodeLoad], interval: float) -> None:
    """Write ``load()`` every ``interval`` seconds until cancelled; a failed write is retried.

    A write in flight when the loop is cancelled is waited for (a thread cannot be cancelled):
    otherwise it could land after the shutdown's ``deregister`` and put the stopped node back in
    the registry with a fresh heartbeat, where routing and the fan-out would take it for live.
    """
    while True:
        write = asyncio.ensure_future(asyncio.to_thread(write_heartbeat, record, load()))
        try:
            await asyncio.shield(write)
        except asyncio.CancelledError:
            await asyncio.gather(write, return_exceptions=True)
            raise
        except Exception:
            logger.warning("heartbeat failed", exc_info=True)
        await asyncio.sleep(interval)
