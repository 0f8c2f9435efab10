"""The rooms function: the shared notion of a live room."""

from __future__ import annotations

from tests.room_helpers import room_key


def test_merchant_creates_and_reads_a_room(client, room):
    response = client.get(f"/v1/rooms/{room['room_id']}")
    assert response.status_code == 200
    assert response.json()["markets"] == ["ID", "DE", "AE"]
    assert response.json()["status"] == "scheduled"


def test_unknown_market_is_refused(client, auth):
    response = client.post(
        "/v1/rooms",
        json={"title": "t", "markets": ["ID", "XX"], "home_market": "CN", "host_language": "en"},
        headers={**auth("merchant"), **room_key()},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "unknown-market"


def test_home_market_only_is_not_a_viewer_market(client, auth):
    response = client.post(
        "/v1/rooms",
        json={"title": "t", "markets": ["CN"], "home_market": "CN", "host_language": "zh-Hans"},
        headers={**auth("merchant"), **room_key()},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "not-a-viewer-market"


def test_only_the_owner_updates_and_nothing_changes_otherwise(client, auth, room):
    other = client.patch(
        f"/v1/rooms/{room['room_id']}", json={"status": "live"}, headers=auth("merchant", sub="merchant-2")
    )
    assert other.status_code == 403
    assert client.get(f"/v1/rooms/{room['room_id']}").json()["status"] == "scheduled"
    mine = client.patch(
        f"/v1/rooms/{room['room_id']}", json={"status": "live"}, headers=auth("merchant", sub="merchant-1")
    )
    assert mine.status_code == 200
    assert mine.json()["status"] == "live"


def test_ended_room_cannot_go_live_again(client, auth, room):
    owner = auth("merchant", sub="merchant-1")
    assert client.patch(f"/v1/rooms/{room['room_id']}", json={"status": "ended"}, headers=owner).status_code == 200
    again = client.patch(f"/v1/rooms/{room['room_id']}", json={"status": "live"}, headers=owner)
    assert again.status_code == 409
    assert client.get(f"/v1/rooms/{room['room_id']}").json()["status"] == "ended"


def test_missing_room_is_404_and_bad_id_is_422(client):
    assert client.get("/v1/rooms/does-not-exist").json()["code"] == "room-not-found"
    assert client.get("/v1/rooms/" + "x" * 100).status_code == 422


def test_rooms_list_by_merchant_newest_first(client, auth):
    headers = auth("merchant", sub="lister")
    ids = []
    for title in ("first", "second"):
        body = {"title": title, "markets": ["ID"], "home_market": "CN", "host_language": "en"}
        ids.append(client.post("/v1/rooms", json=body, headers={**headers, **room_key()}).json()["room_id"])
    listed = [r["room_id"] for r in client.get("/v1/rooms", params={"merchant": "lister"}).json()]
    assert listed == list(reversed(ids))


def test_a_retried_room_creation_returns_the_same_room(client, auth):
    # GIVEN a merchant whose console sends a create and, not hearing back, sends it again
    headers = {**auth("merchant", sub="retrier"), **room_key()}
    body = {"title": "Retried", "markets": ["ID"], "home_market": "CN", "host_language": "en"}
    first = client.post("/v1/rooms", json=body, headers=headers)
    again = client.post("/v1/rooms", json=body, headers=headers)
    # THEN both answers are 201 with the same room, and the merchant has one room
    assert first.status_code == again.status_code == 201, again.text
    assert again.json() == first.json()
    assert [r["room_id"] for r in client.get("/v1/rooms", params={"merchant": "retrier"}).json()] == [
        first.json()["room_id"]
    ]
    # the stored answer stays the creation's answer after the room changed
    client.patch(f"/v1/rooms/{first.json()['room_id']}", json={"status": "live"}, headers=headers)
    assert client.post("/v1/rooms", json=body, headers=headers).json() == first.json()


def test_a_room_key_names_one_request_of_one_merchant(client, auth):
    key = room_key()
    body = {"title": "Keyed", "markets": ["ID"], "home_market": "CN", "host_language": "en"}
    mine = client.post("/v1/rooms", json=body, headers={**auth("merchant", sub="keyed-1"), **key})
    assert mine.status_code == 201
    # the same key with another body: refused, nothing created
    other_body = client.post(
        "/v1/rooms", json={**body, "title": "Other"}, headers={**auth("merchant", sub="keyed-1"), **key}
    )
    assert other_body.status_code == 422 and other_body.json()["code"] == "idempotency-key-reused"
    assert len(client.get("/v1/rooms", params={"merchant": "keyed-1"}).json()) == 1
    # another merchant's same key is another request: another room
    theirs = client.post("/v1/rooms", json=body, headers={**auth("merchant", sub="keyed-2"), **key})
    assert theirs.status_code == 201 and theirs.json()["room_id"] != mine.json()["room_id"]


def test_a_room_create_without_a_key_is_refused(client, auth):
    body = {"title": "Unkeyed", "markets": ["ID"], "home_market": "CN", "host_language": "en"}
    missing = client.post("/v1/rooms", json=body, headers=auth("merchant", sub="unkeyed"))
    assert missing.status_code == 400 and missing.json()["code"] == "idempotency-key-required"
    bad = client.post("/v1/rooms", json=body, headers={**auth("merchant", sub="unkeyed"), "Idempotency-Key": "!"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid-idempotency-key"
    assert client.get("/v1/rooms", params={"merchant": "unkeyed"}).json() == []
