"""Moderation state in DynamoDB: counters for spam limits, sanctions (mutes, bans), the audit log.

State lives in DynamoDB rather than in a Lambda container, so every container of a region sees the
same counts and a ban placed in one region holds in all (sanctions and the audit log are global
tables). Counters and expiring sanctions carry a TTL attribute; DynamoDB deletes expired items
lazily, so code also compares ``expires_at`` with the clock and never trusts an item's presence.
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UnicodeSetAttribute

from functions.shared.db import TableModel, table_meta


class Counter(TableModel):
    """A fixed-window counter: comments per user/IP/room and the accounts that posted a text.

    Keys: ``user#<sub>#<window>``, ``ip#<ip>#<window>``, ``text#<room>#<hash>#<window>``,
    ``new#<room>#<window>``, account ids and addresses only as hashes (``spam.pseudonym``, in keys
    and members). Regional: each region counts what it receives (a viewer is routed to one
    region), which keeps the in-line path to one local write per check. Zoned like the comments
    themselves: a hash of an account id or address is still pseudonymous personal data, so the
    counters of a restricted market's commenter live in their zone's copy (the zone home); a room's
    water-army and newcomer counts are then kept per zone.
    """

    Meta = table_meta(  # type: ignore[assignment]
        "moderation-counters", replicated=False, ttl_attribute="expires_at", zoned=True
    )

    key = UnicodeAttribute(hash_key=True)
    hits = NumberAttribute(default=0)
    members = UnicodeSetAttribute(null=True)  # distinct authors or text hashes seen in the window
    expires_at = NumberAttribute()


class Sanction(TableModel):
    """A mute or ban of one account, in one room (``room#<id>``) or platform-wide (``platform``)."""

    Meta = table_meta("moderation-sanctions", ttl_attribute="ttl", zoned=True)  # type: ignore[assignment]

    scope = UnicodeAttribute(hash_key=True)
    sub = UnicodeAttribute(range_key=True)
    kind = UnicodeAttribute()  # mute | ban
    reason = UnicodeAttribute(default="")
    by_sub = UnicodeAttribute()
    created_at = NumberAttribute()
    expires_at = NumberAttribute(null=True)  # None: until lifted
    ttl = NumberAttribute(null=True)  # expires_at plus a day, for DynamoDB's lazy deletion


class AuditEntry(TableModel):
    """One moderation action: who did what to whom, when and why (never deleted)."""

    Meta = table_meta("moderation-audit", zoned=True)  # type: ignore[assignment]

    scope = UnicodeAttribute(hash_key=True)  # room#<id> | platform
    entry_id = UnicodeAttribute(range_key=True)  # <time, zero-padded>#<random>: sorts by time
    at = NumberAttribute()
    actor_sub = UnicodeAttribute()
    action = UnicodeAttribute()  # mute, ban, unmute, unban, approve, reject, auto-delete, ...
    target_sub = UnicodeAttribute(null=True)
    comment_id = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(default="")
    detail = UnicodeAttribute(default="")
