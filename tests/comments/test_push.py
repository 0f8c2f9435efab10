"""Real-time push: stored comments reach WebSocket viewers through the fan-out and a node."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from crosslive.dev import stream as local_stream
from functions.fanout.delivery import PUSH_PATH
from functions.fanout.handler import handler
from functions.moderation.verdict import Reason, Verdict
from functions.shared import signing
from tests.room_helpers import room_key


def test_a_posted_comment_reaches_every_viewer_with_translations(post, viewer, live_room):
    room_id = live_room["room_id"]
    first, second = viewer(room_id, sub="watch-a"), viewer(room_id, sub="watch-b", market="DE")
    posted = post(room_id, "Berapa ongkir ke Surabaya?", language="id").json()
    for v in (first, second):
        event = v.wait_for(lambda e: e["comment"]["comment_id"] == posted["comment_id"])
        assert event["type"] == "comment"
        assert event["comment"]["text"] == "Berapa ongkir ke Surabaya?"
        assert event["comment"]["kind"] == "viewer"
        assert "reasons" not in event["comment"]
        for language, translation in event["comment"].get("translations", {}).items():
            assert translation["language"] == language and translation["translated"] is True


def test_viewers_of_other_rooms_get_nothing(post, viewer, live_room, client, auth):
    other = client.post(
        "/v1/rooms",
        json={"title": "other", "markets": ["ID"], "home_market": "CN", "host_language": "en"},
        headers={**auth("merchant", sub="merchant-1"), **room_key()},
    ).json()
    elsewhere = viewer(other["room_id"], sub="watch-c")
    post(live_room["room_id"], "only for the first room")
    assert elsewhere.quiet_for(0.5) == []


def test_shadowed_comment_reaches_only_its_author_and_moderators(post, viewer, live_room, monkeypatch):
    room_id = live_room["room_id"]
    author, bystander = viewer(room_id, sub="troll-1"), viewer(room_id, sub="watch-d")
    moderator = viewer(room_id, role="moderator", sub="mod-7", market=None)
    monkeypatch.setattr(
        "functions.comments.posting.moderate",
        lambda text, ctx: Verdict("hold", text, (Reason("lexicon", "badword", "profanity"),), shadow=True),
    )
    held = post(room_id, "you are all badword", sub="troll-1").json()
    assert held["status"] == "published"  # the author is not told
    mine = author.wait_for(lambda e: e["comment"]["comment_id"] == held["comment_id"])
    assert mine["comment"]["status"] == "published" and "reasons" not in mine["comment"]
    seen = moderator.wait_for(lambda e: e["comment"]["comment_id"] == held["comment_id"])
    assert seen["comment"]["status"] == "held" and seen["comment"]["reasons"][0]["code"] == "lexicon"
    assert all(e["comment"]["comment_id"] != held["comment_id"] for e in bystander.quiet_for(0.5))


def test_approving_a_held_comment_publishes_and_pushes_it(post, viewer, live_room, monkeypatch, client):
    from functions.comments.store import set_status

    room_id = live_room["room_id"]
    monkeypatch.setattr(
        "functions.comments.posting.moderate",
        lambda text, ctx: Verdict("hold", text, (Reason("link", "shop.example"),), shadow=False),
    )
    held = post(room_id, "see shop.example for more", sub="linker").json()
    assert held["status"] == "held"
    listed = client.get(f"/v1/comments/rooms/{room_id}").json()["items"]
    assert all(c["comment_id"] != held["comment_id"] for c in listed)
    bystander = viewer(room_id, sub="watch-e")
    set_status(room_id, held["comment_id"], "published", "mod-1")
    event = bystander.wait_for(lambda e: e["comment"]["comment_id"] == held["comment_id"])
    assert event["type"] == "comment" and event["comment"]["status"] == "published"
    listed = client.get(f"/v1/comments/rooms/{room_id}").json()["items"]
    assert any(c["comment_id"] == held["comment_id"] for c in listed)
    set_status(room_id, held["comment_id"], "deleted", "mod-1")
    removed = bystander.wait_for(lambda e: e["type"] == "comment.remove")
    assert removed["comment"]["comment_id"] == held["comment_id"]


def test_the_fanout_handler_takes_real_dynamodb_stream_records(post, viewer, live_room, embedded):
    # GIVEN the comments table's stream as moto records it (the shape Lambda receives)
    import boto3

    from functions.comments.models import Comment

    streams = boto3.client("dynamodbstreams", endpoint_url=embedded.dynamodb.endpoint, region_name="us-east-1")
    arn = Comment.describe_table()["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="LATEST")["ShardIterator"]
    room_id = live_room["room_id"]
    watcher = viewer(room_id, sub="watch-f")
    posted = post(room_id, "stream shape check").json()
    watcher.wait_for(lambda e: e["comment"]["comment_id"] == posted["comment_id"])
    records = streams.get_records(ShardIterator=iterator)["Records"]
    mine = [r for r in records if r["dynamodb"]["Keys"]["comment_id"]["S"] == posted["comment_id"]]
    assert mine and mine[0]["eventName"] == "INSERT"
    # WHEN the Lambda handler gets them again (a redelivered batch)
    result = handler({"Records": mine})
    # THEN it decodes and pushes them like the local stream's (clients dedupe by comment id)
    assert result["events"] == 1 and result["nodes"] == 1 and result["failed"] == []
    again = watcher.quiet_for(0.5)
    assert sum(1 for e in again if e["comment"]["comment_id"] == posted["comment_id"]) == 2


@pytest.mark.parametrize("signature", [None, "t=1,v1=00", "garbage", "t={now},v1=" + "0" * 64])
def test_unsigned_or_forged_push_is_refused(push_node, signature):
    body = json.dumps(
        {
            "events": [
                {
                    "type": "comment",
                    "id": "x:1",
                    "room_id": "room-1",
                    "audience": "all",
                    "comment": {"text": "forged"},
                }
            ]
        }
    ).encode()
    headers = {"Content-Type": "application/json"}
    if signature:
        headers[signing.SIGNATURE_HEADER] = signature.format(now=int(time.time()))
    before = push_node.hub.stats.events_in
    response = httpx.post(push_node.url + PUSH_PATH, content=body, headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "bad-push-signature"
    stale = signing.sign(body, now=time.time() - 3600)
    assert (
        httpx.post(push_node.url + PUSH_PATH, content=body, headers={signing.SIGNATURE_HEADER: stale}).status_code
        == 401
    )
    assert push_node.hub.stats.events_in == before


def test_malformed_signed_batch_is_400(push_node):
    before = push_node.hub.stats.events_in
    body = b'{"events": [{"type": "nope"}]}'
    response = httpx.post(
        push_node.url + PUSH_PATH, content=body, headers={signing.SIGNATURE_HEADER: signing.sign(body)}
    )
    assert response.status_code == 400
    assert push_node.hub.stats.events_in == before


@pytest.mark.parametrize(
    ("hello", "code"),
    [
        ("not json", 4400),
        ('{"type": "auth"}', 4400),
        ('{"type": "auth", "token": "forged.token.here"}', 4401),
    ],
)
def test_websocket_refuses_bad_hello(push_node, hello, code):
    with connect(f"ws://127.0.0.1:{push_node.port}/v1/push/rooms/room-1", open_timeout=5) as ws:
        ws.send(hello)
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=5)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == code


def test_websocket_refuses_expired_token(push_node, embedded):
    expired = embedded.issuer.issue("late", "viewer", ttl_seconds=-120)
    with connect(f"ws://127.0.0.1:{push_node.port}/v1/push/rooms/room-1", open_timeout=5) as ws:
        ws.send(json.dumps({"type": "auth", "token": expired}))
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=5)
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 4401 and "expired" in closed.value.rcvd.reason


def test_local_stream_drains(post, live_room):
    post(live_room["room_id"], "drain me")
    assert local_stream.drain(5)


def test_websocket_closes_when_the_token_expires_while_connected(push_node, embedded):
    # GIVEN a token past its exp but inside the verifier's 30 s clock-skew leeway: accepted at hello
    token = embedded.issuer.issue("leeway", "viewer", ttl_seconds=-5)
    with connect(f"ws://127.0.0.1:{push_node.port}/v1/push/rooms/room-1", open_timeout=5) as ws:
        ws.send(json.dumps({"type": "auth", "token": token}))
        assert json.loads(ws.recv(timeout=5))["type"] == "ready"
        # THEN the node closes the socket at once, as it would at the token's expiry
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=5)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
