"""Spam and bot checks that need shared state: rate limits, repeated texts, new-account floods.

Each check is one conditional-free ``UpdateItem`` on a fixed-window counter (``models.Counter``)
that returns what the check needs, so the in-line cost is a handful of single-digit-millisecond
writes whatever the number of Lambda containers. Limits come from the market's
``moderation_policy`` (plugins).

**A request counts once.** The per-user and per-address counters are *sets* of request ids (the
comment's idempotency record id, shortened), not running totals, and a text is remembered as
``t:<text>:<request>``: adding the same member twice changes nothing. So a retry of one request
(the client's, after a lost answer, or the SDK's, after a timeout on an update that applied) is
neither one more comment towards the flood limit nor a duplicate of its own text. Before this, a
retry found its own text and moderation rejected it in shadow mode while its author was told
"published": an acknowledged comment hidden.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from functions.moderation.models import Counter
from plugins.types import ModerationPolicy

WINDOW_SECONDS = 60
IP_LIMIT_FACTOR = 10  # many viewers share one address behind mobile carrier-grade NAT
NEW_ACCOUNT_LIMIT_DIVISOR = 4
WATER_ARMY_ACCOUNTS = 3  # distinct accounts posting the same text in a room within the window
NEW_ACCOUNT_FLOOD = 20  # distinct brand-new accounts commenting in one room per window
MIN_TRACKED_TEXT = 8  # shorter texts ("666", "nice", "好看") are what real crowds repeat
# DynamoDB calls of one comment run side by side (botocore clients are thread-safe).
POOL = ThreadPoolExecutor(max_workers=16, thread_name_prefix="moderation-state")


def _client() -> Any:
    return Counter._get_connection().connection.client


def _add(key: str, expires_at: int, *members: str) -> dict[str, Any]:
    """Add ``members`` to a counter's set (idempotent); returns its attributes after the write."""
    response = _client().update_item(
        TableName=str(Counter.Meta.table_name),  # type: ignore[attr-defined]
        Key={"key": {"S": key}},
        UpdateExpression="ADD #m :m SET #e = if_not_exists(#e, :exp)",
        ExpressionAttributeNames={"#m": "members", "#e": "expires_at"},
        ExpressionAttributeValues={":m": {"SS": list(members)}, ":exp": {"N": str(expires_at)}},
        ReturnValues="ALL_NEW",
    )
    return dict(response.get("Attributes") or {})


def _members(attrs: dict[str, Any]) -> set[str]:
    return set(attrs.get("members", {}).get("SS", []))


def _requests(members: set[str]) -> int:
    return sum(1 for m in members if m.startswith("r:"))


def _short(request_id: str | None) -> str:
    """A short member id for a request (a random one when the caller has no record id)."""
    if request_id is None:
        return secrets.token_hex(6)
    return hashlib.blake2b(request_id.encode(), digest_size=6).hexdigest()


@dataclass(frozen=True)
class SpamFinding:
    code: str  # flood | ip-flood | duplicate | water-army | new-account-flood
    detail: str
    action: str  # hold | reject


def start_rate_checks(
    *,
    room_id: str,
    sub: str,
    ip: str | None,
    normalized: str,
    policy: ModerationPolicy,
    now: float,
    new_account: bool,
    request_id: str | None = None,
) -> Callable[[], list[SpamFinding]]:
    """Count this comment: the writes start at once, in parallel; call the result for the findings.

    The in-line budget is then one DynamoDB round trip, not one per counter. ``request_id`` (the
    comment's idempotency record id) makes a retry of the same request count once.
    """
    me = _short(request_id)
    window = int(now // WINDOW_SECONDS)
    expires = (window + 2) * WINDOW_SECONDS + 60
    text_hash = hashlib.blake2b(normalized.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()
    tracked = len(normalized.strip()) >= MIN_TRACKED_TEXT and policy.duplicate_window_seconds > 0
    limit = policy.max_comments_per_minute
    if new_account:
        limit = max(2, limit // NEW_ACCOUNT_LIMIT_DIVISOR)

    user_members = [f"r:{me}", f"t:{text_hash}:{me}"] if tracked else [f"r:{me}"]
    user: Future[dict[str, Any]] = POOL.submit(_add, f"user#{sub}#{window}", expires, *user_members)
    by_ip = POOL.submit(_add, f"ip#{ip}#{window}", expires, f"r:{me}") if ip else None
    text = None
    if tracked:
        text_window = int(now // policy.duplicate_window_seconds)
        text = POOL.submit(
            _add,
            f"text#{room_id}#{text_hash}#{text_window}",
            int((text_window + 2) * policy.duplicate_window_seconds + 60),
            sub,
        )
    newcomers = POOL.submit(_add, f"new#{room_id}#{window}", expires, sub) if new_account else None

    def findings() -> list[SpamFinding]:
        found: list[SpamFinding] = []
        mine = _members(user.result())
        if _requests(mine) > limit:
            found.append(SpamFinding("flood", f"more than {limit} comments a minute", "reject"))
        same_text = {m for m in mine if m.startswith(f"t:{text_hash}:")}
        if tracked and same_text - {f"t:{text_hash}:{me}"}:
            found.append(SpamFinding("duplicate", "the same text again within the window", "reject"))
        if by_ip is not None and _requests(_members(by_ip.result())) > limit * IP_LIMIT_FACTOR:
            found.append(
                SpamFinding(
                    "ip-flood", f"more than {limit * IP_LIMIT_FACTOR} comments a minute from one address", "reject"
                )
            )
        if text is not None:
            authors = _members(text.result())
            if len(authors) >= WATER_ARMY_ACCOUNTS:
                found.append(SpamFinding("water-army", f"{len(authors)} accounts posted the same text", "hold"))
        if newcomers is not None:
            accounts = _members(newcomers.result())
            if len(accounts) > NEW_ACCOUNT_FLOOD:
                found.append(
                    SpamFinding("new-account-flood", f"{len(accounts)} brand-new accounts this minute", "hold")
                )
        return found

    return findings


def check_rates(**kwargs: Any) -> list[SpamFinding]:
    """Count this comment and report every limit it breaks (``start_rate_checks`` then wait)."""
    return start_rate_checks(**kwargs)()
