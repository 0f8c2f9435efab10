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


def _claim_records(count: int, start: float, first: int = 0) -> list[dict[str, Any]]:
    """``count`` coupon claims by ``count`` different viewers (a first claim each: the win-back
    segment keeps each claimer's first claim on their viewer item), 5 rooms x 3 markets."""
    from crosslive.dev.stream import stream_record
    from functions.coupons.models import Coupon

    records = []
    for i in range(count):
        coupon = Coupon(
            f"code-{first + i:08d}",
            campaign_id=f"bench-campaign-{i % 5}",
            holder_sub=f"claimer-{first + i}",
            market=("ID", "DE", "AE")[i % 3],
            shard=0,
            claimed_at=start + i * 0.003,
        )
        records.append(stream_record(None, coupon, first + i + 1))
    return records


def _cpu_rate(events: int, run: Any) -> float:
    cpu = time.process_time()
    run()
    return events / (time.process_time() - cpu)


def throughput(events: int, repeats: int = 5) -> dict[str, Any]:
    from statistics import median

    from functions.insights import fold, store
    from functions.insights.models import MinuteCounters, series_key
    from functions.shared.stream_records import table_of

    start = time.time() - 120
    records = _comment_records(events, start)

    def score(text: str, language: str) -> int:
        return 1

    def room_of(campaign_id: str) -> str | None:
        return campaign_id.replace("bench-campaign-", "bench-room-")

    def fold_all() -> None:
        fold.viewer_key.cache_clear()  # every pass hashes its authors as the first one did
        for i in range(0, len(records), 100):
            fold.fold_records(records[i : i + 100], table_of, score, room_of)

    # the fold alone, several passes (a shared machine's CPU seconds vary from pass to pass)
    fold_rates = sorted(_cpu_rate(events, fold_all) for _ in range(repeats))

    def markers() -> None:
        for record in records:
            fold.record_marker(record)

    marker_rate = median(_cpu_rate(events, markers) for _ in range(repeats))

    def fold_and_write(batch: list[dict[str, Any]]) -> tuple[int, float]:
        """DynamoDB writes and CPU seconds of folding ``batch`` 100 records at a time and writing it."""
        cpu = time.process_time()
        writes = 0
        for i in range(0, len(batch), 100):
            writes += store.apply(fold.fold_records(batch[i : i + 100], table_of, score, room_of), shard=0)
        return writes, time.process_time() - cpu

    writes, batched_cpu = fold_and_write(records)
    # as many new comments again by the same authors: every one has commented before (a show's
    # chat is mostly people who already spoke), so only the minute items are written
    repeat_writes, repeat_cpu = fold_and_write(_comment_records(events, start, first=events))
    claims = max(100, events // 5)
    claim_writes, claim_cpu = fold_and_write(_claim_records(claims, start))

    naive_events = max(200, events // 10)  # the naive path is slow: a tenth of the events, scaled
    cpu = time.process_time()
    for record in records[:naive_events]:
        new = fold.image(record, "NewImage") or {}
        MinuteCounters(series_key(new["room_id"], new["author_market"]), int(new["created_at"] // 60)).update(
            actions=[getattr(MinuteCounters, "comments").add(1)]  # noqa: B009  (a generated attribute)
        )
    naive_cpu = time.process_time() - cpu
    return {
        "fold_eps": median(fold_rates),
        "fold_eps_range": (fold_rates[0], fold_rates[-1]),
        "fold_repeats": repeats,
        "marker_share": median(fold_rates) / marker_rate,
        "batched_eps": events / batched_cpu,
        "batched_writes_per_event": writes / events,
        "repeat_eps": events / repeat_cpu,
        "repeat_writes_per_event": repeat_writes / events,
        "claims": claims,
        "claim_eps": claims / claim_cpu,
        "claim_writes_per_event": claim_writes / claims,
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
                        sessions.append(
                            {"room_id": room, "market": market, "sub": sub, "event": "end", "at": t, "watched": 300}
                        )
                        sessions.append(
                            {"room_id": room, "market": markets[hash(new) % 3], "sub": new, "event": "start", "at": t}
                        )
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
                {
                    "node_id": f"{room}-node-{n}",  # a node id per run: runs in one process reuse the clock's batches
                    "batch": t0,
                    "seconds": seconds_rows,
                    "sessions": sessions[:500],
                    "active_rooms": [room],
                }
            )
            writes += feed.accept_feed(body, now=t0 + 2)["writes"] + 1  # + the batch's nonce
            events += 2 * len(watching[n]) + len(sessions[:500])
    used = time.process_time() - cpu
    return {"events": events, "writes": writes, "eps": events / used, "writes_per_event": writes / events}


def _dead_node_room(viewers: int, now: float) -> str:
    """A room whose ``viewers`` each have one session open on a node silent for 100 s (the items
    written directly, 25 per ``BatchWriteItem``: the sweep reads nothing else of them)."""
    from functions.insights import store
    from functions.insights.models import ViewerPresence, open_on_node

    room = f"bench-sweep-{uuid.uuid4().hex[:8]}"
    node = f"{room}-node"
    on_node = open_on_node(node).attr_name
    connection = ViewerPresence._get_connection()
    markets = ("ID", "DE", "AE")
    for first in range(0, viewers, 25):
        puts = []
        for i in range(first, min(first + 25, viewers)):
            start = {"N": repr(now - 400 + (i % 240) * 1.25)}
            item = {
                "room_id": {"S": room},
                "viewer": {"S": f"{i:08x}"},
                "market": {"S": markets[i % 3]},
                "first_at": start,
                "open_since": start,
                "sessions": {"N": "1"},
                "sessions_open": {"N": "1"},
                on_node: {"N": "1"},
            }
            puts.append({"PutRequest": {"Item": item}})
        connection.connection.client.batch_write_item(RequestItems={connection.table_name: puts})
    store.node_seen(node, {room}, now - 100)
    return room


def sweep_run(moto: Any, viewers: int, workers: int | None) -> dict[str, float]:
    """One sweep of a dead node holding ``viewers`` open sessions in one room, against the embedded
    DynamoDB in this process (``moto``: its ``SerializedWSGI``, whose own CPU is taken out).

    ``workers``: ``sweep.SWEEP_WORKERS`` for this run (1: one update at a time); None: as it is."""
    from functions.insights import sweep

    now = time.time()
    sweep.close_dead_nodes(now)  # an earlier run's nodes
    _dead_node_room(viewers, now)
    kept = getattr(sweep, "SWEEP_WORKERS", None)
    if workers is not None:
        sweep.SWEEP_WORKERS = workers
    try:
        moto_cpu, operations = moto.cpu_seconds, dict(moto.operations)
        cpu, wall = time.process_time(), time.perf_counter()
        result = sweep.close_dead_nodes(now)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        if kept is not None:
            sweep.SWEEP_WORKERS = kept
    moto_cpu = moto.cpu_seconds - moto_cpu
    requests = {op: n - operations.get(op, 0) for op, n in moto.operations.items() if n > operations.get(op, 0)}
    if result.sessions != viewers or not result.complete:
        raise click.ClickException(f"the sweep closed {result.sessions} of {viewers} sessions ({result})")
    return {
        "workers": float(getattr(sweep, "SWEEP_WORKERS", 1) if workers is None else workers),
        "wall": wall,
        "client_cpu": cpu - moto_cpu,
        "moto_cpu": moto_cpu,
        "updates": requests.get("UpdateItem", 0),
        "queries": result.queries,
        "requests": sum(requests.values()),
    }


def project_sweep(viewers: int, run: dict[str, float], latency_ms: float, workers: int, vcpu: float) -> float:
    """Seconds one sweep of ``viewers`` would take against DynamoDB, from ``run``'s requests and this
    process's CPU per request (scaled to ``viewers``), ``latency_ms`` per request and ``vcpu`` of a
    core (Lambda's share at its memory size): each worker sends its requests one after another
    (latency + CPU each), ``workers`` of them at once, unless the CPU of all of them, which one
    core (the GIL) does in turn, or DynamoDB's waits alone take longer."""
    requests = run["requests"] * viewers / run["updates"]
    cpu = run["client_cpu"] * viewers / run["updates"] / vcpu
    return max((requests * latency_ms / 1000 + cpu) / workers, cpu, requests * latency_ms / 1000 / workers)


PANEL_JS = Path(__file__).resolve().parents[1] / "web" / "js" / "insights-panel.js"


def panel_poll_seconds() -> float:
    """The console panel's poll interval, read from the panel's own code (``POLL_MS``)."""
    import re

    found = re.search(r"const POLL_MS = (\d+);", PANEL_JS.read_text(encoding="utf-8"))
    if found is None:
        raise click.ClickException(f"no POLL_MS in {PANEL_JS}")
    return int(found.group(1)) / 1000


def freshness(viewers: int, drops: int) -> dict[str, Any]:
    """First frame -> panel, and drop -> alert, through the node feed's real timing and HTTP."""
    import asyncio

    from crosslive.dev import stream
    from crosslive.dev.platform import EmbeddedPlatform
    from functions.insights.models import Alert
    from functions.shared.stream_records import table_of
    from plugins.manager import builtin_market_plugins

    platform = EmbeddedPlatform(port=0, plugins=tuple(sorted(builtin_market_plugins())))
    platform.start()
    # when each new alert's stream record reaches the stream's consumers: the fan-out gets it in
    # the same batch and pushes it to the console (what AWS adds: docs/insights.md, "Freshness")
    handed: dict[str, float] = {}

    def alert_records(records: list[dict[str, Any]]) -> None:
        at = time.monotonic()
        for record in records:
            if table_of(record) == "insights-alerts" and record.get("eventName") == "INSERT":
                keys = record["dynamodb"]["Keys"]
                handed.setdefault(f"{keys['room_id']['S']}/{keys['alert_id']['S']}", at)

    stream.subscribe(alert_records)
    try:
        merchant = {"Authorization": f"Bearer {platform.issuer.issue('bench-merchant', 'merchant', market='CN')}"}
        return asyncio.run(_freshness(platform, merchant, viewers, drops, Alert, handed))
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


async def _live_room(http: Any, merchant: dict[str, str], markets: list[str]) -> str:
    created = await http.post(
        "/v1/rooms",
        json={"title": "bench", "markets": markets, "home_market": "CN", "host_language": "en"},
        headers={**merchant, "Idempotency-Key": f"bench-room-{uuid.uuid4().hex}"},
    )
    _check(created, "creating a room")
    room_id = str(created.json()["room_id"])
    _check(await http.patch(f"/v1/rooms/{room_id}", json={"status": "live"}, headers=merchant), "going live")
    return room_id


def _check(response: Any, what: str) -> None:
    """A refused setup step stops the bench: it is not a drop the product failed to alert on."""
    if response.status_code >= 300:
        raise click.ClickException(f"{what}: HTTP {response.status_code} {response.text[:300]}")


async def _freshness(
    platform: Any,
    merchant: dict[str, str],
    viewers: int,
    drops: int,
    alert_model: Any,
    handed: dict[str, float],
) -> dict[str, Any]:
    """Counters: a panel reads ``GET .../live`` as the console's panel does (every ``POLL_MS``
    after the previous answer); each session starts at a random moment and is timed from then
    (its first frame is already sent) to the end of the first panel read that counts it, with
    the moments the node sampled it and the node's POST carrying it returned. Alerts: per drop a
    room of its own (so no alert cool-down is waited out), its 5-minute history as a node would
    have sent it, then the market's audience falls by 60 %; timed to the alert stored and to its
    stream record reaching the fan-out."""
    import asyncio
    import random

    import httpx

    from functions.shared import signing
    from media_nodes.insights_feed import InsightsFeed, http_poster

    rng = random.Random(13)
    node = _Node()
    poll = panel_poll_seconds()
    async with httpx.AsyncClient(base_url=platform.base_url, timeout=30) as http:
        room_id = await _live_room(http, merchant, ["ID", "DE"])
        posted: list[tuple[float, bytes]] = []  # (when the POST returned, its body)
        inner = http_poster(platform.base_url, http)

        async def post(body: bytes, signature: str) -> int:
            status = await inner(body, signature)
            posted.append((time.monotonic(), body))
            return status

        feed = InsightsFeed(node, "bench-node", post)
        runner = asyncio.ensure_future(feed.run())
        reads: list[tuple[float, int]] = []  # (when a panel read returned, the reach it showed)

        read_seconds: list[float] = []  # how long each panel read took

        async def panel() -> None:
            while True:
                asked = time.monotonic()
                data = (await http.get(f"/v1/insights/rooms/{room_id}/live", headers=merchant)).json()
                reads.append((time.monotonic(), int(data["total"]["reach"])))
                read_seconds.append(reads[-1][0] - asked)
                await asyncio.sleep(poll)

        reader = asyncio.ensure_future(panel())
        sessions: list[tuple[str, float, float]] = []  # (sub, started on the monotonic clock, wall clock)
        for i in range(viewers):
            await asyncio.sleep(rng.uniform(0, 2 * poll))  # no phase lock with the panel or the node
            sid, sub = uuid.uuid4().hex, f"bench-viewer-{i}"
            node.sessions[sid] = _Session(room_id)
            feed.track(sid, room_id, "ID", sub)
            sessions.append((sub, time.monotonic(), time.time()))
            while not reads or reads[-1][1] < i + 1:
                await asyncio.sleep(0.05)
        reader.cancel()
        counters: list[dict[str, float]] = []
        for i, (sub, started, wall) in enumerate(sessions):
            shown = next(at for at, reach in reads if at >= started and reach >= i + 1)
            sampled = stored = float("nan")
            for at, body in posted:
                for event in json.loads(body)["sessions"]:
                    if event["sub"] == sub and event["event"] == "start":
                        sampled, stored = started + (float(event["at"]) - wall), at
            counters.append({"panel": shown - started, "sampled": sampled - started, "stored": stored - started})

        alerts: list[dict[str, float]] = []
        for d in range(drops):
            drop_room = await _live_room(http, merchant, ["ID", "DE"])
            # a steady audience of 40 in DE for 5 minutes is what a drop is measured against: fed
            # as history the node would have sent, then 60 % of them leave now. The oldest second
            # is 10 s inside the feed's accepted age (feed.MAX_AGE_SECONDS), so a slow POST is not
            # refused as stale (with 298 s it had 1-2 s: a refused history raises no alert)
            now = time.time()
            history = {
                "node_id": f"history-{uuid.uuid4().hex[:8]}",
                "batch": 1,
                "seconds": [
                    {"room_id": drop_room, "market": "DE", "t": int(now) - s, "viewers": 40} for s in range(1, 291)
                ],
                "sessions": [],
                "ingest_gaps": [],
            }
            body = json.dumps(history).encode()
            stored_history = await http.post(
                "/v1/insights/internal/node-feed",
                content=body,
                headers={"X-Crosslive-Feed-Signature": signing.sign(body)},
            )
            _check(stored_history, "the drop room's 5-minute history")
            await asyncio.sleep(rng.uniform(0, 1))
            for k in range(16):
                node.sessions[f"de-{d}-{k}"] = _Session(drop_room)
                feed.track(f"de-{d}-{k}", drop_room, "DE", f"de-{d}-{k}")
            started, wall = time.monotonic(), time.time()
            stored = float("nan")
            found: list[Any] = []
            while time.monotonic() - started < 60:
                found = list(alert_model.query(drop_room))
                if found:
                    stored = time.monotonic() - started
                    break
                await asyncio.sleep(0.1)
            pushed = float("nan")
            for _ in range(50):
                if found and f"{drop_room}/{found[0].alert_id}" in handed:
                    pushed = handed[f"{drop_room}/{found[0].alert_id}"] - started
                    break
                await asyncio.sleep(0.1)
            alerts.append(
                {
                    "stored": stored,
                    "pushed": pushed,
                    "kind": 1.0 if found and found[0].kind == "drop-off" else 0.0,
                    # the second the alert names: the first one the node reported the smaller audience
                    "second": float(found[0].at) - wall if found else float("nan"),
                }
            )
            for k in range(16):
                node.sessions.pop(f"de-{d}-{k}", None)
        runner.cancel()
    return {"counters": counters, "alerts": alerts, "poll": poll, "flush": feed.flush_seconds, "reads": read_seconds}


PARTS = ("sketch", "throughput", "presence", "freshness", "sentiment", "sweep")


def _load() -> str:
    """The load average (the machine is shared: every timing is read against it)."""
    import os

    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} ({os.cpu_count()} cores)"


def _spread(values: list[float]) -> str:
    from bench.stats import percentile

    clean = [v for v in values if v == v]  # NaN: not seen
    if not clean:
        return "none seen"
    missing = f", {len(values) - len(clean)} not seen" if len(clean) < len(values) else ""
    return (
        f"p50 {percentile(clean, 50):.2f} s, p95 {percentile(clean, 95):.2f} s, max {max(clean):.2f} s "
        f"(n={len(clean)}{missing})"
    )


LAMBDA_VCPU_AT = {1024: 1024 / 1769, 1769: 1.0}  # Lambda's share of a core per memory size (MB)
PROJECTED_VIEWERS = 100_000


def _sweep_part(sizes: tuple[int, ...], latency_ms: float) -> None:
    """The dead-node sweep: one update at a time (the baseline) vs ``SWEEP_WORKERS`` in flight, each
    on its own room, in this process; then what a sweep of 100,000 would take on DynamoDB."""
    from crosslive.dev.platform import EmbeddedPlatform
    from plugins.manager import builtin_market_plugins

    platform = EmbeddedPlatform(port=0, plugins=tuple(sorted(builtin_market_plugins())))
    platform.configure()
    try:
        moto = platform.dynamodb.app  # type: ignore[union-attr]
        runs = {(n, label): sweep_run(moto, n, workers) for n in sizes for label, workers in (("1", 1), ("pool", None))}
    finally:
        platform.stop()
    click.echo("dead-node sweep, one room, embedded DynamoDB in this process (moto's own CPU taken out):")
    for (n, label), run in runs.items():
        click.echo(
            f"  {n:>7,} viewers, {run['workers']:.0f} in flight: {run['wall']:6.2f} s "
            f"({n / run['wall']:,.0f} viewers/s; {run['updates']:,} updates, {run['queries']} query pages, "
            f"{run['requests']:,} requests); this process's CPU {run['client_cpu'] / run['updates'] * 1000:.2f} ms "
            f"per update, moto's {run['moto_cpu'] / run['updates'] * 1000:.2f} ms"
            + (f"; {runs[(n, '1')]['wall'] / run['wall']:.2f}x the one-at-a-time run" if label == "pool" else "")
        )
    largest = max(sizes)
    click.echo(
        f"projected sweep of {PROJECTED_VIEWERS:,} viewers on DynamoDB (requests scaled from the "
        f"{largest:,}-viewer run, {latency_ms:g} ms each, so many in flight; or this process's CPU per "
        "request at Lambda's share of a core, whichever is longer):"
    )
    for label in ("1", "pool"):
        run = runs[(largest, label)]
        workers = int(run["workers"])
        figures = ", ".join(
            f"{memory} MB {project_sweep(PROJECTED_VIEWERS, run, latency_ms, workers, vcpu):,.0f} s"
            for memory, vcpu in LAMBDA_VCPU_AT.items()
        )
        click.echo(f"  {workers} in flight: {figures} (one run has 50 s)")
    click.echo(f"after sweep: {_load()}")


@click.command("insights")
@click.option("--distinct", default=100_000, show_default=True, help="distinct viewers for the sketch error")
@click.option("--seeds", default=5, show_default=True)
@click.option("--events", default=5_000, show_default=True, help="stream events for the throughput")
@click.option("--viewers", default=20, show_default=True, help="sessions timed from first frame to panel")
@click.option("--drops", default=10, show_default=True, help="audience drops timed to their alert")
@click.option("--presence-seconds", default=60, show_default=True, help="seconds of node feed at 1,000 and at scale")
@click.option("--viewers-at-scale", default=100_000, show_default=True, help="viewers of the large node-feed run")
@click.option(
    "--sweep-viewers",
    multiple=True,
    type=int,
    default=(2_000, 20_000),
    show_default=True,
    help="open sessions of the dead node a sweep run closes (repeatable)",
)
@click.option(
    "--dynamodb-ms", default=5.0, show_default=True, help="DynamoDB's latency per request, for the sweep's projection"
)
@click.option(
    "--only", "only", multiple=True, type=click.Choice(PARTS), help="run only these parts (repeatable; default: all)"
)
def command(
    distinct: int,
    seeds: int,
    events: int,
    viewers: int,
    drops: int,
    presence_seconds: int,
    viewers_at_scale: int,
    sweep_viewers: tuple[int, ...],
    dynamodb_ms: float,
    only: tuple[str, ...],
) -> None:
    """Sketch error, aggregation throughput vs one write per event, freshness, sentiment accuracy,
    the dead-node sweep of a large room."""
    from crosslive.dev.platform import EmbeddedPlatform
    from plugins.manager import builtin_market_plugins

    parts = set(only or PARTS)
    click.echo(f"start: {_load()}")
    if "sketch" in parts:
        errors = sketch_error(distinct, seeds)
        click.echo(
            f"sketch error at {distinct:,} distinct viewers (8 shards, {seeds} seeds): "
            f"max {max(errors):.2%}, mean {sum(errors) / len(errors):.2%}"
        )

    if parts & {"throughput", "presence"}:
        platform = EmbeddedPlatform(port=0, plugins=tuple(sorted(builtin_market_plugins())))
        platform.configure()
        try:
            figures = throughput(events) if "throughput" in parts else None
            node_side = (
                {n: presence(n, presence_seconds) for n in (1_000, viewers_at_scale)} if "presence" in parts else {}
            )
        finally:
            platform.stop()
        if figures is not None:
            low, high = figures["fold_eps_range"]
            click.echo(
                f"fold alone: {figures['fold_eps']:,.0f} events/s per core (no I/O; median of "
                f"{figures['fold_repeats']} passes, {low:,.0f}-{high:,.0f}); the record markers (exactly once) are "
                f"{figures['marker_share']:.1%} of it"
            )
            naive = figures["naive_eps"]
            click.echo(
                f"naive, one UpdateItem per event (baseline): {naive:,.0f} events/s per core, 1.000 DynamoDB writes "
                "per event"
            )
            rows = (
                ("comments, each author's first (2,000 authors)", "batched", events),
                ("comments again, every author known", "repeat", events),
                (f"coupon claims, each by a new claimer ({figures['claims']:,})", "claim", figures["claims"]),
            )
            for label, key, _count in rows:
                eps, per = figures[f"{key}_eps"], figures[f"{key}_writes_per_event"]
                click.echo(
                    f"fold + one write per touched item, {label}: {eps:,.0f} events/s per core ({eps / naive:.2f}x "
                    f"the baseline), {per:.3f} DynamoDB writes per event ({per:.2f}x the baseline's)"
                )
        for count, row in node_side.items():
            click.echo(
                f"node feed, {count:,} viewers for {presence_seconds} s (heartbeats + session starts/ends as events): "
                f"{row['events']:,.0f} events, {row['writes']:,.0f} DynamoDB writes = {row['writes_per_event']:.4f} "
                f"per event ({row['writes'] / presence_seconds:,.1f} writes/s), {row['eps']:,.0f} events/s per core"
            )
        click.echo(f"after throughput/presence: {_load()}")

    if "freshness" in parts:
        times = freshness(viewers, drops)
        counters, alerts = times["counters"], times["alerts"]
        click.echo(
            f"first frame -> panel (reach; node flush every {times['flush']:g} s, panel poll every "
            f"{times['poll']:g} s), {len(counters)} sessions: {_spread([c['panel'] for c in counters])}"
        )
        click.echo(f"  of which: first frame -> node sample      {_spread([c['sampled'] for c in counters])}")
        click.echo(f"            first frame -> node POST returned {_spread([c['stored'] for c in counters])}")
        click.echo(f"            one panel read (GET .../live)     {_spread(times['reads'])}")
        click.echo(
            f"drop -> alert stored, {len(alerts)} drops ({sum(int(a['kind']) for a in alerts)} drop-off alerts): "
            f"{_spread([a['stored'] for a in alerts])}"
        )
        click.echo(f"drop -> alert's record handed to the fan-out (the push): {_spread([a['pushed'] for a in alerts])}")
        click.echo(f"  of which: drop -> the second the alert names {_spread([a['second'] for a in alerts])}")
        click.echo(f"after freshness: {_load()}")

    if "sweep" in parts:
        _sweep_part(sweep_viewers, dynamodb_ms)

    if "sentiment" in parts:
        click.echo("sentiment accuracy (local lexicon scorer; neutral answers count as wrong):")
        total = [0, 0]
        for language, correct, neutral, count in sentiment_accuracy():
            click.echo(f"  {language:12s} {correct:5d}/{count:<5d} {correct / count:6.1%}  (neutral answers {neutral})")
            if "UCI" not in language:
                total[0] += correct
                total[1] += count
        click.echo(f"  live comments, all 12 languages: {total[0]}/{total[1]} = {total[0] / total[1]:.1%}")
