"""Folding: stream records and node/player inputs -> ``Deltas``, pure and in memory.

Nothing here touches DynamoDB. A batch of stream records (comments, coupons, redemptions, stage,
rooms) or one node feed is folded into a ``Deltas``: counters per (room, market, minute), viewers
present per second, keys to add to distinct sets, per-viewer funnel flags and show markers.
``store.apply`` then writes each touched item once, however many records touched it: that is
what keeps the write cost per batch, not per event (``docs/insights.md``, "Write cost").
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

from functions.comments.question_rule import QUESTION_RE
from functions.insights.models import ROOM_MARKET
from functions.insights.streams import FOLDED_TABLES

VISIBLE = ("published", "masked")
MODERATED = ("masked", "held", "rejected")


UNKNOWN_MARKET = "??"

# (text, language) -> +1 positive, -1 negative, 0 neutral, None when not scored
Scorer = Callable[[str, str], int | None]


@lru_cache(maxsize=65_536)
def viewer_key(room_id: str, sub: str) -> str:
    """The pseudonymous key of a viewer in one room (what distinct sets and sketches hold).

    Cached: a show's chat is mostly the same viewers again, and the hash was a tenth of the fold.
    """
    return hashlib.sha256(f"{room_id}\x00{sub}".encode()).hexdigest()[:16]


def minute_of(at: float) -> int:
    return int(at // 60)


@dataclass
class ViewerDelta:
    market: str | None = None
    sub: str | None = None
    claimed: float | None = None
    redeemed: float | None = None


@dataclass
class ShowDelta:
    merchant_sub: str | None = None
    markets: list[str] | None = None
    live_at: float | None = None
    ended_at: float | None = None
    events: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Deltas:
    """Everything one batch changes, keyed by the item it goes to."""

    counters: dict[tuple[str, str, int], Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    seconds: dict[tuple[str, str, int], Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    currency: dict[tuple[str, str, int], str] = field(default_factory=dict)
    distinct: dict[tuple[str, str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    viewers: dict[tuple[str, str], ViewerDelta] = field(default_factory=dict)
    shows: dict[str, ShowDelta] = field(default_factory=dict)
    campaigns: dict[str, str] = field(default_factory=dict)  # campaign id -> room id
    # Stream records only: which records (``record_marker``) went into each minute item and each
    # show, in delivery order, so ``store.apply`` folds a record into an item at most once.
    minute_marks: dict[tuple[str, str, int], dict[str, None]] = field(default_factory=lambda: defaultdict(dict))
    show_marks: dict[str, dict[str, None]] = field(default_factory=lambda: defaultdict(dict))
    marking: str | None = None  # the marker of the record being folded

    def count(self, room_id: str, market: str, at: float, name: str, amount: int = 1) -> None:
        key = (room_id, market, minute_of(at))
        self.counters[key][name] += amount
        if self.marking is not None:
            self.minute_marks[key][self.marking] = None

    def present(self, room_id: str, market: str, second: int, viewers: int) -> None:
        self.seconds[(room_id, market, second // 60)][second % 60] += viewers

    def viewer(self, room_id: str, key: str) -> ViewerDelta:
        return self.viewers.setdefault((room_id, key), ViewerDelta())

    def show(self, room_id: str) -> ShowDelta:
        if self.marking is not None:
            self.show_marks[room_id][self.marking] = None
        return self.shows.setdefault(room_id, ShowDelta())

    def minute_only(self, key: tuple[str, str, int]) -> Deltas:
        """The part of these deltas that goes to one minute item (a re-fold after a conflict)."""
        out = Deltas()
        if key in self.counters:
            out.counters[key] = self.counters[key]
        if key in self.currency:
            out.currency[key] = self.currency[key]
        if key in self.minute_marks:
            out.minute_marks[key] = self.minute_marks[key]
        return out

    def show_only(self, room_id: str) -> Deltas:
        """The part of these deltas that goes to one show item."""
        out = Deltas()
        if room_id in self.shows:
            out.shows[room_id] = self.shows[room_id]
        if room_id in self.show_marks:
            out.show_marks[room_id] = self.show_marks[room_id]
        return out

    def __bool__(self) -> bool:
        return bool(self.counters or self.seconds or self.distinct or self.viewers or self.shows or self.campaigns)


# -- stream records -----------------------------------------------------------------------------

@cache
def _deserializer() -> Any:
    """boto3's attribute-value decoder, imported on the first set, binary or null attribute: the
    insights API imports this module but never decodes a record, and ``boto3``'s import (its
    resources and s3transfer) was a visible part of that function's cold start."""
    from boto3.dynamodb.types import TypeDeserializer

    return TypeDeserializer()


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | set):
        return [_plain(v) for v in value]
    return value


def _number(text: str) -> int | float:
    """A stream record's number as ``_plain`` makes it (int when integral, else float), without a
    ``Decimal`` for the common cases: ``int`` when the text is one, else a float that is not whole."""
    try:
        return int(text)
    except ValueError:
        pass
    value = float(text)
    if not value.is_integer():
        return value
    return _plain(Decimal(text))  # "1.0", "1E+3", or past float precision: exact as before


def _value(raw: dict[str, Any]) -> Any:
    """One attribute value of DynamoDB JSON as plain Python: strings, numbers, booleans, lists and
    maps directly (every attribute the fold reads), the rest (sets, binary, null) through boto3's
    deserializer."""
    if "S" in raw:
        return raw["S"]
    if "N" in raw:
        return _number(raw["N"])
    if "BOOL" in raw:
        return raw["BOOL"]
    if "L" in raw:
        return [_value(item) for item in raw["L"]]
    if "M" in raw:
        return {key: _value(item) for key, item in raw["M"].items()}
    return _plain(_deserializer().deserialize(raw))


def image(record: dict[str, Any], which: str) -> dict[str, Any] | None:
    """``NewImage``/``OldImage`` of a stream record as plain Python (numbers as int or float).

    Insights reads other packages' tables only through their stream records, never through their
    models (``docs/architecture.md``): the attribute names are the tables' stored names.
    Decoding was two thirds of the fold's time with boto3's ``TypeDeserializer`` for every
    attribute (then ``_plain``); ``_value`` decodes the scalar types itself, to the same values.
    """
    raw = (record.get("dynamodb") or {}).get(which)
    if not raw:
        return None
    return {key: _value(value) for key, value in raw.items()}


def fold_comment(deltas: Deltas, old: dict[str, Any] | None, new: dict[str, Any] | None, score: Scorer) -> None:
    """A comment stored or re-moderated: counts, commenters, sentiment, questions, moderation."""
    if new is not None and old is None and new.get("kind") == "host":
        deltas.count(new["room_id"], ROOM_MARKET, float(new["created_at"]), "host_comments")
    if new is None or new.get("kind", "viewer") != "viewer":
        return
    room_id, status = new["room_id"], new.get("status")
    market = new.get("author_market") or UNKNOWN_MARKET
    at = float(new["created_at"])
    before = old.get("status") if old is not None else None
    if status in MODERATED and before not in MODERATED:
        deltas.count(room_id, market, at, "moderated")
    if status not in VISIBLE or before in VISIBLE:
        return  # counted once, when it first became visible
    deltas.count(room_id, market, at, "comments")
    # the funnel's "commented" step is this distinct set; no per-viewer write (nothing reads one:
    # the win-back segment needs claims and redemptions only), so a first comment costs no write
    # of its own beyond the batch's set and minute items (docs/insights.md, "Write cost")
    deltas.distinct[(room_id, market, "commenters")].add(viewer_key(room_id, new["author_sub"]))
    text = str(new.get("original_text") or new.get("text") or "")
    if new.get("tags") or QUESTION_RE.search(text):  # question_rule.is_question, inlined: the hot path
        deltas.count(room_id, market, at, "questions")
    polarity = score(text, str(new.get("language") or "und"))
    if polarity is not None and polarity > 0:
        deltas.count(room_id, market, at, "positive")
    elif polarity is not None and polarity < 0:
        deltas.count(room_id, market, at, "negative")


def fold_campaign(deltas: Deltas, old: dict[str, Any] | None, new: dict[str, Any] | None) -> None:
    """Which room a campaign belongs to (claims and redemptions name only the campaign)."""
    current = new or old
    if current is not None and current.get("room_id"):
        deltas.campaigns[str(current["campaign_id"])] = str(current["room_id"])


def fold_claim(
    deltas: Deltas, old: dict[str, Any] | None, new: dict[str, Any] | None, room_of: Callable[[str], str | None]
) -> None:
    """A coupon claimed (an inserted coupon)."""
    if new is None or old is not None:
        return
    room_id = deltas.campaigns.get(new["campaign_id"]) or room_of(new["campaign_id"])
    if room_id is None:
        return
    at, market, holder = float(new["claimed_at"]), str(new["market"]), str(new["holder_sub"])
    deltas.count(room_id, market, at, "claims")
    key = viewer_key(room_id, holder)
    deltas.distinct[(room_id, market, "claimers")].add(key)
    viewer = deltas.viewer(room_id, key)
    viewer.market, viewer.sub, viewer.claimed = market, holder, at


def fold_redemption(
    deltas: Deltas, old: dict[str, Any] | None, new: dict[str, Any] | None, room_of: Callable[[str], str | None]
) -> None:
    """A redemption stored (counted with its order total) or cancelled (taken back)."""
    current = new or old
    if current is None:
        return
    room_id = deltas.campaigns.get(current["campaign_id"]) or room_of(current["campaign_id"])
    if room_id is None:
        return
    was = old is not None and old.get("status") == "redeemed"
    now = new is not None and new.get("status") == "redeemed"
    if was == now:
        return
    sign = 1 if now else -1
    at, market = float(current["redeemed_at"]), str(current["market"])
    deltas.count(room_id, market, at, "redemptions", sign)
    deltas.count(room_id, market, at, "gmv_minor", sign * int(current["order_total_minor"]))
    deltas.currency[(room_id, market, minute_of(at))] = str(current["currency"])
    if now:
        key = viewer_key(room_id, current["holder_sub"])
        deltas.distinct[(room_id, market, "redeemers")].add(key)
        viewer = deltas.viewer(room_id, key)
        viewer.market, viewer.sub, viewer.redeemed = market, current["holder_sub"], at


def fold_stage(deltas: Deltas, old: dict[str, Any] | None, new: dict[str, Any] | None) -> None:
    """Products put on screen: a room-wide counter and a marker on the show's timeline."""
    if new is None:
        return
    before = set(old.get("highlights") or []) if old is not None else set()
    since = new.get("highlighted_at") or {}
    for sku in new.get("highlights") or []:
        if sku in before:
            continue
        at = float(since.get(sku) or new.get("updated_at") or 0)
        deltas.count(new["room_id"], ROOM_MARKET, at, "highlights")
        deltas.show(new["room_id"]).events.append({"at": at, "kind": "highlight", "detail": sku})


def fold_room(deltas: Deltas, old: dict[str, Any] | None, new: dict[str, Any] | None) -> None:
    """The show's window: when the room went live and when it ended."""
    if new is None:
        return
    show = deltas.show(new["room_id"])
    show.merchant_sub, show.markets = new.get("merchant_sub"), [str(m) for m in new.get("markets") or []]
    if new.get("status") != (old.get("status") if old is not None else None):
        if new.get("status") == "live":
            show.live_at = float(new["updated_at"])
        elif new.get("status") == "ended":
            show.ended_at = float(new["updated_at"])




def fold_records(
    records: Iterable[dict[str, Any]],
    table_of: Callable[[dict[str, Any]], str | None],
    score: Scorer,
    room_of_campaign: Callable[[str], str | None],
) -> Deltas:
    """Fold one batch of stream records of the tables insights reads; others are ignored."""
    deltas = Deltas()
    folds: dict[str, Callable[[Any, Any], None]] = {
        "comments": lambda o, n: fold_comment(deltas, o, n, score),
        "coupon-campaigns": lambda o, n: fold_campaign(deltas, o, n),
        "coupons": lambda o, n: fold_claim(deltas, o, n, room_of_campaign),
        "coupon-redemptions": lambda o, n: fold_redemption(deltas, o, n, room_of_campaign),
        "stage": lambda o, n: fold_stage(deltas, o, n),
        "rooms": lambda o, n: fold_room(deltas, o, n),
    }
    assert set(folds) == set(FOLDED_TABLES)
    tables: dict[str, str | None] = {}  # eventSourceARN -> table: a batch comes from one stream
    for record in records:
        arn = record.get("eventSourceARN")
        if arn and isinstance(arn, str):
            if arn not in tables:
                tables[arn] = table_of(record)
            table = tables[arn]
        else:
            table = table_of(record)
        fold = folds.get(table or "")
        if fold is not None:
            deltas.marking = record_marker(record)
            fold(image(record, "OldImage"), image(record, "NewImage"))
    deltas.marking = None
    return deltas


def record_marker(record: dict[str, Any]) -> str:
    """A short, unique name of one stream record: 12 base64url characters (72 bits) of a hash of
    its stream, event id and sequence number. Stored in the items the record was folded into."""
    data = record.get("dynamodb") or {}
    raw = f"{record.get('eventSourceARN', '')}\x00{record.get('eventID', '')}\x00{data.get('SequenceNumber', '')}"
    return base64.urlsafe_b64encode(hashlib.blake2b(raw.encode(), digest_size=9).digest()).decode()
