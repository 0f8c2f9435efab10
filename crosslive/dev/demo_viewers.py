"""Synthetic viewers for the demo room, so ``crosslive dev --demo-viewers N`` shows a live panel.

They go through the real paths: a synthetic media node (``media_nodes.insights_feed.InsightsFeed``
over fake sessions) posts signed per-second batches to the insights function, and some viewers
comment through the comments API in their market's language (praise, complaints and questions),
so the funnel, sentiment and hot questions have data. Viewers join over the first minute, watch
for an exponentially distributed time (mean ``MEAN_WATCH_SECONDS``) and come back later with
probability ``RETURN_PROBABILITY``.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from crosslive.dev.media import DEMO_MERCHANT, DEMO_ROOM, ensure_demo_room

MEAN_WATCH_SECONDS = 240.0
RETURN_PROBABILITY = 0.3
JOIN_OVER_SECONDS = 60.0
COMMENT_EVERY_SECONDS = 3.0
LINES: dict[str, list[str]] = {
    # the questions in the markets' phrasebook wording (price.how_much, colour.which): the embedded
    # translator knows those, so the panel's hot questions merge them across languages as Amazon
    # Translate does any wording in AWS (docs/comments.md, "Embedded default")
    "ID": ["Bagus banget kainnya!", "Ini harganya berapa?", "Mahal sekali, kecewa", "Ada warna apa saja?"],
    "DE": ["Wunderschön, ich liebe es", "Was kostet das?", "Viel zu teuer", "Welche Farben gibt es?"],
    "JP": ["とても綺麗で大好き", "これはいくらですか？", "高すぎる", "何色がありますか？"],
    "TH": ["สวยมาก ชอบมากค่ะ", "อันนี้ราคาเท่าไหร่?", "แพงเกินไป", "มีสีอะไรบ้าง?"],
    "US": ["Love this scarf!", "How much is this?", "Too expensive", "What colours are there?"],
}


class _Track:
    waiting_keyframe = False
    frames_sent = 1


@dataclass
class _Session:
    room_id: str
    tracks: dict[str, Any] = field(default_factory=lambda: {"video": _Track()})
    closed: bool = False


@dataclass
class _Node:
    sessions: dict[str, _Session] = field(default_factory=dict)
    hubs: dict[str, Any] = field(default_factory=dict)


class DemoViewersService:
    """``count`` synthetic viewers of the demo room (a platform ``Service``)."""

    name = "demo viewers"

    def __init__(self, count: int, seed: int = 7) -> None:
        self.count = count
        self.random = random.Random(seed)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, platform: Any) -> None:
        ensure_demo_room()
        from functions.rooms.access import find_room

        room = find_room(DEMO_ROOM)
        markets = [str(m) for m in (room.markets if room is not None else [])] or ["ID"]
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self._run(platform, markets)), name="demo-viewers", daemon=True
        )
        self._thread.start()

    async def _run(self, platform: Any, markets: list[str]) -> None:
        from media_nodes.insights_feed import InsightsFeed, http_poster

        node = _Node()
        async with httpx.AsyncClient(base_url=platform.base_url, timeout=10) as http:
            feed = InsightsFeed(node, "demo-viewers", http_poster(platform.base_url, http))
            runner = asyncio.ensure_future(feed.run())
            plan = [
                (
                    time.time() + self.random.uniform(0, JOIN_OVER_SECONDS),
                    f"demo-viewer-{i}",
                    self.random.choice(markets),
                )
                for i in range(self.count)
            ]
            leaving: dict[str, float] = {}
            tokens: dict[str, str] = {}
            next_comment = time.time() + COMMENT_EVERY_SECONDS
            try:
                while not self._stop.is_set():
                    now = time.time()
                    for index, (at, sub, market) in enumerate(plan):
                        if at <= now and sub not in leaving:
                            session = uuid.uuid4().hex
                            node.sessions[session] = _Session(DEMO_ROOM)
                            feed.track(session, DEMO_ROOM, market, sub)
                            leaving[sub] = now + self.random.expovariate(1 / MEAN_WATCH_SECONDS)
                            plan[index] = (float("inf"), sub, market)
                            tokens[session] = sub
                    for session, sub in list(tokens.items()):
                        if leaving.get(sub, float("inf")) <= now:
                            node.sessions.pop(session, None)
                            del tokens[session], leaving[sub]
                            if self.random.random() < RETURN_PROBABILITY:
                                index = int(sub.rsplit("-", 1)[1])
                                plan[index] = (now + self.random.uniform(30, 300), sub, plan[index][2])
                    if now >= next_comment and tokens:
                        next_comment = now + COMMENT_EVERY_SECONDS
                        sub = self.random.choice(list(tokens.values()))
                        market = next(m for _, s, m in plan if s == sub)
                        await self._comment(http, platform, sub, market)
                    await asyncio.sleep(0.5)
            finally:
                runner.cancel()

    async def _comment(self, http: httpx.AsyncClient, platform: Any, sub: str, market: str) -> None:
        lines = LINES.get(market) or LINES["US"]
        token = platform.issuer.issue(sub, "viewer", market=market, name=sub)
        with contextlib.suppress(httpx.HTTPError):  # a demo: the next comment will do
            await http.post(
                f"/v1/comments/rooms/{DEMO_ROOM}",
                json={"text": self.random.choice(lines)},
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex},
            )

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def urls(self) -> dict[str, str]:
        return {"demo insights report": f"/web/report.html?room={DEMO_ROOM} (merchant {DEMO_MERCHANT})"}
