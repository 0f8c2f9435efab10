"""The push fan-out: DynamoDB Streams records -> the region's media nodes -> viewers' WebSockets.

Records of the comments table become comment events; records of the rooms, stage,
coupon-campaigns and coupon-stock tables become the live ``room``/``stage``/``campaign`` signals
of ``signals`` (so the viewer page need not poll them). One handler takes every stream: Lambda's ``eventSourceARN``
tells the tables apart.

One fan-out runs per region (a Lambda on the regional replica's stream in AWS, the
``local_stream`` thread on the embedded platform). Because the comments table is a global table,
each replica's stream carries the writes of *every* region, so a comment posted in Frankfurt is
pushed by Singapore's fan-out to Singapore's nodes about a replication delay later; nothing
relays across regions explicitly.

For each batch: decode the records, turn each into a push event (who may see it, what it looks
like, translated into the room's languages once here rather than per viewer), group them and
send one signed POST per node. Nodes coalesce events per room onto each viewer's WebSocket.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import threading
import time
import urllib.parse
from collections.abc import Iterable
from typing import Any

from functions.comments import signals, signing
from functions.comments.models import VISIBLE_STATUSES, Comment
from functions.comments.views import comment_out

ENV_PUSH_NODES = "CROSSLIVE_PUSH_NODES"  # comma-separated node base URLs of this region
PUSH_PATH = "/v1/push/internal/events"
ROOM_CACHE_SECONDS = 30.0
POST_TIMEOUT_SECONDS = 2.0
log = logging.getLogger("crosslive.comments.fanout")


REGISTRY_CACHE_SECONDS = 2.0
_registry_cache: tuple[float, list[str]] = (0.0, [])


def registry_targets() -> list[str]:
    """Live media nodes of this region from the node registry (cached for two seconds)."""
    global _registry_cache
    if _registry_cache[0] > time.monotonic():
        return _registry_cache[1]
    urls: list[str] = []
    try:
        from functions.routing.models import DEAD_AFTER_SECONDS, MediaNodeRecord
        from functions.shared.config import get_settings

        settings = get_settings()
        now = time.time()
        # On the embedded platform one table stands in for every region's replica, so its stream
        # is every region's stream: the fan-out serves the nodes of all simulated regions.
        urls = [
            str(n.base_url)
            for n in MediaNodeRecord.scan()
            if (settings.is_local or n.region_name == settings.region_name)
            and now - float(n.heartbeat_at) <= DEAD_AFTER_SECONDS
        ]
    except Exception:
        log.warning("node registry unavailable", exc_info=True)
    _registry_cache = (time.monotonic() + REGISTRY_CACHE_SECONDS, urls)
    return urls


def push_targets() -> list[str]:
    """Base URLs of this region's push endpoints: every live media node of the region.

    From the media-node registry (the nodes' heartbeats), plus ``CROSSLIVE_PUSH_NODES`` (extra
    comma-separated base URLs), plus any ``register_target_source`` callables. Read per batch,
    so nodes joining and leaving are picked up within seconds.
    """
    targets = [t.strip().rstrip("/") for t in os.environ.get(ENV_PUSH_NODES, "").split(",") if t.strip()]
    targets.extend(u.rstrip("/") for u in registry_targets())
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


# -- records -> events ------------------------------------------------------------------------


def _decode(image: dict[str, Any] | None) -> Comment | None:
    if not image:
        return None
    return Comment.from_raw_data(image)


def event_for_record(
    record: dict[str, Any], room_languages: dict[str, list[str]] | None = None
) -> dict[str, Any] | None:
    """The push event for one stream record, or None when nobody needs to hear about it.

    ``audience`` is ``"all"`` for what everyone in the room sees, ``"private"`` for what only the
    author (shadow mode) and the room's moderators see. ``author_comment`` is the author's view of
    a shadowed comment (it looks published to them).
    """
    data = record.get("dynamodb") or {}
    new = _decode(data.get("NewImage"))
    old = _decode(data.get("OldImage"))
    current = new or old
    if current is None:
        return None
    sequence = str(data.get("SequenceNumber", ""))
    was_visible = old is not None and old.status in VISIBLE_STATUSES
    is_visible = new is not None and new.status in VISIBLE_STATUSES
    if new is None or (was_visible and not is_visible):
        kind, audience = "comment.remove", "all"
    elif is_visible and (old is None or not was_visible):
        kind, audience = "comment", "all"
    elif is_visible:
        kind, audience = "comment.update", "all"
    else:
        kind, audience = ("comment" if old is None else "comment.update"), "private"
    public = comment_out(current, moderator=True) if audience == "private" else comment_out(current)
    event: dict[str, Any] = {
        "type": kind,
        "id": f"{current.comment_id}:{sequence}",
        "room_id": current.room_id,
        "audience": audience,
        "author_sub": current.author_sub,
        "comment": public.model_dump(mode="json", exclude_none=True),
    }
    if audience == "private":
        event["author_comment"] = comment_out(current, viewer_sub=current.author_sub).model_dump(
            mode="json", exclude_none=True
        )
    return event


# -- translations -----------------------------------------------------------------------------

_rooms: dict[str, tuple[float, dict[str, Any]]] = {}


def room_info(room_id: str) -> dict[str, Any]:
    """The room's owner and viewer languages (cached briefly; rooms change rarely)."""
    cached = _rooms.get(room_id)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    from functions.rooms.models import Room
    from functions.shared.plugins import get_plugins

    info: dict[str, Any] = {"owner_sub": None, "languages": []}
    try:
        room = Room.get(room_id)
    except Room.DoesNotExist:
        room = None
    if room is not None:
        languages: list[str] = [room.host_language]
        plugins = get_plugins()
        for market in [str(m) for m in room.markets or []]:
            try:
                languages.extend(plugins.market_profile(market).languages)
            except Exception:
                continue
        info = {"owner_sub": room.merchant_sub, "languages": list(dict.fromkeys(languages))}
    _rooms[room_id] = (time.monotonic() + ROOM_CACHE_SECONDS, info)
    return info


def add_translations(event: dict[str, Any], languages: Iterable[str]) -> None:
    """Translate a public comment once per room language, for every viewer at once."""
    from functions.comments.translation import translate_text

    comment = event["comment"]
    out: dict[str, Any] = {}
    for language in languages:
        result = translate_text(comment["text"], comment["language"], language)
        if result is not None and result.translated:
            out[language] = result.model_dump(mode="json")
    if out:
        comment["translations"] = out


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


def process_records(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Turn stream records into events and push them to every node of this region.

    Comment records become comment events (translated once per room language); room, stage and
    coupon records become at most one signal per room status, room stage and campaign for the
    whole batch.
    """
    events = []
    signal_records = []
    for record in records:
        if signals.table_of(record) in signals.SIGNAL_TABLES:
            signal_records.append(record)
            continue
        try:
            event = event_for_record(record)
        except Exception:
            log.exception("undecodable stream record %s", record.get("eventID"))
            continue
        if event is None:
            continue
        info = room_info(event["room_id"])
        event["owner_sub"] = info["owner_sub"]
        if event["audience"] == "all" and event["type"] != "comment.remove":
            add_translations(event, info["languages"])
        events.append(event)
    if signal_records:
        events.extend(signals.events_for_records(signal_records))
    if not events:
        return {"events": 0, "nodes": 0, "failed": []}
    body = json.dumps({"events": events, "sent_at": time.time()}, ensure_ascii=False, separators=(",", ":")).encode()
    failed = []
    targets = push_targets()
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


def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Lambda entry point for the streams of the comments, rooms, stage and coupon tables (one
    event source mapping per table, all on this handler).

    Node failures are logged, not raised: re-running the batch would re-push to healthy nodes
    while viewers on a failed node recover by listing since their last comment id on reconnect.
    """
    return process_records(list(event.get("Records") or []))
