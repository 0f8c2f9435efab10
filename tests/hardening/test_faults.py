"""DynamoDB faults under the functions: every client learns the outcome of its request.

``crosslive.dev.faults.FaultInjector`` fails a share of DynamoDB writes where the network would,
below botocore's retries: throttling, 500s, and timeouts *after the write applied*. Transient
faults are drawn per attempt (the retries absorb most); lasting ones fail every attempt of a
request, so they reach the functions. Clients behave as the docs tell them: on 503 they retry
with the same Idempotency-Key (or the same order), a few times.

Asserted for claims, comments and redemptions, in both modes: only 2xx, 4xx and 503 answers;
no oversell and at most the limit per viewer; every acknowledged write is present (and an
acknowledged comment is shown as published, never hidden); every applied write is discoverable
by retrying its key once the faults stop, with the same answer a client already got.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from crosslive.dev.faults import FaultInjector, injected
from functions.comments.models import Comment
from functions.coupons.models import Coupon
from tests.coupons.coupon_helpers import campaign_body
from tests.room_helpers import room_key

MODES = {
    "transient": {"rate": 0.25, "lasting": False},
    "lasting": {"rate": 0.15, "lasting": True},
}
CLIENT_RETRIES = 3
_ids = itertools.count()


def _with_retries(send: Callable[[], Any]) -> tuple[Any, list[int]]:
    """Send; on 503 wait ``Retry-After`` (capped small here) and send the same request again."""
    statuses: list[int] = []
    for _ in range(1 + CLIENT_RETRIES):
        response = send()
        statuses.append(response.status_code)
        if response.status_code != 503:
            break
        assert response.headers.get("retry-after"), "a 503 says when to retry"
        time.sleep(0.05)
    return response, statuses


def _only_expected(statuses: list[int]) -> None:
    unexpected = [s for s in statuses if not (200 <= s < 300 or 400 <= s < 500 or s == 503)]
    assert not unexpected, f"answers outside 2xx/4xx/503: {unexpected}"


@pytest.fixture
def shop(client, auth) -> dict[str, Any]:
    response = client.post(
        "/v1/rooms",
        json={"title": "Faults", "markets": ["ID"], "home_market": "CN", "host_language": "en"},
        headers={**auth("merchant", sub="fault-merchant"), **room_key()},
    )
    assert response.status_code == 201
    return dict(response.json())


def _campaign(client, auth, shop, **overrides: Any) -> dict[str, Any]:
    created = client.post(
        f"/v1/coupons/rooms/{shop['room_id']}/campaigns",
        json=campaign_body(**overrides),
        headers=auth("merchant", sub="fault-merchant"),
    )
    assert created.status_code == 201, created.text
    return dict(created.json())


@pytest.mark.slow
@pytest.mark.parametrize("mode", MODES)
def test_claims_under_faults(client, auth, shop, mode):
    # GIVEN a flash sale of 12 coupons (1 per viewer) and 24 viewers, one key each
    run = next(_ids)
    campaign = _campaign(client, auth, shop, stock=12, per_user_limit=1, stock_shards=3)
    url = f"/v1/coupons/rooms/{shop['room_id']}/campaigns/{campaign['campaign_id']}/claims"
    viewers = [f"fault-claimer-{run}-{i}" for i in range(24)]
    keys = {v: f"claim-{run}-{v}" for v in viewers}

    def attempt(viewer: str) -> tuple[Any, list[int]]:
        headers = {**auth("viewer", sub=viewer, market="ID"), "Idempotency-Key": keys[viewer]}
        return _with_retries(lambda: client.post(url, headers=headers))

    # WHEN they all claim while DynamoDB writes fail
    with injected(FaultInjector(seed=7 + run, **MODES[mode])) as faults, ThreadPoolExecutor(8) as pool:
        results = dict(zip(viewers, pool.map(attempt, viewers), strict=True))
    assert sum(faults.injected.values()) > 0, (faults.passed, [s for _, s in results.values()])
    # THEN answers were 201, 4xx or 503 only
    for _, statuses in results.values():
        _only_expected(statuses)
    coupons = [c for c in Coupon.scan(Coupon.campaign_id == campaign["campaign_id"])]
    holders = [c.holder_sub for c in coupons]
    assert len(coupons) <= 12, "oversold"
    assert len(holders) == len(set(holders)), "a viewer holds more than the limit"
    # every acknowledged coupon exists and is its holder's
    by_code = {c.code_id: c for c in coupons}
    for viewer, (response, _) in results.items():
        if response.status_code == 201:
            assert by_code[response.json()["code_id"]].holder_sub == viewer
    # once the faults stop, every key's retry answers with the same outcome, and finds every grant
    for viewer in viewers:
        again, _ = attempt(viewer)
        first = results[viewer][0]
        assert again.status_code in (201, 409, 403), again.text
        if first.status_code != 503:
            assert again.status_code == first.status_code, (viewer, first.text, again.text)
            assert again.json().get("code") == first.json().get("code")
        if again.status_code == 201:
            assert again.json()["holder_sub"] == viewer
    discovered = {attempt(v)[0].json().get("code_id") for v in viewers} - {None}
    assert discovered == {c.code_id for c in Coupon.scan(Coupon.campaign_id == campaign["campaign_id"])}, (
        "a coupon no retry can find"
    )
    assert by_code.keys() <= discovered


@pytest.mark.slow
@pytest.mark.parametrize("mode", MODES)
def test_comments_under_faults(client, auth, shop, mode):
    # GIVEN a live room, 12 viewers posting 4 comments each, each with its own key
    run = next(_ids)
    room_id = shop["room_id"]
    assert (
        client.patch(
            f"/v1/rooms/{room_id}", json={"status": "live"}, headers=auth("merchant", sub="fault-merchant")
        ).status_code
        == 200
    )
    posts = [(f"fault-viewer-{run}-{v}", n) for v in range(12) for n in range(4)]

    def send(post: tuple[str, int]) -> tuple[Any, list[int]]:
        viewer, n = post
        headers = {**auth("viewer", sub=viewer, market="ID"), "Idempotency-Key": f"c-{run}-{viewer}-{n}"}
        body = {"text": f"{viewer} asks question {n}: does the scarf come in blue"}
        return _with_retries(lambda: client.post(f"/v1/comments/rooms/{room_id}", json=body, headers=headers))

    # WHEN they post while DynamoDB writes fail
    with injected(FaultInjector(seed=1000 + run, **MODES[mode])) as faults, ThreadPoolExecutor(8) as pool:
        results = dict(zip(posts, pool.map(send, posts), strict=True))
    assert sum(faults.injected.values()) > 0, (faults.passed, [s for _, s in results.values()])
    for _, statuses in results.values():
        _only_expected(statuses)
        # an SDK retry of an applied transaction is not a "duplicate", nor is a retry a flood
        assert not set(statuses) & {409, 422, 429}, statuses
    stored = {c.comment_id: c for c in Comment.query(room_id)}
    # THEN every acknowledged comment is stored and shown as published (nothing hidden)
    acknowledged = [r.json() for r, _ in results.values() if r.status_code == 201]
    assert acknowledged, "no comment got through at all"
    for answer in acknowledged:
        comment = stored[answer["comment_id"]]
        assert comment.status == "published", (comment.status, comment.reasons)
    # and every stored comment is what a retry of its key answers, once the faults stop
    retried = set()
    for post, (first, _) in results.items():
        again, _ = send(post)
        assert again.status_code == 201, again.text
        if first.status_code == 201:
            assert again.json()["comment_id"] == first.json()["comment_id"]
        retried.add(again.json()["comment_id"])
    stored_now = {c.comment_id for c in Comment.query(room_id)}
    assert retried == stored_now, "a stored comment no retry finds, or one stored twice"
    assert len(stored_now) == len(posts)


@pytest.mark.slow
@pytest.mark.parametrize("mode", MODES)
def test_redemptions_under_faults(client, auth, shop, mode):
    # GIVEN 10 viewers holding a coupon each (claimed without faults)
    run = next(_ids)
    campaign = _campaign(client, auth, shop, stock=10)
    url = f"/v1/coupons/rooms/{shop['room_id']}/campaigns/{campaign['campaign_id']}/claims"
    held = {}
    for i in range(10):
        viewer = f"fault-buyer-{run}-{i}"
        response = client.post(
            url, headers={**auth("viewer", sub=viewer, market="ID"), "Idempotency-Key": f"buy-key-{run}-{i}"}
        )
        assert response.status_code == 201
        held[viewer] = response.json()["code"]
    checkout = auth("merchant", sub="fault-merchant")

    def redeem(viewer: str) -> tuple[Any, list[int]]:
        body = {
            "code": held[viewer],
            "holder_sub": viewer,
            "order_id": f"order-{run}-{viewer}",
            "market": "ID",
            "currency": "IDR",
            "order_total_minor": 9_000_000,
        }
        return _with_retries(lambda: client.post("/v1/coupons/redemptions", json=body, headers=checkout))

    # WHEN the checkout redeems them while DynamoDB writes fail
    with injected(FaultInjector(seed=2000 + run, **MODES[mode])) as faults, ThreadPoolExecutor(5) as pool:
        results = dict(zip(held, pool.map(redeem, held), strict=True))
    assert sum(faults.injected.values()) > 0, (faults.passed, [s for _, s in results.values()])
    for _, statuses in results.values():
        _only_expected(statuses)
        assert 409 not in statuses, "the same order was refused as already redeemed"
    # THEN each coupon is redeemed at most once, on its order, and a retry returns that redemption
    for viewer, (first, _) in results.items():
        again, _ = redeem(viewer)
        assert again.status_code in (200, 201), (first.text, again.text)
        if first.status_code in (200, 201):
            assert again.json()["redemption_id"] == first.json()["redemption_id"]
            assert again.status_code == 200
        coupon = Coupon.get(again.json()["code_id"], consistent_read=True)
        assert coupon.status == "redeemed" and coupon.redemption_id == again.json()["redemption_id"]


@pytest.mark.parametrize("kind", ["throttle", "server-error", "timeout-after-write"])
def test_a_fault_outlasting_the_retries_is_503_with_retry_after_never_500_or_a_false_conflict(client, auth, kind):
    # GIVEN every write failing on every attempt
    with injected(FaultInjector(1.0, kinds=[kind], lasting=True)):
        # WHEN a merchant creates a room (a conditional put: a fault must not read as an id collision)
        response = client.post(
            "/v1/rooms",
            json={"title": "Faulty", "markets": ["ID"], "home_market": "CN", "host_language": "en"},
            headers={**auth("merchant", sub="fault-room-maker"), **room_key()},
        )
    # THEN the client is told to retry
    assert response.status_code == 503, response.text
    assert response.json()["code"] == "storage-unavailable"
    assert int(response.headers["retry-after"]) >= 1


def test_a_room_created_while_its_answer_was_lost_is_the_room_a_retry_gets(client, auth):
    # GIVEN a merchant whose create reaches DynamoDB, which applies it, but every answer times out
    merchant = {**auth("merchant", sub="fault-room-retrier"), **room_key()}
    body = {"title": "Lost answer", "markets": ["ID"], "home_market": "CN", "host_language": "en"}
    with injected(FaultInjector(1.0, kinds=["timeout-after-write"], lasting=True)) as faults:
        first = client.post("/v1/rooms", json=body, headers=merchant)
    assert faults.injected["timeout-after-write"] > 0
    assert first.status_code == 503, first.text  # the client cannot know: it retries with the key
    # WHEN it retries with the same key once DynamoDB answers again
    again = client.post("/v1/rooms", json=body, headers=merchant)
    # THEN it gets 201 with the room the lost attempt created, and there is only that one room
    assert again.status_code == 201, again.text
    rooms = client.get("/v1/rooms", params={"merchant": "fault-room-retrier"}).json()
    assert [r["room_id"] for r in rooms] == [again.json()["room_id"]]
    assert rooms[0]["title"] == "Lost answer"
    # and every further retry answers the same
    assert client.post("/v1/rooms", json=body, headers=merchant).json() == again.json()
