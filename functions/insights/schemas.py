"""The insights inputs (node feed, player beacons) and their bounds.

Every list is bounded and every field constrained, so an oversized or malformed batch is refused
whole with a 422 (or 413 past the body limit) and nothing of it is counted.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

ROOM_ID = r"^[A-Za-z0-9_-]{3,64}$"
MARKET = r"^[A-Z]{2}$"
MAX_SECONDS = 600  # per-second samples in one node batch (rooms x markets x seconds)
MAX_SESSION_EVENTS = 500  # session starts/ends in one node batch; a node sends more in several
MAX_GAPS = 120
MAX_ACTIVE_ROOMS = 200  # rooms named active in one node batch (a node with more sends none)
MAX_BEACON_EVENTS = 10
MAX_SESSION_SECONDS = 24 * 3600


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SecondSample(_Strict):
    """Viewers present on the node in one second, for one room and market."""

    room_id: str = Field(pattern=ROOM_ID)
    market: str = Field(pattern=MARKET)
    t: int = Field(ge=0, description="UNIX second")
    viewers: int = Field(ge=0, le=100_000)


class SessionEvent(_Strict):
    """A WHEP session's first frame sent (``start``), its 10 s mark (``qualified``) or its end."""

    room_id: str = Field(pattern=ROOM_ID)
    market: str = Field(pattern=MARKET)
    sub: str = Field(min_length=1, max_length=128)
    event: Literal["start", "qualified", "end"]
    at: float = Field(ge=0)
    watched: float = Field(default=0, ge=0, le=MAX_SESSION_SECONDS)


class IngestGap(_Strict):
    """A second in which a live room's ingest delivered no frame to this node."""

    room_id: str = Field(pattern=ROOM_ID)
    t: int = Field(ge=0)


class NodeFeed(_Strict):
    """One signed batch from a media node, pre-aggregated per second (``media_nodes/insights_feed.py``)."""

    node_id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:-]+$")
    batch: int = Field(ge=0, description="increasing per node process; a replayed batch is refused")
    seconds: list[SecondSample] = Field(default_factory=list, max_length=MAX_SECONDS)
    sessions: list[SessionEvent] = Field(default_factory=list, max_length=MAX_SESSION_EVENTS)
    ingest_gaps: list[IngestGap] = Field(default_factory=list, max_length=MAX_GAPS)
    active_rooms: list[Annotated[str, StringConstraints(pattern=ROOM_ID)]] | None = Field(
        default=None,
        max_length=MAX_ACTIVE_ROOMS,
        description="the rooms the API must keep looking at for this node: those with a session open "
        "once this batch is applied (the dead-node sweep) and those it reported lately (the alert "
        "check); the registry keeps only these (absent: the rooms of this batch are added to it)",
    )


class BeaconEvent(_Strict):
    """One thing the viewer's page saw: ``rendered`` (first frame; ``ms``: time to it), ``stall``
    (``ms``: its length), ``leave``; ``seen`` (a product card came on screen while playing),
    ``tap`` (Buy or Claim pressed while a product card was on screen; ``on`` says which) and
    ``share`` (the viewer made a share link of the room)."""

    type: Literal["rendered", "stall", "leave", "seen", "tap", "share"]
    ms: int = Field(default=0, ge=0, le=600_000, description="time to first frame, or stall length")
    on: Literal["buy", "claim"] | None = Field(default=None, description="for a tap: which button")

    @model_validator(mode="after")
    def _tap_names_its_button(self) -> BeaconEvent:
        if (self.type == "tap") != (self.on is not None):
            raise ValueError("'on' (buy or claim) is required for a tap and only for a tap")
        return self


class Beacon(_Strict):
    """What a viewer's player reports: first frame rendered, stalls, leaving."""

    seq: int = Field(ge=1, le=2**53, description="strictly increasing per viewer and room (e.g. Date.now())")
    events: list[BeaconEvent] = Field(min_length=1, max_length=MAX_BEACON_EVENTS)
