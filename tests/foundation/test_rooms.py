"""The rooms function: the shared notion of a live room."""

from __future__ import annotations


def test_merchant_creates_and_reads_a_room(client, room):
    response = client.get(f"/v1/rooms/{room['room_id']}")
    assert response.status_code == 200
    assert response.json()["markets"] == ["ID", "DE", "AE"]
    assert response.json()["status"] == "scheduled"


def test_unknown_market_is_refused(client, auth):
    response = client.post(
        "/v1/rooms",
        json={"title": "t", "markets": ["ID", "XX"], "home_market": "CN", "host_language": "en"},
        headers=auth("merchant"),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "unknown-market"


def test_home_market_only_is_not_a_viewer_market(client, auth):
    response = client.post(
        "/v1/rooms",
        json={"title": "t", "markets": ["CN"], "home_market": "CN", "host_language": "zh-Hans"},
        headers=auth("merchant"),
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
        ids.append(client.post("/v1/rooms", json=body, headers=headers).json()["room_id"])
    listed = [r["room_id"] for r in client.get("/v1/rooms", params={"merchant": "lister"}).json()]
    assert listed == list(reversed(ids))
