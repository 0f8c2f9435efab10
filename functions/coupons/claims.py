"""Claiming a coupon: one ``TransactWriteItems`` that can never oversell or pass the per-user limit.

A claim is four writes that succeed together or not at all, in the campaign's home region:

1. the chosen stock shard: ``remaining - 1`` if ``remaining > 0``;
2. the user's holding: ``claimed + 1`` if ``claimed < per_user_limit`` (or no holding yet);
3. the new coupon item, if its id is not taken: the id is derived from the claim's
   ``Idempotency-Key`` (``codes.claim_code_id``), so two attempts of one claim write one item;
4. the claim's idempotency record (``functions.shared.idempotency``), if the key has none yet.

So the record exists exactly when the grant does: a retry whose first attempt applied (its answer
lost, or the SDK retried the applied transaction) finds the record and gets the same coupon, and
no attempt of one key can take a second unit.

DynamoDB serializes the conditions of each item, so under any concurrency the sum of granted
claims is at most the stock and no user holds more than the limit. The stock is split over N
shard items with distinct partition keys; a claim tries a random shard not yet known to be empty
and falls back across the others, so a flash burst is spread over N partitions (each takes
1,000 write units/s; a transactional write costs 2). With
``stock_shards = 1`` the same code is the single-counter design the benchmark compares against.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from functions.coupons.codes import new_code_id
from functions.coupons.models import Campaign, Coupon, StockShard
from functions.coupons.store import CouponStore
from functions.shared import stream
from functions.shared.errors import Conflict, Unavailable
from functions.shared.idempotency import AlreadyDone, IdempotencyRecord, done_record, find

TRANSACTIONAL_WCU_PER_ITEM = 2  # a transactional write of an item <= 1 KB costs 2 write units
PARTITION_WCU_PER_SECOND = 1000
MAX_ROUNDS = 4
_rng = random.SystemRandom()


def shard_key(campaign_id: str, shard: int) -> str:
    """The key of stock shard ``shard`` of a campaign (``shard_index`` reads it back)."""
    return f"{campaign_id}#{shard:03d}"


def shard_index(key: str) -> int:
    """The shard number in a ``shard_key``."""
    return int(str(key).rsplit("#", 1)[1])


def holding_key(campaign_id: str, holder_sub: str) -> str:
    return f"{campaign_id}#{holder_sub}"


def split_stock(stock: int, shards: int) -> list[int]:
    """``stock`` units over ``shards`` items, as even as possible (no empty shard)."""
    shards = max(1, min(shards, stock))
    base, extra = divmod(stock, shards)
    return [base + (1 if i < extra else 0) for i in range(shards)]


def default_shards(stock: int) -> int:
    """Enough shards that a burst of many thousand claims/s is not capped by one partition."""
    return max(1, min(16, stock // 8 or 1))


def theoretical_claims_per_second(shards: int) -> int:
    """The partition-limited ceiling of a design on real DynamoDB (the hot items are the shards)."""
    return shards * PARTITION_WCU_PER_SECOND // TRANSACTIONAL_WCU_PER_ITEM


def create_stock(store: CouponStore, campaign_id: str, stock: int, shards: int) -> int:
    """Write the shard items of a new campaign; returns the shard count used."""
    units = split_stock(stock, shards)
    with store.shards.batch_write() as batch:
        for index, remaining in enumerate(units):
            batch.save(
                store.shards(
                    shard_key(campaign_id, index),
                    campaign_id=campaign_id,
                    remaining=remaining,
                    initial=remaining,
                )
            )
    return len(units)


def remaining_by_shard(store: CouponStore, campaign: Campaign, consistent: bool = False) -> dict[int, int]:
    keys = [shard_key(campaign.campaign_id, i) for i in range(int(campaign.shards))]
    result: dict[int, int] = {}
    if consistent:
        for i, key in enumerate(keys):
            try:
                result[i] = int(store.shards.get(key, consistent_read=True).remaining)
            except store.shards.DoesNotExist:
                result[i] = 0
        return result
    for item in store.shards.batch_get(keys):
        result[shard_index(item.shard_key)] = int(item.remaining)
    return result


class _EmptyShards:
    """Shards this process has seen empty, per campaign. Stock is never added back (a cancelled
    order returns the *coupon* to its holder, not the unit to the pool), so a shard seen empty
    stays empty: claims skip it without a read, and once every shard is known empty the sale
    answers "sold out" from memory instead of costing each late claimer a round trip."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._empty: dict[tuple[str, str], set[int]] = {}

    def of(self, key: tuple[str, str]) -> set[int]:
        with self._lock:
            return set(self._empty.get(key, ()))

    def add(self, key: tuple[str, str], shard: int) -> None:
        with self._lock:
            if len(self._empty) > 100_000:
                self._empty.clear()
            self._empty.setdefault(key, set()).add(shard)


EMPTY_SHARDS = _EmptyShards()


@dataclass
class ClaimStats:
    """What a claim cost (for the benchmark and logs)."""

    attempts: int = 0
    conflicts: int = 0


def known_sold_out(store: CouponStore, campaign: Campaign) -> bool:
    """True when this process has seen every shard of the campaign empty (final: no restock)."""
    empty = EMPTY_SHARDS.of((store.region, campaign.campaign_id))
    return len(empty) >= int(campaign.shards)


def exhausted() -> Conflict:
    return Conflict("coupon-exhausted", "all coupons of this campaign have been claimed")


def claim_coupon(
    store: CouponStore,
    campaign: Campaign,
    holder_sub: str,
    market: str,
    now: float | None = None,
    stats: ClaimStats | None = None,
    *,
    code_id: str | None = None,
    record: IdempotencyRecord | None = None,
) -> Coupon:
    """Grant one coupon of ``campaign`` to ``holder_sub`` or raise a 409 problem (nothing written).

    Shards are tried in random order, skipping those known empty; the transaction's conditions
    are the only authority (nothing is read first), so the common case is one round trip. With
    ``code_id`` (derived from the key) and ``record`` (the claim's ``done`` idempotency record)
    both are written in the same transaction; if the key already has a record, ``AlreadyDone``
    carries it.
    """
    now = time.time() if now is None else now
    stats = stats or ClaimStats()
    key = (store.region, campaign.campaign_id)
    for round_ in range(MAX_ROUNDS):
        candidates = [s for s in range(int(campaign.shards)) if s not in EMPTY_SHARDS.of(key)]
        if not candidates:
            raise exhausted()
        _rng.shuffle(candidates)
        for shard in candidates:
            stats.attempts += 1
            coupon = store.coupons(
                code_id or new_code_id(),
                campaign_id=campaign.campaign_id,
                holder_sub=holder_sub,
                market=market,
                shard=shard,
                status="claimed",
                claimed_at=now,
            )
            outcome = _try_claim(store, campaign, coupon, holder_sub, record)
            if outcome == "granted":
                _emit_stock(store, campaign.campaign_id, shard)
                stream.emit(None, coupon)  # written in the transaction: reported here (insights' funnel)
                return coupon
            if outcome == "shard-empty":
                EMPTY_SHARDS.add(key, shard)
            else:  # a transaction conflict: back off a little, then the next shard
                stats.conflicts += 1
                time.sleep(_rng.uniform(0.001, 0.01 * (round_ + 1)))
    raise Unavailable(
        "claim-contended",
        "the sale is too busy right now; retry with the same Idempotency-Key",
        retry_after=1,
    )


def _emit_stock(store: CouponStore, campaign_id: str, shard: int) -> None:
    """Report the claimed shard's change to the stream port (a transaction bypasses the table layer).

    In AWS the coupon-stock table's stream carries every claim's decrement to the fan-out (viewers'
    stock bars move by push) and this does nothing. A transaction returns no item, so a sink that
    wants the images (the embedded platform's) reads the shard back; its old image is that value
    plus the one unit this claim took.
    """
    stream.emit_stored(store.shards(shard_key(campaign_id, shard)), _before_claim)


def _before_claim(shard: StockShard) -> StockShard:
    shard.remaining = int(shard.remaining) + 1
    return shard


# PynamoDB sends a transaction's items as condition checks, deletes, puts, then updates; the
# cancellation reasons come back in that order (puts in the order they were added).
_RETRYABLE = frozenset(
    {
        "TransactionConflictException",
        "TransactionInProgressException",
        "ThrottlingException",
        "ProvisionedThroughputExceededException",
    }
)


def _cause_code(exc: TransactWriteError) -> str | None:
    """The AWS error code behind a failed transaction; ``None`` for a timeout or connection error
    (PynamoDB's ``cause_response_code`` raises AttributeError when the cause is not a ClientError)."""
    try:
        return exc.cause_response_code
    except AttributeError:
        return None


def _try_claim(
    store: CouponStore, campaign: Campaign, coupon: Coupon, holder_sub: str, record: IdempotencyRecord | None
) -> str:
    shard_item = store.shards(shard_key(campaign.campaign_id, int(coupon.shard)))
    holding = store.holdings(holding_key(campaign.campaign_id, holder_sub))
    H = store.holdings
    puts = 2 if record is not None else 1
    record_at, coupon_at, shard_at, holding_at = (0, 1, 2, 3) if record is not None else (-1, 0, 1, 2)
    try:
        with TransactWrite(connection=store.connection) as tx:
            tx.update(shard_item, actions=[store.shards.remaining.add(-1)], condition=store.shards.remaining > 0)
            tx.update(
                holding,
                actions=[H.claimed.add(1)],
                condition=H.claimed.does_not_exist() | (H.claimed < int(campaign.per_user_limit)),
            )
            if record is not None:
                tx.save(record, condition=store.requests.id.does_not_exist())
            tx.save(coupon, condition=store.coupons.code_id.does_not_exist())
    except TransactWriteError as exc:
        reasons = [r.code if r is not None else None for r in (exc.cancellation_reasons or [])]
        while len(reasons) < puts + 2:
            reasons.append(None)
        if record is not None and reasons[record_at] == "ConditionalCheckFailed":
            existing = find(store.requests, record.id)  # an earlier attempt of this key applied
            if existing is not None:
                raise AlreadyDone(existing) from exc
            return "conflict"
        if reasons[holding_at] == "ConditionalCheckFailed":
            raise Conflict(
                "per-user-limit-reached",
                f"you already hold {int(campaign.per_user_limit)} coupon(s) of this campaign",
            ) from exc
        if reasons[shard_at] == "ConditionalCheckFailed":
            return "shard-empty"
        if "TransactionConflict" in reasons or _cause_code(exc) in _RETRYABLE:
            return "conflict"
        if reasons[coupon_at] == "ConditionalCheckFailed":
            if record is not None:  # the key's coupon exists, its record expired: the same answer
                raise AlreadyDone(done_record(store.requests, record.id, {"code_id": coupon.code_id})) from exc
            return "conflict"  # a random id collided: take a fresh one
        raise  # a fault that outlasted the SDK's retries: the app answers 503 with Retry-After
    return "granted"
