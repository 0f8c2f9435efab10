"""The in-line moderation of one comment: ``moderate_comment(text, context) -> Verdict``.

Called by the comment write path before a comment is persisted (see ``verdict.py``). Checks, in
order of cost, each adding reasons; the strongest action wins (publish < mask < hold < reject):

1. Sanctions: a muted or banned author is rejected ("muted" / "banned"), whatever else matched.
2. Lexicon of the viewer's market: one Aho-Corasick scan of the normalized comment; severity 1
   masks, 2 holds, 3 rejects (or the entry's own action).
3. Links and contact details: links only from moderators and the host; phone numbers and
   messenger ids per the market's policy.
4. Shared-state spam checks (``spam.py``): per-user and per-IP rate, repeated text, water army,
   brand-new accounts flooding. Moderators and the host are exempt.

The DynamoDB calls of 1 and 4 start first and run in parallel with 2, 3 and 5, so the in-line
cost is about one DynamoDB round trip plus tens of microseconds of CPU. Each is one request: the
sanctions one ``BatchGetItem`` (none when the caller read them already, in its own batch: the
comment write path reads them with the room, ``sanction_keys``/``unexpired``), the counters one
``TransactWriteItems`` (``spam.start_rate_checks``).
5. The host's own comments are advertising: the compliance rules of every market the room
   reaches plus the merchant's home market (``compliance.py``).
"""

from __future__ import annotations

import time

from functions.moderation.contacts import scan as scan_contacts
from functions.moderation.lexicon import matcher_for
from functions.moderation.normalize import stream
from functions.moderation.sanctions import ActiveSanction, active_sanctions, sanction_keys, unexpired
from functions.moderation.spam import POOL, start_rate_checks
from functions.moderation.verdict import ACTION_ORDER, CommentContext, Reason, Verdict
from functions.shared.plugins import get_plugins
from functions.textrules.compliance import check_compliance

PRIVILEGED_ROLES = frozenset({"moderator", "admin", "host"})
# Reasons the sender is told about; the others are silent (shadow mode: trolls do not escalate).
TOLD = frozenset({"muted", "banned", "flood", "ip-flood", "compliance"})


def is_privileged(context: CommentContext) -> bool:
    """Moderators, admins and the room's host (its merchant)."""
    return bool(context.author_roles & PRIVILEGED_ROLES) or (
        context.room_merchant_sub is not None and context.author_sub == context.room_merchant_sub
    )


def is_merchant_of_room(context: CommentContext) -> bool:
    return "host" in context.author_roles or (
        context.room_merchant_sub is not None and context.author_sub == context.room_merchant_sub
    )


def _verdict(text: str, masked: str | None, reasons: list[tuple[str, Reason]]) -> Verdict:
    if not reasons:
        return Verdict("publish", text)
    action = max((a for a, _ in reasons), key=ACTION_ORDER.__getitem__)
    final = masked if action == "mask" and masked is not None else text
    why = tuple(r for _, r in reasons)
    shadow = action in ("hold", "reject") and not any(r.code in TOLD for a, r in reasons if a == action)
    return Verdict(action, final, why, shadow=shadow)  # type: ignore[arg-type]


__all__ = ["ActiveSanction", "is_privileged", "moderate_comment", "sanction_keys", "unexpired"]


def moderate_comment(text: str, context: CommentContext) -> Verdict:
    """Decide what happens to a comment: publish, mask, hold for review or reject, with reasons.

    ``context.sanctions``: the author's unexpired mutes and bans when the caller read them already
    (fresh, in the same request as its own reads); otherwise they are read here.
    """
    now = context.now or time.time()
    plugins = get_plugins()
    market = context.market.upper()
    policy = plugins.moderation_policy(market)
    privileged = is_privileged(context)
    normalized = stream(text)
    new_account = (
        context.account_created_at is not None and now - context.account_created_at < policy.new_account_seconds
    )

    # The DynamoDB reads and writes start first and run side by side with the CPU checks.
    sanctions = list(context.sanctions) if context.sanctions is not None else []
    pending_sanctions = None
    if context.sanctions is None:
        pending_sanctions = POOL.submit(active_sanctions, context.room_id, context.author_sub, now, context.market)
    pending_rates = None
    if not privileged:
        pending_rates = start_rate_checks(
            room_id=context.room_id,
            sub=context.author_sub,
            ip=context.ip,
            normalized=normalized,
            policy=policy,
            now=now,
            new_account=new_account,
            request_id=context.request_id,
            market=context.market,
        )

    reasons: list[tuple[str, Reason]] = []
    matcher = matcher_for(plugins, market)
    hits = matcher.scan(normalized, text)
    masked = None
    if hits:
        for hit in hits:
            rule = hit.rule
            reasons.append((rule.action, Reason("lexicon", rule.term, rule.category, rule.severity, market)))
        masked = matcher.mask(text, [h for h in hits if h.rule.action == "mask"])

    if not privileged:
        links, contacts = scan_contacts(text, plugins)
        if links and policy.links != "allow":
            reasons.append(("reject" if new_account else "hold", Reason("link", links[0], market=market)))
        if contacts and policy.contact_ids != "allow":
            contact_action: str = "reject" if new_account else policy.contact_ids
            reasons.append((contact_action, Reason("contact-id", contacts[0], market=market)))

    if is_merchant_of_room(context) and (context.room_markets or context.home_market):
        for violation in check_compliance(text, context.room_markets, context.home_market, plugins=plugins):
            compliance_action = "reject" if violation.severity == "block" else "publish"
            detail = f"{violation.rule}: {violation.message} ({violation.matched})"
            reasons.append((compliance_action, Reason("compliance", detail, "compliance", None, violation.market)))

    if pending_sanctions is not None:
        sanctions = pending_sanctions.result()
    findings = pending_rates() if pending_rates is not None else []
    if sanctions:
        worst = max(sanctions, key=lambda s: s.kind == "ban")
        code = "banned" if worst.kind == "ban" else "muted"
        where = "platform-wide" if worst.scope == "platform" else "in this room"
        detail = f"{code} {where}" + (f": {worst.reason}" if worst.reason else "")
        return Verdict("reject", text, (Reason(code, detail),))
    for finding in findings:
        reasons.append((finding.action, Reason(finding.code, finding.detail, market=market)))
    return _verdict(text, masked, reasons)
