"""The moderation API: compliance check, mutes and bans, review queue, audit log, and bad input."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import jwt
from fastapi.testclient import TestClient

Auth = Callable[..., dict[str, str]]


def _post_comment(client: TestClient, room_id: str, text: str, headers: dict[str, str]) -> Any:
    return client.post(
        f"/v1/comments/rooms/{room_id}",
        json={"text": text},
        headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
    )


# -- compliance check -------------------------------------------------------------------------


def test_compliance_check_names_each_rule_and_market(client: TestClient, auth: Auth, room: dict[str, Any]) -> None:
    # GIVEN a room of merchant-1 (home CN) broadcasting to ID, DE and AE
    # WHEN the merchant checks a script with an absolute claim, a cure claim and pork
    response = client.post(
        f"/v1/moderation/rooms/{room['room_id']}/compliance-check",
        json={"text": "全网最低价！100%治愈失眠。Premium bacon gift set, heilt alles."},
        headers=auth("merchant", sub="merchant-1"),
    )
    # THEN each broken rule is named with its market
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ok"] is False
    assert body["markets"] == ["ID", "DE", "AE", "CN"]
    found = {(v["rule"], v["market"]) for v in body["violations"]}
    assert {
        ("CN-AD-9-3-absolute", "CN"),
        ("CN-AD-17-medical", "CN"),
        ("AE-restricted-pork", "AE"),
        ("EU-UCPD-I-17-cure", "DE"),
    } <= found


def test_compliance_check_accepts_facts(client: TestClient, auth: Auth, room: dict[str, Any]) -> None:
    response = client.post(
        f"/v1/moderation/rooms/{room['room_id']}/compliance-check",
        json={"text": "100%纯棉围巾，第一件半价，包邮到雅加达"},
        headers=auth("merchant", sub="merchant-1"),
    )
    assert response.status_code == 200 and response.json() == {
        "ok": True,
        "markets": ["ID", "DE", "AE", "CN"],
        "violations": [],
    }


def test_compliance_check_uses_declared_categories(client: TestClient, auth: Auth, room: dict[str, Any]) -> None:
    response = client.post(
        f"/v1/moderation/rooms/{room['room_id']}/compliance-check",
        json={"text": "Gift set number 5", "categories": ["alcohol"]},
        headers=auth("merchant", sub="merchant-1"),
    )
    assert {v["rule"] for v in response.json()["violations"]} == {"AE-restricted-alcohol", "ID-alcohol"}


def test_compliance_check_is_for_the_room_owner_only(client: TestClient, auth: Auth, room: dict[str, Any]) -> None:
    url = f"/v1/moderation/rooms/{room['room_id']}/compliance-check"
    assert client.post(url, json={"text": "hi"}, headers=auth("merchant", sub="merchant-2")).status_code == 403
    assert client.post(url, json={"text": "hi"}).status_code == 401
    assert (
        client.post(
            "/v1/moderation/rooms/no-such-room/compliance-check",
            json={"text": "hi"},
            headers=auth("merchant", sub="merchant-1"),
        ).status_code
        == 404
    )


def test_compliance_check_bad_input(client: TestClient, auth: Auth, room: dict[str, Any]) -> None:
    url = f"/v1/moderation/rooms/{room['room_id']}/compliance-check"
    headers = auth("merchant", sub="merchant-1")
    for body in ({}, {"text": ""}, {"text": 5}, {"text": "x", "extra": 1}, {"text": "x" * 20_001}):
        response = client.post(url, json=body, headers=headers)
        assert response.status_code == 422, body
        assert response.headers["content-type"] == "application/problem+json"
    malformed = client.post(url, content=b"{not json", headers={**headers, "content-type": "application/json"})
    assert malformed.status_code == 422
    invalid_utf8 = client.post(
        url, content=b'{"text": "\xff\xfe"}', headers={**headers, "content-type": "application/json"}
    )
    assert invalid_utf8.status_code in (400, 422)
    oversized = client.post(
        url,
        content=b'{"text": "' + b"a" * 70_000 + b'"}',
        headers={**headers, "content-type": "application/json"},
    )
    assert oversized.status_code == 413


# -- mutes and bans ---------------------------------------------------------------------------


def test_room_mute_rejects_comments_until_lifted_and_is_audited(
    client: TestClient, auth: Auth, room: dict[str, Any]
) -> None:
    room_id = room["room_id"]
    troll = auth("viewer", sub="troll-1", market="ID")
    assert _post_comment(client, room_id, "halo kak", troll).status_code == 201
    # WHEN the merchant mutes the troll for ten minutes
    response = client.put(
        f"/v1/moderation/rooms/{room_id}/sanctions/troll-1",
        json={"kind": "mute", "duration_seconds": 600, "reason": "spam"},
        headers=auth("merchant", sub="merchant-1"),
    )
    assert response.status_code == 200 and response.json()["kind"] == "mute"
    # THEN their next comment is refused, with the reason
    refused = _post_comment(client, room_id, "halo lagi kak", troll)
    assert refused.status_code == 403 and refused.json()["code"] == "author-muted"
    listed = client.get(f"/v1/moderation/rooms/{room_id}/sanctions", headers=auth("merchant", sub="merchant-1"))
    assert [s["sub"] for s in listed.json()] == ["troll-1"]
    # WHEN the mute is lifted THEN they may comment again
    assert (
        client.delete(
            f"/v1/moderation/rooms/{room_id}/sanctions/troll-1", headers=auth("moderator", sub="mod-1")
        ).status_code
        == 204
    )
    assert _post_comment(client, room_id, "maaf kak", troll).status_code == 201
    # and lifting again is a clear 404 that changes nothing
    assert (
        client.delete(
            f"/v1/moderation/rooms/{room_id}/sanctions/troll-1", headers=auth("moderator", sub="mod-1")
        ).status_code
        == 404
    )
    audit = client.get(f"/v1/moderation/rooms/{room_id}/audit", headers=auth("merchant", sub="merchant-1")).json()
    assert [(e["action"], e["target_sub"]) for e in audit][:2] == [("unmute", "troll-1"), ("mute", "troll-1")]
    assert audit[1]["actor_sub"] == "merchant-1" and audit[1]["reason"] == "spam"


def test_platform_ban_needs_a_moderator(client: TestClient, auth: Auth, room: dict[str, Any]) -> None:
    url = "/v1/moderation/sanctions/spammer-9"
    assert client.put(url, json={"kind": "ban"}, headers=auth("merchant", sub="merchant-1")).status_code == 403
    assert client.put(url, json={"kind": "ban"}, headers=auth("viewer", sub="v-1")).status_code == 403
    response = client.put(url, json={"kind": "ban", "reason": "bot"}, headers=auth("moderator", sub="mod-1"))
    assert response.status_code == 200 and response.json()["expires_at"] is None
    refused = _post_comment(client, room["room_id"], "hello", auth("viewer", sub="spammer-9", market="DE"))
    assert refused.status_code == 403 and refused.json()["code"] == "author-banned"
    audit = client.get("/v1/moderation/audit", headers=auth("admin", sub="admin-1")).json()
    assert any(e["action"] == "ban" and e["target_sub"] == "spammer-9" for e in audit)
    assert client.delete(url, headers=auth("moderator", sub="mod-1")).status_code == 204


def test_sanction_authorization_and_bad_input(client: TestClient, auth: Auth, room: dict[str, Any]) -> None:
    url = f"/v1/moderation/rooms/{room['room_id']}/sanctions/victim-1"
    # another merchant, a viewer, no token, a forged token
    assert client.put(url, json={"kind": "mute"}, headers=auth("merchant", sub="merchant-2")).status_code == 403
    assert client.put(url, json={"kind": "mute"}, headers=auth("viewer", sub="v-2")).status_code == 403
    assert client.put(url, json={"kind": "mute"}).status_code == 401
    forged = jwt.encode(
        {
            "sub": "merchant-1",
            "cognito:groups": ["moderator"],
            "token_use": "id",
            "iss": "crosslive-local",
            "aud": "crosslive",
            "exp": 4_000_000_000,
            "iat": 1_700_000_000,
        },
        "not-the-key",
        algorithm="HS256",
    )
    assert client.put(url, json={"kind": "mute"}, headers={"Authorization": f"Bearer {forged}"}).status_code == 401
    headers = auth("merchant", sub="merchant-1")
    for body in (
        {},
        {"kind": "kick"},
        {"kind": "mute", "duration_seconds": 5},
        {"kind": "mute", "duration_seconds": 10**9},
        {"kind": "mute", "reason": "x" * 501},
        {"kind": "mute", "extra": True},
    ):
        assert client.put(url, json=body, headers=headers).status_code == 422, body
    assert (
        client.put(
            f"/v1/moderation/rooms/{room['room_id']}/sanctions/bad%20sub!",
            json={"kind": "mute"},
            headers=headers,
        ).status_code
        == 422
    )
    assert (
        client.put(
            f"/v1/moderation/rooms/{room['room_id']}/sanctions/merchant-1",
            json={"kind": "mute"},
            headers=headers,
        ).status_code
        == 422
    )  # nobody mutes themself
    # nothing was written by any of the refused requests
    assert client.get(f"/v1/moderation/rooms/{room['room_id']}/sanctions", headers=headers).json() == []
    assert client.get(f"/v1/moderation/rooms/{room['room_id']}/audit", headers=headers).json() == []


# -- review queue -----------------------------------------------------------------------------


def test_held_comment_is_approved_once(client: TestClient, auth: Auth, room: dict[str, Any]) -> None:
    room_id = room["room_id"]
    viewer = auth("viewer", sub="linker-1", market="DE")
    posted = _post_comment(client, room_id, "cheaper scarves at www.other-shop.de", viewer)
    assert posted.status_code == 201, posted.text
    comment_id = posted.json()["comment_id"]
    queue = client.get(f"/v1/comments/rooms/{room_id}/queue", headers=auth("merchant", sub="merchant-1"))
    assert [c["comment_id"] for c in queue.json()] == [comment_id]
    assert client.get(f"/v1/comments/rooms/{room_id}/queue", headers=viewer).status_code == 403
    # WHEN a moderator approves it THEN it is published, leaves the queue and the action is audited
    approved = client.post(
        f"/v1/comments/rooms/{room_id}/queue/{comment_id}/approve",
        json={"reason": "ok"},
        headers=auth("moderator", sub="mod-2"),
    )
    assert approved.status_code == 200 and approved.json()["status"] == "published"
    assert client.get(f"/v1/comments/rooms/{room_id}/queue", headers=auth("moderator", sub="mod-2")).json() == []
    # WHEN the same decision (or the opposite one) is replayed THEN 409 and nothing changes
    for decision in ("approve", "reject"):
        replay = client.post(
            f"/v1/comments/rooms/{room_id}/queue/{comment_id}/{decision}",
            headers=auth("moderator", sub="mod-2"),
        )
        assert replay.status_code == 409 and replay.json()["code"] == "not-held"
    audit = client.get(f"/v1/moderation/rooms/{room_id}/audit", headers=auth("moderator", sub="mod-2")).json()
    assert [(e["action"], e["comment_id"]) for e in audit] == [("approve", comment_id)]


def test_held_comment_rejected_and_unknown_ids(client: TestClient, auth: Auth, room: dict[str, Any]) -> None:
    room_id = room["room_id"]
    posted = _post_comment(client, room_id, "WhatsApp saya +62 812 3456 7890", auth("viewer", sub="wa-1", market="ID"))
    comment_id = posted.json()["comment_id"]
    mod = auth("merchant", sub="merchant-1")
    assert (
        client.post(f"/v1/comments/rooms/{room_id}/queue/{comment_id}/reject", headers=mod).json()["status"]
        == "rejected"
    )
    assert client.post(f"/v1/comments/rooms/{room_id}/queue/nope/approve", headers=mod).status_code == 404
    assert (
        client.post(
            f"/v1/comments/rooms/{room_id}/queue/{comment_id}/approve",
            headers=auth("merchant", sub="merchant-2"),
        ).status_code
        == 403
    )
