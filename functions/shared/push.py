"""The push events' shape and how signals of one thing coalesce.

Stream consumers turn table changes into push events (``comments.events`` for comments,
``rooms.signals`` and ``coupons.signals`` for the live signals); the fan-out
(``functions.fanout``) sends them to the region's media nodes, and each node's hub
(``media_nodes.push.hub``) coalesces them onto viewers' WebSockets. All three follow this module.

A signal (``{"type": "room"|"stage"|"campaign", "signal": {...}}``) is about one room's status,
one room's stage or one campaign (``signal_key``); two signals of the same key merge into one
(``merge``) wherever they meet: in one fan-out batch and in a node's 100 ms flush, so a claim
storm becomes one campaign signal per flush, not one frame per claim.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger("crosslive.push")
SIGNAL_TYPES = ("room", "stage", "campaign")
# When signals of one campaign are merged, the stronger change wins: a viewer must refetch after
# a creation even if a stock signal of the same flush came later.
CHANGE_RANK = {"stock": 0, "updated": 1, "created": 2, "removed": 3}


def stronger(a: str, b: str) -> str:
    """The change of two (``CHANGE_RANK``) a merged campaign signal keeps."""
    return a if CHANGE_RANK.get(a, 0) >= CHANGE_RANK.get(b, 0) else b


def signal_key(event: dict[str, Any]) -> tuple[str, str]:
    """What a signal is about: a room's status, its stage or one campaign. One per key per frame."""
    signal = event["signal"]
    if event["type"] in ("room", "stage"):
        return (str(event["type"]), str(signal["room_id"]))
    return ("campaign", str(signal["campaign_id"]))


def merge(older: dict[str, Any], newer: dict[str, Any]) -> dict[str, Any]:
    """One signal standing for two of the same key (arrival order ``older``, ``newer``).

    Room and stage: the higher version (every room write adds one, so it is the later status).
    Campaign: the later one's state, the lower ``left`` (stock only goes down, so it is the newer
    count even if deliveries crossed) and the stronger change.
    """
    if newer["type"] in ("room", "stage"):
        return newer if int(newer["signal"]["version"]) >= int(older["signal"]["version"]) else older
    a, b = older["signal"], newer["signal"]
    latest = newer if float(b["server_time"]) >= float(a["server_time"]) else older
    signal = dict(latest["signal"])
    signal["left"] = min(int(a["left"]), int(b["left"]))
    signal["change"] = stronger(str(a["change"]), str(b["change"]))
    return {**latest, "signal": signal}


def events_of(
    records: list[dict[str, Any]], event_of: Callable[[dict[str, Any]], dict[str, Any] | None]
) -> list[dict[str, Any]]:
    """``event_of`` of each stream record, in order, without the Nones; a record it cannot decode
    is logged and skipped (one bad record must not cost the batch its other events)."""
    events = []
    for record in records:
        try:
            event = event_of(record)
        except Exception:
            log.exception("undecodable stream record %s", record.get("eventID"))
            continue
        if event is not None:
            events.append(event)
    return events


def coalesce(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``events`` with the signals of one key merged into the first one's place (others kept)."""
    out: list[dict[str, Any]] = []
    at: dict[tuple[str, str], int] = {}
    for event in events:
        if event.get("type") not in SIGNAL_TYPES:
            out.append(event)
            continue
        key = signal_key(event)
        if key in at:
            out[at[key]] = merge(out[at[key]], event)
        else:
            at[key] = len(out)
            out.append(event)
    return out
