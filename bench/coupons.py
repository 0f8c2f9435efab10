"""``crosslive bench coupons``: a flash sale of 100 units against the embedded platform.

The platform (moto DynamoDB, every function, the local issuer) starts in this process and is
driven over real HTTP by ``httpx`` (asyncio). Each run launches N claimers at once (5,000 by
default), each a different viewer with their own token and ``Idempotency-Key``:

* a share of them double-tap: a second request with the *same* key at the same moment;
* a 503 (``claim-contended`` or a storage fault, with ``Retry-After``) is retried with the same
  key, as a client should; that is the only answer worth a retry: claims keep no in-progress
  state (the outcome is a function of the key), so a double-tap gets the same coupon twice;
* every claimer that got a coupon asks once more with its key (a replay) at the end.

Printed per design: granted (distinct coupon codes handed out; must equal the stock), duplicates
(claimers who were handed two different codes; must be 0), the database's own count of coupons
and remaining units, claims/s (HTTP claim requests answered per second of the burst) and
p50/p95/p99 latency of a claim request as the claimer sees it (including the wait for one of the
client's pooled connections).

Two designs run in the same process on the same platform: the sharded stock (``--shards``, one
partition key per shard) and a single counter item (``stock_shards = 1``). The embedded DynamoDB
serializes every request (moto is not linearizable otherwise), so here both designs are capped
by that one lock and measure about the same; the difference that matters is on real DynamoDB,
where each partition takes 1,000 write units/s and a transactional write costs 2: the printed
ceiling is ``shards x 500`` claims/s for the hot items of each design.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import click

from bench.stats import rank_percentile

CLAIM_RETRIES = 40


@dataclass
class DesignResult:
    name: str
    shards: int
    claimers: int
    requests: int = 0
    retries: int = 0
    unavailable: int = 0  # 503 answers (claim-contended, storage faults): retried with the same key
    granted: int = 0
    duplicates: int = 0
    exhausted: int = 0
    replays_matching: int = 0
    errors: int = 0
    db_coupons: int = 0
    db_remaining: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)  # one HTTP request on an open connection
    answer_ms: list[float] = field(default_factory=list)  # a claimer's wait for its answer (queue + retries)
    problems: Counter[str] = field(default_factory=Counter)

    @property
    def claims_per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float, answers: bool = False) -> float:
        return rank_percentile(self.answer_ms if answers else self.latencies_ms, q, empty=0.0)


class _Progress:
    def __init__(self, total: int, label: str, echo: Any) -> None:
        self.total, self.label, self.echo = total, label, echo
        self.done = 0
        self.granted: set[str] = set()

    async def report(self, every: float = 1.0) -> None:
        started = time.perf_counter()
        while True:
            await asyncio.sleep(every)
            elapsed = time.perf_counter() - started
            self.echo(
                f"  [{self.label}] {elapsed:5.1f}s  claimers done {self.done}/{self.total}"
                f"  coupons granted {len(self.granted)}"
            )


async def _claimer(
    gate: asyncio.Semaphore,
    client: Any,
    path: str,
    token: str,
    key: str,
    twin: bool,
    result: DesignResult,
    progress: _Progress,
    codes_by_claimer: list[set[str]],
) -> None:
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}
    mine: set[str] = set()

    async def send() -> str | None:
        """One logical claim with retries; returns the code or None (sold out / refused)."""
        asked = time.perf_counter()
        try:
            return await attempts()
        finally:
            result.answer_ms.append((time.perf_counter() - asked) * 1000)

    async def attempts() -> str | None:
        for attempt in range(CLAIM_RETRIES):
            try:
                async with gate:  # wait for a connection here: O(1), not in httpx's O(n) pool queue
                    started = time.perf_counter()
                    response = await client.post(path, headers=headers)
            except Exception as exc:  # connection reset under load: retry with the same key
                result.retries += 1
                result.problems[f"transport {type(exc).__name__}"] += 1
                await asyncio.sleep(0.05 * (attempt + 1))
                continue
            result.latencies_ms.append((time.perf_counter() - started) * 1000)
            result.requests += 1
            if response.status_code == 201:
                code = str(response.json()["code"])
                progress.granted.add(code)
                return code
            body = response.json()
            if response.status_code == 503:
                result.unavailable += 1
                result.problems[f"503 {body.get('code')}"] += 1
                result.retries += 1
                await asyncio.sleep(random.uniform(0.02, 0.1) * (1 + attempt // 4))
                continue
            if body.get("code") == "coupon-exhausted":
                return None
            result.errors += 1
            result.problems[f"{response.status_code} {body.get('code')}"] += 1
            return None
        result.errors += 1
        result.problems["gave up after retries"] += 1
        return None

    outcomes = await asyncio.gather(send(), send()) if twin else [await send()]
    mine.update(code for code in outcomes if code)
    if mine:  # a replay later must hand back the very same coupon
        again = await send()
        if again in mine:
            result.replays_matching += 1
        elif again:
            mine.add(again)
    else:
        result.exhausted += 1
    codes_by_claimer.append(mine)
    progress.done += 1


async def _run_design(
    base_url: str,
    path: str,
    tokens: list[str],
    twin_share: float,
    connections: int,
    result: DesignResult,
    echo: Any,
) -> None:
    import httpx

    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    progress = _Progress(len(tokens), result.name, echo)
    codes_by_claimer: list[set[str]] = []
    rng = random.Random(7)
    gate = asyncio.Semaphore(connections)
    # No pool timeout: a claimer waits its turn for a connection; giving up mid-queue would only
    # leave the server working for nobody.
    timeout = httpx.Timeout(120.0, pool=None)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=timeout) as client:
        reporter = asyncio.create_task(progress.report())
        started = time.perf_counter()
        await asyncio.gather(
            *(
                _claimer(
                    gate,
                    client,
                    path,
                    token,
                    f"bench-{result.name}-{i}-{rng.getrandbits(64):016x}",
                    rng.random() < twin_share,
                    result,
                    progress,
                    codes_by_claimer,
                )
                for i, token in enumerate(tokens)
            )
        )
        result.seconds = time.perf_counter() - started
        reporter.cancel()
    every_code = [code for codes in codes_by_claimer for code in codes]
    result.granted = len(set(every_code))
    result.duplicates = sum(1 for codes in codes_by_claimer if len(codes) > 1) + (
        len(every_code) - len(set(every_code))
    )


def _verify_in_db(campaign_id: str, result: DesignResult) -> None:
    from functions.coupons.campaigns import load_campaign
    from functions.coupons.claims import remaining_by_shard
    from functions.coupons.store import home_store

    store = home_store()
    result.db_coupons = sum(1 for _ in store.coupons.scan(store.coupons.campaign_id == campaign_id))
    result.db_remaining = sum(remaining_by_shard(store, load_campaign(campaign_id), consistent=True).values())


def run(
    claimers: int = 5000,
    stock: int = 100,
    shards: int = 16,
    twin_share: float = 0.2,
    connections: int = 32,
    echo: Any = click.echo,
) -> list[DesignResult]:
    """Run the flash sale once per design and return the figures (the CLI prints them)."""
    import httpx

    from crosslive.dev.platform import EmbeddedPlatform
    from functions.coupons.claims import theoretical_claims_per_second
    from plugins.manager import builtin_market_plugins

    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")
    platform = EmbeddedPlatform(port=0, plugins=tuple(sorted(builtin_market_plugins())))
    platform.start()
    results: list[DesignResult] = []
    try:
        merchant = {"Authorization": f"Bearer {platform.issuer.issue('bench-merchant', 'merchant', market='CN')}"}
        with httpx.Client(base_url=platform.base_url, timeout=30) as http:
            room = http.post(
                "/v1/rooms",
                headers={**merchant, "Idempotency-Key": f"bench-room-{uuid.uuid4().hex}"},
                json={
                    "title": "Flash sale bench",
                    "markets": ["ID"],
                    "home_market": "CN",
                    "host_language": "en",
                },
            ).json()
            echo(f"minting {claimers} viewer tokens ...")
            tokens = [platform.issuer.issue(f"claimer-{i}", "viewer", market="ID") for i in range(claimers)]
            # A short unreported warm-up first, so neither design pays for first imports and caches.
            designs = (
                ("warm-up", 4, tokens[:50], 10),
                ("sharded", shards, tokens, stock),
                ("single", 1, tokens, stock),
            )
            for name, design_shards, claimer_tokens, units in designs:
                now = time.time()
                created = http.post(
                    f"/v1/coupons/rooms/{room['room_id']}/campaigns",
                    headers=merchant,
                    json={
                        "title": f"bench {name}",
                        "markets": ["ID"],
                        "currency": "IDR",
                        "discount": {"kind": "fixed", "amount_minor": 1_000_000},
                        "min_spend_minor": 5_000_000,
                        "stock": units,
                        "per_user_limit": 1,
                        "stock_shards": design_shards,
                        "valid_from": now - 1,
                        "valid_until": now + 86_400,
                        "flash": {"start": now - 1, "end": now + 3600},
                    },
                )
                if created.status_code != 201:
                    raise click.ClickException(f"campaign creation failed: {created.text}")
                campaign = created.json()
                result = DesignResult(name=name, shards=campaign["stock_shards"], claimers=len(claimer_tokens))
                echo(f"{name}: {len(claimer_tokens)} claimers at once, {units} units, {result.shards} shard(s) ...")
                path = f"/v1/coupons/rooms/{room['room_id']}/campaigns/{campaign['campaign_id']}/claims"
                asyncio.run(_run_design(platform.base_url, path, claimer_tokens, twin_share, connections, result, echo))
                _verify_in_db(campaign["campaign_id"], result)
                if name != "warm-up":
                    results.append(result)
    finally:
        platform.stop()
    _print(results, stock, theoretical_claims_per_second, echo)
    return results


def _print(results: list[DesignResult], stock: int, ceiling: Any, echo: Any) -> None:
    echo("")
    echo(
        f"{'design':<9}{'shards':>7}{'granted':>9}{'dupes':>7}{'db coupons':>11}{'db left':>8}"
        f"{'requests':>10}{'claims/s':>10}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'ceiling/s':>11}"
    )
    for r in results:
        echo(
            f"{r.name:<9}{r.shards:>7}{r.granted:>9}{r.duplicates:>7}{r.db_coupons:>11}{r.db_remaining:>8}"
            f"{r.requests:>10}{r.claims_per_second:>10.0f}{r.percentile(0.50):>8.0f}{r.percentile(0.95):>8.0f}"
            f"{r.percentile(0.99):>8.0f}{ceiling(r.shards):>11}"
        )
    echo("p50/p95/p99: one claim request on an open connection (the server's answer time under the burst)")
    echo("")
    for r in results:
        echo(
            f"{r.name}: {r.claimers} claimers, {r.requests} claim requests ({r.retries} retried: "
            f"{r.unavailable} answered 503), {r.exhausted} told sold out, "
            f"{r.replays_matching} replays returned the same coupon, {r.errors} errors, {r.seconds:.1f} s"
            + (f"; seen: {dict(r.problems)}" if r.problems else "")
        )
        echo(
            f"  a claimer's wait for its answer (queue for one of the client's connections + retries): "
            f"p50 {r.percentile(0.5, True):.0f} ms, p95 {r.percentile(0.95, True):.0f} ms, "
            f"p99 {r.percentile(0.99, True):.0f} ms"
        )
    if len(results) == 2 and results[1].claims_per_second:
        ratio = results[0].claims_per_second / results[1].claims_per_second
        echo(
            f"sharded / single claims/s on the embedded platform: {ratio:.2f}x "
            f"(moto serializes every request, so both share one lock here)"
        )
        echo(
            f"on real DynamoDB the hot items cap a design at shards x 1000 WCU/s / 2 WCU per transactional "
            f"write: single {ceiling(1)}/s, sharded {ceiling(results[0].shards)}/s "
            f"({ceiling(results[0].shards) / ceiling(1):.0f}x)"
        )
    ok = all(r.granted == min(stock, r.claimers) and r.duplicates == 0 and r.db_coupons == r.granted for r in results)
    echo("verdict: " + ("OK: exactly the stock granted, no duplicates" if ok else "FAILED: see the figures above"))
    echo(
        f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end; latency from "
        f"{statistics.median([len(r.latencies_ms) for r in results]):.0f} claim requests per design"
    )
    if not ok:
        raise click.ClickException("the flash sale oversold or handed out duplicates")


@click.command("coupons")
@click.option("--claimers", default=5000, show_default=True, help="concurrent claimers per design")
@click.option("--stock", default=100, show_default=True, help="units in the flash sale")
@click.option("--shards", default=16, show_default=True, help="stock shards of the sharded design")
@click.option("--twins", default=0.2, show_default=True, help="share of claimers double-tapping with the same key")
@click.option("--connections", default=32, show_default=True, help="client HTTP connection pool size")
def command(claimers: int, stock: int, shards: int, twins: float, connections: int) -> None:
    """Flash sale: N concurrent claimers for 100 units, sharded stock vs a single counter."""
    run(claimers=claimers, stock=stock, shards=shards, twin_share=twins, connections=connections)
