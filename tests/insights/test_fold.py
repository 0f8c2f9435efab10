"""Folding stream records into deltas (pure: no DynamoDB), and the distinct-count sketch."""

from __future__ import annotations

import copy
from typing import Any

from crosslive.dev.stream import stream_record
from functions.comments.models import Comment
from functions.coupons.models import Coupon, Redemption
from functions.insights.fold import fold_records, image, minute_of, viewer_key
from functions.insights.models import ROOM_MARKET
from functions.insights.sketch import EXACT_LIMIT, Distinct, union_all
from functions.rooms.models import Room
from functions.rooms.product_models import Stage
from functions.shared.stream_records import table_of

AT = 1_800_000_000.0


def _comment(cid: str, sub: str, status: str = "published", text: str = "bagus", **kw: Any) -> Comment:
    return Comment(
        "r1",
        cid,
        author_sub=sub,
        author_market="ID",
        author_role="viewer",
        text=text,
        original_text=text,
        language="id",
        status=status,
        room_status=f"r1#{status}",
        created_at=AT,
        updated_at=AT,
        **kw,
    )


def _fold(records: list[dict[str, Any]]) -> Any:
    def score(text: str, language: str) -> int:
        return {"bagus": 1, "jelek": -1}.get(text, 0)

    return fold_records(records, table_of, score, lambda campaign_id: "r1" if campaign_id == "c1" else None)


def test_comments_count_once_with_commenters_questions_sentiment_and_moderation() -> None:
    held = _comment("3", "v3", status="held", text="spam")
    masked_before = _comment("4", "v4", text="jelek")
    masked_after = copy.deepcopy(masked_before)
    masked_after.status = "masked"
    records = [
        stream_record(None, _comment("1", "v1"), 1),
        stream_record(None, _comment("2", "v1", text="berapa harganya?"), 2),
        stream_record(None, held, 3),
        stream_record(None, masked_before, 4),
        stream_record(masked_before, masked_after, 5),  # re-moderated: counted as moderated, not as a new comment
    ]
    deltas = _fold(records)
    counters = deltas.counters[("r1", "ID", minute_of(AT))]
    assert counters["comments"] == 3
    assert counters["questions"] == 1
    assert counters["positive"] == 1 and counters["negative"] == 1
    assert counters["moderated"] == 2
    assert deltas.distinct[("r1", "ID", "commenters")] == {viewer_key("r1", "v1"), viewer_key("r1", "v4")}
    # AND a comment writes no viewer item: the commenters set is the funnel step
    assert deltas.viewers == {}


def test_claims_redemptions_and_cancellations_move_the_funnel_and_gmv() -> None:
    coupon = Coupon("code1", campaign_id="c1", holder_sub="v1", market="DE", shard=0, claimed_at=AT)
    foreign = Coupon("code2", campaign_id="other", holder_sub="v2", market="DE", shard=0, claimed_at=AT)
    redemption = Redemption(
        "red1",
        code_id="code1",
        campaign_id="c1",
        holder_sub="v1",
        order_id="o1",
        market="DE",
        currency="EUR",
        order_total_minor=4999,
        discount_minor=500,
        redeemed_by="m",
        redeemed_at=AT + 60,
    )
    cancelled = copy.deepcopy(redemption)
    cancelled.status = "cancelled"
    deltas = _fold(
        [stream_record(None, coupon, 1), stream_record(None, foreign, 2), stream_record(None, redemption, 3)]
    )
    assert deltas.counters[("r1", "DE", minute_of(AT))]["claims"] == 1
    later = deltas.counters[("r1", "DE", minute_of(AT + 60))]
    assert later["redemptions"] == 1 and later["gmv_minor"] == 4999
    assert deltas.currency[("r1", "DE", minute_of(AT + 60))] == "EUR"
    assert deltas.distinct[("r1", "DE", "redeemers")] == {viewer_key("r1", "v1")}
    assert deltas.viewers[("r1", viewer_key("r1", "v1"))].claimed == AT
    undo = _fold([stream_record(redemption, cancelled, 4)]).counters[("r1", "DE", minute_of(AT + 60))]
    assert undo["redemptions"] == -1 and undo["gmv_minor"] == -4999


def test_stage_highlights_and_the_show_window_become_markers() -> None:
    before = Stage("r1", highlights=["sku-a"], highlighted_at={"sku-a": AT}, version=1, updated_at=AT)
    after = Stage("r1", highlights=["sku-a", "sku-b"], highlighted_at={"sku-a": AT, "sku-b": AT + 5}, version=2)
    scheduled = Room(
        "r1",
        merchant_sub="m",
        title="t",
        home_market="CN",
        host_language="zh-Hans",
        markets=["ID"],
        status="scheduled",
        created_at=AT,
        updated_at=AT,
    )
    live = copy.deepcopy(scheduled)
    live.status, live.updated_at = "live", AT + 1
    ended = copy.deepcopy(live)
    ended.status, ended.updated_at = "ended", AT + 3600
    deltas = _fold(
        [
            stream_record(before, after, 1),
            stream_record(scheduled, live, 2),
            stream_record(live, ended, 3),
        ]
    )
    assert deltas.counters[("r1", ROOM_MARKET, minute_of(AT + 5))]["highlights"] == 1
    show = deltas.shows["r1"]
    assert show.events == [{"at": AT + 5, "kind": "highlight", "detail": "sku-b"}]
    assert (show.live_at, show.ended_at, show.markets) == (AT + 1, AT + 3600, ["ID"])


def test_distinct_is_exact_below_the_limit_then_a_mergeable_sketch() -> None:
    small = Distinct()
    small.add(f"id-{i}" for i in range(EXACT_LIMIT))
    assert small.exact and small.count() == EXACT_LIMIT
    small.add(["id-0", "id-1"])  # already counted
    assert small.count() == EXACT_LIMIT
    big = Distinct()
    big.add(f"de-{i}" for i in range(20_000))
    assert not big.exact
    restored = Distinct.load(None, big.image())
    assert restored.count() == big.count()
    overlap = Distinct({"de-1", "de-2", "id-new"})
    total = union_all([small, restored, overlap]).count()
    assert abs(total - (EXACT_LIMIT + 20_000 + 1)) / (EXACT_LIMIT + 20_001) < 0.03


def test_stream_images_decode_to_what_boto3s_deserializer_gives() -> None:
    """The fold's own decoder of DynamoDB JSON gives the same values and types as boto3's
    ``TypeDeserializer`` with Decimals made int (whole) or float, for every attribute type."""
    from decimal import Decimal

    from boto3.dynamodb.types import TypeDeserializer

    def plain(value: Any) -> Any:
        if isinstance(value, Decimal):
            return int(value) if value == value.to_integral_value() else float(value)
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list | set):
            return [plain(v) for v in value]
        return value

    raw = {
        "s": {"S": "bagus"},
        "int": {"N": "42"},
        "negative": {"N": "-3"},
        "time": {"N": "1796241456.2660136"},
        "whole": {"N": "1.0"},
        "exponent": {"N": "1E+3"},
        "big": {"N": "12345678901234567890.0"},
        "bool": {"BOOL": False},
        "null": {"NULL": True},
        "list": {"L": [{"N": "2"}, {"S": "a"}, {"M": {"k": {"N": "2.50"}}}]},
        "map": {"M": {"a": {"L": []}, "b": {"N": "0.1"}}},
        "strings": {"SS": ["x"]},
        "numbers": {"NS": ["7"]},
    }
    decoded = image({"dynamodb": {"NewImage": raw}}, "NewImage")
    expected = {key: plain(TypeDeserializer().deserialize(value)) for key, value in raw.items()}
    assert decoded == expected
    assert {k: type(v) for k, v in decoded.items()} == {k: type(v) for k, v in expected.items()}
    assert decoded["whole"] == 1 and isinstance(decoded["whole"], int) and decoded["big"] == 12345678901234567890
