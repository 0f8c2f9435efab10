"""Room state changes made by the media path rather than by the merchant's console.

The first WHIP publish of a scheduled room takes it live, as Amazon IVS's stream start does: a
merchant broadcasting from OBS Studio need not also press "go live" in the console. Ending stays
explicit (a publisher that drops out may reconnect), and an ended room never comes back.
Viewers hear of it at once: the change is a rooms-table stream record like the merchant's own
edit, hence a ``room`` live signal (``functions.rooms.signals``).
"""

from __future__ import annotations

import time

from pynamodb.exceptions import UpdateError

from functions.rooms.models import Room


def go_live_on_ingest(room: Room) -> bool:
    """Set a scheduled ``room`` live; False when it already was (or changed meanwhile).

    Conditional on the room still being scheduled, so it never revives an ended room nor
    overwrites a concurrent change by the merchant (whose edits are versioned the same way).
    """
    if room.status != "scheduled":
        return False
    try:
        room.update(
            actions=[Room.status.set("live"), Room.updated_at.set(time.time()), Room.version.add(1)],
            condition=Room.status == "scheduled",
        )
    except UpdateError:
        return False
    return True
