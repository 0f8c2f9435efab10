"""Headers and exposure: nosniff everywhere, no-store on private answers, Swagger UI only locally,
and one answer to who may delete a comment."""

from __future__ import annotations

from functions.shared import config as cfg
from functions.shared.app import create_app


def test_private_answers_are_not_stored_and_nothing_is_sniffed(client, auth):
    mine = client.get("/v1/coupons/mine", headers=auth("viewer", sub="header-viewer", market="ID"))
    assert mine.status_code == 200
    assert mine.headers["x-content-type-options"] == "nosniff"
    assert mine.headers["cache-control"] == "no-store"
    refused = client.post("/v1/rooms", json={})
    assert refused.status_code == 401
    assert refused.headers["x-content-type-options"] == "nosniff"


def test_public_reads_stay_cacheable(client, room):
    public = client.get(f"/v1/rooms/{room['room_id']}")
    assert public.status_code == 200
    assert public.headers["x-content-type-options"] == "nosniff"
    assert "no-store" not in public.headers.get("cache-control", "")


def test_swagger_ui_is_served_only_on_the_embedded_platform(client, monkeypatch):
    assert client.get("/v1/rooms/docs").status_code == 200  # local: its CDN scripts are the developer's choice
    monkeypatch.setenv(cfg.ENV_STAGE, "prod")
    cfg.get_settings.cache_clear()
    try:
        deployed = create_app("probe", "a deployed function")
        assert deployed.docs_url is None
        assert deployed.openapi_url == "/v1/probe/openapi.json"  # the document itself stays
    finally:
        monkeypatch.undo()
        cfg.get_settings.cache_clear()


def test_the_rooms_merchant_may_delete_a_comment_another_merchant_may_not(client, auth, room):
    room_id = room["room_id"]
    assert client.patch(f"/v1/rooms/{room_id}", json={"status": "live"}, headers=auth("merchant", sub="merchant-1"))
    posted = client.post(
        f"/v1/comments/rooms/{room_id}",
        json={"text": "is this scarf real silk"},
        headers={**auth("viewer", sub="deleted-viewer", market="ID"), "Idempotency-Key": "delete-me-0001"},
    )
    assert posted.status_code == 201, posted.text
    path = f"/v1/comments/rooms/{room_id}/comments/{posted.json()['comment_id']}"
    other = client.delete(path, headers=auth("merchant", sub="some-other-merchant"))
    assert other.status_code == 403 and other.json()["code"] == "not-comment-author"
    assert client.delete(path, headers=auth("merchant", sub="merchant-1")).status_code == 204
    doc = client.get("/v1/comments/openapi.json").json()
    assert (
        "the room's merchant" in doc["paths"]["/v1/comments/rooms/{room_id}/comments/{comment_id}"]["delete"]["summary"]
    )
