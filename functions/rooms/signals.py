"""Room and stage signals: what a change of the rooms or stage table pushes to viewers.

The fan-out (``functions.fanout``) hands these producers the records of the two tables' streams:

* ``{"type": "room", "room_id", "status", "version"}`` when a room's status changes (the
  merchant's go-live or end, or the first WHIP publish of a scheduled room): the page updates its
  badge and starts or stops playback at once instead of at its next 15 s catch-up read.
* ``{"type": "stage", "room_id", "version"}`` when a room's ``Stage`` item gets a new version
  (highlights, pinned message): the page refetches the stage once, only if the version is newer.

Only what ``GET /v1/rooms/{id}`` and ``GET .../stage`` show anyone travels.
"""

from __future__ import annotations

from typing import Any

from functions.rooms.models import Room
from functions.rooms.product_models import Stage
from functions.shared.push import coalesce, events_of


def room_event(record: dict[str, Any]) -> dict[str, Any] | None:
    """The ``room`` signal of a ``Room`` record, or None when its status did not change.

    Only ``status`` and ``version`` travel (``GET /v1/rooms/{id}`` shows both to anyone): a title
    or market edit, a creation (nobody watches a room that did not exist) and a deletion are not
    signalled; the page's catch-up read still picks those up.
    """
    data = record.get("dynamodb") or {}
    new_image, old_image = data.get("NewImage"), data.get("OldImage")
    if not new_image or not old_image:
        return None
    new, old = Room.from_raw_data(new_image), Room.from_raw_data(old_image)
    if new.status == old.status:
        return None
    version = int(new.version or 0)
    return {
        "type": "room",
        "id": f"room:{new.room_id}:{version}",
        "room_id": new.room_id,
        "audience": "all",
        "signal": {"room_id": new.room_id, "status": str(new.status), "version": version},
    }


def stage_event(record: dict[str, Any]) -> dict[str, Any] | None:
    """The ``stage`` signal of a ``Stage`` record, or None when what viewers see did not change.

    Only a new version counts: the lazy creation of an empty stage (version 0) and a deletion
    show nothing new.
    """
    data = record.get("dynamodb") or {}
    new_image, old_image = data.get("NewImage"), data.get("OldImage")
    if not new_image:
        return None
    new = Stage.from_raw_data(new_image)
    version = int(new.version or 0)
    old_version = int(Stage.from_raw_data(old_image).version or 0) if old_image else 0
    if version == 0 or version == old_version:
        return None
    return {
        "type": "stage",
        "id": f"stage:{new.room_id}:{version}",
        "room_id": new.room_id,
        "audience": "all",
        "signal": {"room_id": new.room_id, "version": version},
    }


def room_signals(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The producer of the rooms table: at most one ``room`` signal per room and batch."""
    return coalesce(events_of(records, room_event))


def stage_signals(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The producer of the stage table: at most one ``stage`` signal per room and batch."""
    return coalesce(events_of(records, stage_event))
