"""The media node's side: sessions sampled each second become one signed batch per flush."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from media_nodes.insights_feed import FEED_PATH, REPORTED_ROOM_SECONDS, SIGNATURE_HEADER, InsightsFeed


@dataclass
class FakeTrack:
    waiting_keyframe: bool = True
    frames_sent: int = 0


@dataclass
class FakeSession:
    id: str
    room_id: str
    tracks: dict[str, FakeTrack] = field(default_factory=lambda: {"video": FakeTrack()})
    closed: bool = False


@dataclass
class FakeStats:
    frames_in: int = 0


@dataclass
class FakeHub:
    viewers: int = 1
    stats: FakeStats = field(default_factory=FakeStats)


@dataclass
class FakeNode:
    sessions: dict[str, Any] = field(default_factory=dict)
    hubs: dict[str, Any] = field(default_factory=dict)


def test_sessions_become_starts_presence_qualified_ends_and_gaps(
    live_room: dict[str, Any], client: Any, figures: Callable[[str], dict[str, Any]]
) -> None:
    room_id = live_room["room_id"]
    node = FakeNode()
    sent: list[bytes] = []

    async def post(body: bytes, signature: str) -> int:
        sent.append(body)
        response = client.post(
            FEED_PATH, content=body, headers={"Content-Type": "application/json", SIGNATURE_HEADER: signature}
        )
        return int(response.status_code)

    feed = InsightsFeed(node, "node-a", post)
    t0 = time.time() - 30
    # GIVEN a viewer in ID and one in AE whose sessions exist, only the first has had its keyframe
    for sid, market, sub in (("s1", "ID", "ayu"), ("s2", "AE", "omar")):
        node.sessions[sid] = FakeSession(sid, room_id)
        feed.track(sid, room_id, market, sub)
    feed.track("host", room_id, None, "merchant-ins")  # the host watching: never counted
    node.hubs[room_id] = FakeHub()
    node.sessions["s1"].tracks["video"].waiting_keyframe = False
    feed.sample(t0)
    node.hubs[room_id].stats.frames_in = 30
    feed.sample(t0 + 1)
    node.sessions["s2"].tracks["video"].waiting_keyframe = False
    feed.sample(t0 + 2)  # ingest stalled this second (frames_in did not move)
    node.hubs[room_id].stats.frames_in = 60
    feed.sample(t0 + 12)  # s1 has watched 12 s, s2 10 s: both qualified
    del node.sessions["s2"]
    node.hubs[room_id].stats.frames_in = 90
    feed.sample(t0 + 13)  # s2 ended after 11 s
    # WHEN the node flushes
    asyncio.run(feed.flush())
    # THEN one batch went out, accepted, and the figures show it
    assert len(sent) == 1 and feed.posted == 1 and not feed.pending
    batch = json.loads(sent[0])
    events = [(e["sub"], e["event"]) for e in batch["sessions"]]
    assert events == [("ayu", "start"), ("omar", "start"), ("ayu", "qualified"), ("omar", "qualified"), ("omar", "end")]
    assert batch["sessions"][-1]["watched"] == 11
    assert batch["ingest_gaps"] == [{"room_id": room_id, "t": int(t0 + 2)}]
    data = figures(room_id)
    assert data["markets"]["ID"]["concurrent"]["peak"] == 1
    assert data["markets"]["ID"]["qualified"] == 1
    assert data["markets"]["AE"]["reach"] == 1
    assert data["markets"]["AE"]["qualified"] == 1
    assert data["markets"]["AE"]["counters"]["exits"] == 1
    assert data["total"]["ingest_gap_seconds"] == 1


def test_a_failed_post_keeps_the_batch_and_a_refused_one_is_dropped() -> None:
    node = FakeNode(sessions={"s1": FakeSession("s1", "room-1")})
    node.sessions["s1"].tracks["video"].waiting_keyframe = False
    answers = [OSError("down"), 500, 202]

    async def post(body: bytes, signature: str) -> int:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    feed = InsightsFeed(node, "node-b", post)
    feed.track("s1", "room-1", "ID", "v")
    feed.sample(time.time())
    asyncio.run(feed.flush())
    assert len(feed.pending) == 1 and feed.posted == 0
    asyncio.run(feed.flush())
    assert len(feed.pending) == 1
    asyncio.run(feed.flush())
    assert not feed.pending and feed.posted == 1


def test_sampling_goes_on_while_a_post_is_slow() -> None:
    """A POST the API has not answered yet does not stop the node from sampling: every second of
    a session's presence is in the next batch (before, ``run`` awaited the POST between samples)."""
    node = FakeNode()
    node.sessions["s1"] = FakeSession("s1", "r-slow", tracks={"video": FakeTrack(waiting_keyframe=False)})
    answered = asyncio.Event()
    bodies: list[bytes] = []

    async def post(body: bytes, signature: str) -> int:
        bodies.append(body)
        if len(bodies) == 1:
            await answered.wait()  # the first POST hangs until the test lets it return
        return 200

    feed = InsightsFeed(node, "node-slow", post, flush_seconds=1.0)
    feed.track("s1", "r-slow", "ID", "viewer-1")

    async def scenario() -> None:
        runner = asyncio.ensure_future(feed.run())
        while not bodies:  # the first flush is out, and hanging
            await asyncio.sleep(0.05)
        hung_at = int(time.time())
        while int(time.time()) < hung_at + 3:  # three more seconds go by while it hangs
            await asyncio.sleep(0.05)
        sampled = {t for (_, _, t) in feed.seconds}
        answered.set()
        while len(bodies) < 2:
            await asyncio.sleep(0.05)
        runner.cancel()
        # THEN the seconds while the POST hung were sampled, and went out in the next batch
        assert {hung_at + 1, hung_at + 2} <= sampled, (hung_at, sorted(sampled))
        later = {row["t"] for row in json.loads(bodies[1])["seconds"]}
        assert {hung_at + 1, hung_at + 2} <= later

    asyncio.run(scenario())


def test_each_batch_names_the_rooms_with_a_session_open_or_reported_lately() -> None:
    node = FakeNode()
    feed = InsightsFeed(node, "node-open", None)
    t0 = time.time()
    for sid, room in (("a", "room-a"), ("b", "room-b"), ("w", "room-w")):
        node.sessions[sid] = FakeSession(sid, room)
        feed.track(sid, room, "ID", f"sub-{sid}")
    for sid in ("a", "b"):
        node.sessions[sid].tracks["video"].waiting_keyframe = False
    # GIVEN two sessions sending frames and one still waiting for its keyframe (not started for the API)
    feed.sample(t0)
    assert [json.loads(body)["active_rooms"] for body in feed.take_batches(t0)] == [["room-a", "room-b"]]
    # WHEN room a's viewer leaves, the batch with its end still names room a (reported now: the
    # alert check scans its last seconds)
    del node.sessions["a"]
    feed.sample(t0 + 1)
    assert [json.loads(body)["active_rooms"] for body in feed.take_batches(t0 + 1)] == [["room-a", "room-b"]]
    # AND once it has not been reported for longer than the alert check looks back, it is no longer named
    feed.sample(t0 + REPORTED_ROOM_SECONDS + 2)
    later = [json.loads(body)["active_rooms"] for body in feed.take_batches(t0 + REPORTED_ROOM_SECONDS + 2)]
    assert later == [["room-b"]]
