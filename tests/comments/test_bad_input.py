"""Every bad input to the comment write path: a clear 4xx problem and nothing half-written."""

from __future__ import annotations

import json
import time
import uuid

import pytest

from functions.shared.idempotency import IdempotencyRecord, find, record_id


def _posted(client, room_id, body: bytes, headers):
    return client.post(
        f"/v1/comments/rooms/{room_id}", content=body, headers={"Content-Type": "application/json", **headers}
    )


@pytest.mark.parametrize(
    ("text", "status", "code"),
    [
        ("", 422, "comment-empty"),
        ("   ", 422, "comment-empty"),
        ("a" * 501, 422, "comment-too-long"),
        ("bell\x07", 422, "control-characters"),
        ("new\nline", 422, "control-characters"),
        ("\u202eevil", 422, "control-characters"),
    ],
)
def test_bad_text(post, live_room, room_items, text, status, code):
    response = post(live_room["room_id"], text)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code
    assert room_items(live_room["room_id"]) == []


def test_invalid_utf8_bytes_and_lone_surrogates(client, auth, live_room, room_items):
    headers = {**auth("viewer", sub="enc-1", market="ID"), "Idempotency-Key": uuid.uuid4().hex}
    raw = _posted(client, live_room["room_id"], b'{"text": "caf\xe9 \xff\xfe"}', headers)
    assert 400 <= raw.status_code < 500
    surrogate = _posted(
        client,
        live_room["room_id"],
        b'{"text": "half \\ud800 pair"}',
        {**headers, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert surrogate.status_code == 422 and "unicode" in surrogate.json()["detail"]  # pydantic refuses it first
    assert room_items(live_room["room_id"]) == []


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b'{"text": 5}',
        b'{"text": "hi", "admin": true}',
        b'{"text": "hi", "reply_to": "not-an-id"}',
        b'{"text": "hi", "language": "english please"}',
        b"[]",
    ],
)
def test_malformed_bodies(client, auth, live_room, room_items, body):
    headers = {**auth("viewer", sub="mal-1", market="ID"), "Idempotency-Key": uuid.uuid4().hex}
    response = _posted(client, live_room["room_id"], body, headers)
    assert response.status_code == 422, response.text
    assert room_items(live_room["room_id"]) == []


def test_oversized_body_is_413(client, auth, live_room, room_items):
    headers = {**auth("viewer", sub="big-1", market="ID"), "Idempotency-Key": uuid.uuid4().hex}
    response = _posted(client, live_room["room_id"], json.dumps({"text": "x" * 200_000}).encode(), headers)
    assert response.status_code == 413
    assert room_items(live_room["room_id"]) == []


def test_unknown_room_and_bad_room_id(post):
    assert post("no-such-room", "hello").json()["code"] == "room-not-found"
    assert post("bad room!", "hello").status_code in (404, 422)
    assert post("x" * 100, "hello").status_code == 422


@pytest.mark.parametrize("kind", ["missing", "garbage", "forged", "expired", "wrong-scheme"])
def test_missing_forged_or_expired_token(client, embedded, live_room, room_items, kind):
    from crosslive.dev.issuer import LocalIssuer

    tokens = {
        "missing": None,
        "garbage": "Bearer not.a.jwt",
        "forged": "Bearer " + LocalIssuer().issue("viewer-1", "viewer", market="ID"),  # another key
        "expired": "Bearer " + embedded.issuer.issue("viewer-1", "viewer", market="ID", ttl_seconds=-120),
        "wrong-scheme": "Basic dXNlcjpwYXNz",
    }
    headers = {"Idempotency-Key": uuid.uuid4().hex}
    if tokens[kind]:
        headers["Authorization"] = tokens[kind]
    response = client.post(f"/v1/comments/rooms/{live_room['room_id']}", json={"text": "hi"}, headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert room_items(live_room["room_id"]) == []


def test_replayed_request_stores_nothing_twice(post, live_room, room_items):
    room_id = live_room["room_id"]
    first = post(room_id, "only once please", sub="replayer", key="key-replay-0001")
    assert first.status_code == 201
    # a completed replay is answered with the stored result (draft-ietf-httpapi-idempotency-key-header)
    again = post(room_id, "only once please", sub="replayer", key="key-replay-0001")
    assert again.status_code == 201
    assert again.json() == first.json()
    reused = post(room_id, "something else", sub="replayer", key="key-replay-0001")
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency-key-reused"
    assert [c.comment_id for c in room_items(room_id)] == [first.json()["comment_id"]]
    # the key is per author: another viewer may use the same string
    assert post(room_id, "only once please", sub="someone-else", key="key-replay-0001").status_code == 201


@pytest.mark.parametrize(
    ("key", "code"),
    [
        (None, "idempotency-key-required"),
        ("short", "invalid-idempotency-key"),
        ("bad key with spaces", "invalid-idempotency-key"),
    ],
)
def test_idempotency_key_is_required_and_checked(client, auth, live_room, room_items, key, code):
    headers = auth("viewer", sub="keyless", market="ID")
    if key is not None:
        headers["Idempotency-Key"] = key
    response = client.post(f"/v1/comments/rooms/{live_room['room_id']}", json={"text": "hi"}, headers=headers)
    assert response.status_code == 400 and response.json()["code"] == code
    assert room_items(live_room["room_id"]) == []


@pytest.mark.parametrize(("kind", "code"), [("mute", "author-muted"), ("ban", "author-banned")])
def test_muted_or_banned_author_is_refused(post, live_room, room_items, kind, code):
    from functions.moderation.sanctions import PLATFORM, place, room_scope

    sub = f"sanctioned-{kind}"
    scope = room_scope(live_room["room_id"]) if kind == "mute" else PLATFORM
    place(scope, sub, kind, "mod-1", time.time(), reason="test", duration_seconds=600)
    response = post(live_room["room_id"], "let me talk", sub=sub, key=f"sanction-{kind}-key")
    assert response.status_code == 403, response.text
    assert response.json()["code"] == code
    assert room_items(live_room["room_id"]) == []
    assert find(IdempotencyRecord, record_id("comment", sub, f"sanction-{kind}-key")) is None


def test_bad_list_parameters(client, live_room):
    url = f"/v1/comments/rooms/{live_room['room_id']}"
    assert client.get(url, params={"cursor": "not-a-cursor"}).json()["code"] == "invalid-cursor"
    assert client.get(url, params={"limit": 0}).status_code == 422
    assert client.get(url, params={"lang": "<script>"}).status_code == 422
    assert client.get(url, params={"order": "random"}).status_code == 422
    assert client.get("/v1/comments/rooms/nope-room").status_code == 404


def test_host_view_and_export_need_the_right_person(client, auth, live_room):
    room_id = live_room["room_id"]
    assert client.get(f"/v1/comments/rooms/{room_id}/host").status_code == 401
    assert client.get(f"/v1/comments/rooms/{room_id}/host", headers=auth("viewer")).status_code == 403
    assert client.get(f"/v1/comments/rooms/{room_id}/export.csv", headers=auth("moderator")).status_code == 403
