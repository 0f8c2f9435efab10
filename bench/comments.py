"""``crosslive bench comments``: post -> delivered latency and sustained comments/s, many viewers.

Against the embedded platform on loopback, the whole production path: HTTP POST through the
gateway, validation, in-line moderation (with its DynamoDB rate counters), the transactional
write to DynamoDB (moto), the table's change record through the local stream to the fan-out,
one signed POST to a push node, coalesced frames to every WebSocket subscriber.

Three processes share the machine: this one (gateway, functions, moto, fan-out), the push node
(``media_nodes.push.standalone``, what ``mount_push`` adds to each media node) and a load
process holding every WebSocket subscriber plus an open-loop poster (one comment every
``1/rate`` s whatever the answers, authors and source addresses spread over the viewers so the
per-user and per-address limits of moderation do not reject a benchmark as a flood).

Latency of a (comment, viewer) pair = the time the viewer's socket got it - the time the poster
began the POST. The baseline, run the same way in the same run, is one subscriber: the
difference is the cost of fanning out to ``viewers``.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing as mp
import os
import re
import statistics
import subprocess
import sys
import time
import uuid
from typing import Any

import click

from bench.stats import percentile

COMMENT_ID_RE = re.compile(r'"comment_id":"([0-9A-Z]{26})"')


async def _load(
    base_url: str,
    push_url: str,
    room_id: str,
    tokens: list[str],
    viewers: int,
    rate: float,
    seconds: float,
    warmup: float,
    post: bool,
    text_offset: int,
    *,
    ctrl: Any,
    out: Any,
) -> dict[str, Any]:
    import httpx
    from websockets.asyncio.client import connect

    arrivals: dict[str, list[float]] = {}
    sockets = []
    ready = 0

    async def subscriber(index: int) -> None:
        nonlocal ready
        ws = await connect(
            f"{push_url.replace('http', 'ws')}/v1/push/rooms/{room_id}",
            open_timeout=30,
            max_queue=None,
            ping_interval=None,
            compression=None,
        )
        sockets.append(ws)
        await ws.send(json.dumps({"type": "auth", "token": tokens[index % len(tokens)]}))
        hello = json.loads(await ws.recv())
        assert hello["type"] == "ready", hello
        ready += 1
        async for frame in ws:
            now = time.time()  # a measuring client: find the ids without decoding whole frames
            for comment_id in COMMENT_ID_RE.findall(str(frame)):
                arrivals.setdefault(comment_id, []).append(now)

    tasks = []
    for i in range(viewers):
        tasks.append(asyncio.ensure_future(subscriber(i)))
        if i % 50 == 49:
            await asyncio.sleep(0.05)
    deadline = time.monotonic() + 60
    while ready < viewers:
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {ready} of {viewers} subscribers connected")
        await asyncio.sleep(0.05)

    sent: dict[str, float] = {}
    acks: list[float] = []
    statuses: dict[int | str, int] = {}
    out.put("ready")
    cpu_at_start = time.process_time()
    if not post:  # the parent drives the fan-out directly and says when it is done
        await asyncio.to_thread(ctrl.get)
        await asyncio.sleep(2.0)
        for ws in sockets:
            await ws.close()
        for task in tasks:
            task.cancel()
        return {
            "arrivals": arrivals,
            "sent": sent,
            "acks": acks,
            "statuses": statuses,
            "posting_seconds": 0.0,
            "posted": 0,
            "cpu_seconds": time.process_time(),
            "cpu_at_start": cpu_at_start,
        }
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=15) as http:

        async def post_one(seq: int, measured: bool) -> None:
            author = seq % len(tokens)
            headers = {
                "Authorization": f"Bearer {tokens[author]}",
                "Idempotency-Key": uuid.uuid4().hex,
                "X-Forwarded-For": f"10.{author // 65536 % 256}.{author // 256 % 256}.{author % 256}",
            }
            started = time.time()
            try:
                response = await http.post(
                    f"/v1/comments/rooms/{room_id}",
                    headers=headers,
                    json={"text": _question(seq + text_offset), "language": "en"},
                )
            except httpx.HTTPError as exc:  # counted, not fatal: the figures say how many
                statuses[type(exc).__name__] = statuses.get(type(exc).__name__, 0) + 1
                return
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            if response.status_code == 201 and measured:
                sent[response.json()["comment_id"]] = started
                acks.append(time.time() - started)

        posts = []
        began = time.monotonic()
        total = int((warmup + seconds) * rate)
        for seq in range(total):
            target = began + seq / rate
            delay = target - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            posts.append(asyncio.ensure_future(post_one(seq, seq >= warmup * rate)))
        await asyncio.gather(*posts)
        posting_seconds = time.monotonic() - began
    await asyncio.sleep(2.0)  # let the last frames arrive
    for ws in sockets:
        await ws.close()
    for task in tasks:
        task.cancel()
    return {
        "arrivals": arrivals,
        "sent": sent,
        "acks": acks,
        "statuses": statuses,
        "posting_seconds": posting_seconds,
        "posted": total,
        "cpu_seconds": time.process_time(),
        "cpu_at_start": cpu_at_start,
    }


_COLOURS = ("red", "blue", "green", "black", "white", "pink", "navy", "beige", "grey", "gold")
_ITEMS = ("scarf", "dress", "bag", "shirt", "jacket", "skirt", "hat", "belt", "coat", "shawl")
_ASKS = (
    "is the",
    "how soft is the",
    "can I wash the",
    "do you have the",
    "show the",
    "I like the",
    "what about the",
    "please zoom on the",
    "how long is the",
    "who makes the",
)
_ENDS = ("today", "again", "please", "now", "for me", "for my mum", "for work", "closer", "slowly", "once more")


def _question(seq: int) -> str:
    """A distinct, innocent comment per sequence number (no digits: moderation folds them, and the
    same text from several accounts is a water army)."""
    a, b, c, d = seq % 10, seq // 10 % 10, seq // 100 % 10, seq // 1000 % 10
    return f"{_ASKS[a]} {_COLOURS[b]} {_ITEMS[c]} {_ENDS[d]}"


def _load_process(args: tuple[Any, ...], ctrl: Any, out: Any) -> None:
    try:
        out.put(asyncio.run(_load(*args, ctrl=ctrl, out=out)))
    except Exception as exc:  # report, do not hang the parent
        out.put({"error": repr(exc)})


def _emit_directly(room_id: str, rate: float, seconds: float, warmup: float) -> dict[str, float]:
    """Push-path only: hand change records to the stream port (the local stream) at ``rate``, nothing stored.

    The same records the write path emits after its DynamoDB write, so this measures the fan-out,
    the node and the subscribers without the write path's cost (moderation counters and the
    transaction on moto dominate that on this machine).
    """
    from functions.comments.ids import new_comment_id
    from functions.comments.models import Comment, room_status_key
    from functions.shared import stream

    sent: dict[str, float] = {}
    began = time.monotonic()
    total = int((warmup + seconds) * rate)
    for seq in range(total):
        delay = began + seq / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        now = time.time()
        comment = Comment(
            room_id,
            new_comment_id(now),
            author_sub=f"bench-viewer-{seq % 1000}",
            author_name=None,
            author_market="SG",
            author_role="viewer",
            kind="viewer",
            text=f"question number {seq} about this scarf",
            original_text="",
            language="en",
            status="published",
            room_status=room_status_key(room_id, "published"),
            created_at=now,
            updated_at=now,
        )
        stream.emit(None, comment)
        if seq >= warmup * rate:
            sent[comment.comment_id] = now
    return sent


def _cpu(platform_pid: int, node_pid: int) -> dict[str, float]:
    import psutil

    out = {}
    for name, pid in (("platform", platform_pid), ("push_node", node_pid)):
        times = psutil.Process(pid).cpu_times()
        out[name] = times.user + times.system
    return out


def _run(
    platform: Any,
    push_url: str,
    room_id: str,
    viewers: int,
    rate: float,
    seconds: float,
    warmup: float,
    path: str,
    node_pid: int,
    text_offset: int = 0,
) -> dict[str, Any]:
    tokens = [platform.issuer.issue(f"bench-viewer-{i}", "viewer", market="SG") for i in range(max(viewers, 400))]
    ctx = mp.get_context("spawn")
    out, ctrl = ctx.Queue(), ctx.Queue()
    args = (platform.base_url, push_url, room_id, tokens, viewers, rate, seconds, warmup, path == "full", text_offset)
    process = ctx.Process(target=_load_process, args=(args, ctrl, out))
    process.start()
    first = out.get(timeout=120)
    if first != "ready":
        raise click.ClickException(f"load process failed: {first}")
    cpu_start = _cpu(platform_pid=os.getpid(), node_pid=node_pid)
    db = platform.dynamodb.app  # moto's emulation: its requests and the CPU they cost
    db_start = (db.requests, db.cpu_seconds)
    wall_start = time.monotonic()
    sent = _emit_directly(room_id, rate, seconds, warmup) if path == "push" else {}
    ctrl.put("done")
    result = out.get(timeout=seconds + warmup + 180)
    if "error" in result:
        raise click.ClickException(f"load process failed: {result['error']}")
    wall = time.monotonic() - wall_start
    cpu_end = _cpu(platform_pid=os.getpid(), node_pid=node_pid)
    result["cpu_share"] = {k: round((cpu_end[k] - cpu_start[k]) / wall, 2) for k in cpu_end}
    result["cpu_share"]["viewers_and_poster"] = round((result["cpu_seconds"] - result["cpu_at_start"]) / wall, 2)
    posted = max(1, sum(n for code, n in result["statuses"].items() if code == 201)) if path == "full" else 0
    if posted:  # the write path's cost per stored comment, and how much of it is the DynamoDB stand-in
        result["per_comment"] = {
            "platform_cpu_ms": round((cpu_end["platform"] - cpu_start["platform"]) / posted * 1000, 1),
            "dynamodb_requests": round((db.requests - db_start[0]) / posted, 1),
            "moto_cpu_ms": round((db.cpu_seconds - db_start[1]) / posted * 1000, 1),
        }
    process.join(timeout=10)
    sent = sent or result["sent"]
    arrivals = result["arrivals"]
    result["latencies"] = [t - sent[cid] for cid, times in arrivals.items() if cid in sent for t in times]
    result["measured"] = len(sent)
    result["expected"] = len(sent) * viewers
    return dict(result)


def _summary(name: str, result: dict[str, Any], viewers: int, rate: float, seconds: float) -> dict[str, Any]:
    lat = [x * 1000 for x in result["latencies"]]
    acks = [x * 1000 for x in result["acks"]]
    delivered = len(lat) / result["expected"] if result["expected"] else 0.0
    return {
        "run": name,
        "viewers": viewers,
        "target_rate": rate,
        "stored_per_s": round(result["measured"] / seconds, 1),
        "statuses": result["statuses"],
        "delivered_fraction": round(delivered, 4),
        "deliveries_per_s": round(len(lat) / seconds),
        "cpu_cores_used": result.get("cpu_share"),
        "per_comment": result.get("per_comment"),
        "ack_ms": {
            "p50": round(percentile(acks, 50), 1),
            "p95": round(percentile(acks, 95), 1),
            "p99": round(percentile(acks, 99), 1),
        },
        "delivered_ms": {
            "p50": round(percentile(lat, 50), 1),
            "p95": round(percentile(lat, 95), 1),
            "p99": round(percentile(lat, 99), 1),
            "mean": round(statistics.fmean(lat), 1) if lat else None,
        },
    }


@click.command("comments")
@click.option("--viewers", default=1000, show_default=True, help="WebSocket subscribers in the room")
@click.option("--rate", default=200.0, show_default=True, help="comments posted per second (open loop)")
@click.option("--seconds", default=10.0, show_default=True, help="measured seconds (after warm-up)")
@click.option("--warmup", default=2.0, show_default=True, help="seconds posted but not measured")
@click.option("--baseline-viewers", default=1, show_default=True, help="subscribers of the baseline run")
@click.option(
    "--path",
    type=click.Choice(["full", "push"]),
    default="full",
    show_default=True,
    help="full: POST through the write path; push: fan-out -> node -> viewers only",
)
@click.option("--json-out", type=click.Path(dir_okay=False), default=None, help="also write the figures here")
def command(
    viewers: int, rate: float, seconds: float, warmup: float, baseline_viewers: int, path: str, json_out: str | None
) -> None:
    """Post -> delivered latency (p50/p95/p99) and sustained comments/s with many WebSocket viewers."""
    from crosslive.dev.platform import EmbeddedPlatform, free_port
    from functions.fanout.delivery import ENV_PUSH_NODES
    from functions.shared.signing import ENV_PUSH_SECRET
    from plugins.manager import builtin_market_plugins

    platform = EmbeddedPlatform(port=0, plugins=tuple(sorted(builtin_market_plugins())))
    platform.start()
    node = None
    try:
        os.environ.setdefault(ENV_PUSH_SECRET, uuid.uuid4().hex + uuid.uuid4().hex)
        port = free_port()
        node = subprocess.Popen(
            [sys.executable, "-m", "media_nodes.push.standalone", "--port", str(port)], env=dict(os.environ)
        )
        push_url = f"http://127.0.0.1:{port}"
        os.environ[ENV_PUSH_NODES] = push_url
        import httpx

        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{push_url}/v1/push/stats", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise click.ClickException("push node did not start") from None
                time.sleep(0.1)
        merchant = {"Authorization": f"Bearer {platform.issuer.issue('bench-merchant', 'merchant', market='CN')}"}
        figures = []
        for name, n in (("baseline", baseline_viewers), ("measured", viewers)):
            room = httpx.post(
                f"{platform.base_url}/v1/rooms",
                headers={**merchant, "Idempotency-Key": f"bench-room-{uuid.uuid4().hex}"},
                timeout=30,
                json={"title": f"bench {name}", "markets": ["SG"], "home_market": "CN", "host_language": "en"},
            ).json()
            httpx.patch(
                f"{platform.base_url}/v1/rooms/{room['room_id']}", json={"status": "live"}, headers=merchant, timeout=30
            )
            click.echo(f"{name}: {n} viewers, {rate:g} comments/s for {warmup:g}+{seconds:g} s ...", err=True)
            result = _run(
                platform,
                push_url,
                room["room_id"],
                n,
                rate,
                seconds if name == "measured" else max(3.0, seconds / 2),
                warmup,
                path,
                node.pid,
                # each run its own texts: moderation refuses an author repeating a text in a minute
                text_offset=5000 if name == "baseline" else 0,
            )
            figures.append(_summary(name, result, n, rate, seconds if name == "measured" else max(3.0, seconds / 2)))
        stats = httpx.get(f"{push_url}/v1/push/stats", timeout=5).json()
    finally:
        if node is not None:
            node.terminate()
            node.wait(timeout=10)
        platform.stop()
    base, measured = figures
    report = {
        "machine": f"{os.cpu_count()} cores (shared)",
        "path": path,
        "runs": figures,
        "node": stats,
        "ratio_p95_measured_over_baseline": round(measured["delivered_ms"]["p95"] / base["delivered_ms"]["p95"], 2)
        if base["delivered_ms"]["p95"]
        else None,
    }
    click.echo(json.dumps(report, indent=2))
    if json_out:
        with open(json_out, "w", encoding="utf-8") as fh:
            json.dump(report, fh, indent=2)
