"""Spam and bot checks that need shared state: rate limits, repeated texts, new-account floods.

Each check is a fixed-window counter (``models.Counter``): the author's requests, the author's
requests with one text, the address's requests, the accounts that posted a text in a room, the
brand-new accounts of a room. One comment counts on all of them in one ``TransactWriteItems``
whose conditions are the limits (``start_rate_checks``), so the in-line cost is one DynamoDB
request whatever the number of counters or Lambda containers. Limits come from the market's
``moderation_policy`` (plugins).

**A request counts once.** The per-user and per-address counters are *sets* of request ids (the
comment's idempotency record id, shortened), not running totals, and so is the author's counter of
one text: adding the same member twice changes nothing. So a retry of one request
(the client's, after a lost answer, or the SDK's, after a timeout on an update that applied) is
neither one more comment towards the flood limit nor a duplicate of its own text. Before this, a
retry found its own text and moderation rejected it in shadow mode while its author was told
"published": an acknowledged comment hidden.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from functions.moderation.models import Counter
from functions.shared.pseudonyms import pseudonym
from functions.shared.zones import bind
from plugins.types import ModerationPolicy

WINDOW_SECONDS = 60
IP_LIMIT_FACTOR = 10  # many viewers share one address behind mobile carrier-grade NAT
NEW_ACCOUNT_LIMIT_DIVISOR = 4
WATER_ARMY_ACCOUNTS = 3  # distinct accounts posting the same text in a room within the window
NEW_ACCOUNT_FLOOD = 20  # distinct brand-new accounts commenting in one room per window
MIN_TRACKED_TEXT = 8  # shorter texts ("666", "nice", "好看") are what real crowds repeat
# The counting runs beside the CPU checks (botocore clients are thread-safe).
log = logging.getLogger("crosslive.moderation.spam")
POOL = ThreadPoolExecutor(max_workers=16, thread_name_prefix="moderation-state")


def _client(counters: type[Counter]) -> Any:
    return counters._get_connection().connection.client


def _members(attrs: dict[str, Any]) -> set[str]:
    return set(attrs.get("members", {}).get("SS", []))


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


# A counter is clean while, with this comment's member added, its set has at most ``:bound`` members
# (adding a member twice changes nothing, hence the second clause: a retry is not one more).
CLEAN = "attribute_not_exists(#m) OR size(#m) < :bound OR (contains(#m, :me) AND size(#m) <= :bound)"


@dataclass(frozen=True)
class _Check:
    """One counter of one comment: the member it adds and the bound it must stay within."""

    name: str  # user | text-again | ip | water-army | newcomers
    key: str
    expires_at: int
    member: str
    bound: int
    finding: Callable[[int], SpamFinding]  # the finding, given the set's size with the member added

    def update(self, table: str, *, checked: bool) -> dict[str, Any]:
        update: dict[str, Any] = {
            "TableName": table,
            "Key": {"key": {"S": self.key}},
            "UpdateExpression": "ADD #m :m SET #e = if_not_exists(#e, :exp)",
            "ExpressionAttributeNames": {"#m": "members", "#e": "expires_at"},
            "ExpressionAttributeValues": {":m": {"SS": [self.member]}, ":exp": {"N": str(self.expires_at)}},
        }
        if checked:
            update["ConditionExpression"] = CLEAN
            update["ExpressionAttributeValues"] |= {":bound": {"N": str(self.bound)}, ":me": {"S": self.member}}
            update["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        return {"Update": update}


MAX_CONFLICT_RETRIES = 4


def _transact(
    checks: list[_Check], broken: dict[str, set[str]], counters: type[Counter]
) -> list[dict[str, Any]] | None:
    """One ``TransactWriteItems`` adding this comment to every counter; the counters not yet in
    ``broken`` carry their bound. Returns each item's cancellation reason (None: all counted)."""
    table = str(counters.Meta.table_name)  # type: ignore[attr-defined]
    items = [c.update(table, checked=c.name not in broken) for c in checks]
    client = _client(counters)
    for attempt in range(MAX_CONFLICT_RETRIES + 1):
        try:
            client.transact_write_items(TransactItems=items)
            return None
        except client.exceptions.TransactionCanceledException as exc:
            reasons = list(exc.response.get("CancellationReasons") or [])
            if any(r.get("Code") == "ConditionalCheckFailed" for r in reasons) or attempt == MAX_CONFLICT_RETRIES:
                return reasons
            time.sleep(0.005 * (attempt + 1))  # a concurrent comment held one of the counters: again
    return None


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
    market: str | None = None,
) -> Callable[[], list[SpamFinding]]:
    """Count this comment on every counter in ONE DynamoDB request; call the result for the findings.

    The members go into one ``TransactWriteItems`` whose conditions are the bounds (``CLEAN``).
    The common case, breaking none, is that one request. A broken bound cancels it and names the
    counter, with its set as it was (``ReturnValuesOnConditionCheckFailure``), so the finding is
    exact; the comment is then counted again without the bounds already broken (a duplicate or a
    water-army hold: the spam path pays a second request), unless it is refused as a flood, which
    needs no count. ``request_id`` (the comment's idempotency record id) makes a retry of the same
    request count once. ``market`` (the commenter's) picks the residency zone's counters.
    """
    counters = bind(Counter, market)
    me = _short(request_id)
    window = int(now // WINDOW_SECONDS)
    expires = (window + 2) * WINDOW_SECONDS + 60
    text_hash = hashlib.blake2b(normalized.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()
    tracked = len(normalized.strip()) >= MIN_TRACKED_TEXT and policy.duplicate_window_seconds > 0
    limit = policy.max_comments_per_minute
    if new_account:
        limit = max(2, limit // NEW_ACCOUNT_LIMIT_DIVISOR)
    ip_limit = limit * IP_LIMIT_FACTOR
    author = pseudonym(sub)

    checks = [
        _Check(
            "user", f"user#{author}#{window}", expires, f"r:{me}", limit,
            lambda _: SpamFinding("flood", f"more than {limit} comments a minute", "reject"),
        )
    ]  # fmt: skip
    if tracked:
        checks.append(
            _Check(
                "text-again", f"user#{author}#{window}#t#{text_hash}", expires, f"r:{me}", 1,
                lambda _: SpamFinding("duplicate", "the same text again within the window", "reject"),
            )
        )  # fmt: skip
    if ip:
        checks.append(
            _Check(
                "ip", f"ip#{pseudonym(ip)}#{window}", expires, f"r:{me}", ip_limit,
                lambda _: SpamFinding("ip-flood", f"more than {ip_limit} comments a minute from one address", "reject"),
            )
        )  # fmt: skip
    if tracked:
        text_window = int(now // policy.duplicate_window_seconds)
        checks.append(
            _Check(
                "water-army", f"text#{room_id}#{text_hash}#{text_window}",
                int((text_window + 2) * policy.duplicate_window_seconds + 60), author, WATER_ARMY_ACCOUNTS - 1,
                lambda n: SpamFinding("water-army", f"{n} accounts posted the same text", "hold"),
            )
        )  # fmt: skip
    if new_account:
        checks.append(
            _Check(
                "newcomers", f"new#{room_id}#{window}", expires, author, NEW_ACCOUNT_FLOOD,
                lambda n: SpamFinding("new-account-flood", f"{n} brand-new accounts this minute", "hold"),
            )
        )  # fmt: skip

    def run() -> list[SpamFinding]:
        broken: dict[str, set[str]] = {}  # counter name -> its set with this comment's member added
        for _ in range(len(checks) + 1):
            reasons = _transact(checks, broken, counters)
            if reasons is None:
                break
            failed = {
                check.name: _members(dict(reason.get("Item") or {})) | {check.member}
                for check, reason in zip(checks, reasons, strict=False)
                if reason.get("Code") == "ConditionalCheckFailed"
            }
            if not failed:  # still contended after the retries: counted nowhere, judged on nothing
                log.warning("moderation counters contended; a comment of %s was not counted", sub)
                break
            broken.update(failed)
            if "user" in failed or "ip" in failed:
                break  # refused as a flood: nothing to count
        return [check.finding(len(broken[check.name])) for check in checks if check.name in broken]

    future: Future[list[SpamFinding]] = POOL.submit(run)
    return future.result


def check_rates(**kwargs: Any) -> list[SpamFinding]:
    """Count this comment and report every limit it breaks (``start_rate_checks`` then wait)."""
    return start_rate_checks(**kwargs)()
