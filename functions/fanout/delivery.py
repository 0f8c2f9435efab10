"""Delivery: one signed POST of a batch's push events to every live media node of this region
(of every region for a residency zone's tables, ``docs/residency.md``).

Targets come from the media-node registry (the nodes' heartbeats; a node whose heartbeat is older
than ``DEAD_AFTER_SECONDS`` is not a target), plus ``CROSSLIVE_PUSH_NODES`` and any registered
target source. Because the comments table is a global table, each replica's stream carries the
writes of *every* region, so a comment posted in Frankfurt is pushed by Singapore's fan-out to
Singapore's nodes about a replication delay later; nothing relays across regions explicitly.
Nodes coalesce events per room onto each viewer's WebSocket.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import threading
import time
import urllib.parse
from typing import Any

from functions.shared import signing

ENV_PUSH_NODES = "CROSSLIVE_PUSH_NODES"  # comma-separated node base URLs of this region
PUSH_PATH = "/v1/push/internal/events"
POST_TIMEOUT_SECONDS = 2.0
log = logging.getLogger("crosslive.fanout.delivery")


REGISTRY_CACHE_SECONDS = 2.0
_registry_cache: tuple[float, list[tuple[str, str]]] = (0.0, [])  # (region name, base URL) of live nodes


def registry_targets(*, fresh: bool = False, every_region: bool = False) -> list[str]:
    """Live media nodes of this region from the node registry (cached for two seconds unless
    ``fresh``).

    Live means a heartbeat younger than ``DEAD_AFTER_SECONDS`` (``functions.routing.registry``):
    a node that stopped without deregistering (a crash, a lost instance) stops being a target at
    most ``DEAD_AFTER_SECONDS + REGISTRY_CACHE_SECONDS`` after its last heartbeat, whatever its
    registry item's TTL.

    ``every_region``: the live nodes of every region, for the changes of a residency zone's
    tables, whose streams only the zone home's fan-out receives (display is not storage: the
    viewers of every region see an EU comment; ``docs/residency.md``).
    """
    from functions.shared.config import get_settings

    global _registry_cache
    if fresh or _registry_cache[0] <= time.monotonic():
        nodes: list[tuple[str, str]] = []
        try:
            from functions.routing.registry import live_nodes

            nodes = [(str(n.region_name), str(n.base_url)) for n in live_nodes()]
        except Exception:
            log.warning("node registry unavailable", exc_info=True)
        _registry_cache = (time.monotonic() + REGISTRY_CACHE_SECONDS, nodes)
    settings = get_settings()
    # On the embedded platform one table stands in for every region's replica, so its stream
    # is every region's stream: the fan-out serves the nodes of all simulated regions.
    everywhere = every_region or settings.is_local
    return [url for region, url in _registry_cache[1] if everywhere or region == settings.region_name]


def push_targets(*, every_region: bool = False) -> list[str]:
    """Base URLs of this region's push endpoints: every live media node of the region.

    From the media-node registry (the nodes' heartbeats), plus ``CROSSLIVE_PUSH_NODES`` (extra
    comma-separated base URLs), plus any ``register_target_source`` callables. Read per batch,
    so nodes joining and leaving are picked up within seconds.
    """
    targets = [t.strip().rstrip("/") for t in os.environ.get(ENV_PUSH_NODES, "").split(",") if t.strip()]
    targets.extend(u.rstrip("/") for u in registry_targets(every_region=every_region))
    for source in _target_sources:
        try:
            targets.extend(t.rstrip("/") for t in source())
        except Exception:
            log.exception("push target source failed")
    return list(dict.fromkeys(targets))


_target_sources: list[Any] = []


def register_target_source(source: Any) -> None:
    """Add a callable returning node base URLs (e.g. the media-node registry of this region)."""
    if source not in _target_sources:
        _target_sources.append(source)


# -- delivery ---------------------------------------------------------------------------------


class _NodeClient:
    """A kept-alive HTTP connection per node (reused across warm Lambda invocations)."""

    def __init__(self) -> None:
        self._connections: dict[str, http.client.HTTPConnection] = {}
        self._lock = threading.Lock()

    def post(self, base_url: str, body: bytes) -> int:
        with self._lock:
            for attempt in (1, 2):
                conn = self._connection(base_url)
                try:
                    conn.request(
                        "POST",
                        PUSH_PATH,
                        body=body,
                        headers={
                            "Content-Type": "application/json",
                            signing.SIGNATURE_HEADER: signing.sign(body),
                        },
                    )
                    response = conn.getresponse()
                    response.read()
                    return response.status
                except (OSError, http.client.HTTPException):
                    conn.close()
                    self._connections.pop(base_url, None)
                    if attempt == 2:
                        raise
            raise AssertionError("unreachable")

    def _connection(self, base_url: str) -> http.client.HTTPConnection:
        conn = self._connections.get(base_url)
        if conn is None:
            parts = urllib.parse.urlsplit(base_url)
            factory = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
            conn = factory(parts.netloc, timeout=POST_TIMEOUT_SECONDS)
            self._connections[base_url] = conn
        return conn


_client = _NodeClient()


def deliver(events: list[dict[str, Any]], *, every_region: bool = False) -> dict[str, Any]:
    """Send ``events`` to every node of this region (``every_region``: of every region); a node
    that fails does not stop the others."""
    if not events:
        return {"events": 0, "nodes": 0, "failed": []}
    body = json.dumps({"events": events, "sent_at": time.time()}, ensure_ascii=False, separators=(",", ":")).encode()
    failed = []
    targets = push_targets(every_region=every_region)
    for target in targets:
        try:
            status = _client.post(target, body)
            if status >= 300:
                failed.append(f"{target}: HTTP {status}")
        except Exception as exc:  # a node that is down must not stop the others
            failed.append(f"{target}: {exc}")
    if failed:
        log.warning("push failed on %d of %d nodes: %s", len(failed), len(targets), failed)
    return {"events": len(events), "nodes": len(targets), "failed": failed}
