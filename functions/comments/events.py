"""Comment events: what a change of the comments table pushes to viewers.

The fan-out (``functions.fanout``) hands this producer every record of the comments table's
stream; each becomes at most one push event (who may see it, what it looks like), translated
here into the room's languages once for every viewer rather than once per viewer.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from functions.comments.models import VISIBLE_STATUSES, Comment
from functions.comments.translation import translate_text
from functions.comments.views import comment_out
from functions.rooms.access import find_room, room_languages
from functions.shared.push import events_of

ROOM_CACHE_SECONDS = 30.0


def _decode(image: dict[str, Any] | None) -> Comment | None:
    if not image:
        return None
    return Comment.from_raw_data(image)


def event_for_record(record: dict[str, Any]) -> dict[str, Any] | None:
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


_rooms: dict[str, tuple[float, dict[str, Any]]] = {}


def room_info(room_id: str) -> dict[str, Any]:
    """The room's owner and languages (cached briefly; rooms change rarely)."""
    cached = _rooms.get(room_id)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    room = find_room(room_id)
    info: dict[str, Any] = {"owner_sub": None, "languages": []}
    if room is not None:
        info = {"owner_sub": room.merchant_sub, "languages": room_languages(room)}
    _rooms[room_id] = (time.monotonic() + ROOM_CACHE_SECONDS, info)
    return info


def add_translations(event: dict[str, Any], languages: Iterable[str]) -> None:
    """Translate a public comment once per room language, for every viewer at once."""
    comment = event["comment"]
    out: dict[str, Any] = {}
    for language in languages:
        result = translate_text(comment["text"], comment["language"], language)
        if result is not None and result.translated:
            out[language] = result.model_dump(mode="json")
    if out:
        comment["translations"] = out


def comment_events(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The producer of the comments table: one event per record that someone needs to hear of."""
    events = events_of(records, event_for_record)
    for event in events:
        info = room_info(event["room_id"])
        event["owner_sub"] = info["owner_sub"]
        if event["audience"] == "all" and event["type"] != "comment.remove":
            add_translations(event, info["languages"])
    return events
