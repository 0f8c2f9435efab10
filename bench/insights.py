"""``crosslive bench insights``: what live insights cost and how right they are.

Figures (this process, this machine):

* **sketch error at 100,000 distinct viewers**: keys added the way nodes add them (each of 200
  nodes to its own shard of 8), the shards unioned as a read does; the relative error of the
  count, for several seeds (goal <= 2 %);
* **aggregation throughput**: stream records (comments across 5 rooms x 3 markets) and node
  per-second samples folded in batches of 100 and written with one request per touched item
  (``fold`` + ``store.apply``), against the naive baseline of one ``UpdateItem`` per event, both
  against the embedded DynamoDB (moto on loopback); events per second of this process's CPU
  (per core), and DynamoDB requests per event;
* **node feed**: 1,000 and 100,000 viewers watching through nodes of 500 (``presence``): the
  DynamoDB writes of ``feed.accept_feed`` per naive event (a viewer's heartbeat per second, a
  session start or end);
* **fold alone**: events per CPU second with no I/O (what a Lambda spends beside DynamoDB);
* **event -> panel freshness**: a node's real ``InsightsFeed`` (1 s sampling, 2 s flush) posting to
  the embedded platform over HTTP, and a reader polling ``GET .../live`` every 100 ms: p50/p95 from
  a session's first frame to the reader seeing it, and from a market's drop to its alert;
* **sentiment accuracy** of the local lexicon scorer on ``bench/data/sentiment_live_comments.jsonl``
  (10 live-commerce comments per market language, written for this and never tuned on) and on
  2,000 English sentences of the UCI "Sentiment Labelled Sentences" set (Kotzias et al., 2015;
  Amazon and Yelp reviews; CC BY 4.0). A neutral answer counts as wrong.
"""

from __future__ import annotations

import json
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

import click

DATA = Path(__file__).parent / "data"


def sketch_error(distinct: int, seeds: int) -> list[float]:
    from functions.insights.fold import viewer_key
    from functions.insights.models import DISTINCT_SHARDS
    from functions.insights.sketch import Distinct, union_all

    errors = []
    for seed in range(seeds):
        shards = [Distinct() for _ in range(DISTINCT_SHARDS)]
        for i in range(distinct):
            node = i % 200
            shards[node % DISTINCT_SHARDS].add([viewer_key(f"room-{seed}", f"viewer-{i}")])
        count = union_all(shards).count()
        errors.append(abs(count - distinct) / distinct)
    return errors


def sentiment_accuracy() -> list[tuple[str, int, int, int]]:
    """(language, correct, neutral answers, total) per language of the two labelled sets."""
    from plugins.builtin.sentiment_lexicon import language_of, score_text

    rows: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for name in ("sentiment_live_comments.jsonl", "sentiment_uci_en.jsonl"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            lang = language_of(item["language"]) or item["language"]
            key = f"{item['language']} (UCI)" if name.startswith("sentiment_uci") else item["language"]
            score = score_text(item["text"], lang)
            predicted = 1 if score > 0 else -1 if score < 0 else 0
            rows[key][0] += int(predicted == item["label"])
            rows[key][1] += int(predicted == 0)
            rows[key][2] += 1
    return [(k, c, n, t) for k, (c, n, t) in sorted(rows.items())]


def _comment_records(count: int, start: float, first: int = 0) -> list[dict[str, Any]]:
    from crosslive.dev.stream import stream_record
    from functions.comments.models import Comment

    records = []
    for i in range(count):
        room, market = f"bench-room-{i % 5}", ("ID", "DE", "AE")[i % 3]
        comment = Comment(
            room,
            f"c{first + i:08d}",
            author_sub=f"v{i % 2000}",
            author_market=market,
            author_role="viewer",
            text="bagus sekali",
            original_text="bagus sekali",
            language="id",
            status="published",
            room_status=f"{room}#published",
            created_at=start + i * 0.003,
            updated_at=start,
        )
        records.append(stream_record(None, comment, first + i + 1))
    return records


def throughput(events: int) -> dict[str, float]:
    from functions.insights import fold, store
    from functions.insights.models import MinuteCounters, series_key
    from functions.shared.stream_records import table_of

    start = time.time() - 120
    records = _comment_records(events, start)

    def score(text: str, language: str) -> int:
        return 1

    cpu = time.process_time()
    for i in range(0, len(records), 100):
        fold.fold_records(records[i : i + 100], table_of, score, lambda c: None)
    fold_cpu = time.process_time() - cpu

    def fold_and_write(batch: list[dict[str, Any]]) -> tuple[int, float]:
        """DynamoDB writes and CPU seconds of folding ``batch`` 100 records at a time and writing it."""
        cpu = time.process_time()
        writes = 0
        for i in range(0, len(batch), 100):
            writes += store.apply(fold.fold_records(batch[i : i + 100], table_of, score, lambda c: None), shard=0)
        return writes, time.process_time() - cpu

    writes, batched_cpu = fold_and_write(records)
    # as many new comments again by the same authors: every one has commented before (a show's
    # chat is mostly people who already spoke), so only the minute items are written
    repeat_writes, repeat_cpu = fold_and_write(_comment_records(events, start, first=events))

    naive_events = max(200, events // 10)  # the naive path is slow: a tenth of the events, scaled
    cpu = time.process_time()
    for record in records[:naive_events]:
        new = fold.image(record, "NewImage") or {}
        MinuteCounters(series_key(new["room_id"], new["author_market"]), int(new["created_at"] // 60)).update(
            actions=[getattr(MinuteCounters, "comments").add(1)]  # noqa: B009  (a generated attribute)
        )
    naive_cpu = time.process_time() - cpu
    return {
        "fold_eps": events / fold_cpu,
        "batched_eps": events / batched_cpu,
        "batched_writes_per_event": writes / events,
        "repeat_eps": events / repeat_cpu,
        "repeat_writes_per_event": repeat_writes / events,
        "naive_eps": naive_events / naive_cpu,
    }


def presence(viewers: int, seconds: int, per_node: int = 500) -> dict[str, float]:
    """The node side: ``viewers`` watching for ``seconds`` through nodes of ``per_node`` viewers,
    3 markets, sessions of 300 s on average (1/300 of the viewers leave and are replaced each
    second), one batch per node per 2 s through ``feed.accept_feed``. An event is what a naive
    design writes: one heartbeat per viewer per second, plus each session start and end."""
    import random

    from functions.insights import feed
    from functions.insights.schemas import NodeFeed

    rng = random.Random(7)
    markets = ("ID", "DE", "AE")
    nodes = max(1, viewers // per_node)
    room = f"bench-presence-{uuid.uuid4().hex[:8]}"
    start = int(time.time()) - seconds - 5
    watching = [[f"n{n}-v{i}" for i in range(min(per_node, viewers))] for n in range(nodes)]
    serial = 0
    events = writes = 0
    cpu = time.process_time()
    for t0 in range(start, start + seconds, 2):
        for n in range(nodes):
            sessions = []
            for t in (t0, t0 + 1):
                for i, sub in enumerate(watching[n]):
                    if rng.random() < 1 / 300:
                        serial += 1
                        new = f"n{n}-s{serial}"
                        market = markets[hash(sub) % 3]
                        sessions.append({"room_id": room, "market": market, "sub": sub, "event": "end",
                                         "at": t, "watched": 300})
                        sessions.append({"room_id": room, "market": markets[hash(new) % 3], "sub": new,
                                         "event": "start", "at": t})
                        watching[n][i] = new
            per_market: dict[str, int] = defaultdict(int)
            for sub in watching[n]:
                per_market[markets[hash(sub) % 3]] += 1
            seconds_rows = [
                {"room_id": room, "market": m, "t": t, "viewers": c}
                for t in (t0, t0 + 1)
                for m, c in per_market.items()
            ]
            body = NodeFeed.model_validate(
                {"node_id": f"bench-{n}", "batch": t0, "seconds": seconds_rows, "sessions": sessions[:500]}
            )
            writes += feed.accept_feed(body, now=t0 + 2)["writes"] + 1  # + the batch's nonce
            events += 2 * len(watching[n]) + len(sessions[:500])
    used = time.process_time() - cpu
    return {"events": events, "writes": writes, "eps": events / used, "writes_per_event": writes / events}


def freshness(viewers: int, drops: int) -> dict[str, list[float]]:
    """First frame -> panel, and drop -> alert, through the node feed's real timing and HTTP."""
    import asyncio

    import httpx

    from crosslive.dev.platform import EmbeddedPlatform
    from functions.insights.models import Alert
    from media_nodes.insights_feed import InsightsFeed, http_poster
    from plugins.manager import builtin_market_plugins

    platform = EmbeddedPlatform(port=0, plugins=tuple(sorted(builtin_market_plugins())))
    platform.start()
    try:
        merchant = {"Authorization": f"Bearer {platform.issuer.issue('bench-merchant', 'merchant', market='CN')}"}
        with httpx.Client(base_url=platform.base_url, timeout=10) as http:
            room = http.post(
                "/v1/rooms",
                json={"title": "bench", "markets": ["ID", "DE"], "home_market": "CN", "host_language": "en"},
                headers={**merchant, "Idempotency-Key": f"bench-room-{uuid.uuid4().hex}"},
            ).json()
            http.patch(f"/v1/rooms/{room['room_id']}", json={"status": "live"}, headers=merchant)
        return asyncio.run(
            _freshness(platform, room["room_id"], merchant, viewers, drops, InsightsFeed, http_poster, Alert)
        )
    finally:
        platform.stop()


class _Track:
    waiting_keyframe = False
    frames_sent = 1


class _Session:
    def __init__(self, room_id: str) -> None:
        self.room_id = room_id
        self.tracks = {"video": _Track()}
        self.closed = False


class _Node:
    def __init__(self) -> None:
        self.sessions: dict[str, _Session] = {}
        self.hubs: dict[str, Any] = {}


async def _freshness(
    platform: Any,
    room_id: str,
    merchant: dict[str, str],
    viewers: int,
    drops: int,
    feed_cls: Any,
    poster: Any,
    alert_model: Any,
) -> dict[str, list[float]]:
    import asyncio

    import httpx

    node = _Node()
    async with httpx.AsyncClient(base_url=platform.base_url, timeout=10) as http:
        feed = feed_cls(node, "bench-node", poster(platform.base_url, http))
        runner = asyncio.ensure_future(feed.run())

        async def reach() -> int:
            data = (await http.get(f"/v1/insights/rooms/{room_id}/live", headers=merchant)).json()
            return int(data["total"]["reach"])

        counters: list[float] = []
        for i in range(viewers):
            sid = uuid.uuid4().hex
            node.sessions[sid] = _Session(room_id)
            feed.track(sid, room_id, "ID", f"bench-viewer-{i}")
            started = time.monotonic()
            while await reach() < i + 1:
                await asyncio.sleep(0.1)
            counters.append(time.monotonic() - started)
        alerts: list[float] = []
        for d in range(drops):
            # a steady audience of 40 in DE for 5 minutes is what a drop is measured against: fed
            # as history the node would have sent, then 60 % of them leave now
            base = [f"de-{d}-{k}" for k in range(40)]
            now = time.time()
            history = {
                "node_id": f"history-{d}",
                "batch": 1,
                "seconds": [
                    {"room_id": room_id, "market": "DE", "t": int(now) - s, "viewers": 40} for s in range(1, 299)
                ][:600],
                "sessions": [],
                "ingest_gaps": [],
            }
            from functions.shared import signing

            body = json.dumps(history).encode()
            await http.post(
                "/v1/insights/internal/node-feed",
                content=body,
                headers={"X-Crosslive-Feed-Signature": signing.sign(body)},
            )
            for k, sub in enumerate(base[:16]):
                sid = f"de-{d}-{k}"
                node.sessions[sid] = _Session(room_id)
                feed.track(sid, room_id, "DE", sub)
            started = time.monotonic()
            before = {a.alert_id for a in alert_model.query(room_id)}
            while not ({a.alert_id for a in alert_model.query(room_id)} - before):
                await asyncio.sleep(0.1)
                if time.monotonic() - started > 60:
                    break
            alerts.append(time.monotonic() - started)
            for k in range(16):
                node.sessions.pop(f"de-{d}-{k}", None)
            await asyncio.sleep(301) if d + 1 < drops else None  # the alert's cool-down
        runner.cancel()
    return {"counters": counters, "alerts": alerts}


@click.command("insights")
@click.option("--distinct", default=100_000, show_default=True, help="distinct viewers for the sketch error")
@click.option("--seeds", default=5, show_default=True)
@click.option("--events", default=5_000, show_default=True, help="stream events for the throughput")
@click.option("--viewers", default=20, show_default=True, help="sessions timed from first frame to panel")
@click.option("--presence-seconds", default=60, show_default=True, help="seconds of node feed at 1,000 and at scale")
@click.option("--viewers-at-scale", default=100_000, show_default=True, help="viewers of the large node-feed run")
def command(distinct: int, seeds: int, events: int, viewers: int, presence_seconds: int, viewers_at_scale: int) -> None:
    """Sketch error, aggregation throughput vs one write per event, freshness, sentiment accuracy."""
    from bench.stats import percentile
    from crosslive.dev.platform import EmbeddedPlatform
    from plugins.manager import builtin_market_plugins

    errors = sketch_error(distinct, seeds)
    click.echo(
        f"sketch error at {distinct:,} distinct viewers (8 shards, {seeds} seeds): "
        f"max {max(errors):.2%}, mean {sum(errors) / len(errors):.2%}"
    )

    platform = EmbeddedPlatform(port=0, plugins=tuple(sorted(builtin_market_plugins())))
    platform.configure()
    try:
        figures = throughput(events)
        node_side = {n: presence(n, presence_seconds) for n in (1_000, viewers_at_scale)}
    finally:
        platform.stop()
    click.echo(f"fold alone: {figures['fold_eps']:,.0f} events/s per core (no I/O)")
    click.echo(
        f"fold + one write per touched item: {figures['batched_eps']:,.0f} events/s per core, "
        f"{figures['batched_writes_per_event']:.3f} DynamoDB writes per event"
    )
    click.echo(
        f"fold + writes, the same comments again (every author known): {figures['repeat_eps']:,.0f} events/s "
        f"per core, {figures['repeat_writes_per_event']:.3f} DynamoDB writes per event"
    )
    click.echo(
        f"naive, one UpdateItem per event (baseline): {figures['naive_eps']:,.0f} events/s per core, "
        f"1 write per event -> batched is {figures['batched_eps'] / figures['naive_eps']:.0f}x"
    )

    for count, row in node_side.items():
        click.echo(
            f"node feed, {count:,} viewers for {presence_seconds} s (heartbeats + session starts/ends as events): "
            f"{row['events']:,.0f} events, {row['writes']:,.0f} DynamoDB writes = {row['writes_per_event']:.4f} "
            f"per event ({row['writes'] / presence_seconds:,.1f} writes/s), {row['eps']:,.0f} events/s per core"
        )
    times = freshness(viewers, 1)
    counters, alerts = times["counters"], times["alerts"]
    click.echo(
        f"first frame -> panel (reach), {len(counters)} sessions: p50 {percentile(counters, 50):.2f} s, "
        f"p95 {percentile(counters, 95):.2f} s"
    )
    click.echo(
        f"drop -> alert stored (pushed by the stream), {len(alerts)} drops: {', '.join(f'{a:.2f} s' for a in alerts)}"
    )

    click.echo("sentiment accuracy (local lexicon scorer; neutral answers count as wrong):")
    total = [0, 0]
    for language, correct, neutral, count in sentiment_accuracy():
        click.echo(f"  {language:12s} {correct:5d}/{count:<5d} {correct / count:6.1%}  (neutral answers {neutral})")
        if "UCI" not in language:
            total[0] += correct
            total[1] += count
    click.echo(f"  live comments, all 12 languages: {total[0]}/{total[1]} = {total[0] / total[1]:.1%}")
